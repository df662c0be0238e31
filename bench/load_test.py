"""Load test: 20 concurrent sessions on the dashboard served on 127.0.0.1, bounded in count and time.

    python bench/load_test.py [--mode browser|ws] [--db PATH] [--sessions 20] [--rounds 1] [--deadline 150]
                              [--view-timeout 60] [--no-warmup] [--commit REV]

--mode browser (the default): one headless Chromium, one browser context per session. A page view is a full
  load (page.goto: a new Streamlit session over a new websocket); time to a rendered page = from navigation
  start (page clock) until the script run has finished, no element is stale and two frames are painted.
  Errors: an exception shown on the page (stException), an HTTP error, a page view not rendered within
  --view-timeout, a JavaScript page error, a crashed page.
--mode ws: the server alone, without a browser. Each page view opens Streamlit's websocket (/_stcore/stream),
  asks for the page as the browser does (BackMsg rerun_script with the page and query string) and reads every
  message until script_finished; time to a rendered page = from connecting until script_finished. Errors: an
  exception element, an unknown page, a run not finished successfully or within --view-timeout, a failure.
Every session loads the pages of SEQUENCE in turn, starting at a different page per session (so every page is
under load at once), --rounds times; sessions start together, 50 ms apart.
Bounded: sessions × rounds × len(SEQUENCE) page views at most; no page view starts after --deadline seconds,
one running then may take --view-timeout more. Before the load, one untimed pass over the pages fills the
server's caches (--no-warmup to skip it).
Reports sessions, page views, p50/p95/max time to a rendered page (overall and per page), errors, the CPU used
by the app server and by the client (Chromium) during the load, and the server's peak RSS (VmHWM); writes
bench/results/load_test-<mode>.txt and .json. Exits 1 if there was any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # bench/ is not a package
    CHROMIUM,
    DEFAULT_DB,
    LAUNCH_ARGS,
    RESULTS,
    ROOT,
    SETTLED_JS,
    STATE_CLOCK_JS,
    app_source,
    peak_rss,
    percentile,
    serve,
)

# Every page, some with a selection in the URL (the state a shared link carries).
SEQUENCE = [
    "/",
    "/kart?indikator=grasrot_kr_per_innbygger&aar=2024",
    "/frivillighetspolitikk?aar=2021",
    "/tilskudd?aar=2023",
    "/kommuneprofil?kommune=0301",
    "/om_dataene",
    "/kart?nivaa=fylke&indikator=moms_kr_per_innbygger&aar=2024",
    "/kommuneprofil?kommune=1508",
]
GIB = 1 << 30


class Stats:
    """Page views and errors from every session."""

    def __init__(self) -> None:
        self.views: list[dict] = []
        self.errors: list[dict] = []
        self.not_started = 0
        self.rss: dict[str, int | None] = {}
        self.cpu: dict[str, float] = {}

    def error(self, session: int, path: str, kind: str, detail: str = "") -> None:
        first = detail.strip().splitlines()[0] if detail.strip() else ""
        self.errors.append({"session": session, "path": path, "kind": kind, "detail": first[:300]})


# ---- one page view ----------------------------------------------------------------------------------------

async def browser_view(pg, base: str, path: str, timeout: float) -> tuple[float | None, str | None, str, int]:
    """Load one page in the browser; (seconds to rendered or None, error kind or None, detail, bytes: 0)."""
    resp = await pg.goto(base + path, wait_until="commit", timeout=timeout * 1000)
    if resp is not None and resp.status >= 400:
        return None, "http", f"HTTP {resp.status}", 0
    settled = await asyncio.wait_for(pg.evaluate(SETTLED_JS, [0, timeout * 1000]), timeout + 10)
    if settled is None:
        return None, "timeout", f"not rendered within {timeout:.0f} s", 0
    if await pg.locator("[data-testid='stException']").count():
        return None, "exception", "stException shown", 0
    return settled["painted"] / 1000, None, "", 0


async def ws_view(base: str, path: str, timeout: float) -> tuple[float | None, str | None, str, int]:
    """Ask the server for one page over its websocket; (seconds to script_finished or None, error kind or None,
    detail, bytes received)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = urlsplit(path)
    msg = BackMsg()
    msg.rerun_script.query_string = url.query
    msg.rerun_script.page_name = url.path.strip("/")
    t0 = time.perf_counter()
    received = exceptions = 0

    async def converse() -> tuple[float | None, str | None, str, int]:
        nonlocal received, exceptions
        async with websockets.connect(base.replace("http://", "ws://") + "/_stcore/stream", origin=base,
                                      subprotocols=["streamlit"], max_size=None, open_timeout=timeout) as ws:
            await ws.send(msg.SerializeToString())
            while True:
                raw = await ws.recv()
                received += len(raw)
                fwd = ForwardMsg.FromString(raw)
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
                    exceptions += 1
                elif kind == "page_not_found":
                    return None, "not found", f"page {url.path!r} not found", received
                elif kind == "script_finished":
                    if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # the page asked for a rerun (st.rerun): its next run follows on this socket
                    dt = time.perf_counter() - t0
                    if fwd.script_finished not in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                                   ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                        return None, "run failed", f"script_finished status {fwd.script_finished}", received
                    if exceptions:
                        return None, "exception", f"{exceptions} exception element(s)", received
                    return dt, None, "", received

    try:
        return await asyncio.wait_for(converse(), timeout)
    except TimeoutError:
        return None, "timeout", f"script_finished not received within {timeout:.0f} s", received


