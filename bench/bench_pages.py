"""Benchmark: every dashboard page's script run (AppTest) and its rendering in headless Chromium, against a baseline.

    python bench/bench_pages.py [--db PATH] [--mirror DIR] [--pages kart,tilskudd] [--commit REV]
                                [--runs 3] [--visits 2] [--redraws 3] [--budget 240] [--skip-apptest] [--skip-browser]

The database is built from the mirror into --db (default /tmp/benchdb/frivillig.duckdb) when it is missing.
The app measured is the working tree, or with --commit a `git archive` export of that commit (unaffected by
edits in progress).

Baseline: a trivial Streamlit script (one selectbox, one st.write), written to a temporary directory and run,
served and measured exactly like the pages in the same run. The machine is shared, so the baseline's warm runs,
visits and redraws are interleaved with each page's own (page, baseline, page, baseline, ...) and every figure
is printed with its ratio to the baseline measured beside it.

AppTest (each page in its own fresh Python process):
  cold process  the first run in the process (the page's modules imported, the database opened, caches empty);
  caches cleared  a run after st.cache_data.clear() and st.cache_resource.clear() (modules already imported);
  warm          the median of --runs runs, each a new AppTest session, with the caches filled.
Browser (one Chromium; each page on its own freshly started server on 127.0.0.1):
  first figure  from navigation start until the page's first figure is visible (page clock); an image once
                loaded and decoded; on Kart the map's static drawing, beneath the deck.gl canvas;
  deck.gl map drawn  (Kart) until the deck.gl canvas shows the map (sampled pixels), not when the empty canvas
                appears;
  page complete until the script run has finished, no element is stale and the main thread is quiet (three
                frames in a row within 50 ms of each other: maps and charts drawn after the run count);
  cold context  a new browser context and the first visit of the page on the fresh server (all caches empty);
  warm          the median of --visits further visits in the context that has loaded the app (browser cache
                and the server's caches warm);
  redraw        from the click on another option of the page's selectbox until the run it causes has finished
                and the main thread is quiet (as page complete): the first change (a selection not seen before: the server computes
                it) and the median of the next ones (back and forth between selections seen before).
CPU columns: CPU seconds of the Python side (the AppTest process, or the app server) and of Chromium (all its
processes, approximate) during the measurement; on a busy machine a steadier signal than wall time.
Pages with lazy tabs (?visning=) are measured once per tab as well (keys like tilskudd_kategori), since a changed
selection redraws the open tab only.
Time bound: once --budget seconds are used, the remaining pages get 1 warm visit and 2 redraws.
Targets: warm AppTest run ≤ 300 ms; first figure ≤ 1.5 s (warm); redraw ≤ 500 ms.
Results: printed, and written to bench/results/bench_pages.txt and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # bench/ is not a package
    CHROMIUM,
    DEFAULT_DB,
    LAUNCH_ARGS,
    RESULTS,
    ROOT,
    SETTLED_JS,
    STATE_CLOCK_JS,
    VISIBLE_JS,
    app_source,
    serve,
    write_baseline_app,
)

TARGET_WARM_RUN = 0.300
TARGET_FIRST_FIGURE = 1.5
TARGET_REDRAW = 0.500
TIMEOUT_MS = 90_000

PLOTLY = ".js-plotly-plot"
DECK = "[data-testid='stDeckGlJsonChart'] canvas"
CARD = "[class*='st-key-kort-'] [data-testid='stMarkdownContainer']"  # components.headline
LOCATOR = ".st-key-profil-kart img"
DRAWING = "[class*='st-key-deckmap-'] img"  # the static drawing beneath a deck.gl map (components.deck_map)
DATAFRAME = "[data-testid='stDataFrame']"


@dataclass(frozen=True)
class Page:
    """A page as the benchmark drives it: its script, address, first figure and the selectbox it changes."""

    key: str
    script: str | None  # path relative to the repository, for AppTest.switch_page (None: the baseline)
    url: str
    params: dict[str, str] = field(default_factory=dict)
    first: str = PLOTLY  # CSS selector of the page's first figure (" >> text=..." adds a text condition)
    first_what: str = "plotly chart"
    select: str | None = None  # accessible name (label) of the selectbox changed for the redraw
    also: str | None = None  # a later figure timed in the same visits (a deck.gl map: drawn)


# The first figure is the first figure in reading order: the headline cards (label, value, change) on Oversikt,
# Frivillighetspolitikk and Tilskudd; the map on Kart (its static drawing; the interactive deck.gl map drawn over
# it is timed too); the locator map beside the key table on
# Kommuneprofil; the sources table on Om dataene, which has no chart. Oversikt has no selectbox.
PAGES = [
    Page("oversikt", "pages/oversikt.py", "/", first=CARD, first_what="headline cards"),
    Page("kart", "pages/kart.py", "/kart", first=DRAWING, first_what="the map: its static drawing (the deck.gl map "
         "drawn over it is timed apart)", select="Tall", also=DECK),
    Page("frivillighetspolitikk", "pages/frivillighetspolitikk.py", "/frivillighetspolitikk", first=CARD,
         first_what="status cards", select="Runde av kommuneundersøkelsen"),
    Page("tilskudd", "pages/tilskudd.py", "/tilskudd", first=CARD, first_what="headline cards", select="År"),
    Page("kommuneprofil", "pages/kommuneprofil.py", "/kommuneprofil?kommune=1508", {"kommune": "1508"},
         first=LOCATOR, first_what="locator map (SVG image)", select="Kommune"),
    Page("om_dataene", "pages/om_dataene.py", "/om_dataene", first=DATAFRAME, first_what="st.dataframe (sources)",
         select="Visning"),
]
# The other tabs of the pages whose views are lazy tabs (?visning=): a changed selection redraws the open one.
TABS = {"frivillighetspolitikk": ("Runde av kommuneundersøkelsen", {
            "fylker": "Fylker", "kart": "Kart og kommuner", "tiltak": "Tiltak"}),
        "tilskudd": ("År", {"kategori": "Kategorier", "fylker": "Fylker", "kommuner": "Kommuner",
                             "mottakere": "Mottakere"})}
PAGES += [Page(f"{page}_{short}", f"pages/{page}.py", f"/{page}?visning={quote_plus(tab)}", {"visning": tab},
               first=CARD, first_what="headline cards", select=select)
          for page, (select, tabs) in TABS.items() for short, tab in tabs.items()]
BASELINE = Page("baseline", None, "/", first="[data-testid='stMarkdownContainer'] >> text=Hei",
                first_what="st.write text", select="Valg")


def m(seconds: float, baseline: float | None = None, cpu: float | None = None, bcpu: float | None = None) -> dict:
    """One measurement: wall seconds, the baseline's, CPU seconds (Python side, Chromium)."""
    return {"s": seconds, "baseline": baseline, "cpu": cpu, "browser_cpu": bcpu}


