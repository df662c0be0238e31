"""Norwegian formatting, map class breaks, legends and tooltips (pure functions, no Streamlit)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import maps
from dashboard.format import (
    citation,
    fmt_change,
    fmt_int,
    fmt_nok,
    fmt_nok_short,
    fmt_num,
    fmt_orgnr,
    fmt_pct,
)
from etl.geometry import simplified
from etl.parsing import parse_nok


def test_norwegian_numbers_use_space_and_decimal_comma():
    assert fmt_int(5_550_203) == "5\u00a0550\u00a0203"
    assert fmt_num(12.936, 1) == "12,9"
    assert fmt_pct(0.3) == "30,0\u00a0%"
    assert fmt_nok(698_265_345) == "698\u00a0265\u00a0345\u00a0kr"
    assert fmt_nok_short(1.42e9) == "1\u00a0420\u00a0mill.\u00a0kr"  # as the axes: never 'mrd.' beside 'mill. kr'
    assert fmt_nok_short(698_265_345) == "698\u00a0mill.\u00a0kr"
    assert fmt_nok_short(26_213_000) == "26,2\u00a0mill.\u00a0kr"
    assert fmt_change(-3.5, 1) == "−3,5" and fmt_change(12) == "+12"
    assert fmt_int(None) == "–"


@pytest.mark.parametrize(("exact", "shown"), [
    (128.50170297140303, "129"),  # Bodø, grasrot 2024, exact: it was stored as 128,50 and then shown as 128
    (128.5, "129"), (96.5, "97"), (176.5001, "177"), (157.496, "157"), (248.505, "249"), (134.502, "135"),
    (1545.499, "1\u00a0545"), (-2.5, "−3"), (-0.4, "0")])
def test_numbers_round_half_away_from_zero_as_ssb_does(exact, shown):
    """Python's round() rounds half to even (128,5 → 128); published figures round half up, and once: the views
    keep full precision, the formatter rounds."""
    assert fmt_num(exact) == shown


def test_shares_round_half_up_from_their_decimal_value():
    assert fmt_pct(0.285, 0) == "29\u00a0%"  # the float 0.285 * 100 is 28,4999…: rounded as the 0,285 it is
    assert fmt_pct(0.0005, 1) == "0,1\u00a0%" and fmt_pct(0.125, 0) == "13\u00a0%"
    assert fmt_num(2.675, 2) == "2,68" and fmt_num(0.05, 1) == "0,1"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_formatted_integers_parse_back(n):
    assert parse_nok(fmt_int(n).replace("−", "-")) == n


@pytest.mark.parametrize(("raw", "shown"), [
    ("vol.no / fjordabladet.no 2017-05-23", "vol.no / fjordabladet.no 23. mai 2017"),
    ("rapport 'Samarbeid for økt deltakelse' (metode), 2022", "rapport «Samarbeid for økt deltakelse» (metode), 2022"),
    ("Norge's rapport 2020", "Norge's rapport 2020"),
    ("porten.no (undated, c. 2016)", "porten.no (udatert, ca. 2016)"),
    ("Frivillighet Norge press release July 2024", "Frivillighet Norge pressemelding juli 2024"),
    ("Julyfest 2020", "Julyfest 2020"),
])
def test_a_source_reference_has_dates_in_words_and_norwegian_quotes(raw, shown):
    assert citation(raw) == shown


def test_org_numbers_are_grouped_in_threes():
    assert fmt_orgnr("851240004") == "851\u00a0240\u00a0004"
    assert fmt_orgnr(851240004) == "851\u00a0240\u00a0004"
    assert fmt_orgnr("12345") == "12345"


def test_class_breaks_are_increasing_and_inside_the_range():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None, 100]
    breaks = maps.class_breaks(values)
    assert breaks == sorted(set(breaks))
    assert all(1 < b <= 100 for b in breaks)
    assert maps.classify(None, breaks) is None
    assert maps.classify(0.5, breaks) == 0 and maps.classify(1000, breaks) == len(breaks)


def test_constant_values_give_one_class_and_a_sensible_legend():
    breaks = maps.class_breaks([5.0] * 10)
    assert breaks == []
    legend = maps.legend_numeric(breaks, lambda v: fmt_num(v, 1))
    assert [i.label for i in legend] == ["alle verdier", "Ingen data"]


def test_legend_labels_use_norwegian_numbers():
    items = maps.legend_numeric([10.5, 20.0], lambda v: fmt_num(v, 1), with_missing=False)
    assert [i.label for i in items] == ["under 10,5", "10,5 – 20,0", "20,0 og over"]
    assert len({i.colour for i in items}) == 3


def test_legend_bands_do_not_share_their_ends():
    # a class holds its lower break: with one decimal shown, 17,0 is in '17,0 – 18,9', not also in '14,0 – 17,0'
    items = maps.legend_numeric([14.0, 17.0, 19.0], lambda v: fmt_num(v, 1), with_missing=False, step=0.1)
    assert [i.label for i in items] == ["under 14,0", "14,0 – 16,9", "17,0 – 18,9", "19,0 og over"]
    counts = maps.legend_numeric([1.0, 2.0, 4.0], lambda v: fmt_num(v, 0), with_missing=False, step=1)
    assert [i.label for i in counts] == ["under 1", "1", "2 – 3", "4 og over"]
    assert maps.classify(17.0, [14.0, 17.0, 19.0]) == 2 and maps.classify(16.9, [14.0, 17.0, 19.0]) == 1


#: Shares of 15 counties: Oslo far below, the other 14 within 1,4 percentage points of each other.
COUNTIES = [0.424, 0.487, 0.488, 0.489, 0.490, 0.491, 0.492, 0.493, 0.494, 0.495, 0.496, 0.497, 0.498, 0.500, 0.501]


def _pct(v: float) -> str:
    return fmt_pct(v, 1)


def test_a_fraction_of_a_point_between_counties_gets_no_colour_of_its_own():
    """Quantiles made three classes of the 14 counties ('under 49,0 %', '49,0 % – 49,9 %', '50,0 % og over'): now
    they share one colour, and Oslo, 6 points below, has its own."""
    width = maps.min_class_width(COUNTIES, 0.001)
    assert width == 0.025  # 5 % of a typical 50 %: 2,5 percentage points
    breaks = maps.class_breaks(COUNTIES, min_width=width)
    assert len({maps.classify(v, breaks) for v in COUNTIES[1:]}) == 1
    assert maps.classify(COUNTIES[0], breaks) != maps.classify(COUNTIES[1], breaks)
    labels = [i.label for i in maps.legend_numeric(breaks, _pct, with_missing=False, step=0.001)]
    assert labels == ["under 45,0\u00a0%", "45,0\u00a0% og over"]


def test_classes_are_never_narrower_than_a_difference_worth_a_colour():
    # 40 counties-worth of values packed around 50 % among others spread from 30 to 70 %: quantiles of them fell
    # 0,1-0,5 points apart
    values = [0.495 + i * 0.00025 for i in range(40)] + [0.30 + i * 0.0133 for i in range(31)]
    width = maps.min_class_width(values, 0.001)
    breaks = maps.class_breaks(values, min_width=width)
    assert len(breaks) >= 2 and all(b - a >= width - 1e-9 for a, b in zip(breaks, breaks[1:], strict=False))
    labels = [i.label for i in maps.legend_numeric(breaks, _pct, with_missing=False, step=0.001)]
    assert labels == ["under 47,5\u00a0%", "47,5\u00a0% – 49,9\u00a0%", "50,0\u00a0% – 52,4\u00a0%", "52,5\u00a0% og over"]
    # per 1 000 with one decimal: whole numbers at least 1,0 apart; kroner: at least 10 kr
    assert maps.min_class_width([12.3, 14.1], 0.1) == 1.0 and maps.min_class_width([120.0, 180.0], 1) == 10
    assert maps.min_class_width([0, 1, 2], 1, exact=True) == 1  # a count: one more centre is a real difference


def test_a_count_s_first_class_reads_0_not_under_1():
    fmt = lambda v: fmt_num(v, 0)  # noqa: E731
    assert [i.label for i in maps.legend_numeric([1.0, 2.0], fmt, with_missing=False, step=1, lowest=0)] == [
        "0", "1", "2 og over"]
    assert [i.label for i in maps.legend_numeric([5.0, 10.0], fmt, with_missing=False, step=1, lowest=0)] == [
        "0 – 4", "5 – 9", "10 og over"]


def test_close_values_are_found_and_equal_ones_are_not_called_close():
    assert maps.close_group([1.0, 1.5, 2.0, 5.0], 1.1) == (3, 1.0, 2.0)
    assert maps.close_group([3.0, 3.0, 3.0], 1.0) is None  # equal values are never split by a class break anyway


def test_the_summary_says_when_differences_are_small_and_whether_a_colour_boundary_splits_them():
    import polars as pl

    from dashboard import kart

    counties = pl.DataFrame({"verdi": COUNTIES})
    one_colour = kart.close_note(counties, kart.Classes([0.45], 0.025, [2025]), _pct, "fylker")
    assert one_colour == (" Forskjellene er små: 14 av 15 fylker ligger mellom 48,7\u00a0% og 50,1\u00a0% og har "
                          "samme farge på kartet.")
    split = kart.close_note(counties, kart.Classes([0.5], 0.025, [2025]), _pct, "fylker")
    assert "Fargegrensen ved 50,0\u00a0% går mellom dem, så ulik farge betyr her en liten forskjell." in split
    spread = pl.DataFrame({"verdi": [0.30 + i * 0.02 for i in range(15)]})
    assert kart.close_note(spread, kart.Classes([0.4, 0.5], 0.025, [2025]), _pct, "fylker") == ""


def test_a_year_whose_areas_all_share_a_colour_says_why():
    """Classes kept from recent years can leave an early year's map in one colour: the summary says so."""
    import polars as pl

    from dashboard import kart

    classes = kart.Classes([13.0, 16.0, 18.0, 22.0], 1.0, [2021, 2025])
    legend = maps.legend_numeric(classes.breaks, lambda v: fmt_num(v, 1), with_missing=False, step=0.1)
    early = pl.DataFrame({"verdi": [2.0 + i * 0.1 for i in range(9)] + [19.0, None]})
    assert kart.crowded_note(early, classes, legend, 2009, "kommuner") == (
        " Med fargeinndelingen for alle år har 9 av 10 kommuner samme farge i 2009 (under 13,0).")
    spread = pl.DataFrame({"verdi": [12.0, 14.0, 17.0, 20.0, 25.0]})
    assert kart.crowded_note(spread, classes, legend, 2025, "kommuner") == ""