# ---- sessions ---------------------------------------------------------------------------------------------

async def session(i: int, view, rounds: int, deadline: float, stats: Stats, js_errors: list[str]) -> None:
    """One visitor: the page sequence from page i, --rounds times. view(path) does one page view."""
    await asyncio.sleep(0.05 * i)
    order = SEQUENCE[i % len(SEQUENCE):] + SEQUENCE[:i % len(SEQUENCE)]
    for r in range(rounds):
        for n, path in enumerate(order):
            if time.monotonic() > deadline:
                stats.not_started += len(order) * (rounds - r) - n
                return
            seen_js = len(js_errors)
            t0 = time.monotonic()
            try:
                seconds, kind, detail, nbytes = await view(path)
            except Exception as exc:  # a Playwright timeout, a refused connection: counted, the session goes on
                seconds, kind, detail, nbytes = None, ("timeout" if "Timeout" in type(exc).__name__ else "failure"), \
                    f"{type(exc).__name__}: {exc}", 0
            wall = time.monotonic() - t0
            for msg in js_errors[seen_js:]:
                stats.error(i, path, "javascript", msg)
            if kind:
                stats.error(i, path, kind, detail)
            elif seconds is not None:
                stats.views.append({"session": i, "round": r, "path": path, "rendered": seconds, "wall": wall,
                                    "bytes": nbytes})


async def run_browser(base: str, args: argparse.Namespace, stats: Stats, meter: CpuMeter) -> float:
    """Browser mode: warm up, then every session in its own context; returns the wall time of the load phase."""
    from playwright.async_api import async_playwright

    async def open_context():
        ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        await ctx.add_init_script(STATE_CLOCK_JS)
        pg = await ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("crash", lambda _p: errors.append("page crashed"))
        return ctx, pg, errors

    async def one_session(i: int, deadline: float) -> None:
        ctx, pg, errors = await open_context()
        try:
            await session(i, lambda path: browser_view(pg, base, path, args.view_timeout), args.rounds, deadline,
                          stats, errors)
        finally:
            await ctx.close()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            if not args.no_warmup:
                print("warm-up pass ...", flush=True)
                ctx, pg, _ = await open_context()
                for path in SEQUENCE:
                    await browser_view(pg, base, path, args.view_timeout)
                await ctx.close()
            return await load_phase(args, stats, meter, one_session)
        finally:
            await browser.close()