def med(values: list[dict], key: str) -> float | None:
    """Median of one field over measurements (None if any is missing)."""
    vals = [v[key] for v in values]
    return None if not vals or any(v is None for v in vals) else statistics.median(vals)


# ---- AppTest ----------------------------------------------------------------------------------------------

def apptest_worker(script: str, page: str | None, params: dict[str, str], baseline: str | None, runs: int) -> dict:
    """In a fresh process: the first run (cold process), warm runs (new sessions, interleaved with the baseline's
    when given), a run after clearing the caches. Each timing is (wall s, process CPU s)."""
    import logging

    app_root = str(Path(script).parent)  # the app's packages come from the app being measured (maybe a snapshot)
    for name in [n for n in sys.modules if n.split(".")[0] in ("etl", "dashboard", "tests")]:
        del sys.modules[name]
    sys.path.insert(0, app_root)
    os.chdir(app_root)

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def one(path: str, pg: str | None, qp: dict[str, str]) -> tuple[float, float]:
        at = AppTest.from_file(path, default_timeout=120)
        for k, v in qp.items():
            at.query_params[k] = v
        if pg:
            at.switch_page(pg)
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if at.exception:
            raise RuntimeError(f"{pg or path}: {[e.value for e in at.exception][:1]}")
        return dt, dc

    out: dict[str, list] = {"cold_process": [one(script, page, params)], "warm": [], "base_warm": []}
    if baseline:
        one(baseline, None, {})  # the baseline's own first run, untimed
    for _ in range(runs):
        out["warm"].append(one(script, page, params))
        if baseline:
            out["base_warm"].append(one(baseline, None, {}))
    st.cache_data.clear()
    st.cache_resource.clear()
    out["cold_caches"] = [one(script, page, params)]
    if baseline:
        out["base_cold_caches"] = [one(baseline, None, {})]
    return out


