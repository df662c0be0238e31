"""Incremental refresh: `python -m etl update` applies Enhetsregisteret's daily changes without a new full dump.

1. The base is the dump the build uses (the mirror's file, or the newest one in the raw cache).
2. The changes since the last stored update id (or, the first time, since 00:00 UTC the day before the dump was
   retrieved) are read
   from /enhetsregisteret/api/oppdateringer/enheter, and the current full record of every changed entity is
   fetched (deleted ones: Sletting/Fjernet, or 404/410 on lookup, are stored as deletions).
3. They are stored as a NEW raw file `oppdateringer-<dump sha12>-<first id>-<last id>.jsonl.gz` (raw files are
   never modified); the build applies the dump and then every update file for that dump, in id order.
4. The database is rebuilt from the cache (no other source is downloaded again).

The feed is walked by cursor (`oppdateringsid` = last id + 1, `size` up to 10 000) rather than by `page`, since
changes keep arriving while paging. `includeChanges=true` (JSON Patch of each change) is not used: patches need
the full previous record, while the landing table keeps only the fields the statistics use; fetching the
current record is simpler and makes applying a change twice harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from etl.cache import RawCache
from etl.config import Settings
from etl.errors import SourceError
from etl.mirror import Mirror
from etl.sources import enhetsregisteret
from etl.sources._common import FetchContext


@dataclass(frozen=True)
class Outcome:
    """The update stored (if any) and whether the database was rebuilt."""

    update: enhetsregisteret.UpdateResult
    rebuilt: bool


def run(settings: Settings, *, transport: httpx.BaseTransport | None = None, quiet: bool = False,
        size: int = 10_000, rebuild: bool = True, offline: bool = False) -> Outcome:
    """Fetch and store the changes since the last update, then rebuild the database from the raw cache."""
    if offline:
        raise SourceError(enhetsregisteret.UPDATES_API, "`update` reads Enhetsregisteret's change feed and needs "
                                                        "the network; use `build --offline` to rebuild only")
    cache = RawCache(settings.raw_dir)
    ctx = FetchContext(cache, Mirror(settings.mirror) if settings.mirror else None, offline=True, quiet=quiet)
    base = enhetsregisteret.fetch_base(ctx)
    try:
        result = enhetsregisteret.fetch_update(cache, base, transport=transport, size=size, quiet=quiet)
    except (httpx.HTTPError, RuntimeError) as exc:
        raise SourceError(enhetsregisteret.UPDATES_API, f"could not read the changes: {exc}") from exc
    if not quiet:
        if result.file is None:
            print(f"update no changes since {result.since}", flush=True)
        else:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.by_type.items()))
            print(f"update {result.changes} changes ({kinds}) for {result.entities} entities since "
                  f"{result.since} → {result.file.name}", flush=True)
    if not rebuild:
        return Outcome(result, False)
    from etl.build import build

    build(settings, quiet=quiet, offline=True)
    return Outcome(result, True)
