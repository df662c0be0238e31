"""What every source module shares: the fetch step (mirror, download or cache) and table writing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import polars as pl

from etl import http
from etl.cache import RawCache, RawFile
from etl.errors import SourceError
from etl.meta import FileSpec, SourceMeta
from etl.mirror import Mirror

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class FetchContext:
    """Where files come from in this run: a mirror directory, or online with the raw cache as fallback."""

    cache: RawCache
    mirror: Mirror | None = None
    offline: bool = False
    quiet: bool = False
    transport: httpx.BaseTransport | None = None  # tests inject httpx.MockTransport here


def fetch_files(meta: SourceMeta, ctx: FetchContext) -> list[RawFile]:
    """Default fetch: copy from the mirror, else download, else reuse the newest cached version."""
    out: list[RawFile] = []
    for spec in meta.files:
        out.extend(_fetch_one(meta, spec, ctx))
    return out


def _fetch_one(meta: SourceMeta, spec: FileSpec, ctx: FetchContext) -> list[RawFile]:
    if ctx.mirror is not None:
        paths = ctx.mirror.glob(spec.mirror)
        if not paths and spec.required:
            raise SourceError(f"{ctx.mirror.root}/{spec.mirror}", "file not found in the mirror directory")
        files = []
        for p in paths:
            entry = ctx.mirror.entry(p)
            files.append(ctx.cache.store(
                meta.id, spec.name if spec.name and "*" not in spec.mirror else p.name, p,
                retrieved=ctx.mirror.retrieved(p), origin=ctx.mirror.relpath(p),
                kind=entry.kind if entry else "ukjent", licence=entry.licence if entry else None,
                mirrors=entry.mirrors if entry else None))
        return files
    name = spec.name or Path(spec.mirror).name
    if spec.download and not ctx.offline:
        tmp, sha = http.download(spec.download, ctx.cache.root / ".incoming", quiet=ctx.quiet,
                                 transport=ctx.transport)
        return [ctx.cache.store(meta.id, name, tmp, retrieved=dt.date.today().isoformat(),
                                origin=spec.download, kind="real", sha256=sha, move=True)]
    # No download address (grants, surveys) or offline: the newest cached versions.
    names = [n for n in ctx.cache.names(meta.id) if Path(n).match(Path(spec.mirror).name)] \
        if "*" in spec.mirror else [name]
    cached = [r for n in names if (r := ctx.cache.latest(meta.id, n)) is not None]
    if not cached and spec.required:
        raise SourceError(spec.mirror, f"no download address for source '{meta.id}' and nothing cached: "
                                       "put the file in a mirror directory and pass --mirror DIR")
    return cached


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database has a table of that name (an earlier source was loaded)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall()[0][0])


def write_table(con: duckdb.DuckDBPyConnection, name: str, df: pl.DataFrame) -> int:
    """Create (or replace) a table from a Polars DataFrame; returns its row count."""
    if not _IDENT.match(name):
        raise ValueError(f"bad table name {name!r}")
    con.register("_incoming_df", df)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming_df")  # noqa: S608
    finally:
        con.unregister("_incoming_df")
    return df.height


def read_bytes(raw: RawFile) -> bytes:
    """The bytes of a cached raw file."""
    return Path(raw.path).read_bytes()


def label(raw: RawFile) -> str:
    """How errors name a file: its mirror path or URL, as the user knows it."""
    return raw.origin
