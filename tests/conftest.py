"""Shared fixtures: the mirror path, a database built from ../shared/mirror once per session, fixture files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.config import ROOT, Settings

#: A page that fails raises in the tests (AppTest's at.exception, the browser's stException), instead of the
#: Norwegian message readers get (components.page_failed; tests/test_pages_core.py checks that message).
os.environ.setdefault("FRIVILLIG_RAISE_ERRORS", "1")

FIXTURES = Path(__file__).parent / "fixtures"
MIRROR = Path(os.environ.get("FRIVILLIG_TEST_MIRROR", ROOT.parent / "shared" / "mirror")).resolve()
MAKE_MIRROR = ROOT.parent / "shared" / "tools" / "make_mirror.py"
#: The seed of the messy (quirks) mirror; its figures are calibrated, so any seed gives the same totals.
QUIRKS_SEED = 7


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
def quirks_mirror(tmp_path_factory, mirror_dir) -> Path:
    """A copy of the mirror rewritten by `make_mirror.py all --quirks` (about 40 s, once per session).

    Returns the base directory: `mirror/` (the messy mirror), `broken/enheter_alle.json.gz` (a truncated dump)
    and `QUIRKS.md` (the injected defects)."""
    if not MAKE_MIRROR.exists():
        pytest.skip("make_mirror.py not available")
    base = tmp_path_factory.mktemp("quirks")
    mirror = base / "mirror"
    shutil.copytree(mirror_dir, mirror)
    for p in mirror.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    subprocess.run([sys.executable, str(MAKE_MIRROR), "all", "--out", str(mirror), "--seed", str(QUIRKS_SEED),
                    "--quirks"], check=True, capture_output=True)
    return base


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


@pytest.fixture()
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of every download button an AppTest run renders, by file name (from Streamlit's media storage)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    import dashboard.components as components

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    # the app builds its CSV files and workbooks lazily, on click; build them at once here to inspect their bytes
    monkeypatch.setattr(components, "lazy", lambda f, *a, **k: f(*a, **k))
    return files


@pytest.fixture(autouse=True)
def eager_table_alternatives(monkeypatch):
    """Every chart's table alternative is built at once in tests (a reader's click opens it in the app)."""
    import dashboard.components as components

    monkeypatch.setattr(components, "LAZY_TABLES", False)
