"""Choropleth maps without a tile server: GeoJSON + values → pydeck layer, class breaks, legend, tooltip."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pydeck as pdk

from dashboard.theme import MUTED, SEQUENTIAL

#: Served by Streamlit's static file serving (server.enableStaticServing): no external map style or tiles.
BLANK_STYLE = "/app/static/blank-style.json"
NO_DATA = "#D9D9D9"
NO_DATA_LABEL = "Ingen data"


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: colour and label."""

    colour: str
    label: str


def hex_to_rgb(colour: str, alpha: int = 230) -> list[int]:
    """'#08519C' → [8, 81, 156, alpha]."""
    c = colour.lstrip("#")
    return [int(c[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def class_breaks(values: Sequence[float | None], k: int = 5) -> list[float]:
    """Quantile class breaks (k classes → k-1 inner breaks), rounded to readable numbers, strictly increasing."""
    vals = sorted(v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v)))
    if not vals:
        return []
    breaks = []
    for i in range(1, k):
        q = vals[min(len(vals) - 1, round(i * len(vals) / k))]
        breaks.append(_nice(q))
    out: list[float] = []
    for b in breaks:
        if (not out or b > out[-1]) and vals[0] < b <= vals[-1]:
            out.append(b)
    return out


def _nice(x: float) -> float:
    """Round to two significant digits: 1234 → 1200, 0.0456 → 0.046."""
    if x == 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(abs(x))))
    return round(x, digits)


def classify(value: float | None, breaks: Sequence[float]) -> int | None:
    """Index of the class a value falls in (0 … len(breaks)), or None for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for i, b in enumerate(breaks):
        if value < b:
            return i
    return len(breaks)


def legend_numeric(breaks: Sequence[float], fmt: Callable[[float], str],
                   palette: Sequence[str] = SEQUENTIAL, with_missing: bool = True) -> list[LegendItem]:
    """Legend entries for class breaks: 'under 5', '5 – 10', …, '20 og over'."""
    colours = _palette(len(breaks) + 1, palette)
    if not breaks:
        items = [LegendItem(colours[0], "alle verdier")]
    else:
        items = [LegendItem(colours[0], f"under {fmt(breaks[0])}")]
        items += [LegendItem(colours[i + 1], f"{fmt(breaks[i])} – {fmt(breaks[i + 1])}")
                  for i in range(len(breaks) - 1)]
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


def feature_collection(areas: Sequence[Area]) -> dict:
    """GeoJSON FeatureCollection with fill colour and escaped tooltip text in the properties."""
    feats = []
    for a in areas:
        feats.append({
            "type": "Feature",
            "geometry": a.geometry,
            "properties": {
                "kode": a.code,
                "navn": html.escape(a.name),
                "verdi": html.escape(a.value_text),
                "kontekst": html.escape(a.context),
                "fill": hex_to_rgb(a.colour),
                "line": [213, 94, 0, 255] if a.highlight else [255, 255, 255, 200],
                "width": 3 if a.highlight else 0.6,
            },
        })
    return {"type": "FeatureCollection", "features": feats}


def view_for_bounds(min_lon: float, min_lat: float, max_lon: float, max_lat: float,
                    width_px: int = 700, height_px: int = 600) -> pdk.ViewState:
    """A view state that fits a bounding box (Web Mercator zoom from the larger extent)."""
    lon_span = max(max_lon - min_lon, 1e-3)
    lat_mid = (min_lat + max_lat) / 2
    lat_span = max(max_lat - min_lat, 1e-3) / max(math.cos(math.radians(lat_mid)), 0.2)
    zoom = min(math.log2(360 * width_px / 256 / lon_span), math.log2(360 * height_px / 256 / lat_span)) - 0.6
    return pdk.ViewState(longitude=(min_lon + max_lon) / 2, latitude=lat_mid, zoom=max(1.0, min(zoom, 11.0)))


NORWAY = dict(min_lon=4.5, min_lat=57.9, max_lon=31.2, max_lat=71.2)


def choropleth(areas: Sequence[Area], *, view: pdk.ViewState | None = None, value_label: str = "Verdi",
               height: int = 620) -> pdk.Deck:
    """A pydeck Deck with one GeoJsonLayer; tooltip shows name, value and county; no map tiles."""
    layer = pdk.Layer(
        "GeoJsonLayer",
        data=feature_collection(areas),
        id="choropleth",
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.width",
        line_width_units="pixels",
        auto_highlight=True,
        highlight_color=[213, 94, 0, 120],
    )
    tooltip = {
        "html": "<b>{navn}</b><br/>" + html.escape(value_label) + ": {verdi}<br/><span>{kontekst}</span>",
        "style": {"backgroundColor": "white", "color": "#1F2933", "fontSize": "14px",
                  "border": f"1px solid {MUTED}"},
    }
    return pdk.Deck(layers=[layer], initial_view_state=view or view_for_bounds(**NORWAY),
                    map_style=BLANK_STYLE, map_provider=None, tooltip=tooltip, height=height,
                    views=[pdk.View(type="MapView", controller=True)])


def legend_html(items: Sequence[LegendItem], title: str) -> str:
    """The legend as escaped HTML (swatches and labels), for st.html."""
    rows = "".join(
        f'<li><span style="background:{html.escape(i.colour)}"></span>{html.escape(i.label)}</li>' for i in items)
    return (
        '<div class="map-legend" role="list" aria-label="Tegnforklaring">'
        f"<p><b>{html.escape(title)}</b></p><ul>{rows}</ul></div>"
        "<style>.map-legend ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}"
        ".map-legend li{display:flex;align-items:center;gap:.4rem;font-size:.9rem}"
        ".map-legend span{display:inline-block;width:1.1rem;height:1.1rem;border:1px solid #9AA5B1}"
        ".map-legend p{margin:.2rem 0}</style>"
    )


def geometry(geojson_text: str) -> dict:
    """Parse a geometry column value."""
    return json.loads(geojson_text)
