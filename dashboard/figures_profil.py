"""Pure figure builders for the municipality profile: DataFrame in, static SVG drawing out (the page, on screen
and in print), or plotly figure out (the embeddable figures); no Streamlit."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard import theme
from dashboard.figures import _layout
from dashboard.format import fmt_num, fmt_pct, fmt_value, nobreak
from dashboard.theme import CATEGORICAL, HIGHLIGHT, MUTED

#: Indicators the comparison chart shows (per inhabitant or shares, so places of any size compare).
COMPARE = ("org_per_1000", "grasrot_kr_per_innbygger", "grasrot_andel_mottar")
#: Short names for tables and narrow charts.
SHORT_NAMES = {
    "org_per_1000": "Organisasjoner per 1\u00a0000 innbyggere",
    "org_antall": "Registrerte organisasjoner",
    "frivilligsentraler": "Frivilligsentraler",
    "grasrot_kr_per_innbygger": "Grasrotandel, kr per innbygger",
    "grasrot_andel_mottar": "Andel registrerte som mottar grasrotandel",
}
#: Two-line titles of the comparison chart's panels (short enough for a phone).
TITLES = {
    "org_per_1000": "Organisasjoner per<br>1\u00a0000 innbyggere",
    "grasrot_kr_per_innbygger": "Grasrotandelen,<br>kroner per innbygger",
    "grasrot_andel_mottar": "Andel registrerte som<br>mottar grasrotandel",
}
#: Colours of the places, the same in every chart of the profile: the municipality orange, its county blue, the
#: country grey (dashed where it is a line), similar municipalities green.
PLACE_COLOURS = (HIGHLIGHT, CATEGORICAL[0], MUTED, CATEGORICAL[2])


def places(kommune: str, fylke: str | None) -> list[str]:
    """Labels of the four compared places, top to bottom (three where the county is the municipality: None)."""
    return [kommune, *([fylke] if fylke else []), "Hele landet", "Lignende kommuner"]


def _compared(r: dict, fylke: str | None) -> tuple[list, tuple[str, ...]]:
    """A key-figure row's values for the compared places, and their colours (the county left out: fylke None)."""
    if fylke:
        return [r["kommune"], r["fylke"], r["land"], r["median_gruppe"]], PLACE_COLOURS
    return [r["kommune"], r["land"], r["median_gruppe"]], (PLACE_COLOURS[0], *PLACE_COLOURS[2:])


def key_comparison(key: pl.DataFrame, *, kommune: str, fylke: str | None, row_height: int = 130) -> go.Figure:
    """Small multiples, one row per indicator: horizontal bars for the municipality, county, country and
    size-group median (rows stack, so it reads on a phone). `key` has the columns of queries_profil.key_figures."""
    rows = [r for r in key.iter_rows(named=True) if r["indikator"] in COMPARE]
    labels = places(kommune, fylke)
    n = max(1, len(rows))
    fig = make_subplots(rows=n, cols=1, vertical_spacing=0.42 / n,
                        subplot_titles=[f"{TITLES.get(r['indikator'], r['navn'])} ({r['aar']})" for r in rows])
    for i, r in enumerate(rows, start=1):
        values, colours = _compared(r, fylke)
        text = [fmt_value(v, r["enhet"], r["desimaler"]) for v in values]
        fig.add_trace(go.Bar(
            x=values, y=labels, orientation="h", marker_color=list(colours), text=text,
            textposition="outside", cliponaxis=False, showlegend=False,
            customdata=text, hovertemplate="%{y}: %{customdata}<extra></extra>", name=r["navn"]),
            row=i, col=1)
        fig.update_xaxes(showticklabels=False, showgrid=False, ticks="", row=i, col=1,
                         range=[0, max((v or 0) for v in values) * 1.18 or 1])
    fig.update_yaxes(autorange="reversed", ticks="")
    fig.update_annotations(font_size=13)
    fig.update_layout(hovermode="closest", bargap=0.25, margin={"l": 10, "r": 10, "t": 45, "b": 5})
    return _layout(fig, height=row_height * n + 45, legend=False)


def describe_key(key: pl.DataFrame, *, kommune: str, county: bool = True) -> str:
    """One sentence per compared indicator: the municipality against the county (unless `county` is False: the
    municipality is its county), the country and its size group."""
    parts = []
    for r in key.iter_rows(named=True):
        if r["indikator"] not in COMPARE or r["kommune"] is None:
            continue
        f = lambda v, r=r: fmt_value(v, r["enhet"], r["desimaler"])  # noqa: E731
        parts.append(f"{nobreak(r['navn'])} {r['aar']}: {kommune} {f(r['kommune'])}, "
                     + (f"fylket {f(r['fylke'])}, " if county else "")
                     + f"landet {f(r['land'])}, lignende kommuner {f(r['median_gruppe'])}.")
    return " ".join(parts) if parts else f"Ingen nøkkeltall for {kommune}."


