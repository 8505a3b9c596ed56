// The interactive map: hubs on a tile basemap when one is configured, otherwise on country
// outlines shipped with the server, so it works with no tile server and offline.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.5 }).setView([47.5, 25], 5);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
  } else {
    fetch(el.getAttribute("data-outlines")).then(function (r) { return r.json(); }).then(function (outlines) {
      L.geoJSON(outlines, {
        interactive: false,
        style: { color: "#6b7b8c", weight: 1, fillColor: "#f3f1ea", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    }).catch(function () {});
    map.attributionControl.addAttribution("Natural Earth");
  }
  var label = el.getAttribute("data-open-label");
  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) node.className = cls;
    return node;
  }
  fetch(el.getAttribute("data-hubs")).then(function (r) { return r.json(); }).then(function (data) {
    var bySlug = {};
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 9, weight: 3, color: "#ffffff", fillColor: "#0b5cab", fillOpacity: 1
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
        marker.bindTooltip(p.name);
        bySlug[p.url.split("/").pop()] = marker;
      }
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    var wanted = decodeURIComponent(location.hash.slice(1));
    if (bySlug[wanted]) {
      map.setView(bySlug[wanted].getLatLng(), 11);
      bySlug[wanted].openPopup();
    }
  });
})();
