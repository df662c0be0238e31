"""Boundary geometry for the maps: coordinates rounded, and a whole coverage simplified at once."""

from __future__ import annotations

import shapely
from shapely.geometry import mapping, shape

#: Coverage simplification tolerance (degrees) per level for the national maps: drawn at country scale, the
#: boundaries as stored carry more detail than a screen shows, and the browser parses every vertex (deck.gl
#: reads its JSON with a slow JSON5 parser). Shared borders stay shared (no slivers between neighbours).
SIMPLIFY = {"kommune": 0.02, "fylke": 0.03}


def round_coords(coords, digits: int):
    """GeoJSON coordinates of any depth with every number rounded to `digits` decimals."""
    if isinstance(coords, list | tuple):
        if coords and isinstance(coords[0], int | float):
            return [round(c, digits) for c in coords]
        return [round_coords(c, digits) for c in coords]
    return coords


def simplified(geometries: dict[str, dict], tolerance: float, digits: int = 3) -> dict[str, dict]:
    """Geometries (code → GeoJSON dict) simplified together as one coverage, coordinates rounded (3 decimals:
    about 100 m north–south), and consecutive repeated points dropped; an area never disappears."""
    if not geometries:
        return {}
    codes = list(geometries)
    shapes = [shape(geometries[c]) for c in codes]
    shapes = [g if g.is_valid else shapely.make_valid(g) for g in shapes]
    polygonal = [shapely.get_parts(g) for g in shapes]
    shapes = [shapely.multipolygons([p for p in parts if p.geom_type == "Polygon"]) for parts in polygonal]
    out = {}
    for code, original, simple in zip(codes, geometries.values(), shapely.coverage_simplify(shapes, tolerance),
                                      strict=True):
        geom = mapping(simple) if not simple.is_empty else original
        out[code] = {"type": geom["type"], "coordinates": _dedupe(round_coords(geom["coordinates"], digits))}
    return out


def _dedupe(coords):
    if coords and isinstance(coords[0], list | tuple) and coords[0] and isinstance(coords[0][0], int | float):
        return [p for i, p in enumerate(coords) if i == 0 or p != coords[i - 1]]
    return [_dedupe(c) for c in coords]
