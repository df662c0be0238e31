"""Crash safety: a build killed (SIGKILL) at 20 different points never damages the served database."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.config import ROOT

pytestmark = pytest.mark.slow


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_cmd(db: Path, raw: Path, mirror: Path) -> list[str]:
    return [sys.executable, "-u", "-m", "etl", "build", "--force", "--db", str(db), "--raw", str(raw),
            "--mirror", str(mirror)]


def _step_lines(db: Path, raw: Path, mirror: Path) -> list[str]:
    out = subprocess.run(_build_cmd(db, raw, mirror), cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line.strip()]


def _kill_after(line_no: int, db: Path, raw: Path, mirror: Path) -> tuple[bool, str | None]:
    """Start a build, SIGKILL it right after it printed line `line_no`; returns (swap printed?, last line)."""
    proc = subprocess.Popen(_build_cmd(db, raw, mirror), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seen, last = 0, None
    assert proc.stdout is not None
    for line in proc.stdout:
        if not line.strip():
            continue
        seen += 1
        last = line.strip()
        if seen >= line_no:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return bool(last and last.startswith(("swap", "built"))), last


def test_kill_at_20_points_keeps_the_previous_database(mirror_build, tmp_path):
    served = tmp_path / "served.duckdb"
    shutil.copyfile(mirror_build.db_path, served)
    lines = _step_lines(tmp_path / "probe.duckdb", mirror_build.raw_dir, mirror_build.mirror)
    # 20 kill points spread over the whole build, from the first fetch to the swap
    n = len(lines)
    points = sorted({max(1, round(1 + i * (n - 1) / 19)) for i in range(20)})
    while len(points) < 20:  # short builds: repeat points, the timing within a step still differs
        points.append(points[len(points) % max(1, len(points))])
    for point in points[:20]:
        before = _sha(served)
        swapped, last = _kill_after(point, served, mirror_build.raw_dir, mirror_build.mirror)
        with duckdb.connect(str(served), read_only=True) as con:
            built = con.sql("SELECT count(*) FROM _build").fetchall()[0][0]
            kommuner = con.sql("SELECT count(*) FROM kommune").fetchall()[0][0]
        assert built == 1 and kommuner == 357, f"database incomplete after kill at line {point} ({last})"
        if not swapped:
            assert _sha(served) == before, f"served database changed by a build killed at line {point} ({last})"
    # a fresh build after all this succeeds and removes the half-built files of the killed ones
    subprocess.run(_build_cmd(served, mirror_build.raw_dir, mirror_build.mirror), cwd=ROOT, check=True,
                   capture_output=True)
    assert not list(tmp_path.glob(".served.duckdb.building-*"))
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM kommune").fetchall() == [(357,)]
