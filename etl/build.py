"""Build: fetch every source → load into a new DuckDB file → SQL layers → checks → atomic swap.

The served database is only ever replaced whole, with os.replace, after every check passed; a failed or
killed build leaves it byte-identical. A build whose inputs and code are unchanged is skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import duckdb
import polars as pl

from etl import harmonise
from etl.cache import RawCache, RawFile
from etl.config import ROOT, SQL_DIR, Settings
from etl.errors import BuildLog, CheckFailed
from etl.mirror import Mirror, checksum_mismatches
from etl.sources import SOURCES
from etl.sources._common import FetchContext, write_table
from etl.sqlrun import run_checks, run_layers

#: Python steps that derive tables from several loaded sources, run after loading, before the SQL layers.
DERIVE_STEPS: list[Callable[[duckdb.DuckDBPyConnection], dict[str, int]]] = [harmonise.derive]
LIBRARIES = ("duckdb", "polars", "fastexcel", "shapely", "streamlit", "plotly", "pydeck")


@dataclass
class BuildResult:
    """What a build did: skipped or built, the database path, counts and timings."""

    db_path: Path
    skipped: bool
    input_hash: str
    seconds: float
    sources: int = 0
    deviations: int = 0
    checks: int = 0
    files: list[RawFile] = field(default_factory=list)


def _say(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, flush=True)


def code_hash(root: Path = ROOT) -> str:
    """sha256 over the ETL code, its metadata and the SQL (what decides the database's contents)."""
    h = hashlib.sha256()
    for path in sorted([*root.glob("etl/**/*.py"), *root.glob("etl/**/*.toml"), *root.glob("sql/**/*.sql"),
                        root / "requirements.txt"]):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the build."""
    out = {"python": platform.python_version()}
    for lib in LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            out[lib] = importlib.metadata.version(lib)
    return out


def input_hash(files: list[RawFile], code: str, versions: dict[str, str]) -> str:
    """sha256 over every input file's checksum, the code hash and the library versions."""
    doc = {"files": sorted([f.source_id, f.name, f.sha256, f.retrieved, f.kind] for f in files),
           "code": code, "versions": versions}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def previous_headlines(db_path: Path) -> tuple[str | None, str | None]:
    """The served database's headline figures (JSON) and build time, to show what a new build changed."""
    if not db_path.exists():
        return None, None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            rows = con.sql("SELECT nokkel, aar, verdi FROM nokkeltall").fetchall()
            built = con.sql("SELECT built_at::VARCHAR FROM _build").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None, None
    return json.dumps([{"nokkel": k, "aar": a, "verdi": v} for k, a, v in rows]), built


def current_hash(db_path: Path) -> str | None:
    """The input hash recorded in an existing database, or None."""
    if not db_path.exists():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            return con.sql("SELECT input_hash FROM _build").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temp_path(db_path: Path) -> Path:
    """Where this process builds: a hidden file beside the served database."""
    return db_path.with_name(f".{db_path.name}.building-{os.getpid()}")


def clean_stale(db_path: Path) -> list[Path]:
    """Remove half-built files left by killed builds (their process no longer runs)."""
    removed = []
    for p in db_path.parent.glob(f".{db_path.name}.building-*"):
        pid = p.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def note_checksum_mismatches(mirror: Mirror, files: list[RawFile], log: BuildLog, quiet: bool = False) -> None:
    """Warn about, and log in `_avvik`, mirror files whose checksum is not the one in MANIFEST.json.

    Not an error: air-gapped sites may put a newer download into their mirror by hand. The file is loaded (and
    its own errors, if it is damaged, name its rows), but the manifest's description of it may no longer hold."""
    for f, expected in checksum_mismatches(mirror, files):
        message = (f"sha256 {f.sha256[:12]}… is not the {expected[:12]}… that MANIFEST.json lists: the file was "
                   f"changed after the mirror was made, so the manifest's kind ({f.kind}) may not describe it")
        log.add(f.source_id, f.origin, "checksum_mismatch", "ignorert", message)
        _say(f"warning {f.origin}: {message}", quiet)


def fetch_all(ctx: FetchContext, sources: list[ModuleType], quiet: bool = False) -> dict[str, list[RawFile]]:
    """Run every source's fetch step; returns its raw files per source id."""
    out = {}
    for src in sources:
        _say(f"fetch  {src.META.id}", quiet)
        out[src.META.id] = src.fetch(ctx)
    return out


def sources_table(fetched: dict[str, list[RawFile]], rows: dict[str, dict[str, int]],
                  sources: list[ModuleType]) -> pl.DataFrame:
    """One row per loaded file: source, title, producer, URL, licence, retrieved, sha256, rows, kind."""
    by_id = {s.META.id: s.META for s in sources}
    recs = []
    for sid, files in fetched.items():
        meta = by_id[sid]
        for f in files:
            recs.append({"source_id": sid, "file": f.name, "title": meta.title, "producer": meta.producer,
                         "url": meta.url, "licence": f.licence or meta.licence, "retrieved": dt.date.fromisoformat(f.retrieved),
                         "sha256": f.sha256, "bytes": f.bytes, "rows": rows.get(sid, {}).get(f.name),
                         "kind": f.kind, "origin": f.origin, "mirrors": f.mirrors})
    schema = {"source_id": pl.String, "file": pl.String, "title": pl.String, "producer": pl.String,
              "url": pl.String, "licence": pl.String, "retrieved": pl.Date, "sha256": pl.String,
              "bytes": pl.Int64, "rows": pl.Int64, "kind": pl.String, "origin": pl.String, "mirrors": pl.String}
    return pl.DataFrame(recs, schema=schema).sort("source_id", "file")


def build_table(settings: Settings, ihash: str, code: str, versions: dict[str, str], db_path: Path) -> pl.DataFrame:
    """The `_build` row: hashes, versions, time, and the previous build's headline figures."""
    prev_json, prev_built = previous_headlines(db_path)
    return pl.DataFrame([{
        "input_hash": ihash, "code_hash": code, "versions": json.dumps(versions, sort_keys=True),
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None),
        "mirror": str(settings.mirror) if settings.mirror else None, "seconds": None,
        "argv": " ".join(sys.argv), "forrige_nokkeltall": prev_json, "forrige_bygd": prev_built}],
        schema_overrides={"seconds": pl.Float64, "mirror": pl.String, "forrige_nokkeltall": pl.String,
                          "forrige_bygd": pl.String})