async def run_ws(base: str, args: argparse.Namespace, stats: Stats, meter: CpuMeter) -> float:
    """Websocket mode: warm up, then every session; returns the wall time of the load phase."""
    if not args.no_warmup:
        print("warm-up pass ...", flush=True)
        for path in SEQUENCE:
            await ws_view(base, path, args.view_timeout)

    async def one_session(i: int, deadline: float) -> None:
        await session(i, lambda path: ws_view(base, path, args.view_timeout), args.rounds, deadline, stats, [])

    return await load_phase(args, stats, meter, one_session)


async def load_phase(args: argparse.Namespace, stats: Stats, meter: CpuMeter, one_session) -> float:
    """Run every session concurrently under the deadline; records RSS and CPU around it."""
    stats.rss["warm"] = meter.rss()
    print(f"{args.sessions} {args.mode} sessions × {args.rounds} round(s) × {len(SEQUENCE)} pages ...", flush=True)
    before = meter.cpu()
    t0 = time.monotonic()
    await asyncio.gather(*(one_session(i, t0 + args.deadline) for i in range(args.sessions)))
    elapsed = time.monotonic() - t0
    after = meter.cpu()
    stats.cpu = {"server": after[0] - before[0], "client": after[1] - before[1], "elapsed": elapsed}
    return elapsed


class CpuMeter:
    """CPU seconds of the app server and of the client (this process and its other descendants: Chromium)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        try:
            import psutil

            self.psutil = psutil
        except ImportError:
            self.psutil = None

    def _cpu(self, proc) -> float:
        try:
            t = proc.cpu_times()
            return t.user + t.system + getattr(t, "children_user", 0) + getattr(t, "children_system", 0)
        except Exception:  # the process has gone
            return 0.0

    def cpu(self) -> tuple[float, float]:
        """(server CPU s, client CPU s) so far; zeros without psutil."""
        if self.psutil is None:
            return 0.0, 0.0
        me = self.psutil.Process()
        client = sum(self._cpu(p) for p in me.children(recursive=True) if p.pid != self.server_pid)
        t = me.cpu_times()
        return self._cpu(self.psutil.Process(self.server_pid)), client + t.user + t.system

    def rss(self) -> int | None:
        """The server's current RSS in bytes, or None."""
        try:
            return self.psutil.Process(self.server_pid).memory_info().rss
        except Exception:  # psutil missing or the process gone
            return None


# ---- report -----------------------------------------------------------------------------------------------

