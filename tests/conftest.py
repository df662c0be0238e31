"""Shared fixtures: the mirror path, a database built from ../shared/mirror once per session, fixture files."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from etl.config import ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
MIRROR = Path(os.environ.get("FRIVILLIG_TEST_MIRROR", ROOT.parent / "shared" / "mirror")).resolve()


def fixture_bytes(*parts: str) -> bytes:
    """The bytes of a file under tests/fixtures."""
    return FIXTURES.joinpath(*parts).read_bytes()


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The shared mirror directory; tests that need it are skipped when it is absent."""
    if not (MIRROR / "MANIFEST.json").exists():
        pytest.skip(f"no mirror at {MIRROR}")
    return MIRROR


@pytest.fixture(scope="session")
def mirror_build(tmp_path_factory, mirror_dir) -> Settings:
    """Settings of a database built once per session from the mirror (own raw cache, own file)."""
    from etl.build import build

    base = tmp_path_factory.mktemp("mirror_build")
    settings = Settings(db_path=base / "frivillig.duckdb", raw_dir=base / "raw", mirror=mirror_dir)
    build(settings, quiet=True)
    return settings


@pytest.fixture(scope="session")
def mirror_db(mirror_build) -> Path:
    """Path of the database built from the mirror."""
    return mirror_build.db_path


@pytest.fixture()
def con(mirror_db):
    """A read-only connection to the mirror database."""
    c = duckdb.connect(str(mirror_db), read_only=True)
    yield c
    c.close()
