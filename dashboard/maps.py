"""Choropleth maps without a tile server: GeoJSON + values → pydeck layer, class breaks, legend, tooltip."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import orjson
import pydeck as pdk
from shapely.geometry import shape

from dashboard.theme import HIGHLIGHT, MUTED, SEQUENTIAL
from etl.geometry import round_coords

#: Served by Streamlit's static file serving (server.enableStaticServing): no external map style or tiles.
BLANK_STYLE = "/app/static/blank-style.json"
NO_DATA = "#D9D9D9"
#: The sea: the first feature of the areas' layer (sea_feature; the map style is empty), so the canvas stays
#: transparent, and the static drawing beneath it (map_drawing) visible, until deck.gl draws the whole map at once.
SEA = "#F4F7FA"
#: The ring on a highlighted municipality (pixels).
MARKER_RADIUS_PX = 11
MARKER_LINE_PX = 3
#: Zoomed out further, the world (and the sea) would not fill the map's box.
MIN_ZOOM = 2.5
#: The national maps' height in pixels: Norway fitted to a phone's width is about 405 px tall.
MAP_HEIGHT = 480
NO_DATA_LABEL = "Ingen data"


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: colour and label."""

    colour: str
    label: str


def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    """'#08519C' → [8, 81, 156, alpha]."""
    c = colour.lstrip("#")
    return [int(c[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


#: A colour class is at least this many of the smallest differences the map shows wide (1,0 per 1 000, 10 kr, one
#: percentage point) and at least this share of the typical value (2,5 points for shares around 50 %): a smaller
#: difference is not worth a colour of its own.
MIN_CLASS_STEPS = 10
MIN_CLASS_SHARE = 0.05
#: When at least this share of the values lie closer together than a class width, the differences are small: the
#: map gives them one colour (class_breaks) and the summary says so (close_group).
CLOSE_SHARE = 2 / 3
#: The 1-2-2,5-5 series of readable numbers (times a power of ten), roundest first.
_NICE = (10.0, 5.0, 2.5, 2.0, 1.0)


def _values(values: Sequence[float | None]) -> list[float]:
    """The values that are numbers, sorted."""
    return sorted(v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v)))


def _nearest_nice(x: float) -> float:
    """The readable number (1, 2, 2,5 or 5 times a power of ten) nearest to x > 0 on a log scale: 0.026 → 0.025."""
    power = 10.0 ** math.floor(math.log10(x))
    return round(min((m * power for m in _NICE), key=lambda n: abs(math.log(n / x))), 12)


def min_class_width(values: Sequence[float | None], step: float, *, exact: bool = False) -> float:
    """The narrowest class worth a colour (MIN_CLASS_STEPS shown steps, MIN_CLASS_SHARE of the median), readable."""
    vals = _values(values)
    if exact or not vals:  # a count: one more is a real difference
        return step
    typical = abs(vals[len(vals) // 2])
    return _nearest_nice(max(MIN_CLASS_STEPS * step, MIN_CLASS_SHARE * typical))


def close_group(values: Sequence[float | None], width: float) -> tuple[int, float, float] | None:
    """The most values lying closer together than `width` (count, lowest, highest), if they are not all equal."""
    vals = _values(values)
    best, lo = None, 0
    for hi in range(len(vals) if width > 0 else 0):
        while vals[hi] - vals[lo] >= width:
            lo += 1
        if vals[hi] > vals[lo] and (best is None or hi - lo + 1 > best[0]):
            best = (hi - lo + 1, vals[lo], vals[hi])
    return best


def _roundest_between(lo: float, hi: float, unit: float) -> float:
    """The roundest multiple of `unit` (or of a rounder number) above lo and at most hi: (42.9, 48.9], 2.5 → 45."""
    power = 10.0 ** math.ceil(math.log10(max(abs(lo), abs(hi), unit)))
    while power >= unit:
        for m in _NICE:
            step = m * power / 10
            n = round(math.floor(hi / step + 1e-9) * step, 12)
            if step >= unit and n > lo:
                return n
        power /= 10
    return round(math.floor(hi / unit + 1e-9) * unit, 12)  # a gap at least `unit` wide holds one


def mostly_close(values: Sequence[float | None], min_width: float) -> tuple[int, float, float] | None:
    """The close group (close_group) when it holds most values (CLOSE_SHARE): class_breaks then breaks only at wide
    gaps, not at quantiles; else None."""
    vals = _values(values)
    close = close_group(vals, min_width) if min_width else None
    return close if close and close[0] >= CLOSE_SHARE * len(vals) else None


def class_breaks(values: Sequence[float | None], k: int = 5, *, min_width: float = 0.0) -> list[float]:
    """Up to k-1 inner breaks, readable and at least min_width apart: quantiles, or only gaps where values are close."""
    vals = _values(values)
    if not vals:
        return []
    close = mostly_close(vals, min_width)
    if close:
        # most values differ by less than a class width: one class for them, others apart only across a wide gap
        _, lo, hi = close
        below, above = [v for v in vals if v < lo], [v for v in vals if v > hi]
        out = [_roundest_between(below[-1], lo, min_width)] if below and lo - below[-1] >= min_width else []
        return out + ([_roundest_between(hi, above[0], min_width)] if above and above[0] - hi >= min_width else [])
    out: list[float] = []
    for i in range(1, k):
        q = vals[min(len(vals) - 1, round(i * len(vals) / k))]
        b = _round_to(q, max(_sig_unit(q), min_width))
        if vals[0] < b <= vals[-1] and (not out or b >= out[-1] + min_width * (1 - 1e-9) and b > out[-1]):
            out.append(b)
    return out


def _sig_unit(x: float) -> float:
    """The unit of x's second significant digit: 1234 → 10, 0.0456 → 0.001."""
    return 10.0 ** (math.floor(math.log10(abs(x))) - 1) if x else 1.0


def _round_to(x: float, unit: float) -> float:
    """x rounded to a multiple of a readable unit (the nearest 1-2-2,5-5 number), kept exact: 0.517, 0.025 → 0.525."""
    unit = _nearest_nice(unit)
    return round(round(x / unit) * unit, 12)


def classify(value: float | None, breaks: Sequence[float]) -> int | None:
    """Index of the class a value falls in (0 … len(breaks)), or None for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for i, b in enumerate(breaks):
        if value < b:
            return i
    return len(breaks)


def legend_numeric(breaks: Sequence[float], fmt: Callable[[float], str],
                   palette: Sequence[str] = SEQUENTIAL, with_missing: bool = True,
                   step: float | None = None, lowest: float | None = None) -> list[LegendItem]:
    """Legend entries for class breaks (a class holds its lower break, not its upper): 'under 5', '5 – 10', …,
    '20 og over'. With `step`, the smallest difference `fmt` shows (0.1 for one decimal, 1 for whole numbers), a
    band ends one step below the next break, so no value reads as in two bands: '14,0 – 16,9', '17,0 – 18,9';
    a band of one value shows it alone ('1'). With `lowest` (a count's smallest value), the first band starts there:
    '0', '0 – 4', not 'under 1'."""
    colours = _palette(len(breaks) + 1, palette)

    def band(lo: float, hi: float) -> str:
        if step is None:
            return f"{fmt(lo)} – {fmt(hi)}"
        top = hi - step
        return fmt(lo) if abs(top - lo) < step / 2 else f"{fmt(lo)} – {fmt(top)}"

    if not breaks:
        items = [LegendItem(colours[0], "alle verdier")]
    else:
        first = band(lowest, breaks[0]) if lowest is not None and step is not None and lowest < breaks[0] \
            else f"under {fmt(breaks[0])}"
        items = [LegendItem(colours[0], first)]
        items += [LegendItem(colours[i + 1], band(breaks[i], breaks[i + 1])) for i in range(len(breaks) - 1)]
        items.append(LegendItem(colours[-1], f"{fmt(breaks[-1])} og over"))
    if with_missing:
        items.append(LegendItem(NO_DATA, NO_DATA_LABEL))
    return items


def _palette(n: int, palette: Sequence[str]) -> list[str]:
    if n >= len(palette):
        return list(palette)[:n] if n <= len(palette) else list(palette)
    step = (len(palette) - 1) / max(1, n - 1)
    return [palette[round(i * step)] for i in range(n)]


@dataclass(frozen=True)
class Area:
    """One map polygon with what the map shows about it (name, value text, county) and its fill colour."""

    code: str
    name: str
    geometry: dict
    colour: str
    value_text: str
    context: str = ""
    highlight: bool = False


def feature_collection(areas: Sequence[Area], *, outlines: bool = True) -> dict:
    """GeoJSON FeatureCollection with fill colour and escaped tooltip text in the properties, and with
    `outlines` each boundary's colour and width (orange on the highlighted areas)."""
    feats = []
    for a in areas:
        props = {"kode": a.code, "navn": html.escape(a.name), "verdi": html.escape(a.value_text),
                 "kontekst": html.escape(a.context), "fill": hex_to_rgb(a.colour)}
        if outlines:
            props["line"] = [213, 94, 0, 255] if a.highlight else [255, 255, 255, 70]
            props["width"] = 3 if a.highlight else 0.5
        feats.append({"type": "Feature", "geometry": a.geometry, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def view_for_bounds(min_lon: float, min_lat: float, max_lon: float, max_lat: float,
                    width_px: int = 380, height_px: int = MAP_HEIGHT) -> pdk.ViewState:
    """A view state that fits a bounding box in a map of the given size (default: a phone-width map)."""
    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(max_lon - min_lon, 1e-3)
    y_span = max(merc(max_lat) - merc(min_lat), 1e-5)
    # deck.gl: at zoom 0 the world is 512 px wide
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 2 * math.pi / (512 * y_span)))
    y_mid = (merc(max_lat) + merc(min_lat)) / 2
    lat_mid = math.degrees(2 * math.atan(math.exp(y_mid)) - math.pi / 2)
    return pdk.ViewState(longitude=(min_lon + max_lon) / 2, latitude=lat_mid,
                         zoom=max(MIN_ZOOM, min(zoom - 0.15, 11.0)), min_zoom=MIN_ZOOM)


NORWAY = dict(min_lon=4.5, min_lat=57.9, max_lon=31.2, max_lat=71.2)


#: Up to this many areas the map draws every boundary; above it (the 357 municipalities) only the highlighted
#: area's. Boundaries are a deck.gl PathLayer, whose shaders take 1.3-1.5 s to compile with software WebGL
#: (SwiftShader here, and on thin clients without a GPU) whatever the number of vertices: the map of the
#: municipalities was drawn 3.0 s after the page was opened instead of 1.6 s.
OUTLINE_MAX_AREAS = 60


def draws_outlines(n_areas: int) -> bool:
    """Whether a map of this many areas draws every boundary (else a ring marks the highlighted area)."""
    return n_areas <= OUTLINE_MAX_AREAS


def marker_position(geometry: dict) -> list[float]:
    """A point inside the area (GeoJSON geometry) for a marker: [lon, lat], rounded to 4 decimals."""
    p = shape(geometry).representative_point()
    return [round(p.x, 4), round(p.y, 4)]


#: The tint over the area under the pointer (orange, half transparent).
HOVER_HIGHLIGHT = [213, 94, 0, 120]


def sea_feature(*, outlines: bool) -> dict:
    """The sea as one rectangle around the world: the first feature of the areas' layer, beneath the areas.

    deck.gl's canvas is transparent until its first frame, and from then on opaque: it covers the static drawing
    beneath it (map_drawing), also when the map is panned. In a layer of its own the sea was drawn some 0.3 s
    before the areas' file had loaded, and the map vanished into an empty sea for that long; in the areas' own
    data it is drawn in the same frame as they are. Its texts are empty: the tooltip over it is hidden (style.py),
    and it takes no highlight (choropleth)."""
    world = [[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]
    props = {"kode": "", "navn": "", "verdi": "", "kontekst": "", "fill": hex_to_rgb(SEA)}
    if outlines:
        props |= {"line": [0, 0, 0, 0], "width": 0}
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [world]}, "properties": props}


def choropleth(areas: Sequence[Area], *, view: pdk.ViewState | None = None, value_label: str = "Verdi",
               height: int = MAP_HEIGHT, outlines: bool | None = None) -> pdk.Deck:
    """A pydeck Deck: one GeoJsonLayer of the sea and the areas (tooltip: name, value and county; no map tiles),
    with the areas' boundaries when `outlines` (default: at most OUTLINE_MAX_AREAS areas; the highlighted ones in
    orange), else an orange ring on each highlighted area."""
    outlines = draws_outlines(len(areas)) if outlines is None else outlines
    # without outlines the data holds no highlight (the ring marks it): one file serves every highlight
    lines = {"get_line_color": "properties.line", "get_line_width": "properties.width",
             "line_width_units": pdk.types.String("pixels"),  # a plain str would be read as an expression
             "line_width_min_pixels": 0.5, "line_width_max_pixels": 3} if outlines else {}
    data = feature_collection(areas, outlines=outlines)
    data["features"].insert(0, sea_feature(outlines=outlines))
    layer = pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id="choropleth",
        pickable=True,
        stroked=outlines,
        filled=True,
        get_fill_color="properties.fill",
        auto_highlight=True,
        highlight_color=f"index == 0 ? [0, 0, 0, 0] : {HOVER_HIGHLIGHT}",  # the sea (feature 0) is not highlighted
        **lines,
    )
    layers = [layer]
    marked = [a for a in areas if a.highlight]
    if marked and not outlines:  # a ring on the area (cheap to draw, and seen even where the area is tiny)
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=[{"position": marker_position(a.geometry)} for a in marked], id="markering",
            pickable=False, stroked=True, filled=False, get_position="position", get_line_color=hex_to_rgb(HIGHLIGHT),
            radius_units=pdk.types.String("pixels"), get_radius=MARKER_RADIUS_PX,
            line_width_units=pdk.types.String("pixels"), get_line_width=MARKER_LINE_PX))
    tooltip = {
        "html": "<b>{navn}</b><br/>" + html.escape(value_label) + ": {verdi}<br/><span>{kontekst}</span>",
        "style": {"backgroundColor": "white", "color": "#1F2933", "fontSize": "14px",
                  "border": f"1px solid {MUTED}"},
    }
    return pdk.Deck(layers=layers, initial_view_state=view or view_for_bounds(**NORWAY),
                    map_style=BLANK_STYLE, map_provider=None, tooltip=tooltip, height=height,
                    views=[pdk.View(type="MapView", controller=True)])


