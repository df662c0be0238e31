"""A changed selection redraws only what changed: the charts, maps and tables keep their place on the page.

Streamlit's browser side matches a page's parts between runs by position; a message that appears for one
selection and not another shifts everything after it, and every chart in the columns below is then drawn anew
(on Tilskudd, 8 charts for a change of year instead of the 4 whose data changed). Optional messages therefore
sit in slots (components.slot). These tests change each page's selection back and forth and check that every
chart, map and table is found at the same position in the page tree afterwards.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from etl.config import ROOT

APP = str(ROOT / "app.py")
DRAWN = ("plotly_chart", "deck_gl_json_chart", "arrow_data_frame", "dataframe")


def positions(node, prefix: tuple = ()) -> dict[str, frozenset]:
    """Every chart, map and table on the page by its key, else its kind: its positions in the page tree."""
    out: dict[str, frozenset] = {}
    for index, child in getattr(node, "children", {}).items():
        path = (*prefix, index)
        if getattr(child, "type", None) in DRAWN:
            name = (getattr(child.proto, "id", "") or "").rsplit("-", 1)[-1] or child.type
            out[name] = out.get(name, frozenset()) | {path}
        if isinstance(child, Block):
            for name, paths in positions(child, path).items():
                out[name] = out.get(name, frozenset()) | paths
    return out


def moved(before: dict[str, frozenset], after: dict[str, frozenset]) -> dict[str, tuple]:
    """What was drawn in both runs at other places. Tables without a key are known by their kind only, so one
    that comes or goes with the selection (a table shown for 2024 only) is no move: one set holds the other."""
    return {k: (before[k], after[k]) for k in before.keys() & after.keys()
            if not (before[k] <= after[k] or after[k] <= before[k])}


@pytest.mark.parametrize(("page", "params", "widget", "values"), [
    ("pages/tilskudd.py", {}, "w_aar", ["2023", "2019", "2024"]),  # 2024 has a status message, the others not
    ("pages/frivillighetspolitikk.py", {}, "w_aar", ["2021", "2019", "2024"]),
    ("pages/frivillighetspolitikk.py", {"visning": "Fylker"}, "w_aar", ["2021", "2019", "2024"]),  # table: 2024 only
    ("pages/frivillighetspolitikk.py", {"visning": "Kart og kommuner"}, "w_aar", ["2021", "2019", "2024"]),
    ("pages/kart.py", {}, "w_indikator", ["grasrot_kr_per_innbygger", "moms_kr_per_innbygger", "politikk_status"]),
    ("pages/kommuneprofil.py", {"kommune": "1508"}, "w_kommune", ["0301", "1580", "1508"]),
], ids=["tilskudd-aar", "politikk-runde", "politikk-runde-fylker", "politikk-runde-kart", "kart-indikator",
        "profil-kommune"])
def test_charts_keep_their_place_when_the_selection_changes(mirror_db, monkeypatch, page, params, widget, values):
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception
    before = positions(at.main)
    assert before, "nothing drawn to compare"
    for value in values:
        at.selectbox(key=widget).set_value(value).run()
        assert not at.exception, [e.value for e in at.exception]
        after = positions(at.main)
        shifted = moved(before, after)
        assert shifted == {}, f"{widget}={value}: moved on the page (and would be drawn anew): {shifted}"
        assert before.keys() & after.keys()
        before = after