def run_apptest(page: Page, script: Path, baseline: Path | None, db: Path, runs: int) -> dict:
    """Run apptest_worker for one page in a subprocess; returns its raw timings."""
    spec = json.dumps({"script": str(script), "page": page.script, "params": page.params,
                       "baseline": str(baseline) if baseline else None, "runs": runs})
    env = {**os.environ, "FRIVILLIG_DB": str(db)}
    proc = subprocess.run([sys.executable, __file__, "--apptest-worker", spec], capture_output=True, text=True,
                          env=env, cwd=script.parent, timeout=600, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("{")), None)
    if proc.returncode or line is None:
        raise RuntimeError(f"AppTest worker for {page.key} failed:\n{proc.stderr[-2000:]}")
    return json.loads(line)


def apptest_rows(raw: dict, base_raw: dict | None) -> dict[str, dict]:
    """The AppTest measurements of one page, each with the baseline's figure measured beside it."""
    def pick(runs: list, base_runs: list | None) -> dict:
        base = statistics.median(r[0] for r in base_runs) if base_runs else None
        return m(statistics.median(r[0] for r in runs), base, statistics.median(r[1] for r in runs))

    b = base_raw or {}
    return {"at_cold_process": pick(raw["cold_process"], b.get("cold_process")),
            "at_cold_caches": pick(raw["cold_caches"], raw.get("base_cold_caches") or b.get("cold_caches")),
            "at_warm": pick(raw["warm"], raw.get("base_warm") or b.get("warm"))}


# ---- browser ----------------------------------------------------------------------------------------------

class CpuMeter:
    """CPU seconds so far of an app server process and of the browser (our other descendants, approximate:
    a Chromium process that exits takes its CPU time with it)."""

    def __init__(self) -> None:
        import psutil

        self.psutil = psutil
        self.me = psutil.Process()
        self.servers: set[int] = set()

    def _cpu(self, proc) -> float:
        try:
            t = proc.cpu_times()
            return t.user + t.system
        except self.psutil.Error:
            return 0.0

    def snapshot(self, server_pid: int) -> tuple[float, float]:
        """(server CPU s, browser CPU s)."""
        browser = 0.0
        for child in self.me.children(recursive=True):
            if child.pid in self.servers:
                continue
            try:
                if child.ppid() in self.servers:
                    continue
            except self.psutil.Error:
                continue
            browser += self._cpu(child)
        return self._cpu(self.psutil.Process(server_pid)), browser


def _check_page(pg, errors: list[str], what: str) -> None:
    if pg.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{what}: the page shows an exception")
    if errors:
        raise RuntimeError(f"{what}: JavaScript errors {errors[:2]}")


def visit(pg, url: str, page: Page, errors: list[str], cpu: CpuMeter, server_pid: int) -> tuple[dict, dict, dict]:
    """Load the page; (first figure visible, page complete, the `also` figure or None) from navigation start,
    with CPU to completion."""
    c0 = cpu.snapshot(server_pid)
    pg.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    fig = pg.evaluate(VISIBLE_JS, [page.first, TIMEOUT_MS, page.first == DECK])
    also = pg.evaluate(VISIBLE_JS, [page.also, TIMEOUT_MS, page.also == DECK]) if page.also else None
    settled = pg.evaluate(SETTLED_JS, [0, TIMEOUT_MS])
    c1 = cpu.snapshot(server_pid)
    if fig is None or settled is None:
        raise RuntimeError(f"{page.key}: timed out after {TIMEOUT_MS / 1000:.0f} s (figure {fig}, run {settled})")
    _check_page(pg, errors, page.key)
    cpu_s, bcpu_s = c1[0] - c0[0], c1[1] - c0[1]
    return m(fig / 1000), m(settled["painted"] / 1000, cpu=cpu_s, bcpu=bcpu_s), None if also is None else m(also / 1000)


def open_list(pg, label: str) -> None:
    """Open a selectbox's list of options (not timed). Now and then a click only focuses the box: then the
    keyboard opens it, or another click."""
    box = pg.locator("[data-testid='stSelectbox']").filter(has=pg.get_by_role("combobox", name=label, exact=True))
    for attempt in range(4):
        if attempt % 2 == 0:
            box.locator("button[aria-haspopup='listbox']").click(timeout=TIMEOUT_MS)  # the arrow
        else:
            box.get_by_role("combobox").press("ArrowDown")
        try:
            pg.wait_for_selector("[role='option']", timeout=5_000)
            return
        except Exception:  # not open yet: try the other way
            pg.keyboard.press("Escape")
    raise RuntimeError(f"the list of «{label}» did not open")