def legend_html(items: Sequence[LegendItem], title: str, note: str | None = None) -> str:
    """The legend as escaped HTML (swatches and labels, and a note under them), for st.html."""
    rows = "".join(
        f'<li><span aria-hidden="true" style="background:{html.escape(i.colour)}"></span>{html.escape(i.label)}</li>' for i in items)
    below = f'<p class="map-legend-note">{html.escape(note)}</p>' if note else ""
    return (
        '<div class="map-legend">'
        f'<p><b>{html.escape(title)}</b></p><ul aria-label="Tegnforklaring: {html.escape(title, quote=True)}">'
        f"{rows}</ul>{below}</div>"
        "<style>.map-legend ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}"
        ".map-legend li{display:flex;align-items:center;gap:.4rem;font-size:.9rem}"
        ".map-legend span{display:inline-block;width:1.1rem;height:1.1rem;border:1px solid #9AA5B1}"
        ".map-legend p{margin:.2rem 0}"
        ".map-legend p.map-legend-note{margin:.35rem 0 0;font-size:.8rem;color:#52606D}</style>"
    )


def geometry(geojson_text: str, digits: int = 4) -> dict:
    """Parse a geometry column value, coordinates rounded (4 decimals ≈ 10 m) to halve what the browser loads."""
    geom = json.loads(geojson_text)
    return {"type": geom["type"], "coordinates": round_coords(geom["coordinates"], digits)}


