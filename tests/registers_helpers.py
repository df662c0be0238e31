"""Helpers for the register tests: reference tables from the mirror, fixture files as raw files, mock HTTP."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import httpx

from etl.cache import RawCache, RawFile
from etl.errors import BuildLog

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE_TABLES = ("src_kommuneendring", "src_kommune_2020", "src_kommune_grense_2024", "src_kommunedeling_vekt")


def build_reference_db(mirror: Path, path: Path) -> Path:
    """A DuckDB file with the reference tables the register loader needs (municipality codes and changes)."""
    from etl.mirror import Mirror
    from etl.sources import grenser, kommunedeling_vekter, kommuneendringer
    from etl.sources._common import FetchContext

    ctx = FetchContext(RawCache(path.parent / "raw"), Mirror(mirror), quiet=True)
    con = duckdb.connect(str(path))
    try:
        for src in (grenser, kommuneendringer, kommunedeling_vekter):
            src.load(con, src.fetch(ctx), BuildLog())
    finally:
        con.close()
    return path


def connect_with_reference(ref_db: Path) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with copies of the reference tables."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{ref_db}' AS ref (READ_ONLY)")
    for t in REFERENCE_TABLES:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM ref.{t}")
    con.execute("DETACH ref")
    return con


def raw_file(cache: RawCache, source_id: str, fixture: str, *, name: str | None = None,
             gzipped: bool = False, tmp: Path) -> RawFile:
    """Store a fixture file (optionally gzipped first) in a raw cache, as a fetch would."""
    src = FIXTURES / fixture
    name = name or (src.name + ".gz" if gzipped else src.name)
    staged = tmp / ("staged-" + name)
    if gzipped:
        with open(src, "rb") as fin, gzip.open(staged, "wb") as fout:
            shutil.copyfileobj(fin, fout)
    else:
        shutil.copyfile(src, staged)
    return cache.store(source_id, name, staged, retrieved="2025-09-30", origin=f"fixtures/{fixture}",
                       kind="synthetic")


def fixture_json(*parts: str) -> dict:
    """A JSON fixture file."""
    return json.loads(FIXTURES.joinpath(*parts).read_text(encoding="utf-8"))


def mock_transport(routes: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request]) -> httpx.MockTransport:
    """A MockTransport that records every request before answering it with `routes`."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return routes(request)

    return httpx.MockTransport(handler)