def redraw(pg, page: Page, errors: list[str], cpu: CpuMeter, server_pid: int) -> dict:
    """Choose another option in the page's selectbox; seconds from the click until redrawn (page clock)."""
    before = pg.locator("[data-testid='stMain']").inner_text()
    open_list(pg, page.select)
    c0 = cpu.snapshot(server_pid)
    pg.locator("[role='option']:not([aria-selected='true'])").first.click()
    clicked = pg.evaluate("window.__bench.clicks.at(-1)")
    settled = pg.evaluate(SETTLED_JS, [clicked, TIMEOUT_MS])
    c1 = cpu.snapshot(server_pid)
    if settled is None:
        raise RuntimeError(f"{page.key}: the redraw did not finish within {TIMEOUT_MS / 1000:.0f} s")
    _check_page(pg, errors, f"{page.key} (redraw)")
    if pg.locator("[data-testid='stMain']").inner_text() == before:
        raise RuntimeError(f"{page.key}: choosing another «{page.select}» did not change the page")
    return m((settled["painted"] - clicked) / 1000, cpu=c1[0] - c0[0], bcpu=c1[1] - c0[1])


def new_tab(ctx) -> tuple[object, list[str]]:
    """A page in the context that records JavaScript errors."""
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    return pg, errors


def browser_rows(browser, page: Page, app: Path, db: Path, base: tuple, base_cold: tuple[dict, dict], visits: int,
                 redraws: int, cpu: CpuMeter, log_dir: Path) -> tuple[dict, dict]:
    """One page on its own fresh server: a cold visit, then warm visits and redraws, each followed by the
    baseline's (in the baseline's own warm context; base = (url, server pid, tab, its error list)).
    Returns (the page's rows, the baseline's raw measurements)."""
    rows: dict[str, dict] = {}
    raw_base: dict[str, list] = {"warm_first": [], "warm_complete": [], "redraw": []}
    with serve(app, db, log=log_dir / f"server-{page.key}.log", cwd=app.parent) as (url, proc):
        cpu.servers.add(proc.pid)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        ctx.add_init_script(STATE_CLOCK_JS)
        try:
            pg, errors = new_tab(ctx)
            cold = visit(pg, url + page.url, page, errors, cpu, proc.pid)
            rows["br_cold_first"] = {**cold[0], "baseline": base_cold[0]["s"]}
            rows["br_cold_complete"] = {**cold[1], "baseline": base_cold[1]["s"]}
            if cold[2]:
                rows["br_cold_also"] = {**cold[2], "baseline": base_cold[0]["s"]}
            base_url, base_pid, bpg, berrors = base
            warm, bwarm = [], []
            for _ in range(visits):
                warm.append(visit(pg, url + page.url, page, errors, cpu, proc.pid))
                bwarm.append(visit(bpg, base_url + BASELINE.url, BASELINE, berrors, cpu, base_pid))
            raw_base["warm_first"] = [w[0] for w in bwarm]
            raw_base["warm_complete"] = [w[1] for w in bwarm]
            for i, key in ((0, "br_warm_first"), (1, "br_warm_complete")):
                rows[key] = m(med([w[i] for w in warm], "s"), med([w[i] for w in bwarm], "s"),
                              med([w[i] for w in warm], "cpu"), med([w[i] for w in warm], "browser_cpu"))
            if page.also:
                rows["br_warm_also"] = m(med([w[2] for w in warm], "s"), med([w[0] for w in bwarm], "s"))
            if page.select and redraws:
                draws, bdraws = [], []
                for _ in range(redraws):
                    draws.append(redraw(pg, page, errors, cpu, proc.pid))
                    bdraws.append(redraw(bpg, BASELINE, berrors, cpu, base_pid))
                raw_base["redraw"] = bdraws
                rows["br_redraw_new"] = {**draws[0], "baseline": med(bdraws, "s")}
                if len(draws) > 1:
                    rows["br_redraw_seen"] = m(med(draws[1:], "s"), med(bdraws, "s"), med(draws[1:], "cpu"),
                                               med(draws[1:], "browser_cpu"))
        finally:
            ctx.close()
            cpu.servers.discard(proc.pid)
    return rows, raw_base


# ---- report -----------------------------------------------------------------------------------------------

