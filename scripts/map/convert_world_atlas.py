#!/usr/bin/env python3
"""Converts world-atlas countries-110m.json (TopoJSON, Natural Earth 1:110m, public
domain) into data/world-110m.json: one entry per country with its rings as flat
[lon, lat, lon, lat, ...] lists rounded to 0.1 degree.

    npm install --prefix /tmp/wa world-atlas@2
    python3 scripts/map/convert_world_atlas.py /tmp/wa/node_modules/world-atlas/countries-110m.json data/world-110m.json
"""
import json
import sys


def main(src, dst):
    topo = json.load(open(src))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(idx):
        out = []
        for i in idx:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        flat = []
        last = None
        for lon, lat in out:
            p = (round(lon, 1), round(lat, 1))
            if p != last:
                flat.extend(p)
                last = p
        return flat

    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = []
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        rings = [ring(r) for p in polys for r in p]
        rings = [r for r in rings if len(r) >= 6]
        countries.append({"id": g.get("id"), "name": g["properties"].get("name"), "rings": rings})
    with open(dst, "w") as f:
        json.dump({"source": "Natural Earth 1:110m via world-atlas 2 (public domain)", "countries": countries},
                  f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