#: Below this many organisations, a share of them moves by whole percentage points with one organisation.
SMALL_COUNT = 50


def by_share(df: pl.DataFrame) -> pl.DataFrame:
    """Categories largest first; groups with the same share (often 0 in a small municipality) by the country's."""
    return df.sort(["andel", "andel_land"], descending=True, nulls_last=True)


def describe_categories(df: pl.DataFrame, *, kommune: str) -> str:
    """'De største gruppene i X er …; størst forskjell fra landet: …'."""
    if df.is_empty():
        return f"Ingen registrerte organisasjoner i {kommune}."
    d = by_share(df)
    top = [f"{r['gruppenavn'].lower()} ({fmt_pct(r['andel'], 0)})"
           for r in d.filter(pl.col("antall") > 0).head(3).iter_rows(named=True)] or ["ingen"]
    diff = d.with_columns((pl.col("andel") - pl.col("andel_land")).alias("_d")).sort("_d", descending=True)
    hi = diff.row(0, named=True)
    n = int(d["antall"].sum())
    text = (f"De største gruppene blant de {fmt_num(n)} organisasjonene i {kommune} ({d['aar'][0]}) er "
            + ", ".join(top[:-1]) + (f" og {top[-1]}" if len(top) > 1 else top[0]) + ".")
    if hi["_d"] and hi["_d"] >= 0.02:
        text += (f" {hi['gruppenavn']} er en større del enn i landet ({fmt_pct(hi['andel'], 0)} mot "
                 f"{fmt_pct(hi['andel_land'], 0)}).")
    if 0 < n < SMALL_COUNT:
        text += (f" Med {fmt_num(n)} organisasjoner er én organisasjon {fmt_pct(1 / n, 0)} av dem, så små "
                 "forskjeller fra landet betyr lite.")
    return text


#: Line colours and widths of the places in time series: the municipality stands out.
LINE_STYLE = {"kommune": (HIGHLIGHT, 3.5, "solid"), "fylke": (CATEGORICAL[0], 2, "solid"),
              "land": (MUTED, 2, "dash")}


def grasrot_lines(df: pl.DataFrame, *, height: int = 280) -> go.Figure:
    """Grasrotandelen in kroner per inhabitant per year: the municipality (orange) against county (blue) and
    country (grey, dashed). `df` as queries_profil.grasrot_compare."""
    fig = go.Figure()
    for nivaa in ("kommune", "fylke", "land"):
        g = df.filter(pl.col("nivaa") == nivaa).sort("aar")
        if g.is_empty():
            continue
        colour, width, dash = LINE_STYLE[nivaa]
        fig.add_trace(go.Scatter(
            x=g["aar"].to_list(), y=g["kr_per_innbygger"].to_list(), name=g["sted"][0], mode="lines+markers",
            line={"color": colour, "width": width, "dash": dash}, marker={"size": 6},
            hovertemplate="%{fullData.name}: %{y:,.0f}\u00a0kr<extra></extra>"))
    fig.update_xaxes(dtick=1, tickformat="d")
    return _layout(fig, y_title="Kr per innbygger", height=height)


def describe_grasrot(df: pl.DataFrame, *, kommune: str) -> str:
    """First and last year of the municipality's grasrot per inhabitant, and the country's last value."""
    own = df.filter(pl.col("nivaa") == "kommune").drop_nulls("kr_per_innbygger").sort("aar")
    if own.is_empty():
        return f"Ingen tall for grasrotandelen i {kommune}."
    first, last = own.row(0, named=True), own.row(-1, named=True)
    land = df.filter((pl.col("nivaa") == "land") & (pl.col("aar") == last["aar"]))
    text = (f"Grasrotandelen i {kommune} var {fmt_num(first['kr_per_innbygger'])}\u00a0kr per innbygger i "
            f"{first['aar']} og {fmt_num(last['kr_per_innbygger'])}\u00a0kr i {last['aar']}")
    if land.height:
        text += f" (landet: {fmt_num(land['kr_per_innbygger'][0])}\u00a0kr)"
    return text + "."


# ---- static SVG drawings: the profile's charts on screen and in print --------------------------------------
# Values are written on them (a tablet has no hover), they print as they are shown (no redraw at the paper's
# width), and they cost the browser almost nothing to draw when another municipality is chosen. Same colours
# and Norwegian number formats as the plotly charts elsewhere; every text is escaped.