ROWS = [  # (key, label, target)
    ("at_cold_process", "AppTest run, cold process", None),
    ("at_cold_caches", "AppTest run, caches cleared", None),
    ("at_warm", "AppTest run, warm (median)", TARGET_WARM_RUN),
    ("br_cold_first", "first figure, cold context", None),
    ("br_warm_first", "first figure, warm (median)", TARGET_FIRST_FIGURE),
    ("br_cold_also", "deck.gl map drawn, cold context", None),
    ("br_warm_also", "deck.gl map drawn, warm (median)", TARGET_FIRST_FIGURE),
    ("br_cold_complete", "page complete, cold context", None),
    ("br_warm_complete", "page complete, warm (median)", None),
    ("br_redraw_new", "redraw, new selection", TARGET_REDRAW),
    ("br_redraw_seen", "redraw, seen selection (median)", TARGET_REDRAW),
]


def table(results: dict[str, dict], order: list[str]) -> str:
    """A fixed-width table: every measurement, the baseline's beside it, the ratio, target and whether it is met."""
    def num(x: float | None, fmt: str, width: int) -> str:
        return f"{x:>{width}{fmt}}" if x is not None else f"{'':>{width}}"

    head = (f"{'page':<22} {'measurement':<32} {'seconds':>8} {'baseline':>9} {'ratio':>6} {'target':>8} {'met':>4}"
            f" {'py cpu':>7} {'chr cpu':>7}")
    lines = [head, "-" * len(head)]
    for key in order:
        res = results.get(key, {})
        for row, label, target in ROWS:
            r = res.get(row)
            if r is None:
                continue
            ratio = r["s"] / r["baseline"] if r.get("baseline") else None
            met = "" if target is None or key == "baseline" else ("yes" if r["s"] <= target else "NO")
            tgt = f"≤ {target:g}" if target is not None else ""
            lines.append(f"{key:<22} {label:<32} {r['s']:>8.3f} {num(r.get('baseline'), '.3f', 9)} "
                         f"{num(ratio, '.1f', 6)} {tgt:>8} {met:>4} {num(r.get('cpu'), '.2f', 7)} "
                         f"{num(r.get('browser_cpu'), '.2f', 7)}")
        for err in res.get("errors", []):
            lines.append(f"{key:<22} ERROR {err}")
    return "\n".join(lines)


def ensure_db(db: Path, mirror: Path) -> None:
    """Build the benchmark's own database from the mirror if it does not exist."""
    if db.exists():
        return
    print(f"building {db} from {mirror} ...", flush=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "etl", "build", "--mirror", str(mirror), "--db", str(db),
                    "--raw", str(db.parent / "raw")], cwd=ROOT, check=True)


