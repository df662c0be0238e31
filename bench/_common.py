"""Shared helpers for the browser benchmarks (bench_pages.py, load_test.py): serving, baseline app, page clock.

Not a benchmark itself (run_all.py runs only bench_*.py). Everything is served on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CHROMIUM = Path("/usr/bin/chromium")
DEFAULT_DB = Path("/tmp/benchdb/frivillig.duckdb")
RESULTS = ROOT / "bench" / "results"

try:  # the browser tests' own settings, so the benchmarks drive Chromium the same way
    from tests.e2e.conftest import LAUNCH_ARGS, free_port
except Exception:  # tests/ is edited by others: fall back to copies of the same values
    LAUNCH_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-gpu",
                   "--disable-component-update", "--no-first-run"]

    def free_port() -> int:
        """A free TCP port on 127.0.0.1."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

# The baseline: a trivial Streamlit script served, run and measured exactly like the dashboard's pages.
BASELINE_APP = '''"""Benchmark baseline: the smallest Streamlit page with a widget."""
import streamlit as st

valg = st.selectbox("Valg", ["a", "b", "c"], key="w_valg")
st.write(f"Hei {valg}")
'''

# Injected before any page script: records every change of Streamlit's script state and the time of the last
# change to the page's elements, with the page clock (performance.now()), and the time of every click, so
# durations are measured inside the browser.
STATE_CLOCK_JS = """(() => {
  const log = [];
  window.__bench = {log, clicks: [], lastChange: 0};
  new MutationObserver(ms => {
    for (const m of ms) log.push([performance.now(), m.target.getAttribute('data-test-script-state')]);
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  // changes to the page's elements, not to the widgets or popups a click opens
  const inPage = n => { const e = n.nodeType === 1 ? n : n.parentElement;
    return e && e.closest("[data-testid='stMain']") && !e.closest("[data-testid='stSelectbox']"); };
  new MutationObserver(ms => { if (ms.some(m => inPage(m.target))) window.__bench.lastChange = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true});
  document.addEventListener('click', () => window.__bench.clicks.push(performance.now()), true);
  // The page-clock time at which the script run that started after `after` finished (false while not yet).
  // A run too short for the browser to ever show the state 'running' is recognised by the elements it changed:
  // then the time of the last change counts.
  window.__benchDone = (after) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector("[data-stale='true']")) return false;
    let ran = false, end = false;
    for (const [t, s] of log) {
      if (t < after) continue;
      if (s === 'running') { ran = true; end = false; }
      else if (ran && s === 'notRunning') end = t;
    }
    if (!ran && after > 0 && window.__bench.lastChange > after) end = window.__bench.lastChange;
    return end;
  };
})();"""


# The page clock time of the first of three frames in a row that each came within 50 ms of the one before:
# the main thread is no longer busy. deck.gl builds and draws a map in a long task after its canvas appears
# (a second or more with software WebGL), and a chart can be redrawn in one after the script run has ended.
QUIET_FRAMES_JS = """async function __quiet(deadline) {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  let prev = await frame(), start = prev, quick = 0;
  while (performance.now() < deadline) {
    const t = await frame();
    if (t - prev < 50) { if (++quick >= 3) return start; } else { quick = 0; start = t; }
    prev = t;
  }
  return null;
}"""

# Resolves when the script run that started after `after` (page clock) has finished, no element is stale and
# the main thread is quiet again (every chart and map drawn); a run (or element change) within 300 ms after it
# is waited for as well. Returns {done, painted} (page clock, ms) or null on timeout.
SETTLED_JS = """async ([after, timeoutMs]) => {
  """ + QUIET_FRAMES_JS + """
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const done = window.__benchDone(after);
    if (done !== false) {
      const painted = await __quiet(deadline);
      if (painted === null) return null;
      await sleep(300);
      if (window.__benchDone(after) === done) return {done, painted: Math.max(painted, done)};
      continue;
    }
    await frame();
  }
  return null;
}"""

# Resolves at the first painted frame in which the selector matches a visible element (an image: loaded and
# decoded) (page clock). With
# `drawn` (a WebGL canvas: the deck.gl map): at the first frame in which the canvas shows the map, i.e. more
# than 20 of 48 × 48 sampled pixels are neither transparent nor near-white. deck.gl builds the layers and
# compiles its shaders after the canvas appears: with software WebGL that takes 0.5-1.5 s.
VISIBLE_JS = """async ([selector, timeoutMs, drawn]) => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      && (el.tagName !== 'IMG' || (el.complete && el.naturalWidth > 0)); };  // an image: decoded
  const probe = document.createElement('canvas'); probe.width = 48; probe.height = 48;
  const ctx = probe.getContext('2d', {willReadFrequently: true});
  const painted = c => {
    ctx.clearRect(0, 0, 48, 48); ctx.drawImage(c, 0, 0, 48, 48);
    const d = ctx.getImageData(0, 0, 48, 48).data; let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240)) n++;
    return n > 20;
  };
  const [css, text] = selector.split(' >> text=');
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const hit = [...document.querySelectorAll(css)].some(el => visible(el) && (!text || el.innerText.includes(text))
                                                            && (!drawn || painted(el)));
    if (hit) return performance.now();
    await frame();
  }
  return null;
}"""


def write_baseline_app() -> Path:
    """Write the baseline script to a new temporary directory; returns its path."""
    path = Path(tempfile.mkdtemp(prefix="bench-baseline-")) / "baseline_app.py"
    path.write_text(BASELINE_APP, encoding="utf-8")
    return path


APP_DIRS = ["app.py", "pages", "dashboard", "etl", "sql", "static", ".streamlit"]


def app_source(commit: str | None) -> tuple[Path, str]:
    """The directory the app is served from, and a description of it: the working tree, or (with a commit) a
    `git archive` export of that commit in a temporary directory, untouched by anyone's uncommitted edits."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout

    if not commit:
        dirty = git("status", "--porcelain", "--", *APP_DIRS).strip()
        head = git("rev-parse", "--short", "HEAD").strip()
        return ROOT, f"working tree {ROOT} (HEAD {head}{', with uncommitted changes' if dirty else ''})"
    rev = git("rev-parse", "--short", commit).strip()
    out = Path(tempfile.mkdtemp(prefix=f"bench-app-{rev}-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, *APP_DIRS],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out, f"commit {rev} (git archive into {out})"


@contextlib.contextmanager
def serve(script: Path, db: Path, port: int | None = None, log: Path | None = None,
          cwd: Path = ROOT) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve a Streamlit script on 127.0.0.1 (cwd: the app's directory, so its .streamlit/config.toml applies).

    Yields (base URL, process); the server is terminated on exit."""
    port = port or free_port()
    env = {**os.environ, "FRIVILLIG_DB": str(db)}
    out = open(log, "w") if log else subprocess.DEVNULL  # closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start for {script} (see {log})")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


def peak_rss(pid: int) -> int | None:
    """A live process's peak resident set size in bytes (VmHWM from /proc), or None if unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)