def numeric_areas(rows: Sequence[dict], geometries: dict[str, dict], breaks: Sequence[float],
                  fmt: Callable[[float], str], *, highlight: str | None = None,
                  palette: Sequence[str] = SEQUENTIAL) -> list[Area]:
    """Areas coloured by class of `verdi` (rows: kode, navn, fylkesnavn, verdi); missing values grey."""
    colours = _palette(len(breaks) + 1, palette)
    out = []
    for r in rows:
        cls = classify(r["verdi"], breaks)
        out.append(Area(
            code=r["kode"], name=r["navn"], geometry=geometries[r["kode"]],
            colour=NO_DATA if cls is None else colours[cls],
            value_text=NO_DATA_LABEL if cls is None else fmt(r["verdi"]),
            context=_context(r), highlight=r["kode"] == highlight))
    return out


def _context(row: Mapping[str, object]) -> str:
    """The tooltip's last line: the county of a municipality; nothing for a county (it would repeat its name)."""
    county = row.get("fylkesnavn") or ""
    return "" if county == row.get("navn") else str(county)


def status_areas(rows: Sequence[dict], geometries: dict[str, dict], *, highlight: str | None = None) -> list[Area]:
    """Areas coloured by policy status (rows: kode, navn, fylkesnavn, status)."""
    from dashboard.theme import STATUS_COLOURS, STATUS_LABELS

    return [Area(code=r["kode"], name=r["navn"], geometry=geometries[r["kode"]],
                 colour=STATUS_COLOURS.get(r["status"], NO_DATA),
                 value_text=STATUS_LABELS.get(r["status"], NO_DATA_LABEL), context=_context(r),
                 highlight=r["kode"] == highlight) for r in rows]


def status_legend() -> list[LegendItem]:
    """Legend of policy status colours ('ukjent' apart from 'nei')."""
    from dashboard.theme import STATUS_COLOURS, STATUS_LABELS

    return [LegendItem(STATUS_COLOURS[k], STATUS_LABELS[k]) for k in STATUS_COLOURS]


def freeze(deck: pdk.Deck) -> pdk.Deck:
    """The deck with its JSON computed once and compact (pydeck indents every number on its own line).

    Use it on a deck kept in a cache: Streamlit calls `to_json()` on every rerun, which then costs nothing.
    """
    from pydeck.bindings.json_tools import default_serialize

    text = orjson.dumps(deck, default=default_serialize, option=orjson.OPT_SORT_KEYS).decode()  # json.dumps: 10× slower
    deck.to_json = lambda: text  # type: ignore[method-assign]
    return deck
