"""Pure figure builders: DataFrame in, plotly figure out. No Streamlit here; tested on their own."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from dashboard import theme  # also registers the template
from dashboard.format import fmt_num, fmt_period, nobreak, period_position
from dashboard.theme import (
    CATEGORICAL,
    HIGHLIGHT,
    MUTED,
    POLICY_SERIES_COLOURS,
    PUBLISHED_EDGE,
    STATUS_COLOURS,
    STATUS_LABELS,
)


def _layout(fig: go.Figure, *, y_title: str = "", x_title: str = "", height: int = 360,
            percent: bool = False, legend: bool = True) -> go.Figure:
    # a builder that chose its hover mode ('closest' for bars: one bar per year) keeps it. The template is named:
    # Streamlit makes its own the default when its plotly module is imported, which can come after theme.py
    fig.update_layout(template="frivillig", height=height, showlegend=legend,
                      hovermode=fig.layout.hovermode or "x unified",
                      xaxis_title=x_title or None, yaxis_title=y_title or None)
    if percent:
        fig.update_yaxes(tickformat=".0%", range=[0, None])
    return theme.norwegian_percent(fig)


def line_trend(df: pl.DataFrame, *, x: str, y: str, series: str | None = None, y_title: str = "",
               percent: bool = False, highlight: str | None = None, hover_format: str = ",.0f",
               height: int = 360) -> go.Figure:
    """Lines over time, one per value of `series` (the `highlight` series drawn thicker in orange)."""
    fig = go.Figure()
    groups = [(None, df)] if series is None else [(k[0], g) for k, g in df.group_by(series, maintain_order=True)]
    for i, (name, g) in enumerate(groups):
        g = g.sort(x)
        strong = highlight is None or name == highlight
        colour = HIGHLIGHT if (highlight is not None and name == highlight) else CATEGORICAL[i % len(CATEGORICAL)]
        fig.add_trace(go.Scatter(
            x=g[x].to_list(), y=g[y].to_list(), name=str(name) if name is not None else y_title,
            mode="lines+markers", line={"width": 3.5 if strong else 2, "color": colour},
            marker={"size": 6}, hovertemplate=f"%{{fullData.name}}: %{{y:{'.1%' if percent else hover_format}}}<extra></extra>",
        ))
    fig.update_xaxes(dtick=1 if df.height and df[x].n_unique() <= 12 else None, tickformat="d")
    return _layout(fig, y_title=y_title, percent=percent, legend=series is not None, height=height)


def bar_ranked(df: pl.DataFrame, *, category: str, value: str, highlight: str | None = None,
               value_title: str = "", percent: bool = False, height: int | None = None,
               hover_format: str = ",.1f") -> go.Figure:
    """Horizontal bars sorted by value, largest on top; one category can be highlighted."""
    d = df.sort(value, descending=False, nulls_last=False)
    colours = [HIGHLIGHT if c == highlight else CATEGORICAL[0] for c in d[category].to_list()]
    fig = go.Figure(go.Bar(
        x=d[value].to_list(), y=d[category].to_list(), orientation="h", marker_color=colours,
        hovertemplate=f"%{{y}}: %{{x:{'.1%' if percent else hover_format}}}<extra></extra>",
    ))
    fig.update_layout(hovermode="closest")
    if percent:
        fig.update_xaxes(tickformat=".0%")
    return _layout(fig, x_title=value_title, height=height or max(260, 24 * d.height + 60), legend=False)


def bar_grouped(df: pl.DataFrame, *, category: str, value: str, series: str, value_title: str = "",
                percent: bool = False, colours: dict[str, str] | None = None,
                labels: dict[str, str] | None = None, stacked: bool = False, horizontal: bool = False,
                height: int = 380, order: Sequence[str] | None = None) -> go.Figure:
    """Bars per category, one bar (or stack segment) per series value, in a fixed colour per series."""
    fig = go.Figure()
    keys = list(order) if order else df[series].unique(maintain_order=True).to_list()
    for i, key in enumerate(keys):
        g = df.filter(pl.col(series) == key)
        if g.is_empty():
            continue
        colour = (colours or {}).get(key, CATEGORICAL[i % len(CATEGORICAL)])
        name = (labels or {}).get(key, str(key))
        xs, ys = g[category].to_list(), g[value].to_list()
        fig.add_trace(go.Bar(
            x=ys if horizontal else xs, y=xs if horizontal else ys, name=name, marker_color=colour,
            orientation="h" if horizontal else "v",
            hovertemplate=f"{name}: %{{{'x' if horizontal else 'y'}:{'.1%' if percent else ',.0f'}}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack" if stacked else "group", hovermode="closest")
    if percent:
        (fig.update_xaxes if horizontal else fig.update_yaxes)(tickformat=".0%")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return _layout(fig, y_title="" if horizontal else value_title, x_title=value_title if horizontal else "",
                   height=height)


def status_bars(df: pl.DataFrame, *, category: str, status: str = "status", count: str = "antall",
                height: int | None = None, order: Sequence[str] | None = None) -> go.Figure:
    """100 % stacked bars of policy status per category; 'ukjent' (no answer) in grey, apart from 'nei'.

    `order` lists the categories top to bottom (default: as they first appear in the data).
    """
    totals = df.group_by(category).agg(pl.col(count).sum().alias("_total"))
    d = df.join(totals, on=category).with_columns((pl.col(count) / pl.col("_total")).alias("_share"))
    fig = go.Figure()
    for key, colour in STATUS_COLOURS.items():
        g = d.filter(pl.col(status) == key)
        if g.is_empty():
            continue
        fig.add_trace(go.Bar(
            y=g[category].to_list(), x=g["_share"].to_list(), name=STATUS_LABELS[key], orientation="h",
            marker_color=colour, customdata=g[count].to_list(),
            hovertemplate=f"{STATUS_LABELS[key]}: %{{customdata}} (%{{x:.0%}})<extra>%{{y}}</extra>",
        ))
    fig.update_layout(barmode="stack", hovermode="closest", legend={"traceorder": "normal"})
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed", categoryorder="array",
                     categoryarray=list(order) if order else df[category].unique(maintain_order=True).to_list())
    n = d[category].n_unique()
    return _layout(fig, height=height or max(260, 26 * n + 90))


def sparkline_svg(values: Sequence[float | None], description: str, *, highlight: int | None = None,
                  width: int = 160, height: int = 34) -> str:
    """A small trend line as inline SVG (role img, the description as its accessible name), with a dot on the
    value at index `highlight` (default the last; none if that value is missing); '' for < 2 values."""
    at = len(values) - 1 if highlight is None else highlight
    kept = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(kept) < 2:
        return ""
    vals = [v for _, v in kept]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    pad = 3
    step = (width - 2 * pad) / (len(vals) - 1)
    pts = [(pad + j * step, height - pad - (v - lo) / span * (height - 2 * pad)) for j, v in enumerate(vals)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    label = html.escape(description, quote=True)
    dot = next((pts[j] for j, (i, _) in enumerate(kept) if i == at), None)
    return (f'<svg class="sparkline" role="img" aria-label="{label}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{label}</title>"
            f'<polyline points="{path}" fill="none" stroke="{CATEGORICAL[0]}" stroke-width="2" '
            'vector-effect="non-scaling-stroke" stroke-linejoin="round" stroke-linecap="round"/>'
            + (f'<circle cx="{dot[0]:.1f}" cy="{dot[1]:.1f}" r="2.5" fill="{CATEGORICAL[0]}"/>' if dot else "")
            + "</svg>")


def describe_trend(df: pl.DataFrame, *, x: str, y: str, what: str, unit: str = "", decimals: int = 0,
                   percent: bool = False, scale: float = 1.0) -> str:
    """A one-sentence Norwegian summary of a time series (values times `scale`): first, last and direction."""
    d = df.drop_nulls(y).sort(x).with_columns(pl.col(y) * scale)
    if d.height == 0:
        return f"Ingen tall for {what}."
    first, last = d.row(0, named=True), d.row(-1, named=True)

    def f(v: float) -> str:
        return f"{fmt_num(v * 100, 1)}\u00a0%" if percent else nobreak(f"{fmt_num(v, decimals)}{unit}")

    if d.height == 1:
        return f"{what.capitalize()} var {f(last[y])} i {last[x]}."
    direction = "økte" if last[y] > first[y] else ("sank" if last[y] < first[y] else "var uendret")
    return (f"{what.capitalize()} {direction} fra {f(first[y])} i {first[x]} til {f(last[y])} i {last[x]}.")


def empty_figure(message: str) -> go.Figure:
    """A blank figure with a message, for selections without data."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 16, "color": MUTED}, x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=200, legend=False)