_FONT = "Source Sans Pro, Arial, sans-serif"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" font-family="{_FONT}" font-size="14" fill="{theme.TEXT}">'
            f"<title>{html.escape(title)}</title>" + "".join(body) + "</svg>")


def _place(name: str) -> str:
    """The attribute naming the place a bar, line or legend key stands for (read by tests and scripts)."""
    return f' data-sted="{html.escape(name)}"'


def _legend(items: list[tuple[str, str]], x: float, y: float, dashed: set[str] | None = None,
            lines: bool = False) -> list[str]:
    """Legend keys and names in a row: squares for bars, or short lines (dashed for the names in `dashed`)."""
    out = []
    for colour, name in items:
        if lines:
            dash = ' stroke-dasharray="5 3"' if name in (dashed or set()) else ""
            out.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{y - 4:.1f}" y2="{y - 4:.1f}" stroke="{colour}"{_place(name)} '
                       f'stroke-width="3"{dash}/>')
            text_x = x + 22
        else:
            out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"{_place(name)}/>')
            text_x = x + 14
        out.append(f'<text x="{text_x:.1f}" y="{y:.1f}">{html.escape(name)}</text>')
        x = text_x + 12 + 7.5 * len(name)
    return out


#: The ICNPO group for organisations in no other group.
OTHER_GROUP = "Andre"


def categories_svg(df: pl.DataFrame, *, kommune: str, width: int = 520, row: int = 22, limit: int = 8,
                   narrow: bool = False) -> str:
    """The categories chart as a static SVG: per ICNPO group, the municipality's share and the country's;
    beyond `limit` rows the smallest groups are added together as 'Øvrige grupper'. narrow: a phone's layout
    (360 wide, each group's name above its bars)."""
    d = by_share(df).select("gruppenavn", "andel", "andel_land")
    if d.height > limit:
        # the register's own catch-all group «Andre» joins the rest: «Andre» beside «Øvrige grupper» read as two
        # kinds of other
        d = pl.concat([d.filter(pl.col("gruppenavn") != OTHER_GROUP), d.filter(pl.col("gruppenavn") == OTHER_GROUP)])
        rest = d.slice(limit - 1)
        name = "Andre og øvrige grupper" if OTHER_GROUP in rest["gruppenavn"].to_list() else "Øvrige grupper"
        rest = rest.select(pl.lit(name).alias("gruppenavn"), pl.col("andel").sum(), pl.col("andel_land").sum())
        d = pl.concat([d.head(limit - 1), rest])
    if narrow:
        width, row = 360, 42
    # names at 16 and values at 15: printed in half the A4 page's width they are 8 and 7.5 pt. The names' column is
    # as wide as the longest name shown needs (in a wider fallback font), so the bars keep some room.
    longest = max((len(n) for n in d["gruppenavn"].to_list()), default=10)
    label_w, top, right = (0, 30, 150) if narrow else (min(300, round(8.4 * longest) + 12), 26, 150)
    height = top + row * d.height + 6
    top_share = max([*(v or 0 for v in d["andel"].to_list()), *(v or 0 for v in d["andel_land"].to_list()), 0.01])
    scale = (width - label_w - right) / top_share
    body = _legend([(HIGHLIGHT, kommune), (MUTED, "Hele landet")], label_w, 12)
    for i, r in enumerate(d.iter_rows(named=True)):
        y = top + i * row
        if narrow:  # the name on its own line, the two bars below it
            body.append(f'<text x="0" y="{y + 15}" font-size="16">{html.escape(r["gruppenavn"])}</text>')
            y, bars = y + 20, (row - 26) / 2
        else:
            body.append(f'<text x="{label_w - 6}" y="{y + row * 0.66:.1f}" text-anchor="end" font-size="16">'
                        f"{html.escape(r['gruppenavn'])}</text>")
            y, bars = y + 2, row / 2 - 2
        a, b = r["andel"] or 0, r["andel_land"] or 0
        body.append(f'<rect x="{label_w}" y="{y:.1f}" width="{a * scale:.1f}" height="{bars:.1f}" '
                    f'fill="{HIGHLIGHT}"{_place(kommune)}/>')
        body.append(f'<rect x="{label_w}" y="{y + bars + 1:.1f}" width="{b * scale:.1f}" height="{bars:.1f}" '
                    f'fill="{MUTED}"{_place("Hele landet")}/>')
        # both values in words: a lone '0 %' at the end of the country's longer bar reads as the country's
        body.append(f'<text x="{label_w + max(a, b) * scale + 4:.1f}" y="{y + bars + 5:.1f}" font-size="15">'
                    f"{html.escape(f'{fmt_pct(a, 0)} (landet {fmt_pct(b, 0)})')}</text>")
    return _svg(width, height, body, f"Organisasjoner etter kategori, {kommune} og hele landet")


