"""Command line: python -m etl {fetch,build,update} [--mirror DIR] [--db PATH] [--raw DIR] [--force]."""

from __future__ import annotations

import argparse
import sys

from etl import config
from etl.errors import CheckFailed, SourceError
from etl.sqlrun import SqlError


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the command, and return the process exit code."""
    p = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (("build", "fetch every source and build the database atomically"),
                       ("fetch", "fetch every source into the raw cache only"),
                       ("update", "apply Enhetsregisteret's changes since the last update, then rebuild")):
        s = sub.add_parser(name, help=text)
        s.add_argument("--mirror", help="read sources from this mirror directory (default $FRIVILLIG_MIRROR; "
                                        "without it, fetch from the official endpoints)")
        s.add_argument("--db", help="database path (default $FRIVILLIG_DB, else data/frivillig.duckdb)")
        s.add_argument("--raw", help="raw cache directory (default $FRIVILLIG_RAW, else data/raw)")
        s.add_argument("--offline", action="store_true", help="never use the network: mirror or cache only")
        s.add_argument("--quiet", action="store_true")
        if name == "build":
            s.add_argument("--force", action="store_true", help="build even if nothing changed")
    args = p.parse_args(argv)
    settings = config.settings(args.db, args.mirror, args.raw)
    try:
        if args.command == "build":
            from etl.build import build

            build(settings, force=args.force, quiet=args.quiet, offline=args.offline)
        elif args.command == "update":
            from etl.update import run

            run(settings, quiet=args.quiet, offline=args.offline)
        elif args.command == "fetch":
            from etl.build import fetch_all
            from etl.cache import RawCache
            from etl.mirror import Mirror
            from etl.sources import SOURCES
            from etl.sources._common import FetchContext

            ctx = FetchContext(RawCache(settings.raw_dir), Mirror(settings.mirror) if settings.mirror else None,
                               offline=args.offline, quiet=args.quiet)
            files = [f for fs in fetch_all(ctx, SOURCES, args.quiet).values() for f in fs]
            print(f"{len(files)} files in {settings.raw_dir}")
    except (SourceError, CheckFailed, SqlError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
