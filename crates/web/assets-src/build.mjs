// Copies the front-end libraries and derives the offline data files the server embeds:
//   static/vendor/leaflet/      Leaflet's built files (the interactive map)
//   static/vendor/countries.geojson  Natural Earth country outlines (world-atlas, 1:50m) around
//                                    the network, the basemap when no tile server is configured
//   static/vendor/markercluster/  Leaflet.markercluster's built files (hubs grouped on the map)
// The gazetteer (data/gazetteer.tsv) is built by scripts/gazetteer/build.py.
// Run `npm ci && npm run build` here after changing a version; commit the outputs.
import { createRequire } from "node:module";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, "..");

// Leaflet
const leafletDist = join(dirname(require.resolve("leaflet/package.json")), "dist");
const leafletOut = join(web, "static/vendor/leaflet");
mkdirSync(leafletOut, { recursive: true });
for (const f of ["leaflet.js", "leaflet.css", "LICENSE"]) {
  const src = f === "LICENSE" ? join(leafletDist, "..", "LICENSE") : join(leafletDist, f);
  copyFileSync(src, join(leafletOut, f));
}

// Country outlines around the network (Europe between Italy and the Black Sea).
const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"));
const box = { west: 5, east: 42, south: 35, north: 56 };
const round = (c) => (typeof c[0] === "number" ? [+c[0].toFixed(3), +c[1].toFixed(3)] : c.map(round));
const inBox = (f) => {
  let hit = false;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      if (c[0] >= box.west && c[0] <= box.east && c[1] >= box.south && c[1] <= box.north) hit = true;
    } else c.forEach(walk);
  };
  walk(f.geometry.coordinates);
  return hit;
};
const countries = feature(topo, topo.objects.countries).features.filter((f) => f.geometry && inBox(f));
const geojson = {
  type: "FeatureCollection",
  features: countries.map((f) => ({
    type: "Feature",
    properties: { name: f.properties.name },
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
  })),
};
writeFileSync(join(web, "static/vendor/countries.geojson"), JSON.stringify(geojson));

// Marker clusters (Leaflet.markercluster): hubs close together on a small screen are one
// marker with a count, which spreads as the map zooms in.
const clusterDist = join(dirname(require.resolve("leaflet.markercluster/package.json")), "dist");
const clusterOut = join(web, "static/vendor/markercluster");
mkdirSync(clusterOut, { recursive: true });
for (const f of ["leaflet.markercluster.js", "MarkerCluster.css"]) {
  // Without the source map line: the map is not shipped, and browsers would ask for it.
  const text = readFileSync(join(clusterDist, f), "utf8").replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
  writeFileSync(join(clusterOut, f), text);
}
copyFileSync(join(clusterDist, "..", "MIT-LICENCE.txt"), join(clusterOut, "LICENSE"));

console.log(`leaflet and markercluster copied; ${geojson.features.length} country outlines`);