def test_the_legend_says_its_classes_are_those_of_every_year():
    from dashboard import kart

    recent = kart.Classes([10.0], 1.0, [2021, 2022, 2023, 2024, 2025])
    assert kart.classes_note(recent, list(range(2009, 2026))) == (
        "Samme fargeinndeling for alle år, satt etter tallene for 2021–2025, så kartene kan sammenlignes fra år til år.")
    assert "alle år (2021–2025)" in kart.classes_note(recent, [2021, 2022, 2023, 2024, 2025])
    assert kart.classes_note(kart.Classes([0.45], 0.025, [2025]), [2025]) is None  # one year: nothing to compare
    # quantile classes hold about as many areas each, so they differ in width: the legend says why
    quantiles = kart.Classes([140.0, 160.0, 170.0], 1.0, [2021, 2022, 2023, 2024, 2025], quantiles=True)
    assert kart.classes_note(quantiles, list(range(2021, 2026))).endswith(" " + kart.QUANTILES_NOTE)
    assert kart.classes_note(kart.Classes([140.0, 160.0], 1.0, [2025], quantiles=True), [2025]) == kart.QUANTILES_NOTE


def test_classes_are_quantiles_unless_most_values_are_close():
    spread = [float(v) for v in range(100, 250, 10)]
    close = [100.0, 100.2, 100.4, 100.5, 100.6, 100.8, 101.0, 130.0]
    assert maps.mostly_close(spread, 1.0) is None
    assert maps.mostly_close(close, 2.0) is not None
    html = maps.legend_html(maps.legend_numeric([10.0], str, with_missing=False), "Tittel", "Samme <farger>")
    assert '<p class="map-legend-note">Samme &lt;farger&gt;</p>' in html


