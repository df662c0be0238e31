"""Paths and environment settings, read in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_DB = DEFAULT_DATA_DIR / "frivillig.duckdb"
DEFAULT_MIRROR = ROOT.parent / "shared" / "mirror"

#: The year whose municipal division every figure is shown in.
BASE_YEAR = 2024


@dataclass(frozen=True)
class Settings:
    """Resolved paths for one ETL run: database, raw cache and optional mirror directory."""

    db_path: Path
    raw_dir: Path
    mirror: Path | None


def db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """Database path: the CLI value, else $FRIVILLIG_DB, else data/frivillig.duckdb."""
    value = cli_value or os.environ.get("FRIVILLIG_DB")
    return Path(value).resolve() if value else DEFAULT_DB


def mirror_dir(cli_value: str | os.PathLike | None = None) -> Path | None:
    """Mirror directory: the CLI value, else $FRIVILLIG_MIRROR, else None (fetch online)."""
    value = cli_value or os.environ.get("FRIVILLIG_MIRROR")
    return Path(value).resolve() if value else None


def raw_dir(cli_value: str | os.PathLike | None = None) -> Path:
    """Raw cache directory: the CLI value, else $FRIVILLIG_RAW, else data/raw."""
    value = cli_value or os.environ.get("FRIVILLIG_RAW")
    return Path(value).resolve() if value else DEFAULT_DATA_DIR / "raw"


def settings(db: str | None = None, mirror: str | None = None, raw: str | None = None) -> Settings:
    """All paths for a run, from CLI values and the environment."""
    return Settings(db_path=db_path(db), raw_dir=raw_dir(raw), mirror=mirror_dir(mirror))
