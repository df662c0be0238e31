"""One accessible look for every chart: colour-blind-safe palettes, Norwegian separators, readable fonts."""

from __future__ import annotations

# pandas before plotly: plotly's validators read pandas from sys.modules without importing it, so a session
# thread building a figure while another thread was still importing pandas got a half-initialised module.
import pandas  # noqa: F401  isort: skip
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.format import PLOTLY_SEPARATORS

#: Okabe–Ito: distinguishable with the common colour-vision deficiencies.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Sequential blues (ColorBrewer Blues, light → dark, lightest class still distinct from the map background):
#: safe for colour-blind readers and in greyscale print.
SEQUENTIAL = ["#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"]
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

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "Source Sans Pro, Arial, sans-serif", "size": 14, "color": TEXT},
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
