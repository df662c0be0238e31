"""One read-only DuckDB connection per process, reopened when the database file is swapped by a build."""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from etl.config import db_path


class DatabaseMissing(RuntimeError):
    """The database file does not exist yet (run the build first)."""


@dataclass
class Handle:
    """An open read-only connection and the identity (inode, mtime, size) of the file it was opened on."""

    con: duckdb.DuckDBPyConnection
    path: Path
    fingerprint: tuple[int, int, int]
    lock: threading.Lock


def fingerprint(path: Path) -> tuple[int, int, int]:
    """The file's inode, modification time (ns) and size: changes when a build swaps in a new file."""
    st_ = os.stat(path)
    return (st_.st_ino, st_.st_mtime_ns, st_.st_size)


def _still_current(handle: Handle) -> bool:
    try:
        return fingerprint(handle.path) == handle.fingerprint
    except FileNotFoundError:
        return False


def _close(handle: Handle) -> None:
    with contextlib.suppress(duckdb.Error):
        handle.con.close()


# DuckDB keeps one database instance per path and process: while a connection to the old file is open,
# connecting again returns the OLD data. So the previous handle is closed before the swapped file is opened.
_live: dict[str, Handle] = {}
_live_lock = threading.Lock()


@st.cache_resource(validate=_still_current, on_release=_close, show_spinner=False)
def _open(path: str) -> Handle:
    p = Path(path)
    with _live_lock:
        old = _live.pop(path, None)
        if old is not None:
            with old.lock:
                _close(old)
        if not p.exists():
            raise DatabaseMissing(f"Databasen {p} finnes ikke. Bygg den først: make build")
        fp = fingerprint(p)
        con = duckdb.connect(str(p), read_only=True)
        handle = Handle(con, p, fp, threading.Lock())
        _live[path] = handle
        return handle


def handle() -> Handle:
    """The process-wide read-only connection to the served database (reopened after a swap)."""
    return _open(str(db_path()))


def current_fingerprint() -> tuple[int, int, int]:
    """Fingerprint of the open database; use it as an argument of cached query functions."""
    return handle().fingerprint


def query(sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
    """Run a read-only query on a fresh cursor with bound parameters; returns a Polars DataFrame."""
    for attempt in (1, 2):
        h = handle()
        try:
            with h.lock:
                cur = h.con.cursor()
            break
        except duckdb.ConnectionException:  # closed by a swap between handle() and cursor(): reopen once
            if attempt == 2:
                raise
    try:
        return cur.sql(sql, params=params).pl()
    finally:
        cur.close()
