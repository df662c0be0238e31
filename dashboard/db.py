"""One read-only DuckDB connection per process, reopened when the database file is swapped by a build."""

from __future__ import annotations

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
    handle.con.close()


@st.cache_resource(validate=_still_current, on_release=_close, show_spinner=False)
def _open(path: str) -> Handle:
    p = Path(path)
    if not p.exists():
        raise DatabaseMissing(f"Databasen {p} finnes ikke. Bygg den først: make build")
    fp = fingerprint(p)
    con = duckdb.connect(str(p), read_only=True)
    return Handle(con, p, fp, threading.Lock())


def handle() -> Handle:
    """The process-wide read-only connection to the served database (reopened after a swap)."""
    return _open(str(db_path()))


def current_fingerprint() -> tuple[int, int, int]:
    """Fingerprint of the open database; use it as an argument of cached query functions."""
    return handle().fingerprint


def query(sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
    """Run a read-only query on a fresh cursor with bound parameters; returns a Polars DataFrame."""
    h = handle()
    with h.lock:
        cur = h.con.cursor()
    try:
        return cur.sql(sql, params=params).pl()
    finally:
        cur.close()