def test_tooltip_text_from_registers_is_escaped():
    area = maps.Area("0301", "<script>alert(1)</script> & co", {"type": "Point", "coordinates": [10, 60]},
                     "#08519C", "<b>12</b>", "Oslo")
    props = maps.feature_collection([area])["features"][0]["properties"]
    assert "<script>" not in props["navn"] and "&lt;script&gt;" in props["navn"]
    assert props["verdi"] == "&lt;b&gt;12&lt;/b&gt;"


def test_map_has_no_tile_server_and_fits_norway():
    area = maps.Area("0301", "Oslo", {"type": "Point", "coordinates": [10.7, 59.9]}, "#08519C", "1", "Oslo")
    deck = json.loads(maps.choropleth([area]).to_json())
    assert deck["mapStyle"] == maps.BLANK_STYLE
    assert "mapbox" not in json.dumps(deck).lower() and "carto" not in json.dumps(deck).lower()
    view = deck["initialViewState"]
    assert 3 <= view["zoom"] <= 4.5
    assert 60 < view["latitude"] < 68


@pytest.mark.parametrize("digits", [3, 4])
def test_rounded_geometry_keeps_shape(digits):
    g = maps.geometry('{"type":"Polygon","coordinates":[[[10.123456,60.987654],[10.2,61.0],[10.1,61.1],'
                      '[10.123456,60.987654]]]}', digits)
    assert g["coordinates"][0][0] == [round(10.123456, digits), round(60.987654, digits)]


