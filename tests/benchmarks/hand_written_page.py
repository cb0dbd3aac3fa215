"""The benchmark's yardstick: a minimal hand-written Leaflet page for a point layer.

Leaflet alone (inlined, as the real map is), the same points and the same
popup texts as the real map (both names, cluster, zone, source, accuracy) as
compact arrays with repeated values stored once, circle markers on a canvas.

    python tests/benchmarks/hand_written_page.py POINTS.geojson OUT.html
    python tests/benchmarks/hand_written_page.py POINTS.geojson OUT.html --supercluster

With --supercluster the points are indexed with supercluster (the copy this package ships)
and only the clusters and points of the view are drawn, anew at each move.
"""

from __future__ import annotations

import json
import sys

from geo.webmap.assets import resolve
from geo.webmap.overlays import SUPERCLUSTER

LEAFLET = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/"

SCRIPT = """
var map = L.map("m", {preferCanvas: true}).setView([26.85, 112.6], 12);
var colors = ["#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
function v(c, i) { return c[0][c[1][i]]; }
function open(e) {
  var r = e.target.options.row, p = document.createElement("div");
  p.textContent = [d.zh[r], d.en[r], v(d.cluster, r), v(d.zone_id, r), v(d.source, r), v(d.accuracy_m, r)].join(" / ");
  L.popup().setLatLng(e.latlng).setContent(p).openOn(map);
}
function marker(i) {
  return L.circleMarker([d.y[i], d.x[i]], {radius: 5, color: colors[d.cluster[1][i] % 8], row: i}).on("click", open);
}
"""
EVERY_POINT = """
for (var i = 0; i < d.x.length; i++) marker(i).addTo(map);
"""
CLUSTERED = """
var points = [];
for (var i = 0; i < d.x.length; i++) {
  points.push({type: "Feature", properties: {row: i}, geometry: {type: "Point", coordinates: [d.x[i], d.y[i]]}});
}
var index = new Supercluster({radius: 60, maxZoom: 16}).load(points), shown = L.layerGroup().addTo(map);
function draw() {
  var b = map.getBounds();
  shown.clearLayers();
  index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom()).forEach(function (c) {
    var p = c.properties, xy = c.geometry.coordinates;
    var disc = {radius: 12, color: "#fff", fillColor: "#555", fillOpacity: 0.8};
    shown.addLayer(p.cluster ? L.circleMarker([xy[1], xy[0]], disc) : marker(p.row));
  });
}
map.on("moveend", draw);
draw();
"""


def main(source: str, out: str, *flags: str) -> None:
    with open(source, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    props = [f["properties"] for f in features]

    def stored_once(key: str) -> list:
        values = sorted({str(p[key]) for p in props})
        index = {value: i for i, value in enumerate(values)}
        return [values, [index[str(p[key])] for p in props]]

    data = {
        "x": [f["geometry"]["coordinates"][0] for f in features],
        "y": [f["geometry"]["coordinates"][1] for f in features],
        "zh": [p["name_zh"] for p in props],
        "en": [p["name_en"] for p in props],
        **{key: stored_once(key) for key in ("cluster", "zone_id", "source", "accuracy_m")},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    clustered = "--supercluster" in flags
    library = f"<script>{resolve(SUPERCLUSTER)}</script>" if clustered else ""
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{resolve(LEAFLET + "leaflet.css")}</style>'
        f"<script>{resolve(LEAFLET + 'leaflet.js')}</script>{library}"
        "<style>html,body,#m{height:100%;margin:0}</style></head>"
        f'<body><div id="m"></div><script>var d={text};{SCRIPT}{CLUSTERED if clustered else EVERY_POINT}</script>'
        "</body></html>"
    )
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(page)


if __name__ == "__main__":
    main(*sys.argv[1:])
