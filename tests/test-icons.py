#!/usr/bin/env python3
"""Checks the app icons: the full-colour icon is a 128x128 SVG, the symbolic one a 16x16 SVG
drawn with filled shapes of one colour only (GTK recolours fills, not strokes), no raster
images or text in either. Prints TAP.

    test-icons.py SCALABLE.svg SYMBOLIC.svg
"""
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
results = []


def check(cond, what):
    results.append((bool(cond), what))


def load(path):
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        check(False, f"{path} is readable SVG ({e})")
        return None


def colours(root):
    found = set()
    for el in root.iter():
        for attr in ("fill", "stroke", "stop-color"):
            v = el.get(attr)
            if v and v not in ("none",) and not v.startswith("url("):
                found.add((attr, v.lower()))
        for m in re.finditer(r"(fill|stroke|stop-color)\s*:\s*([^;]+)", el.get("style", "")):
            if m.group(2).strip() != "none":
                found.add((m.group(1), m.group(2).strip().lower()))
    return found


scalable_path, symbolic_path = sys.argv[1], sys.argv[2]

root = load(scalable_path)
if root is not None:
    check(root.tag == SVG + "svg", "scalable icon is an SVG")
    check(root.get("width") == "128" and root.get("height") == "128"
          and root.get("viewBox") == "0 0 128 128", "scalable icon is 128x128")
    check(not list(root.iter(SVG + "image")) and not list(root.iter(SVG + "text")),
          "scalable icon has no raster image or text")
    check(len(colours(root)) >= 3, "scalable icon is in colour")

root = load(symbolic_path)
if root is not None:
    check(root.tag == SVG + "svg", "symbolic icon is an SVG")
    check(root.get("width") == "16" and root.get("height") == "16"
          and root.get("viewBox") == "0 0 16 16", "symbolic icon is 16x16")
    cols = colours(root)
    check(all(attr == "fill" for attr, _ in cols), "symbolic icon uses fills only: %s" % sorted(cols))
    check(len({v for _, v in cols}) == 1, "symbolic icon has one colour: %s" % sorted({v for _, v in cols}))
    check(not list(root.iter(SVG + "linearGradient")) and not list(root.iter(SVG + "radialGradient"))
          and not list(root.iter(SVG + "image")) and not list(root.iter(SVG + "text")),
          "symbolic icon has no gradient, raster image or text")

for i, (ok, what) in enumerate(results, 1):
    print("ok" if ok else "not ok", i, "-", what)
print(f"1..{len(results)}")
sys.exit(0 if all(ok for ok, _ in results) else 1)
