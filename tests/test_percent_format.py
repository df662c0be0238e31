"""Percentages in charts are written the Norwegian way, '30 %' and '30,1 %', like the text and tables beside them."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import polars as pl
import pytest
from page_helpers import run_page

from dashboard import figures
from dashboard import figures_politikk as fp
from dashboard.theme import norwegian_percent, percent_ticks

D3_PERCENT = re.compile(r"%\{[^}]*%\}")
#: a plain space between a number and '%', 'kr', 'mill.' / 'mrd.', or between the groups of a number ('2 000')
BREAKABLE = re.compile(r"\d (?:%|kr\b|mill\.|mrd\.|\d{3}\b)")


def test_percent_ticks_are_round_norwegian_labels_covering_the_range():
    values, labels = percent_ticks(0.0, 0.37)
    assert values[0] == 0 and values[-1] >= 0.37 and len(values) <= 8
    assert labels[:3] == ["0\u00a0%", "10\u00a0%", "20\u00a0%"]
    assert percent_ticks(0.0, 1.0)[1][-2:] == ["100\u00a0%", "120\u00a0%"]
    assert percent_ticks(0.0, 0.004)[1][1] == "0,1\u00a0%"  # small shares keep a decimal


def test_a_ranked_percent_bar_chart_has_norwegian_ticks_and_hover():
    df = pl.DataFrame({"navn": ["A", "B", "C"], "andel": [0.123, 0.301, None]})
    fig = figures.bar_ranked(df, category="navn", value="andel", percent=True)
    assert fig.layout.xaxis.tickformat is None
    assert "30\u00a0%" in fig.layout.xaxis.ticktext
    bar = fig.data[0]
    assert "%{hovertext}" in bar.hovertemplate and not D3_PERCENT.search(bar.hovertemplate)
    assert dict(zip(bar.y, bar.hovertext, strict=True)) == {"A": "12,3\u00a0%", "B": "30,1\u00a0%", "C": "–"}


def test_a_stacked_share_chart_labels_its_right_end_100_percent():
    df = pl.DataFrame({"fylke": ["A", "A", "B"], "status": ["ja", "nei", "ja"], "antall": [3, 1, 2]})
    fig = figures.status_bars(df, category="fylke")
    assert tuple(fig.layout.xaxis.range) == (0, 1) and "100\u00a0%" in fig.layout.xaxis.ticktext
    assert fig.layout.margin.r >= 28, "plotly hides a tick label at the very edge without room for it"


def test_converting_twice_changes_nothing_more():
    fig = go.Figure(go.Scatter(x=[2020, 2024], y=[0.1, 0.33], hovertemplate="%{y:.1%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%")
    once = norwegian_percent(fig).to_json()
    assert norwegian_percent(fig).to_json() == once


PAGES = [("pages/oversikt.py", {}), ("pages/kart.py", {}), ("pages/frivillighetspolitikk.py", {}),
         *[("pages/frivillighetspolitikk.py", {"visning": tab}) for tab in fp.TABS[1:]],
         ("pages/tilskudd.py", {}), ("pages/tilskudd.py", {"indikator": "moms_kr_per_innbygger", "kommune": "4601"}),
         ("pages/kommuneprofil.py", {"kommune": "1508"})]


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_no_chart_on_any_page_writes_percent_without_the_space(mirror_db, monkeypatch, page, params):
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    at = run_page(page, **params)
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for name, axis in spec["layout"].items():
            if name.startswith(("xaxis", "yaxis")):
                assert "%" not in (axis.get("tickformat") or ""), (page, name, axis.get("tickformat"))
        for trace in spec["data"]:
            assert not D3_PERCENT.search(trace.get("hovertemplate") or ""), (page, trace.get("hovertemplate"))
    texts = [re.sub(r"\(data:[^)]*\)", "", e.value) for kind in ("markdown", "caption", "info", "warning")
             for e in getattr(at, kind) if not e.value.startswith("<style>")]  # the stylesheet and SVG images aside
    glued = [t for t in texts if re.search(r"\d%", t)]
    assert not glued, f"{page}: a percent sign without the space before it: {glued[:2]}"
    # a number and its unit, or a number's groups, never break across lines ('14,6 / %' on a narrow column)
    breakable = [m.group(0) for t in texts for m in BREAKABLE.finditer(t)]
    assert not breakable, f"{page}: a plain space inside a number or before its unit: {breakable[:5]}"



def test_every_kind_of_chart_has_the_dashboards_look(monkeypatch):
    """The theme's template (Norwegian separators, palette, fonts) is on every chart, also after Streamlit's plotly
    module has made its own template the default (it does so when it is imported, which may come after ours)."""
    import plotly.io as pio

    monkeypatch.setattr(pio.templates, "default", "streamlit")

    years = pl.DataFrame({"aar": [2021, 2022, 2023], "verdi": [1.0, 2.0, 3.0], "navn": ["A", "B", "C"]})
    charts = [figures.line_trend(years, x="aar", y="verdi"), figures.bars_by_year(years, y="verdi"),
              figures.bar_ranked(years, category="navn", value="verdi"), figures.empty_figure("Ingen tall")]
    for fig in charts:
        assert fig.layout.template == pio.templates["frivillig"]
