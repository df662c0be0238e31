"""One accessible look for every chart: colour-blind-safe palettes, Norwegian separators, readable fonts."""

from __future__ import annotations

# pandas before plotly: plotly's validators read pandas from sys.modules without importing it, so a session
# thread building a figure while another thread was still importing pandas got a half-initialised module.
import pandas  # noqa: F401  isort: skip
import math
import re

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.format import PLOTLY_SEPARATORS, fmt_pct

#: Okabe–Ito: distinguishable with the common colour-vision deficiencies.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: The policy time series, alike on every page: the survey in today's municipalities (the cards' figures) blue,
#: the survey in the round's own municipalities grey, Frivillighet Norge's published figures amber diamonds.
POLICY_SERIES_COLOURS = {"undersokelse_2024_grenser": CATEGORICAL[0], "undersokelse_runde": "#6B7785",
                         "publisert": CATEGORICAL[1]}
#: The outline of the published figures' diamonds (amber on white needs an edge).
PUBLISHED_EDGE = "#7A4F00"
#: Sequential blues (ColorBrewer Blues, light → dark, lightest class still distinct from the map background):
#: safe for colour-blind readers and in greyscale print.
#: Five steps spread evenly in lightness over ColorBrewer's 9-class Blues (the two lightest of the 6-class set
#: were hard to tell apart on the map).
SEQUENTIAL = ["#C6DBEF", "#6BAED6", "#3182BD", "#08519C", "#08306B"]
HIGHLIGHT = "#D55E00"
MUTED = "#8C8C8C"
TEXT = "#1F2933"
GRID = "#E4E7EB"

#: Policy status colours, in the order a legend shows them; 'ukjent' (no answer) is grey, never 'nei'.
STATUS_COLOURS = {
    "ja": "#0072B2",
    "under_arbeid": "#56B4E9",
    "nei": "#E69F00",
    "vet_ikke": "#CC79A7",
    "ukjent": "#BDBDBD",
}
STATUS_LABELS = {
    "ja": "Ja, vedtatt",
    "under_arbeid": "Under arbeid",
    "nei": "Nei",
    "vet_ikke": "Vet ikke",
    "ukjent": "Ukjent (ikke svart)",
}

#: The page's own font (Streamlit serves "Source Sans"), so the charts' text matches the text around them.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", Arial, sans-serif'

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 14, "color": TEXT},
        colorway=CATEGORICAL,
        separators=PLOTLY_SEPARATORS,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"gridcolor": GRID, "linecolor": "#9AA5B1", "ticks": "outside", "zeroline": False,
               "exponentformat": "none", "separatethousands": True},
        yaxis={"gridcolor": GRID, "linecolor": "#9AA5B1", "zeroline": False, "rangemode": "tozero",
               "exponentformat": "none", "separatethousands": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"size": 14}},
        title={"font": {"size": 16}},
    )
)
pio.templates["frivillig"] = TEMPLATE
pio.templates.default = "frivillig"


# ---- percent in Norwegian: "30 %", not d3's "30%" ------------------------------------------------------------

_PERCENT_HOVER = re.compile(r"%\{([xy]):[^}]*?\.(\d)%\}")
_PERCENT_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0)


def percent_ticks(lo: float, hi: float, max_ticks: int = 6) -> tuple[list[float], list[str]]:
    """Tick values and Norwegian labels ('0 %', '20 %', …) for shares from lo to hi (one tick beyond hi)."""
    span = max(hi - lo, 1e-9)
    step = next((s for s in _PERCENT_STEPS if span / s <= max_ticks), _PERCENT_STEPS[-1])
    decimals = 1 if step < 0.01 else 0
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9) + 1
    values = [round(i * step, 6) for i in range(first, last + 1)]
    return values, [fmt_pct(v, decimals) for v in values]


def _numbers(values: object) -> list[float]:
    return [float(v) for v in (values if values is not None else ()) if isinstance(v, int | float)]


def norwegian_percent(fig: go.Figure) -> go.Figure:
    """Percent axes and hover texts of a figure in Norwegian style, '30 %' and '30,1 %' (d3 writes '30%').

    Axes with a percent tickformat get explicit ticks and labels; a hovertemplate's `%{x:.1%}` becomes
    `%{hovertext}` with the value formatted by fmt_pct. Changes the figure in place and returns it; a figure
    already converted is left as it is."""
    for letter in ("x", "y"):
        axis = fig.layout[f"{letter}axis"]
        if not (axis.tickformat or "").endswith("%"):
            continue
        values = [v for trace in fig.data for v in _numbers(getattr(trace, letter, None))]
        lo, hi = min([0.0, *values]), max([0.0, *values])
        if axis.range is not None and axis.range[1] is not None:
            lo, hi = float(axis.range[0] or 0), float(axis.range[1])
            if letter == "x":  # room for the label of the tick at the right end ('100 %'): plotly hides it
                fig.layout.margin.r = max(fig.layout.margin.r or 0, 28)
        elif fig.layout.barmode == "stack":
            hi = max(hi, 1.0)
        axis.tickvals, axis.ticktext = percent_ticks(lo, hi)
        axis.tickformat = None
    for trace in fig.data:
        template = getattr(trace, "hovertemplate", None)
        found = _PERCENT_HOVER.findall(template) if isinstance(template, str) else []
        if len(found) != 1 or getattr(trace, "hovertext", None) is not None:
            continue
        letter, decimals = found[0]
        raw = getattr(trace, letter, None)
        trace.hovertext = [fmt_pct(v if isinstance(v, int | float) else None, int(decimals))
                           for v in (raw if raw is not None else ())]
        trace.hovertemplate = _PERCENT_HOVER.sub("%{hovertext}", template)
    return fig
