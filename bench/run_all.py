"""Run every benchmark in bench/ (each bench_*.py with its default options) and stop at the first failure.

    python bench/run_all.py [--load-test]

bench_*.py are found by name (bench_enheter.py, bench_pages.py, ...). The load test (load_test.py, 20
concurrent browser sessions for up to ~4 minutes) is not a bench_*.py and runs only with --load-test, last.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str] | None = None) -> int:
    """Run bench/bench_*.py in name order (then load_test.py with --load-test); the first non-zero exit code, else 0."""
    argv = sys.argv[1:] if argv is None else argv
    scripts = sorted(HERE.glob("bench_*.py"))
    if "--load-test" in argv:
        scripts.append(HERE / "load_test.py")
    for script in scripts:
        print(f"== {script.name}", flush=True)
        code = subprocess.run([sys.executable, str(script)], check=False).returncode
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