def _points(coords) -> list:
    """The positions in GeoJSON coordinates of any depth."""
    if coords and isinstance(coords[0], int | float):
        return [coords]
    return [p for c in coords for p in _points(c)]


def _wiggly_pair() -> dict[str, dict]:
    """Two neighbours, 1° × 1°, sharing a border with 50 tiny wiggles (a coastline-like detail)."""
    border = [(1.0 + (0.002 if i % 2 else 0.0), i / 50) for i in range(51)]  # from (1, 0) up to (1, 1)
    west = [(0.0, 0.0), *border, (0.0, 1.0), (0.0, 0.0)]
    east = [*border, (2.0, 1.0), (2.0, 0.0), border[0]]
    return {"0001": {"type": "Polygon", "coordinates": [west]},
            "0002": {"type": "Polygon", "coordinates": [east]}}


def test_simplified_map_geometry_drops_detail_but_keeps_shared_borders():
    from shapely.geometry import shape

    before = _wiggly_pair()
    after = simplified(before, tolerance=0.02)
    assert set(after) == {"0001", "0002"}
    n = {k: len(_points(g["coordinates"])) for k, g in after.items()}
    assert all(n[k] < len(before[k]["coordinates"][0]) / 3 for k in n), n  # the wiggles are gone
    west, east = shape(after["0001"]), shape(after["0002"])
    assert west.is_valid and east.is_valid
    assert west.intersection(east).area < 1e-9  # no overlap ...
    assert abs(west.union(east).area - 2.0) < 0.01  # ... and no gap between the neighbours
    coords = [c for g in after.values() for p in _points(g["coordinates"]) for c in p]
    assert all(round(c, 3) == c for c in coords)  # three decimals


def test_simplified_map_geometry_keeps_every_area_and_multipolygons():
    tiny = {"type": "MultiPolygon", "coordinates": [[[(5.0, 60.0), (5.001, 60.0), (5.001, 60.001), (5.0, 60.0)]],
                                                   [[(6.0, 60.0), (6.5, 60.0), (6.5, 60.5), (6.0, 60.0)]]]}
    after = simplified({"4601": tiny}, tolerance=0.02)
    assert list(after) == ["4601"] and after["4601"]["type"] in ("MultiPolygon", "Polygon")
    assert after["4601"]["coordinates"]