#: A bar of a year without a published national total: lighter and hatched, and said so on hover and in the legend.
UNOFFICIAL = " (landstallet er ikke publisert)"
UNOFFICIAL_LEGEND = "Skravert: landstallet er ikke publisert"
#: The lighter shade a hatched bar is drawn in, per bar colour.
LIGHTER = {CATEGORICAL[0]: "#6BAED6", "#9ECAE1": "#C6DBEF"}
#: Dark stripes: what plotly draws on bars whose pattern varies per bar, whatever fgcolor says (#444), so the legend's
#: swatch is given the same.
_HATCH = {"fillmode": "overlay", "fgcolor": "#444444", "fgopacity": 0.7, "size": 7}


def unofficial_marks(years: list, unofficial: Sequence[int], colour: str) -> tuple[dict, list[str]]:
    """The marker of bars per year (lighter and hatched for the years in `unofficial`) and each bar's hover
    suffix ('' or UNOFFICIAL)."""
    off = [y in set(unofficial) for y in years]
    marker = {"color": [LIGHTER.get(colour, colour) if o else colour for o in off],
              "pattern": {"shape": ["/" if o else "" for o in off], **_HATCH}}
    return marker, [UNOFFICIAL if o else "" for o in off]


def unofficial_legend(fig: go.Figure, years: list, unofficial: Sequence[int], *, offsetgroup: str) -> bool:
    """A legend entry that says what the hatching means, when any of the `years` drawn is in `unofficial`
    (True then). It has no bars of its own: it shares `offsetgroup` with a drawn trace, so grouped bars keep
    their width."""
    if not set(years) & set(unofficial):
        return False
    fig.add_trace(go.Bar(x=[None], y=[None], name=UNOFFICIAL_LEGEND, offsetgroup=offsetgroup, hoverinfo="skip",
                         marker={"color": LIGHTER[CATEGORICAL[0]], "pattern": {"shape": "/", **_HATCH}}))
    return True