def key_comparison_svg(key: pl.DataFrame, *, kommune: str, fylke: str | None, width: int = 400, row: int = 20) -> str:
    """The comparison chart as a static SVG: one panel per compared indicator (stacked, so it reads on a phone),
    a bar and its value for the municipality, county, country and size-group median (`key` as key_comparison)."""
    rows = [r for r in key.iter_rows(named=True) if r["indikator"] in COMPARE]
    labels = places(kommune, fylke)
    label_w, right, title_h, gap = 160, 62, 24, 14
    panel = title_h + row * len(labels)
    body: list[str] = []
    for i, r in enumerate(rows):
        top = i * (panel + gap)
        title = f"{SHORT_NAMES.get(r['indikator'], r['navn'])} ({r['aar']})"
        body.append(f'<text x="0" y="{top + 16}" font-weight="600">{html.escape(title)}</text>')
        values, colours = _compared(r, fylke)
        scale = (width - label_w - right) / (max((v or 0) for v in values) or 1)
        for j, (label, value, colour) in enumerate(zip(labels, values, colours, strict=True)):
            y = top + title_h + j * row
            body.append(f'<text x="{label_w - 6}" y="{y + row * 0.7:.1f}" text-anchor="end">'
                        f"{html.escape(_shorten(label, 20))}</text>")
            bar = (value or 0) * scale
            body.append(f'<rect x="{label_w}" y="{y + 3:.1f}" width="{bar:.1f}" height="{row - 6}" fill="{colour}"'
                        f"{_place(label)}/>")
            body.append(f'<text x="{label_w + bar + 4:.1f}" y="{y + row * 0.7:.1f}">'
                        f"{html.escape(fmt_value(value, r['enhet'], r['desimaler']))}</text>")
    height = max(1, len(rows)) * (panel + gap) - gap + 4
    return _svg(width, height, body, f"{kommune} sammenlignet med {'fylket, ' if fylke else ''}landet og lignende "
                                     "kommuner")


def _shorten(text: str, n: int) -> str:
    """Text cut to n characters with an ellipsis (long county names beside a bar)."""
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round tick values from 0 (or below) to at least hi."""
    span = max(hi - min(lo, 0), 1e-9)
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(min(lo, 0) / step) * step
    return [start + i * step for i in range(int(math.ceil((hi - start) / step)) + 1)]


def grasrot_svg(df: pl.DataFrame, *, kommune: str, width: int = 420, height: int = 200) -> str:
    """The grasrot chart as a static SVG: kroner per inhabitant per year, the municipality against county
    and country (`df` as queries_profil.grasrot_compare)."""
    d = df.drop_nulls("kr_per_innbygger")
    if d.is_empty():
        return _svg(width, 40, [f'<text x="0" y="20">Ingen tall for grasrotandelen i {html.escape(kommune)}.</text>'],
                    "Grasrotandelen")
    years = sorted(d["aar"].unique().to_list())
    ticks = _nice_ticks(0, float(d["kr_per_innbygger"].max()))
    last = [fmt_num(v) for v in d.sort("aar").group_by("nivaa", maintain_order=True).last()["kr_per_innbygger"]]
    tied = len(set(last)) < len(last)  # two lines end on the same shown value: their labels say which is which
    left, right, top, bottom = 48, 112 if tied else 70, 40, 22
    pw, ph = width - left - right, height - top - bottom

    def x(year: int) -> float:
        return left + 14 + ((pw - 28) * (years.index(year) / max(1, len(years) - 1)))

    def y(v: float) -> float:
        return top + ph - (v - ticks[0]) / (ticks[-1] - ticks[0]) * ph

    body = []
    for t in ticks:
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{theme.GRID}"/>')
        body.append(f'<text x="{left - 5}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="13">'
                    f"{html.escape(fmt_num(t))}</text>")
    for yr in years:
        body.append(f'<text x="{x(yr):.1f}" y="{height - 6}" text-anchor="middle" font-size="13">{yr}</text>')
    body.append(f'<text x="{left - 5}" y="{top - 14}" text-anchor="end" font-size="13">kr</text>')  # the unit
    legend, dashed, ends = [], set(), []
    for nivaa in ("kommune", "fylke", "land"):
        g = d.filter(pl.col("nivaa") == nivaa).sort("aar")
        if g.is_empty():
            continue
        colour, stroke, dash = LINE_STYLE[nivaa]
        points = g.select("aar", "kr_per_innbygger").rows()
        pts = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in points)
        body.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{stroke}"{_place(g["sted"][0])}'
                    + (' stroke-dasharray="6 4"' if dash == "dash" else "") + "/>")
        body += [f'<circle cx="{x(a):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for a, v in points]
        ends.append((y(points[-1][1]), f"{fmt_num(points[-1][1])}\u00a0kr", x(points[-1][0]), END_WORDS[nivaa]))
        legend.append((colour, g["sted"][0]))
        if dash == "dash":
            dashed.add(g["sted"][0])
    body += _end_labels(_merge_equal(ends), top, top + ph)
    body += _legend(legend, left, 14, dashed=dashed, lines=True)
    return _svg(width, height, body, f"Grasrotandelen i kroner per innbygger, {kommune}, fylket og landet")


#: How an end label names its line when two lines end on the same value.
END_WORDS = {"kommune": "kommunen", "fylke": "fylket", "land": "landet"}


def _merge_equal(ends: list[tuple[float, str, float, str]]) -> list[tuple[float, str, float]]:
    """End labels (y, text, x, word): where two lines end on the same value, each label names its line
    ('146 kr fylket', '146 kr landet'), so two identical numbers are not stacked without saying which is which."""
    texts = [e[1] for e in ends]
    return [(y, f"{text} {word}" if texts.count(text) > 1 else text, x) for y, text, x, word in ends]


def _end_labels(ends: list[tuple[float, str, float]], lo: float, hi: float, gap: float = 14) -> list[str]:
    """Value labels right of the lines' last points (y, text, x), pushed apart so they never overlap."""
    ends = sorted(ends)
    ys: list[float] = []
    for y, _, _ in ends:
        ys.append(max(y, ys[-1] + gap) if ys else y)
    shift = max(0.0, ys[-1] - hi) if ys else 0.0  # labels pushed below the plot move up together
    return [f'<text x="{x + 8:.1f}" y="{max(lo, y - shift) + 4:.1f}" font-size="13">{html.escape(text)}</text>'
            for (_, text, x), y in zip(ends, ys, strict=True)]