def run_all_browser(pages: list[Page], args, app: Path, baseline_script: Path, results: dict,
                    started: float) -> list[str]:
    """The browser part: the baseline's cold visit, then every page; returns notes (reduced repetitions)."""
    from playwright.sync_api import sync_playwright

    notes = []
    cpu = CpuMeter()
    log_dir = RESULTS / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    base_raw: dict[str, list] = {"warm_first": [], "warm_complete": [], "redraw": []}
    with sync_playwright() as pw, serve(baseline_script, args.db, log=log_dir / "server-baseline.log",
                                             cwd=app.parent) as (burl, bproc):
        cpu.servers.add(bproc.pid)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            print("browser baseline ...", flush=True)
            # the baseline's context: its cold visit first, then it stays open and warm for the whole run (a
            # second tab in the page's context does not work: there the selectboxes of the tab behind would not open)
            bctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
            bctx.add_init_script(STATE_CLOCK_JS)
            bpg, berrors = new_tab(bctx)
            base_cold = visit(bpg, burl + BASELINE.url, BASELINE, berrors, cpu, bproc.pid)
            base = (burl, bproc.pid, bpg, berrors)
            results["baseline"]["br_cold_first"], results["baseline"]["br_cold_complete"] = base_cold[:2]
            for page in pages:
                visits, redraws = args.visits, args.redraws
                if time.perf_counter() - started > args.budget:
                    visits, redraws = 1, min(redraws, 2)
                    notes.append(f"{page.key}: time budget ({args.budget:.0f} s) used up, 1 warm visit and "
                                 f"{redraws} redraws")
                print(f"browser {page.key} ...", flush=True)
                try:
                    rows, braw = browser_rows(browser, page, app, args.db, base, base_cold, visits, redraws,
                                              cpu, log_dir)
                    results[page.key].update(rows)
                    for k, v in braw.items():
                        base_raw[k] += v
                except Exception as exc:  # report it and go on with the other pages
                    results[page.key].setdefault("errors", []).append(str(exc)[-300:])
        finally:
            browser.close()
    b = results["baseline"]
    if base_raw["warm_first"]:
        b["br_warm_first"] = m(med(base_raw["warm_first"], "s"))
        b["br_warm_complete"] = m(med(base_raw["warm_complete"], "s"), cpu=med(base_raw["warm_complete"], "cpu"),
                                  bcpu=med(base_raw["warm_complete"], "browser_cpu"))
    if base_raw["redraw"]:
        b["br_redraw_seen"] = m(med(base_raw["redraw"], "s"), cpu=med(base_raw["redraw"], "cpu"),
                                bcpu=med(base_raw["redraw"], "browser_cpu"))
    return notes


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the AppTest and browser measurements for the baseline and every page, print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=DEFAULT_DB, help="database to serve (built from --mirror if missing)")
    p.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "mirror")
    p.add_argument("--pages", help="comma-separated page keys (default: all)")
    p.add_argument("--commit", help="measure this commit (a git archive export) instead of the working tree")
    p.add_argument("--runs", type=int, default=3, help="warm AppTest runs per page")
    p.add_argument("--visits", type=int, default=2, help="warm browser visits per page")
    p.add_argument("--redraws", type=int, default=3, help="selection changes per page (the first is a new one)")
    p.add_argument("--budget", type=float, default=240,
                   help="seconds; once used up, the remaining pages get 1 warm visit and 2 redraws")
    p.add_argument("--skip-apptest", action="store_true")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--apptest-worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.apptest_worker:
        s = json.loads(args.apptest_worker)
        print(json.dumps(apptest_worker(s["script"], s["page"], s["params"], s["baseline"], s["runs"])))
        return 0

    started = time.perf_counter()
    load_before = os.getloadavg()
    ensure_db(args.db, args.mirror)
    pages = [pg for pg in PAGES if not args.pages or pg.key in args.pages.split(",")]
    app_root, app_desc = app_source(args.commit)
    app = app_root / "app.py"
    baseline_script = write_baseline_app()
    order = ["baseline", *(pg.key for pg in pages)]
    results: dict[str, dict] = {k: {} for k in order}
    notes: list[str] = []

    if not args.skip_apptest:
        print("AppTest baseline ...", flush=True)
        base_raw = run_apptest(BASELINE, baseline_script, None, args.db, args.runs)
        results["baseline"].update(apptest_rows(base_raw, None))
        for row in results["baseline"].values():
            row["baseline"] = None
        for page in pages:
            print(f"AppTest {page.key} ...", flush=True)
            try:
                raw = run_apptest(page, app, baseline_script, args.db, args.runs)
                results[page.key].update(apptest_rows(raw, base_raw))
            except Exception as exc:  # report it and go on with the other pages
                results[page.key].setdefault("errors", []).append(str(exc)[-300:])

    t_apptest = time.perf_counter() - started
    if not args.skip_browser:
        notes += run_all_browser(pages, args, app, baseline_script, results, started)

    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    text = "\n".join([
        f"database: {args.db}   elapsed: {elapsed:.0f} s (AppTest {t_apptest:.0f} s, browser "
        f"{elapsed - t_apptest:.0f} s)   load average (1 min) before/after: "
        f"{load_before[0]:.1f}/{load_after[0]:.1f} on {os.cpu_count()} cores",
        f"app: {app_desc}",
        "baseline: a trivial Streamlit script (one selectbox, one st.write), measured beside each page in this run",
        "", table(results, order), "",
        "seconds: wall time (medians where marked); baseline: the trivial script's figure measured beside it; "
        "ratio = seconds / baseline;",
        "py cpu: CPU s of the AppTest process or the app server; chr cpu: CPU s of Chromium (approximate).",
        "first figure per page: " + "; ".join(f"{pg.key} = {pg.first_what}" for pg in [BASELINE, *pages]),
        "cold context = new browser context, first visit of the page on a freshly started server; "
        "warm = later visits in that context.",
        "redraw = from the click on another option of the selectbox ("
        + ", ".join(f"{pg.key} «{pg.select}»" for pg in pages if pg.select)
        + ") until the run has finished and the main thread is quiet.",
        *notes,
    ])
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_pages.txt").write_text(text + "\n", encoding="utf-8")
    (RESULTS / "bench_pages.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if any(r.get("errors") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
