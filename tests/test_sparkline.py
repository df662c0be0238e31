"""The headline cards' trend line: inline SVG with an accessible name, drawn from the values in order."""

from __future__ import annotations

import re

from dashboard.figures import sparkline_svg


def _points(svg: str) -> list[tuple[float, float]]:
    raw = re.search(r'points="([^"]+)"', svg).group(1)
    return [tuple(map(float, p.split(","))) for p in raw.split()]


def test_sparkline_is_an_image_with_a_name():
    svg = sparkline_svg([1, 2, 3], "Trendgraf for organisasjoner, 3 år")
    assert 'role="img"' in svg and 'aria-label="Trendgraf for organisasjoner, 3 år"' in svg
    assert "<title>Trendgraf for organisasjoner, 3 år</title>" in svg


def test_sparkline_follows_the_values():
    pts = _points(sparkline_svg([10, 30, 20], "x", width=100, height=40))
    assert len(pts) == 3
    xs, ys = zip(*pts, strict=True)
    assert xs == tuple(sorted(xs))  # left to right in time order
    assert ys[1] < ys[2] < ys[0]  # SVG y grows downwards: the highest value is drawn highest
    assert all(0 <= y <= 40 for y in ys)


def test_flat_series_is_drawn_without_dividing_by_zero():
    pts = _points(sparkline_svg([5, 5, 5], "x"))
    assert len({y for _, y in pts}) == 1


def test_too_few_values_draw_nothing():
    assert sparkline_svg([], "x") == "" and sparkline_svg([3.0], "x") == ""
    assert sparkline_svg([None, 2.0], "x") == ""


def test_description_is_escaped():
    svg = sparkline_svg([1, 2], '<script>alert("x")</script>')
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def _dot(svg: str) -> tuple[float, float]:
    return float(svg.split('cx="')[1].split('"')[0]), float(svg.split('cy="')[1].split('"')[0])


def test_the_dot_marks_the_chosen_point():
    """A card for an earlier year marks that year on its trend line, not the last one."""
    values = [10, 30, 20]
    assert _dot(sparkline_svg(values, "x")) == _points(sparkline_svg(values, "x"))[-1]
    assert _dot(sparkline_svg(values, "x", highlight=1)) == _points(sparkline_svg(values, "x"))[1]
    # a missing value has no point, so no dot
    assert "<circle" not in sparkline_svg([1.0, None, 3.0], "x", highlight=1)
    assert _dot(sparkline_svg([None, 1.0, 3.0], "x", highlight=1)) == _points(sparkline_svg([1.0, 3.0], "x"))[0]