def _rings(geometry: dict) -> list[list[list[float]]]:
    """The rings (outer and holes) of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


#: A highlighted area smaller than this (pixels) on the locator map gets a ring, or it is a dot no one finds.
SMALL_AREA_PX = 12


def locator_svg(areas: list[tuple[str, dict, bool]], bbox: tuple[float, float, float, float], *,
                width: int = 360, title: str = "Kart") -> str:
    """A static locator map: areas (name, GeoJSON geometry, highlighted?) in grey, highlighted ones in orange,
    in a simple equirectangular projection of the bounding box (min_lon, min_lat, max_lon, max_lat)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = max((max_lon - min_lon) * kx, 1e-6), max(max_lat - min_lat, 1e-6)
    scale = width / span_x
    height = max(60, round(span_y * scale))

    def path(geometry: dict) -> str:
        parts = []
        for ring in _rings(geometry):
            pts, last = [], None
            for lon, lat, *_ in ring:
                p = (round((lon - min_lon) * kx * scale, 1), round((max_lat - lat) * scale, 1))
                if last is None or abs(p[0] - last[0]) + abs(p[1] - last[1]) >= 0.8:
                    pts.append(p)
                    last = p
            if len(pts) >= 3:
                parts.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
        return "".join(parts)

    body = []
    for name, geometry, highlight in sorted(areas, key=lambda a: a[2]):
        fill = HIGHLIGHT if highlight else "#D9D9D9"
        body.append(f'<path d="{path(geometry)}" fill="{fill}" stroke="#FFFFFF" stroke-width="0.6" '
                    f'fill-rule="evenodd"><title>{html.escape(name)}</title></path>')
        if highlight:
            xs = [(lon - min_lon) * kx * scale for ring in _rings(geometry) for lon, *_ in ring]
            ys = [(max_lat - lat) * scale for ring in _rings(geometry) for _, lat, *_ in ring]
            if xs and max(max(xs) - min(xs), max(ys) - min(ys)) < SMALL_AREA_PX:  # a few pixels: ring it
                r = SMALL_AREA_PX + 1.5  # kept inside the picture: an island on its edge is ringed whole
                cx = min(max((max(xs) + min(xs)) / 2, r), width - r)
                cy = min(max((max(ys) + min(ys)) / 2, r), height - r)
                body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{SMALL_AREA_PX:.0f}" fill="none" '
                            f'stroke="{HIGHLIGHT}" stroke-width="2.5"/>')
    return _svg(width, height, body, title)