def legend_key(name: str, colour: str, group: str) -> go.Bar:
    """A legend entry for a bar series in its own colour, drawing no bar, in legendgroup `group`."""
    return go.Bar(x=[None], y=[None], name=name, marker={"color": colour}, offsetgroup=group, legendgroup=group,
                  hoverinfo="skip")


def key_hatched_series(fig: go.Figure) -> go.Figure:
    """Each bar series in the legend with some bars hatched (unofficial_marks) gets an entry in its own plain colour
    (legend_key): plotly's swatch copies a series' first bar, which may be hatched. The series' trace leaves the
    legend, in the entry's legendgroup, so a click on the entry still hides its bars."""
    plain = {light: colour for colour, light in LIGHTER.items()}
    for trace in list(fig.data):
        shapes = trace.marker.pattern.shape if trace.type == "bar" else None
        if trace.showlegend is False or not trace.name or not shapes or not any(shapes):
            continue
        colours = list(trace.marker.color)
        colour = next((c for c, shape in zip(colours, shapes, strict=True) if not shape), plain.get(colours[0]))
        group = trace.offsetgroup
        trace.update(showlegend=False, legendgroup=group)
        fig.add_trace(legend_key(trace.name, colour, group))
    return fig


def bars_by_year(df: pl.DataFrame, *, x: str = "aar", y: str, y_title: str = "", hover_format: str = ",.0f",
                 colour: str = CATEGORICAL[0], height: int = 320, money: bool = False,
                 unofficial: Sequence[int] = ()) -> go.Figure:
    """Vertical bars per year (amounts in NOK shown in millions when money=True); the years in `unofficial`
    (no published national total) lighter and hatched, with a legend entry saying so."""
    d = df.sort(x)
    years = d[x].to_list()
    ys = [v / 1e6 if (money and v is not None) else v for v in d[y].to_list()]
    marker, suffix = unofficial_marks(years, unofficial, colour)
    fig = go.Figure(go.Bar(x=years, y=ys, marker=marker, customdata=suffix, offsetgroup="0", showlegend=False,
                           hovertemplate=f"%{{x}}: %{{y:{hover_format}}}{' mill. kr' if money else ''}"
                                         "%{customdata}<extra></extra>"))
    legend = unofficial_legend(fig, years, unofficial, offsetgroup="0")
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_layout(hovermode="closest")
    return _layout(fig, y_title=y_title + (" (mill. kr)" if money and "mill" not in y_title else ""),
                   height=height, legend=legend)


