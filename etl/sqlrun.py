"""Runs the SQL layers (staging, views) and the data checks in sql/checks (each returns bad rows)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

LAYERS = ("staging", "marts", "views")


class SqlError(RuntimeError):
    """A SQL file of the staging, marts or views layer failed; names the file."""


def sql_files(sql_dir: Path, layer: str) -> list[Path]:
    """The .sql files of one layer, in name order (files are prefixed with a number to order them)."""
    return sorted((sql_dir / layer).glob("*.sql"))


def run_layers(con: duckdb.DuckDBPyConnection, sql_dir: Path, on_file=None) -> list[Path]:
    """Execute every file of staging, marts and views in order; returns the files run."""
    done = []
    for layer in LAYERS:
        for path in sql_files(sql_dir, layer):
            if on_file:
                on_file(path)
            try:
                con.execute(path.read_text(encoding="utf-8"))
            except duckdb.Error as exc:
                raise SqlError(f"{path.relative_to(sql_dir.parent)}: {exc}") from exc
            done.append(path)
    return done


@dataclass(frozen=True)
class CheckResult:
    """One data check: its file, a description (the first comment line) and the bad rows it returned."""

    name: str
    description: str
    columns: list[str]
    bad_rows: list[tuple]

    @property
    def passed(self) -> bool:
        """A check passes when it returns no rows."""
        return not self.bad_rows


def describe(path: Path) -> str:
    """The first comment line of a SQL file, without the leading '--'."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("--"):
            return line.lstrip("- ").strip()
    return path.stem


def run_checks(con: duckdb.DuckDBPyConnection, sql_dir: Path, limit: int = 20) -> list[CheckResult]:
    """Run every check; each is a SELECT that returns the bad rows (zero rows = pass)."""
    results = []
    for path in sql_files(sql_dir, "checks"):
        rel = con.sql(path.read_text(encoding="utf-8"))
        rows = rel.limit(limit).fetchall()
        results.append(CheckResult(path.stem, describe(path), list(rel.columns), rows))
    return results
