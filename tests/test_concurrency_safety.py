"""The dashboard never hands polars a Python function: under concurrent sessions that deadlocks the server.

Polars runs a Python function (map_elements and friends) on its own thread pool; those threads need the GIL.
Streamlit runs each session's script in a thread of its own: one of them holding the GIL while it waits for the
pool, whose threads wait for the GIL, stopped every thread of the server, the event loop included (the load
test's 20 sessions hung in 2 of 4 runs; py-spy showed every thread waiting). Python-side mapping goes through
dashboard.format.map_strings instead.
"""

from __future__ import annotations

import ast

import polars as pl

from dashboard.format import map_strings
from etl.config import ROOT

UDF_METHODS = {"map_elements", "map_batches", "map_rows", "map_groups"}


def test_no_polars_python_udfs_in_the_dashboard():
    found = []
    for path in sorted([*ROOT.glob("dashboard/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in UDF_METHODS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert found == []


def test_map_strings_maps_values_and_keeps_nulls_and_the_name():
    s = pl.Series("status", ["ja", None, "nei"])
    out = map_strings(s, str.upper)
    assert out.name == "status" and out.dtype == pl.String
    assert out.to_list() == ["JA", None, "NEI"]
    assert map_strings(pl.Series("x", [], dtype=pl.String), str.upper).to_list() == []
