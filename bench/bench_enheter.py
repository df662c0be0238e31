"""Benchmark: loading the full Enhetsregisteret dump (~1.47 M records) — DuckDB scan vs the ETL vs naive pandas.

    python bench/bench_enheter.py [--file PATH] [--records N] [--skip-pandas] [--mirror DIR]

Runs each contender in its own subprocess and reports wall time and peak RSS (the child's own rusage, from
os.wait4):
  (a) a bare DuckDB `SELECT count(*) FROM read_json(file)` (auto-detected schema, in memory);
  (b) the ETL's load of the file into the landing tables (etl.sources.enhetsregisteret.load: the code path the
      build uses: lean read_json with explicit columns and an early filter, orgnr checks, duplicates, dates,
      municipality placement) into a new .duckdb file, as the build does;
  (c) the naive way: json.load of the decompressed array + pandas.json_normalize.
If --file does not exist it is generated with shared/tools/make_mirror.py (--records, seed 1).
Targets: (b) ≤ 1.5 × (a); (b) at least 10× faster than (c); peak RSS of (b) ≤ 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GIB = 1 << 30


def _timed(t0: float) -> None:
    print(json.dumps({"inner_seconds": time.perf_counter() - t0}), file=sys.stderr)


def worker_scan(path: Path) -> int:
    """(a) a bare read_json count."""
    import duckdb

    t0 = time.perf_counter()
    n = duckdb.connect().sql(f"SELECT count(*) FROM read_json('{path}')").fetchall()[0][0]  # noqa: S608
    _timed(t0)
    return n


def worker_etl(path: Path, mirror: Path) -> int:
    """(b) the build's load step for the enheter file (reference tables loaded first, outside the timing)."""
    import duckdb

    from etl.cache import RawCache
    from etl.errors import BuildLog
    from etl.mirror import Mirror
    from etl.sources import enhetsregisteret, grenser, kommunedeling_vekter, kommuneendringer
    from etl.sources._common import FetchContext

    tmp = Path(tempfile.mkdtemp(prefix="bench-enheter-"))
    ctx = FetchContext(RawCache(tmp / "raw"), Mirror(mirror), quiet=True)
    con = duckdb.connect(str(tmp / "bench.duckdb"))
    for src in (grenser, kommuneendringer, kommunedeling_vekter):
        src.load(con, src.fetch(ctx), BuildLog())
    raw = RawCache(tmp / "raw").store("enhetsregisteret", path.name, path, retrieved="2025-09-30",
                                      origin=str(path))
    t0 = time.perf_counter()
    enhetsregisteret.load(con, [raw], BuildLog())
    con.execute("CHECKPOINT")
    _timed(t0)
    return con.sql("SELECT count(*) FROM src_enhet").fetchall()[0][0]


def worker_pandas(path: Path) -> int:
    """(c) json.load + pandas.json_normalize."""
    import gzip

    import pandas as pd

    t0 = time.perf_counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    df = pd.json_normalize(records)
    _timed(t0)
    return len(df)


def run_child(kind: str, path: Path, mirror: Path) -> dict:
    """Run one contender in a subprocess; wall time and the child's own peak RSS."""
    cmd = [sys.executable, __file__, "--worker", kind, "--file", str(path), "--mirror", str(mirror)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{err[-2000:]}")
    inner = next(json.loads(x)["inner_seconds"] for x in err.splitlines() if x.startswith('{"inner_seconds"'))
    return {"kind": kind, "seconds": wall, "rss": usage.ru_maxrss * 1024, "rows": int(out.strip()),
            "inner_seconds": inner}


def ensure_file(path: Path, records: int) -> None:
    """Generate the full-scale dump with make_mirror.py if it is missing."""
    if path.exists():
        return
    tool = ROOT.parent / "shared" / "tools" / "make_mirror.py"
    print(f"generating {records:,} records into {path} (make_mirror.py, seed 1) ...", flush=True)
    subprocess.run([sys.executable, str(tool), "enheter", "--records", str(records), "--out", str(path),
                    "--seed", "1"], check=True)


def table(results: dict[str, dict], size: int) -> str:
    """The results as a fixed-width text table with the target ratios (on the timed load, see README)."""
    labels = {"a": "(a) DuckDB read_json count (bare scan)", "b": "(b) ETL load → landing tables",
              "c": "(c) json.load + pandas.json_normalize"}
    lines = [f"file: {size / 1e6:.1f} MB gzip", "",
             f"{'contender':<42} {'load s':>8} {'wall s':>8} {'peak RSS':>12} {'rows out':>10}", "-" * 84]
    for k in ("a", "b", "c"):
        if k in results:
            r = results[k]
            lines.append(f"{labels[k]:<42} {r['inner_seconds']:>8.1f} {r['seconds']:>8.1f} "
                         f"{r['rss'] / GIB:>8.2f} GiB {r['rows']:>10,}")
    lines.append("")
    a, b, c = results.get("a"), results["b"], results.get("c")
    if a:
        ratio = b["inner_seconds"] / a["inner_seconds"]
        lines.append(f"(b)/(a) = {ratio:.2f}  (target ≤ 1.5: {'met' if ratio <= 1.5 else 'NOT met'}; "
                     f"wall {b['seconds'] / a['seconds']:.2f})")
    if c:
        ratio = c["inner_seconds"] / b["inner_seconds"]
        lines.append(f"(c)/(b) = {ratio:.1f}  (target ≥ 10: {'met' if ratio >= 10 else 'NOT met'}; "
                     f"wall {c['seconds'] / b['seconds']:.1f})")
    lines.append(f"peak RSS of (b) = {b['rss'] / GIB:.2f} GiB  (target ≤ 2 GiB: "
                 f"{'met' if b['rss'] <= 2 * GIB else 'NOT met'})")
    lines.append("load s: the operation timed inside the child; wall s: the whole subprocess (interpreter start, "
                 "and for (b) loading the municipality reference tables)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options; run the three contenders (or act as one worker) and print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--file", type=Path, default=Path("/tmp/enheter_full.json.gz"))
    p.add_argument("--records", type=int, default=1_470_000, help="records to generate if --file is missing")
    p.add_argument("--skip-pandas", action="store_true", help="skip (c) (minutes and ~10 GB of memory)")
    p.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "mirror",
                   help="mirror with the reference files (municipality codes) the ETL load needs")
    p.add_argument("--worker", choices=["a", "b", "c"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        rows = {"a": lambda: worker_scan(args.file), "b": lambda: worker_etl(args.file, args.mirror),
                "c": lambda: worker_pandas(args.file)}[args.worker]()
        print(rows)
        return 0
    ensure_file(args.file, args.records)
    results = {}
    for kind in ("a", "b") + (() if args.skip_pandas else ("c",)):
        print(f"running ({kind}) ...", flush=True)
        results[kind] = run_child(kind, args.file, args.mirror)
    text = table(results, args.file.stat().st_size)
    print("\n" + text)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_enheter.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
