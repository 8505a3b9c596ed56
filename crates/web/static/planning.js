// The planning map: the places people arrive at, each a circle whose size grows with the
// arrivals no hub covered there and whose colour deepens with their share, over the country
// outlines shipped with the server (no tile server needed), and the hubs with how far they
// reach. The gaps table beside it says the same in words for people who cannot see the map.
(function () {
  "use strict";
  var el = document.getElementById("planning-map");
  if (!el || !window.L) return;
  function said(name) { return el.getAttribute("data-" + name) || ""; }
  function json(url) { return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }); }

  var map = L.map(el, { zoomSnap: 0.5, zoomControl: false }).setView([47.5, 25], 5);
  L.control.zoom({ zoomInTitle: said("zoom-in"), zoomOutTitle: said("zoom-out") }).addTo(map);
  map.attributionControl.addAttribution("Natural Earth");
  json(said("outlines")).then(function (outlines) {
    L.geoJSON(outlines, {
      interactive: false,
      style: { color: "#6b7b8c", weight: 1, fillColor: "#f3f1ea", fillOpacity: 1 }
    }).addTo(map).bringToBack();
  }).catch(function () {});

  // From pale yellow (few missed) to deep red (most missed), readable on the outlines.
  function colour(share) {
    var stops = ["#fed976", "#fd8d3c", "#e31a1c", "#800026"];
    return stops[Math.min(stops.length - 1, Math.floor(share * stops.length))];
  }

  json(said("geojson")).then(function (data) {
    var places = data.features.filter(function (f) { return f.properties.kind === "place"; });
    var most = places.reduce(function (m, f) { return Math.max(m, f.properties.missed); }, 1);
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, at) {
        var p = f.properties;
        if (p.kind === "hub") {
          L.circle(at, { radius: p.reach_m, color: "#1a5fb4", weight: 1, fillOpacity: 0.06, interactive: false }).addTo(map);
          return L.circleMarker(at, { radius: 5, color: "#fff", weight: 2, fillColor: "#1a5fb4", fillOpacity: 1 });
        }
        var share = p.arrived > 0 ? p.missed / p.arrived : 0;
        return L.circleMarker(at, {
          radius: 5 + 20 * Math.sqrt(p.missed / most),
          color: "#5a0016", weight: 1, fillColor: colour(share), fillOpacity: 0.8
        });
      },
      onEachFeature: function (f, marker) {
        marker.bindTooltip(f.properties.label || f.properties.name);
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 9 });
  }).catch(function () {});
})();