def _areas(n: int, highlight: int | None = None) -> list[maps.Area]:
    square = {"type": "Polygon", "coordinates": [[[5, 60], [6, 60], [6, 61], [5, 61], [5, 60]]]}
    return [maps.Area(code=f"{i:04d}", name=f"K{i}", geometry=square, colour="#08519C", value_text="1",
                      context="F", highlight=i == highlight) for i in range(n)]


def test_many_areas_are_drawn_without_boundaries_and_the_chosen_one_gets_a_ring():
    """357 municipalities: no boundary lines (their shaders cost 1.3–1.5 s with software WebGL); a ring on the
    chosen one instead, inside its area."""
    deck = json.loads(maps.freeze(maps.choropleth(_areas(357, highlight=7))).to_json())
    fill, ring = deck["layers"]
    assert fill["stroked"] is False and len(fill["data"]["features"]) == 1 + 357  # the sea, then the areas
    assert ring["@@type"] == "ScatterplotLayer" and ring["stroked"] is True and ring["filled"] is False
    (marker,) = ring["data"]
    lon, lat = marker["position"]
    assert 5 < lon < 6 and 60 < lat < 61
    plain = json.loads(maps.freeze(maps.choropleth(_areas(357))).to_json())
    assert [layer["id"] for layer in plain["layers"]] == ["choropleth"]  # nothing chosen, no ring


def test_few_areas_keep_their_boundaries_and_the_chosen_one_is_outlined():
    deck = json.loads(maps.freeze(maps.choropleth(_areas(15, highlight=3))).to_json())
    (layer,) = deck["layers"]
    assert layer["stroked"] is True
    widths = [f["properties"]["width"] for f in layer["data"]["features"][1:]]  # after the sea (no line)
    assert widths.count(3) == 1 and widths[3] == 3


def test_numbers_and_their_units_are_kept_on_one_line():
    from dashboard.format import nobreak, size_group_words

    nb = "\u00a0"
    assert nobreak("høyest (14,6 %), 810 kr, 698 mill. kr, under 2 000, 2024 2025") == (
        f"høyest (14,6{nb}%), 810{nb}kr, 698{nb}mill.{nb}kr, under 2{nb}000, 2024 2025")
    assert size_group_words("Under 2 000") == f"kommunene med under 2{nb}000 innbyggere"
    assert size_group_words("50 000 og over") == f"kommunene med 50{nb}000 innbyggere eller flere"


def test_map_summary_names_every_area_tied_on_the_value_shown():
    import polars as pl

    from dashboard import kart

    pct = kart.formatter("andel", 0)
    counties = pl.DataFrame({"navn": ["Oslo", "Vestfold", "Agder", "Troms", "Finnmark"],
                             "verdi": [1.0, 1.0, 0.4, 0.0, 0.001]})
    text = kart.summarise(counties, "Andel", 2024, pct, "fylker")
    assert "høyest i Oslo og Vestfold (100\u00a0%)" in text
    # tied areas in alphabetical order, whatever their exact values
    assert "lavest i Finnmark og Troms (0\u00a0%)" in text, "0,1 % is shown as 0 % too: a tie for the reader"
    many = pl.DataFrame({"navn": [f"K{i}" for i in range(6)], "verdi": [5.0, 5.0, 5.0, 5.0, 2.0, 1.0]})
    assert "høyest (5) i fire kommuner, lavest i K5 (1)" in kart.summarise(many, "Tall", 2024,
                                                                            lambda v: fmt_num(v, 0), "kommuner")