def report(stats: Stats, args: argparse.Namespace, elapsed: float, load: tuple[float, float]) -> str:
    """The summary as text: counts, percentiles overall and per page, errors, CPU and server memory."""
    def q(values: list[float]) -> str:
        if not values:
            return f"{'-':>7} {'-':>7} {'-':>7}"
        return f"{percentile(values, 50):>7.2f} {percentile(values, 95):>7.2f} {max(values):>7.2f}"

    rendered = [v["rendered"] for v in stats.views]
    wall = [v["wall"] for v in stats.views]
    what = ("from navigation start until rendered" if args.mode == "browser"
            else "from connecting until script_finished")
    lines = [
        f"mode: {args.mode}   server: 127.0.0.1, database {args.db}   load average (1 min) before/after "
        f"{load[0]:.1f}/{load[1]:.1f} on {os.cpu_count()} cores",
        f"sessions: {args.sessions} concurrent   rounds: {args.rounds}   pages per round: {len(SEQUENCE)}   "
        f"deadline: {args.deadline:.0f} s   load phase: {elapsed:.0f} s",
        f"page views: {len(stats.views)} rendered, {len(stats.errors)} errors, {stats.not_started} not started "
        f"(deadline{' reached' if stats.not_started else ' not reached'})",
        "",
        f"{'seconds':<60} {'p50':>7} {'p95':>7} {'max':>7} {'views':>6}",
        f"{'time to rendered page (' + what + ')':<60} {q(rendered)} {len(rendered):>6}",
        f"{'wall time per page view (incl. leaving the last page)':<60} {q(wall)} {len(wall):>6}",
        "",
        "per page (time to rendered page)" + (", MB received per view:" if args.mode == "ws" else ":"),
    ]
    for path in SEQUENCE:
        views = [v for v in stats.views if v["path"] == path]
        size = f" {views[0]['bytes'] / 1e6:>7.2f}" if args.mode == "ws" and views else ""
        lines.append(f"  {path:<58} {q([v['rendered'] for v in views])} {len(views):>6}{size}")
    lines += ["", f"errors: {len(stats.errors)}"]
    for (kind, path), n in sorted(Counter((e["kind"], e["path"]) for e in stats.errors).items()):
        example = next(e["detail"] for e in stats.errors if e["kind"] == kind and e["path"] == path)
        lines.append(f"  {n:>3} × {kind:<10} {path}  ({example[:120]})")
    if stats.cpu:
        c = stats.cpu
        cores = os.cpu_count() or 1
        lines += ["", f"CPU during the load phase: app server {c['server']:.1f} s, client "
                      f"({'Chromium and ' if args.mode == 'browser' else ''}this process) {c['client']:.1f} s, of "
                      f"{c['elapsed'] * cores:.0f} s on {cores} cores (the rest went to other work on the machine)"]

    def size(key: str) -> str:
        value = stats.rss.get(key)
        return f"{value / GIB:.2f} GiB" if value else "unavailable"

    lines.append(f"app server RSS: peak {size('peak')} (VmHWM); at the start {size('start')}, "
                 f"after the warm-up {size('warm')}, at the end {size('end')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options, serve the app, run the load, print and store the report; 1 if there were errors."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["browser", "ws"], default="ws")
    p.add_argument("--db", type=Path, default=DEFAULT_DB, help="database to serve (build it first, see README)")
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--rounds", type=int, default=1, help="passes over the page sequence per session")
    p.add_argument("--deadline", type=float, default=150, help="seconds after which no page view starts")
    p.add_argument("--view-timeout", type=float, default=60, help="seconds a page view may take")
    p.add_argument("--no-warmup", action="store_true")
    p.add_argument("--commit", help="serve this commit (a git archive export) instead of the working tree")
    args = p.parse_args(argv)
    if not args.db.exists():
        print(f"no database at {args.db}: build it with\n  .venv/bin/python -m etl build --mirror ../shared/mirror "
              f"--db {args.db} --raw {args.db.parent / 'raw'}", file=sys.stderr)
        return 2
    stats = Stats()
    load_before = os.getloadavg()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    app_root, app_desc = app_source(args.commit)
    print(f"app: {app_desc}", flush=True)
    with serve(app_root / "app.py", args.db, log=RESULTS / f"load_test-{args.mode}-server.log",
               cwd=app_root) as (base, proc):
        meter = CpuMeter(proc.pid)
        stats.rss["start"] = meter.rss()
        elapsed = asyncio.run((run_browser if args.mode == "browser" else run_ws)(base, args, stats, meter))
        stats.rss["peak"] = peak_rss(proc.pid)
        stats.rss["end"] = meter.rss()
    text = f"app: {app_desc}\n" + report(stats, args, elapsed, (load_before, os.getloadavg()[0]))
    print("\n" + text)
    (RESULTS / f"load_test-{args.mode}.txt").write_text(text + "\n", encoding="utf-8")
    (RESULTS / f"load_test-{args.mode}.json").write_text(
        json.dumps({"views": stats.views, "errors": stats.errors, "rss": stats.rss, "cpu": stats.cpu,
                    "elapsed": elapsed}, indent=1), encoding="utf-8")
    return 1 if stats.errors or not stats.views else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