def paid_and_applied(df: pl.DataFrame, *, height: int = 320, unofficial: Sequence[int] = (),
                     unofficial_applied: Sequence[int] | None = None) -> go.Figure:
    """Momskompensasjon: applied for (light) and paid (dark) per year, in millions of NOK; the years in
    `unofficial` (no published national total paid) hatched, and the applied-for bars of the years in
    `unofficial_applied` (default: the same years), with a legend entry saying so."""
    d = df.sort("aar")
    years = d["aar"].to_list()
    applied = unofficial if unofficial_applied is None else unofficial_applied
    fig = go.Figure()
    series = (("sokt", "Søkt", "#9ECAE1", applied), ("utbetalt", "Utbetalt", CATEGORICAL[0], unofficial))
    for col, name, colour, off in series:
        marker, suffix = unofficial_marks(years, off, colour)
        fig.add_trace(go.Bar(x=years, y=[v / 1e6 for v in d[col].to_list()], name=name, marker=marker,
                             customdata=suffix, offsetgroup=col,
                             hovertemplate=f"{name} %{{x}}: %{{y:,.0f}}\u00a0mill. kr%{{customdata}}<extra></extra>"))
    key_hatched_series(fig)
    unofficial_legend(fig, years, [*unofficial, *applied], offsetgroup="utbetalt")
    fig.update_layout(barmode="group", hovermode="closest")
    fig.update_xaxes(dtick=1, tickformat="d")
    return _layout(fig, y_title="mill. kr", height=height)


def policy_timeline(rounds: pl.DataFrame, timeline: pl.DataFrame, *, height: int = 340) -> go.Figure:
    """Share of municipalities with a policy: survey rounds (line) and Frivillighet Norge's counts (diamonds).

    `timeline` is queries.policy_timeline(); only its published rows (kilde_type 'publisert') are drawn."""
    published = timeline.filter(pl.col("kilde_type") == "publisert")
    fig = go.Figure()
    r = rounds.drop_nulls("andel_ja_alle").sort("aar")
    # every point sits at its time within the year (a round mid-year, a published figure at its month), so two
    # figures published in one year do not stack on one x, nor hide the survey's point
    p = published.drop_nulls("andel").sort("per")
    fig.add_trace(go.Scatter(
        x=[period_position(x) for x in p["per"]], y=p["andel"].to_list(), mode="markers",
        name="Publisert (Frivillighet Norge)",
        marker={"symbol": "diamond", "size": 14, "color": POLICY_SERIES_COLOURS["publisert"],
                "line": {"width": 1, "color": PUBLISHED_EDGE}},
        customdata=[fmt_period(x) for x in p["per"]],
        hovertemplate="Publisert %{customdata}: %{y:.1%}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[period_position(str(a)) for a in r["aar"]], y=r["andel_ja_alle"].to_list(), mode="lines+markers",
        name="Kommuneundersøkelsen (dagens 357 kommuner)",
        line={"color": POLICY_SERIES_COLOURS["undersokelse_2024_grenser"], "width": 3},
        marker={"size": 8}, customdata=list(zip(r["aar"].to_list(), r["ja"].to_list(), strict=True)),
        hovertemplate="Undersøkelsen %{customdata[0]}: %{customdata[1]} kommuner (%{y:.0%})<extra></extra>"))
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_layout(hovermode="closest", legend={"traceorder": "reversed"})
    return _layout(fig, y_title="Andel av kommunene", percent=True, height=height)
