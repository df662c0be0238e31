"""Browser tests: the app served on 127.0.0.1 by the test, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from etl.config import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-gpu",
               "--disable-component-update", "--no-first-run"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def pytest_collection_modifyitems(items):
    """Every test under tests/e2e is an e2e test."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _require(what: str) -> None:
    if os.environ.get("FRIVILLIG_REQUIRE_BROWSER"):
        pytest.fail(f"{what} is required for the browser tests (FRIVILLIG_REQUIRE_BROWSER is set)")
    pytest.skip(f"{what} missing")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db: Path, port: int) -> subprocess.Popen:
    """Start the dashboard on 127.0.0.1:port against a database file; waits until it answers."""
    env = {**os.environ, "FRIVILLIG_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).text == "ok":
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the app did not start within 60 s")


@pytest.fixture(scope="session")
def app_url(mirror_db):
    """Base URL of the app served on the mirror database for this test session."""
    port = free_port()
    proc = start_app(mirror_db, port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        _require("/usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


def checked_page(browser, **context):
    """A page in a fresh browser context (Playwright context options); fails the test on JavaScript errors."""
    ctx = browser.new_context(locale="nb-NO", **context)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors: {errors[:3]}"


@pytest.fixture()
def page(browser):
    """A fresh page at desktop width."""
    yield from checked_page(browser, viewport={"width": 1280, "height": 900})


def wait_ready(pg, timeout: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script, and assert no exception is shown."""
    pg.wait_for_selector(READY, timeout=timeout)
    pg.wait_for_timeout(300)
    pg.wait_for_selector(READY, timeout=timeout)
    assert pg.locator("[data-testid='stException']").count() == 0, "the page shows an exception"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, from the npm registry (tests/e2e/node_modules)."""
    if not AXE.exists():
        _require("axe-core (cd tests/e2e && npm ci)")
    return AXE.read_text(encoding="utf-8")


def run_axe(pg, axe_source: str) -> list[dict]:
    """Run axe-core in the page; returns violations with impact serious or critical."""
    pg.add_script_tag(content=axe_source)
    result = pg.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]