def deviations_table(log: BuildLog) -> pl.DataFrame:
    """The `_avvik` table: every row the ETL corrected, rejected or ignored."""
    schema = {"source_id": pl.String, "file": pl.String, "row": pl.Int64, "column": pl.String,
              "value": pl.String, "code": pl.String, "action": pl.String, "message": pl.String}
    df = pl.DataFrame([d.__dict__ for d in log.deviations], schema=schema)
    return df.sort("source_id", "file", "row", "code", "message", nulls_last=True)


def build(settings: Settings, *, force: bool = False, quiet: bool = False, offline: bool = False,
          sources: list[ModuleType] | None = None, sql_dir: Path = SQL_DIR) -> BuildResult:
    """Build the database atomically; skip when inputs and code are unchanged (unless force)."""
    t0 = time.perf_counter()
    sources = SOURCES if sources is None else sources
    db_path = settings.db_path
    db_path.parent.mkdir(parents=True, exist_ok=True)
    mirror = Mirror(settings.mirror) if settings.mirror else None
    ctx = FetchContext(cache=RawCache(settings.raw_dir), mirror=mirror, offline=offline, quiet=quiet)
    fetched = fetch_all(ctx, sources, quiet)
    all_files = [f for fs in fetched.values() for f in fs]
    versions = library_versions()
    code = code_hash()
    ihash = input_hash(all_files, code, versions)
    if not force and current_hash(db_path) == ihash:
        secs = time.perf_counter() - t0
        _say(f"up to date: {db_path} (inputs and code unchanged; {secs:.2f} s)", quiet)
        return BuildResult(db_path, True, ihash, secs, files=all_files)

    for stale in clean_stale(db_path):
        _say(f"removed half-built file from an earlier, killed build: {stale.name}", quiet)
    tmp = temp_path(db_path)
    tmp.unlink(missing_ok=True)
    log = BuildLog()
    if mirror is not None:
        note_checksum_mismatches(mirror, all_files, log, quiet)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET preserve_insertion_order = true")
            rows: dict[str, dict[str, int]] = {}
            for src in sources:
                _say(f"load   {src.META.id}", quiet)
                rows[src.META.id] = src.load(con, fetched[src.META.id], log)
            for step in DERIVE_STEPS:
                _say(f"derive {step.__module__}.{step.__name__}", quiet)
                step(con)
            write_table(con, "_sources", sources_table(fetched, rows, sources))
            write_table(con, "_avvik", deviations_table(log))
            write_table(con, "_build", build_table(settings, ihash, code, versions, db_path))
            run_layers(con, sql_dir, on_file=lambda p: _say(f"sql    {p.relative_to(sql_dir)}", quiet))
            _say("check  sql/checks", quiet)
            results = run_checks(con, sql_dir)
            failed = [r for r in results if not r.passed]
            if failed:
                lines = []
                for r in failed:
                    lines.append(f"  ✗ {r.name}: {r.description}")
                    lines.append(f"      {' | '.join(r.columns)}")
                    lines += [f"      {' | '.join(map(str, row))}" for row in r.bad_rows[:5]]
                raise CheckFailed(f"{len(failed)} of {len(results)} data checks returned bad rows "
                                  f"(the served database was not changed):\n" + "\n".join(lines))
            con.execute("UPDATE _build SET seconds = $1", [round(time.perf_counter() - t0, 2)])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _fsync(tmp)
        _say(f"swap   {tmp.name} → {db_path.name}", quiet)
        os.replace(tmp, db_path)
        _fsync(db_path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    secs = time.perf_counter() - t0
    _say(f"built  {db_path} in {secs:.1f} s: {len(all_files)} files, {len(log.deviations)} rows corrected "
         f"or rejected (see table _avvik), {len(results)} checks passed", quiet)
    return BuildResult(db_path, False, ihash, secs, len(sources), len(log.deviations), len(results), all_files)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
