"""A static SVG drawing of a choropleth exactly as deck.gl draws it (Web Mercator, the deck's centre and zoom).

The drawing lies beneath the interactive map (components.deck_map): it is what the reader sees until deck.gl has
drawn (with software WebGL that takes a second or more after the page has arrived), what a browser without
WebGL shows, and what is printed (a WebGL canvas often prints blank).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pydeck as pdk
import shapely

from dashboard.maps import MARKER_LINE_PX, MARKER_RADIUS_PX, SEA, Area, draws_outlines, marker_position
from dashboard.theme import HIGHLIGHT

#: The width the path data covers, wider than any map column: the view's centre is in its middle, and the drawing
#: shows as much of it as its box is wide, centred, as deck.gl shows its view centred in whatever width it gets.
DRAWING_WIDTH = 2400
#: Coordinates are whole half-pixels (the path data is short; half a pixel does not show).
UNITS_PER_PX = 2
#: Boundaries are simplified together (no gaps between neighbours) to within this many pixels.
TOLERANCE_PX = 0.5


@dataclass(frozen=True)
class Frame:
    """Where the drawing looks: the deck's centre and zoom, and the box's height in pixels."""

    longitude: float
    latitude: float
    zoom: float
    height: int


def frame_of(view: pdk.ViewState, height: int) -> Frame:
    """The Frame of a pydeck ViewState (longitude, latitude, zoom) in a box `height` px tall."""
    return Frame(view.longitude, view.latitude, view.zoom, height)


def world_px(lon: float | np.ndarray, lat: float | np.ndarray, zoom: float) -> tuple:
    """Web Mercator pixel position (x, y) of lon/lat (numbers or arrays) at a deck.gl zoom (the world is 512 px
    wide at zoom 0)."""
    size = 512 * 2 ** zoom
    y = np.log(np.tan(math.pi / 4 + np.radians(np.clip(lat, -85.0, 85.0)) / 2))
    return (np.asarray(lon) + 180) / 360 * size, (1 - y / math.pi) / 2 * size


def _projector(frame: Frame) -> Callable[[np.ndarray], np.ndarray]:
    cx, cy = world_px(frame.longitude, frame.latitude, frame.zoom)
    x0, y0 = cx - DRAWING_WIDTH / 2, cy - frame.height / 2

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = world_px(coords[:, 0], coords[:, 1], frame.zoom)
        return np.column_stack([(x - x0) * UNITS_PER_PX, (y - y0) * UNITS_PER_PX])

    return project


def _ring_path(coords: np.ndarray) -> str:
    """One closed ring as relative SVG path data in whole units ('M12 34l3-1 ...z'); '' if it would not show."""
    pts = np.rint(coords).astype(np.int64)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) > 1 and (pts[0] == pts[-1]).all():
        pts = pts[:-1]
    if len(pts) < 3:
        return ""
    steps = np.diff(pts, axis=0)
    text = "".join(f" {v}" if v >= 0 else str(v) for v in steps.ravel().tolist())  # '3-1' needs no space
    return f"M{pts[0][0]} {pts[0][1]}l{text[1:] if text.startswith(' ') else text}z"


def _geometry_path(geom: shapely.Geometry) -> str:
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom] if geom.geom_type == "Polygon" else []
    return "".join(_ring_path(np.asarray(ring.coords)) for p in polys for ring in (p.exterior, *p.interiors))


def _shape(geometry: dict) -> shapely.Geometry:
    """A shapely (Multi)Polygon of a GeoJSON geometry, without the rings its rounding left degenerate."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    parts = [shapely.Polygon(p[0], [r for r in p[1:] if len(r) >= 4]) for p in polys if p and len(p[0]) >= 4]
    return shapely.MultiPolygon(parts) if len(parts) != 1 else parts[0]


def area_paths(geometries: Mapping[str, dict], frame: Frame) -> dict[str, str]:
    """SVG path data per code for GeoJSON geometries drawn in `frame` (simplified as one coverage, so
    neighbours keep their shared boundary). Costs tens of milliseconds: cache it per level and frame."""
    codes = list(geometries)
    project = _projector(frame)
    shapes = [shapely.transform(_shape(geometries[c]), project) for c in codes]
    simple = shapely.coverage_simplify(shapes, TOLERANCE_PX * UNITS_PER_PX)
    return {c: _geometry_path(g) for c, g in zip(codes, simple, strict=True)}


def drawing_svg(areas: Sequence[Area], paths: Mapping[str, str], frame: Frame, *, title: str,
                outlines: bool | None = None) -> str:
    """The areas filled with their colours on the sea colour, as maps.choropleth draws them in `frame`:
    boundaries where the deck draws them (the highlighted one orange), else an orange ring on the highlighted
    area. paths: area_paths for the same frame. An SVG document frame.height px tall and as wide as the box it is
    shown in (the map's centre in the middle of it)."""
    outlines = draws_outlines(len(areas)) if outlines is None else outlines
    by_colour: dict[str, list[str]] = {}
    for a in areas:
        if not a.highlight or not outlines:
            by_colour.setdefault(a.colour, []).append(paths.get(a.code, ""))
    stroke = ' stroke="#FFFFFF" stroke-opacity="0.27" stroke-width="1"' if outlines else ""
    body = [f'<path d="{"".join(ds)}" fill="{html.escape(colour)}" fill-rule="evenodd"{stroke}/>'
            for colour, ds in by_colour.items()]
    for a in (a for a in areas if a.highlight):
        if outlines:
            body.append(f'<path d="{paths.get(a.code, "")}" fill="{html.escape(a.colour)}" fill-rule="evenodd" '
                        f'stroke="{HIGHLIGHT}" stroke-width="{3 * UNITS_PER_PX}"/>')
        else:
            (x, y), = _projector(frame)(np.array([marker_position(a.geometry)]))
            body.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{MARKER_RADIUS_PX * UNITS_PER_PX}" fill="none" '
                        f'stroke="{HIGHLIGHT}" stroke-width="{MARKER_LINE_PX * UNITS_PER_PX}"/>')
    # No width and no viewBox: the picture is as wide as the box it is shown in (300 px before the stylesheet
    # has arrived), unscaled, with the view's centre in the middle (x="50%"), as deck.gl centres its view.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" height="{frame.height}" role="img">'
            f'<title>{html.escape(title)}</title><rect width="100%" height="100%" fill="{SEA}"/>'
            f'<svg x="50%" overflow="visible"><g transform="translate({-DRAWING_WIDTH / 2:g} 0) '
            f'scale({1 / UNITS_PER_PX:g})">' + "".join(body) + "</g></svg></svg>")
