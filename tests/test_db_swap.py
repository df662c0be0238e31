"""The app reads the database read-only and picks up a file swapped in by a build, without a restart."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from dashboard import db


@pytest.fixture()
def served(mirror_db, tmp_path, monkeypatch):
    path = tmp_path / "served.duckdb"
    shutil.copyfile(mirror_db, path)
    monkeypatch.setenv("FRIVILLIG_DB", str(path))
    db._open.clear()
    yield path
    db._open.clear()


def test_connection_is_read_only(served):
    with pytest.raises(duckdb.Error):
        db.handle().con.execute("CREATE TABLE x (a INTEGER)")


def test_swapped_file_is_noticed_without_restart(served, tmp_path):
    assert db.query("SELECT count(*) AS n FROM kommune")["n"][0] == 357
    first = db.handle()
    new = tmp_path / ".served.duckdb.building-1"
    shutil.copyfile(served, new)
    with duckdb.connect(str(new)) as con:
        con.execute("UPDATE _build SET seconds = -1")
    os.replace(new, served)  # what a build does
    assert db.query("SELECT seconds FROM _build")["seconds"][0] == -1
    assert db.handle() is not first, "the old connection was not replaced"


def test_missing_database_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("FRIVILLIG_DB", str(tmp_path / "none.duckdb"))
    db._open.clear()
    with pytest.raises(db.DatabaseMissing, match="make build"):
        db.handle()
    db._open.clear()


def test_concurrent_queries_use_their_own_cursors(served):
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> int:
        return int(db.query("SELECT count(*) AS n FROM kommune WHERE kommunenummer > $1", [f"{i:04d}"])["n"][0])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(0, 5000, 100)))
    assert results[0] == 357 and results == sorted(results, reverse=True)
