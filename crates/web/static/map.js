// The interactive map: hubs on a tile basemap when one is configured, otherwise on country
// outlines and town names shipped with the server, so it works with no tile server and offline.
// Hubs close together are one marker with a count that spreads as the map zooms in; every marker
// is reachable with the keyboard (Tab, then Enter opens it), and the map's own controls speak the
// page's language.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  function said(name) { return el.getAttribute("data-" + name) || ""; }
  function json(url) { return fetch(url).then(function (r) { return r.json(); }); }
  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) node.className = cls;
    return node;
  }

  var map = L.map(el, { zoomSnap: 0.5, zoomControl: false, minZoom: 4, maxZoom: 18 }).setView([47.5, 25], 5);
  L.control.zoom({ zoomInTitle: said("zoom-in"), zoomOutTitle: said("zoom-out") }).addTo(map);
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) {
      close.setAttribute("aria-label", said("close"));
      close.title = said("close");
    }
  });

  var tiles = said("tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: said("attribution") }).addTo(map);
  } else {
    json(said("outlines")).then(function (outlines) {
      L.geoJSON(outlines, {
        interactive: false,
        style: { color: "#6b7b8c", weight: 1, fillColor: "#f3f1ea", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    }).catch(function () {});
    map.attributionControl.addAttribution("Natural Earth, GeoNames");
    // Town names wait until the hubs are drawn and the phone is idle: the hubs come first.
    var later = window.requestIdleCallback || function (f) { setTimeout(f, 200); };
    map.whenReady(function () { later(placeNames, { timeout: 2000 }); });
  }

  // Town names under the hubs: the largest at a country's scale, smaller ones as the map zooms.
  function placeNames() {
    map.createPane("places");
    // Above the country outlines (400), below the hubs (600).
    map.getPane("places").style.zIndex = 450;
    map.getPane("places").style.pointerEvents = "none";
    json(said("places")).then(function (places) {
      var labels = places.features.map(function (f) {
        var c = f.geometry.coordinates;
        return {
          population: f.properties.population,
          marker: L.marker([c[1], c[0]], {
            pane: "places", interactive: false, keyboard: false,
            icon: L.divIcon({ className: "place-name", html: text("span", f.properties.name), iconSize: null })
          })
        };
      });
      // Largest first (the data's order); a town whose name would touch one already placed
      // is left out at this zoom.
      function show() {
        var z = map.getZoom();
        var least = z >= 9 ? 50000 : z >= 7.5 ? 100000 : z >= 6.5 ? 250000 : 500000;
        var placed = [];
        labels.forEach(function (l) {
          var at = map.latLngToContainerPoint(l.marker.getLatLng());
          var clear = placed.every(function (p) {
            return Math.abs(p.x - at.x) > 90 || Math.abs(p.y - at.y) > 18;
          });
          var wanted = l.population >= least && clear;
          if (wanted) placed.push(at);
          if (wanted && !map.hasLayer(l.marker)) l.marker.addTo(map);
          if (!wanted && map.hasLayer(l.marker)) l.marker.remove();
        });
      }
      map.on("zoomend moveend", show);
      show();
    }).catch(function () {});
  }

  var clusters = (L.markerClusterGroup || L.featureGroup)({
    showCoverageOnHover: false,
    // Groups at least 60 px apart, so no two markers crowd one finger.
    maxClusterRadius: 60,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      return L.divIcon({ className: "hub-cluster", html: text("span", String(count)), iconSize: [40, 40] });
    }
  });
  // Clusters are markers too: each gets a name a screen reader can say.
  function nameClusters() {
    Array.prototype.forEach.call(el.querySelectorAll(".hub-cluster"), function (icon) {
      icon.setAttribute("aria-label", icon.textContent + " · " + said("cluster"));
      icon.title = said("cluster");
    });
  }
  clusters.on("animationend", nameClusters);
  map.on("moveend zoomend", nameClusters);

  var label = said("open-label");
  json(said("hubs")).then(function (data) {
    var bySlug = {};
    L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.marker(latlng, {
          title: feature.properties.name,
          keyboard: true,
          riseOnHover: true,
          icon: L.divIcon({ className: "hub-dot " + feature.properties.openClass, iconSize: [26, 26] })
        });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var box = document.createElement("div");
        box.appendChild(text("strong", p.name));
        box.appendChild(text("div", p.kind, "meta"));
        box.appendChild(text("div", p.open, "state " + p.openClass));
        var link = text("a", label);
        link.href = p.url;
        box.appendChild(link);
        marker.bindPopup(box);
        bySlug[p.url.split("/").pop()] = marker;
        clusters.addLayer(marker);
      }
    });
    map.addLayer(clusters);
    if (data.features.length) map.fitBounds(clusters.getBounds(), { padding: [20, 20] });
    nameClusters();
    // "Show on map" from a hub's page: that hub, close up, open.
    var wanted = bySlug[decodeURIComponent(location.hash.slice(1))];
    if (wanted) {
      var open = function () {
        map.setView(wanted.getLatLng(), Math.max(map.getZoom(), 10));
        wanted.openPopup();
      };
      if (clusters.zoomToShowLayer) clusters.zoomToShowLayer(wanted, open);
      else open();
    }
  });
})();
