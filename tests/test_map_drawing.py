"""The static drawing beneath the deck.gl maps: deck.gl's projection, shared boundaries kept, colours, ring."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from dashboard import map_drawing, maps
from dashboard.map_drawing import DRAWING_WIDTH, UNITS_PER_PX, Frame

SVG = "{http://www.w3.org/2000/svg}"
FRAME = Frame(longitude=10.0, latitude=60.0, zoom=6.0, height=400)


def square(x0: float, y0: float, size: float = 0.5) -> dict:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def rings(d: str) -> list[list[tuple[int, int]]]:
    """The absolute points of each ring of relative path data 'M x y l dx dy ... z'."""
    out = []
    for m in re.finditer(r"M(-?\d+) (-?\d+)l([-\d ]*)z", d):
        x, y = int(m.group(1)), int(m.group(2))
        steps = [int(v) for v in re.findall(r"-?\d+", m.group(3))]
        pts = [(x, y)]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            pts.append((x, y))
        out.append(pts)
    return out


def test_projection_is_deck_gl_web_mercator():
    """At zoom 0 deck.gl's world is 512 px wide: (0, 0) is its middle; each zoom step doubles it."""
    assert map_drawing.world_px(0.0, 0.0, 0) == pytest.approx((256, 256))
    assert map_drawing.world_px(180.0, 0.0, 0)[0] == pytest.approx(512)
    assert map_drawing.world_px(90.0, 45.0, 1) == pytest.approx(tuple(2 * v for v in map_drawing.world_px(90, 45, 0)))
    _, north = map_drawing.world_px(0.0, 60.0, 0)
    assert north < 256  # north is up


def test_the_view_centre_is_the_drawing_centre():
    """The deck centres its view in its box; the drawing's centre is the same place, so the image centred in the
    box lies under the map at any width."""
    paths = map_drawing.area_paths({"a": square(9.75, 59.9, 0.5)}, FRAME)
    (ring,) = rings(paths["a"])
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    centre_x, centre_y = DRAWING_WIDTH * UNITS_PER_PX / 2, FRAME.height * UNITS_PER_PX / 2
    assert min(xs) < centre_x < max(xs)  # 9.75-10.25 E around 10 E
    assert min(ys) < centre_y < max(ys)  # 59.9-60.4 N around 60 N
    # half a degree of longitude at zoom 6 is 512 * 64 / 720 ≈ 45.5 px
    assert max(xs) - min(xs) == pytest.approx(45.5 * UNITS_PER_PX, abs=2)


def test_neighbours_keep_their_shared_boundary():
    """Simplified together, two areas side by side have the same points along their common edge (no gap)."""
    left = {"type": "Polygon", "coordinates": [[[9.0, 59.8], [9.5, 59.8], [9.52, 60.0], [9.5, 60.2], [9.0, 60.2],
                                                 [9.0, 59.8]]]}
    right = {"type": "Polygon", "coordinates": [[[9.5, 59.8], [10.0, 59.8], [10.0, 60.2], [9.5, 60.2], [9.52, 60.0],
                                                  [9.5, 59.8]]]}
    paths = map_drawing.area_paths({"v": left, "h": right}, FRAME)
    (lp,), (rp,) = rings(paths["v"]), rings(paths["h"])
    shared = set(lp) & set(rp)
    assert len(shared) >= 3  # the edge's two ends and its bend


def test_rings_too_small_to_show_are_left_out():
    tiny = square(10.0, 60.0, 0.00001)
    paths = map_drawing.area_paths({"a": square(9.0, 59.5), "b": tiny}, FRAME)
    assert paths["b"] == "" and paths["a"]


def _areas(n: int, highlight: int | None = None) -> list[maps.Area]:
    colours = ["#C6DBEF", "#6BAED6", "#2171B5"]
    return [maps.Area(f"{i:04d}", f"Sted {i}", square(5 + (i % 20) * 0.6, 58 + (i // 20) * 0.6), colours[i % 3],
                      "1", highlight=i == highlight) for i in range(n)]


def _drawing(areas: list[maps.Area], title: str = "Kart") -> ElementTree.Element:
    paths = map_drawing.area_paths({a.code: a.geometry for a in areas}, FRAME)
    return ElementTree.fromstring(map_drawing.drawing_svg(areas, paths, FRAME, title=title))


def test_one_path_per_colour_on_the_sea():
    svg = _drawing(_areas(357))
    # as tall as the map's box and as wide as the box it is shown in, the view's centre in its middle
    assert svg.get("width") is None and svg.get("viewBox") is None and svg.get("height") == str(FRAME.height)
    inner = svg.find(f"{SVG}svg")
    assert inner.get("x") == "50%"
    assert inner.find(f"{SVG}g").get("transform") == f"translate({-DRAWING_WIDTH // 2} 0) scale({1 / UNITS_PER_PX:g})"
    rect = svg.find(f"{SVG}rect")
    assert rect.get("fill") == maps.SEA and rect.get("width") == "100%"
    fills = [p.get("fill") for p in svg.iter(f"{SVG}path")]
    assert sorted(fills) == ["#2171B5", "#6BAED6", "#C6DBEF"]
    assert all(p.get("stroke") is None for p in svg.iter(f"{SVG}path"))  # no boundaries, as on the deck


def test_many_areas_mark_the_chosen_one_with_a_ring_where_the_deck_puts_it():
    areas = _areas(357, highlight=45)
    svg = _drawing(areas)
    (ring,) = svg.iter(f"{SVG}circle")
    assert ring.get("stroke") == maps.HIGHLIGHT and ring.get("fill") == "none"
    assert float(ring.get("r")) == maps.MARKER_RADIUS_PX * UNITS_PER_PX
    cx, cy = map_drawing.world_px(*maps.marker_position(areas[45].geometry), FRAME.zoom)
    x0, y0 = map_drawing.world_px(FRAME.longitude, FRAME.latitude, FRAME.zoom)
    assert float(ring.get("cx")) == pytest.approx((cx - x0 + DRAWING_WIDTH / 2) * UNITS_PER_PX, abs=1)
    assert float(ring.get("cy")) == pytest.approx((cy - y0 + FRAME.height / 2) * UNITS_PER_PX, abs=1)


def test_few_areas_have_boundaries_and_the_chosen_one_an_orange_edge():
    svg = _drawing(_areas(15, highlight=3))
    paths = list(svg.iter(f"{SVG}path"))
    assert all(p.get("stroke") for p in paths)
    assert [p.get("stroke") for p in paths].count(maps.HIGHLIGHT) == 1
    assert paths[-1].get("stroke") == maps.HIGHLIGHT  # drawn last, on top of its neighbours
    assert not list(svg.iter(f"{SVG}circle"))


def test_the_title_is_escaped():
    svg = _drawing(_areas(3), title='Kart: <script>alert("x")</script> & co')
    assert svg.find(f"{SVG}title").text == 'Kart: <script>alert("x")</script> & co'
    assert not list(svg.iter(f"{SVG}script"))