def test_map_summary_gives_the_count_of_a_small_base():
    """«lavest i Leka (26,3 %)» hides that it is 5 of 19: a share of fewer than SMALL_BASE is named with its count,
    a tie names every area's, and the text says why; large bases stay bare shares."""
    import polars as pl

    from dashboard import kart
    from dashboard.format import SMALL_BASE

    pct = kart.formatter("andel", 1)
    areas = pl.DataFrame({"navn": ["Leka", "Bergen", "Unjárga"], "verdi": [5 / 19, 0.45, 0.76],
                          "teller": [5, 900, 38], "nevner": [19, 2000, 50]})
    text = kart.summarise(areas, "Andel", 2024, pct, "kommuner")
    assert "høyest i Unjárga (76,0\u00a0%)" in text and "lavest i Leka (26,3\u00a0%, 5\u00a0av\u00a019)" in text
    assert f"Små tall: der andelen bygger på færre enn {SMALL_BASE}" in text
    counties = pl.DataFrame({"navn": ["Oslo", "Vestfold", "Troms", "Finnmark"], "verdi": [1.0, 1.0, 0.0, 0.0],
                             "teller": [1, 6, 0, 0], "nevner": [1, 6, 21, 18]})
    text = kart.summarise(counties, "Andel", 2024, kart.formatter("andel", 0), "fylker")
    assert "høyest, 100\u00a0%, i Oslo (1\u00a0av\u00a01) og Vestfold (6\u00a0av\u00a06)" in text
    assert "lavest, 0\u00a0%, i Finnmark (0\u00a0av\u00a018) og Troms (0\u00a0av\u00a021)" in text
    large = areas.filter(pl.col("nevner") >= SMALL_BASE)
    assert "\u00a0av\u00a0" not in kart.summarise(large, "Andel", 2024, pct, "kommuner")
    assert "Små tall" not in kart.summarise(large, "Andel", 2024, pct, "kommuner")


def _lightness(hex_colour: str) -> float:
    """CIE L* of an sRGB colour."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def test_neighbouring_map_classes_differ_clearly_in_lightness():
    from dashboard.theme import SEQUENTIAL

    steps = [_lightness(a) - _lightness(b) for a, b in zip(SEQUENTIAL, SEQUENTIAL[1:], strict=False)]
    assert min(steps) >= 12, [round(s, 1) for s in steps]  # also in greyscale print and for colour-blind readers


def test_map_areas_are_classed_by_the_value_they_show():
    import polars as pl

    from dashboard import kart

    values = pl.DataFrame({"navn": ["A", "B"], "verdi": [0.2570, 0.2549]})
    shown = kart.as_shown(values, "andel", 0)
    assert shown["verdi"].to_list() == [0.26, 0.25]  # '26 %' falls in the band that starts at 26 %
    assert kart.as_shown(pl.DataFrame({"verdi": [18.0937]}), "per 1 000 innbyggere", 1)["verdi"][0] == 18.1


@pytest.mark.parametrize("n", [15, 357])
def test_the_sea_is_drawn_with_the_areas_and_takes_no_tooltip_or_highlight(n):
    """The sea is the first feature of the areas' own layer, so deck.gl draws it in the same frame as the areas
    (a layer of its own covered the static drawing with an empty sea until the areas' file had loaded). Its name
    is empty, which hides the tooltip over it (style.py), and the hover highlight leaves feature 0 alone."""
    from dashboard import style

    built = maps.choropleth(_areas(n))
    deck = json.loads(maps.freeze(built).to_json())
    (layer,) = [la for la in deck["layers"] if la["id"] == "choropleth"]
    sea = layer["data"]["features"][0]
    assert sea["properties"]["fill"] == maps.hex_to_rgb(maps.SEA) and sea["properties"]["navn"] == ""
    lon, lat = zip(*sea["geometry"]["coordinates"][0], strict=True)
    assert min(lon) <= -180 and max(lon) >= 180 and min(lat) <= -85 and max(lat) >= 85
    if layer["stroked"]:
        assert sea["properties"]["line"][3] == 0, "no boundary drawn around the world"
    assert layer["highlightColor"] == f"@@=index == 0 ? [0, 0, 0, 0] : {maps.HOVER_HIGHLIGHT}"
    assert deck["mapStyle"] and ".deck-tooltip:has(> b:empty:first-child) { display: none !important; }" in style.CSS
    assert built._tooltip["html"].startswith("<b>{navn}</b>")  # the empty name is the tooltip's first child
