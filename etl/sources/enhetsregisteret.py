"""Enhetsregisteret: the full download (~1.5 M entities) → a lean landing table of possible voluntary organisations.

Speed: DuckDB reads the gzipped JSON array once with explicit `columns=` (only the fields used) and keeps only
entities that can be voluntary organisations (registered in Frivillighetsregisteret, or form FLI/STI) while
scanning, so 1.47 M records load in about the time of a bare `read_json` count (bench/bench_enheter.py).

Treatment of bad input (every corrected or rejected record is logged in `_avvik`):
- truncated gzip, malformed JSON or a field of the wrong type: the build stops with file, record, line and field;
- record without (or with a malformed) organisasjonsnummer: rejected;
- the same organisasjonsnummer twice: the LAST record wins, the earlier ones are rejected;
- explicit nulls are the same as absent keys; unknown extra fields are not read (brreg adds fields over time);
- a date that is not YYYY-MM-DD: set to NULL;
- municipality: the 2024 code of the business address (forretningsadresse), else of the postal address; a code
  valid before 2024 is harmonised to 2024 (a split code goes to the postal address's municipality if it is one
  of the parts, else to the part with the largest weight); an unknown code falls back to the postal address;
  an organisation with no placeable municipality keeps kommunenummer NULL (see `_avvik`).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx
import polars as pl

from etl import harmonise, http
from etl.cache import RawCache, RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import map_columns, normalise_kommunenummer
from etl.sources._brreg import FieldSpec, is_gzip, is_orgnr, not_utf8, open_text, scan_json_records
from etl.sources._common import FetchContext, has_table, label, write_table

META = SourceMeta.load(__file__)

LASTNED = "https://data.brreg.no/enhetsregisteret/api/enheter/lastned"
UPDATES_API = "https://data.brreg.no/enhetsregisteret/api/oppdateringer/enheter"
ENHETER_API = "https://data.brreg.no/enhetsregisteret/api/enheter"
#: Base dump names in a mirror or the cache, in order of preference.
BASE_NAMES = ("enheter_alle.json.gz", "enheter_alle.json", "enheter_alle.csv.gz", "enheter_alle.csv")
UPDATE_PREFIX = "oppdateringer-"
UPDATE_NAME = re.compile(r"^oppdateringer-([0-9a-f]{12})-(\d{12})-(\d{12})\.jsonl\.gz$")
#: Organisation forms that are voluntary organisations even when not registered in Frivillighetsregisteret.
VOLUNTARY_FORMS = ("FLI", "STI")
DELETED = ("Sletting", "Fjernet")

#: The fields read from every enhet, as DuckDB types for read_json(columns=...).
ENHET_COLUMNS: dict[str, str] = {
    "organisasjonsnummer": "VARCHAR",
    "navn": "VARCHAR",
    "organisasjonsform": "STRUCT(kode VARCHAR)",
    "naeringskode1": "STRUCT(kode VARCHAR)",
    "forretningsadresse": "STRUCT(kommunenummer VARCHAR, landkode VARCHAR, poststed VARCHAR)",
    "postadresse": "STRUCT(kommunenummer VARCHAR, landkode VARCHAR, poststed VARCHAR)",
    "registreringsdatoEnhetsregisteret": "VARCHAR",
    "stiftelsesdato": "VARCHAR",
    "registrertIFrivillighetsregisteret": "BOOLEAN",
    "registreringsdatoFrivillighetsregisteret": "VARCHAR",
    "konkurs": "BOOLEAN",
    "underAvvikling": "BOOLEAN",
    "underTvangsavviklingEllerTvangsopplosning": "BOOLEAN",
}
_ADDRESS: FieldSpec = {"kommunenummer": ("text", None), "landkode": ("text", None), "poststed": ("text", None)}
#: The same fields for the Python scanner that names a bad record when DuckDB refuses a file.
SCAN_SPEC: FieldSpec = {
    "organisasjonsnummer": ("text", None), "navn": ("text", None),
    "organisasjonsform": ("object", {"kode": ("text", None)}),
    "naeringskode1": ("object", {"kode": ("text", None)}),
    "forretningsadresse": ("object", _ADDRESS), "postadresse": ("object", _ADDRESS),
    "registreringsdatoEnhetsregisteret": ("text", None), "stiftelsesdato": ("text", None),
    "registrertIFrivillighetsregisteret": ("bool", None), "registreringsdatoFrivillighetsregisteret": ("text", None),
    "konkurs": ("bool", None), "underAvvikling": ("bool", None),
    "underTvangsavviklingEllerTvangsopplosning": ("bool", None),
}
#: The landing columns (stable names) and, for the CSV variant, the brreg CSV header names.
CSV_COLUMNS = {
    "organisasjonsnummer": "orgnr", "navn": "navn", "organisasjonsform.kode": "organisasjonsform",
    "naeringskode1.kode": "naeringskode", "forretningsadresse.kommunenummer": "forretning_kommunenummer",
    "forretningsadresse.landkode": "forretning_landkode", "forretningsadresse.poststed": "forretning_poststed",
    "postadresse.kommunenummer": "post_kommunenummer", "postadresse.landkode": "post_landkode",
    "postadresse.poststed": "post_poststed", "registreringsdatoEnhetsregisteret": "registrert_enhetsregisteret",
    "stiftelsesdato": "stiftelsesdato", "registrertIFrivillighetsregisteret": "flagg_frivillig",
    "registreringsdatoFrivillighetsregisteret": "registrert_frivillig_enhet", "konkurs": "konkurs",
    "underAvvikling": "under_avvikling", "underTvangsavviklingEllerTvangsopplosning": "under_tvangsavvikling",
}
CSV_OPTIONAL = ("naeringskode", "forretning_landkode", "forretning_poststed", "post_landkode", "post_poststed",
                "registrert_enhetsregisteret",
                "stiftelsesdato", "registrert_frivillig_enhet", "konkurs", "under_avvikling",
                "under_tvangsavvikling")
DATE_COLUMNS = ("registrert_enhetsregisteret", "stiftelsesdato", "registrert_frivillig_enhet")
LANDING = ("post", "orgnr", "navn", "organisasjonsform", "naeringskode", "forretning_kommunenummer",
           "forretning_landkode", "forretning_poststed", "post_kommunenummer", "post_landkode", "post_poststed",
           "registrert_enhetsregisteret",
           "stiftelsesdato", "flagg_frivillig", "registrert_frivillig_enhet", "konkurs", "under_avvikling",
           "under_tvangsavvikling")


# ---------------------------------------------------------------------------------------------- fetch

def fetch(ctx: FetchContext) -> list[RawFile]:
    """The base dump (mirror, download or cache) followed by the update files stored for it, oldest first."""
    base = fetch_base(ctx)
    return [base, *update_files(ctx.cache, base)]


def fetch_base(ctx: FetchContext) -> RawFile:
    """The full dump: the mirror's JSON (or CSV) file, else a fresh download, else the newest cached copy."""
    if ctx.mirror is not None:
        for name in BASE_NAMES:
            for p in ctx.mirror.glob(f"brreg/{name}"):
                entry = ctx.mirror.entry(p)
                return ctx.cache.store(META.id, p.name, p, retrieved=ctx.mirror.retrieved(p),
                                       origin=ctx.mirror.relpath(p), kind=entry.kind if entry else "ukjent",
                                       licence=entry.licence if entry else None,
                                       mirrors=entry.mirrors if entry else None)
        raise SourceError(f"{ctx.mirror.root}/brreg/enheter_alle.json.gz",
                          "file not found in the mirror directory (nor enheter_alle.csv[.gz])")
    if not ctx.offline:
        tmp, sha = http.download(LASTNED, ctx.cache.root / ".incoming", quiet=ctx.quiet)
        name = "enheter_alle.json.gz" if is_gzip(tmp) else "enheter_alle.json"
        return ctx.cache.store(META.id, name, tmp, retrieved=dt.date.today().isoformat(), origin=LASTNED,
                               kind="real", sha256=sha, move=True)
    cached = [r for n in BASE_NAMES if (r := ctx.cache.latest(META.id, n)) is not None]
    if not cached:
        raise SourceError("enheter_alle.json.gz", "no Enhetsregisteret dump in the raw cache and no network: "
                                                  "run `python -m etl build` online, or pass --mirror DIR")
    return max(cached, key=lambda r: (r.retrieved, Path(r.path).stat().st_mtime))


def update_name(base: RawFile, first: int, last: int) -> str:
    """Raw-cache name of an update file for a base dump: oppdateringer-<sha12>-<first id>-<last id>.jsonl.gz."""
    return f"{UPDATE_PREFIX}{base.sha256[:12]}-{first:012d}-{last:012d}.jsonl.gz"


def update_files(cache: RawCache, base: RawFile) -> list[RawFile]:
    """The update files stored for this base dump, in the order of their update ids."""
    out = []
    for name in cache.names(META.id):
        m = UPDATE_NAME.match(name)
        if m and m.group(1) == base.sha256[:12] and (raw := cache.latest(META.id, name)) is not None:
            out.append((int(m.group(2)), raw))
    return [r for _, r in sorted(out, key=lambda t: t[0])]


def last_update_id(files: Iterable[RawFile]) -> int | None:
    """The highest update id recorded in the names of update files, or None."""
    ids = [int(m.group(3)) for f in files if (m := UPDATE_NAME.match(f.name))]
    return max(ids) if ids else None


def fetch_changes(*, since_id: int | None = None, since: str | None = None, size: int = 10_000,
                  transport: httpx.BaseTransport | None = None, url: str = UPDATES_API,
                  max_changes: int = 1_000_000) -> list[dict]:
    """Every change after an update id (or since an ISO timestamp) from /oppdateringer/enheter, in id order.

    Walks the feed by cursor: `oppdateringsid` = last id seen + 1 until a page comes back short or empty (page
    numbers are not used: new changes arrive while paging)."""
    if since_id is None and since is None:
        raise ValueError("give since_id or since")
    changes: list[dict] = []
    cursor = since_id
    while True:
        params: dict[str, Any] = {"size": size}
        if cursor is None:
            params["dato"] = since
        else:
            params["oppdateringsid"] = cursor
        doc = http.get_json(url, params=params, transport=transport)
        items = ((doc or {}).get("_embedded") or {}).get("oppdaterteEnheter") or []
        page = [_change(item, url) for item in items]
        page = [c for c in page if cursor is None or c["oppdateringsid"] >= cursor]
        if not page:
            break
        changes += page
        cursor = max(c["oppdateringsid"] for c in page) + 1
        if len(changes) > max_changes:
            raise SourceError(url, f"more than {max_changes} changes since the dump: download a new full dump "
                                   "with `python -m etl build` instead of updating")
        if len(items) < size:
            break
    return sorted(changes, key=lambda c: c["oppdateringsid"])


def _change(item: Any, url: str) -> dict:
    if not isinstance(item, dict) or not isinstance(item.get("oppdateringsid"), int) \
            or not is_orgnr(item.get("organisasjonsnummer")):
        raise SourceError(url, f"update without oppdateringsid or organisasjonsnummer: {str(item)[:200]}",
                          expected='{"oppdateringsid": 123, "organisasjonsnummer": "912345678", ...}')
    return {"oppdateringsid": item["oppdateringsid"], "dato": item.get("dato"),
            "organisasjonsnummer": item["organisasjonsnummer"], "endringstype": item.get("endringstype") or "Ukjent"}


def fetch_records(orgnrs: list[str], *, transport: httpx.BaseTransport | None = None, batch: int = 100,
                  url: str = ENHETER_API) -> dict[str, dict | None]:
    """Current full records of entities (search in batches; the ones not found are looked up singly: 404/410
    means deleted → None)."""
    found: dict[str, dict | None] = {}
    for i in range(0, len(orgnrs), batch):
        part = orgnrs[i:i + batch]
        doc = http.get_json(url, params={"organisasjonsnummer": ",".join(part), "size": len(part)},
                            transport=transport)
        for rec in ((doc or {}).get("_embedded") or {}).get("enheter") or []:
            if isinstance(rec, dict) and rec.get("organisasjonsnummer") in part:
                found[rec["organisasjonsnummer"]] = rec
    for orgnr in orgnrs:
        if orgnr not in found:
            try:
                found[orgnr] = http.get_json(f"{url}/{orgnr}", transport=transport)
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code not in (404, 410):
                    raise
                found[orgnr] = None
    return found


@dataclass(frozen=True)
class UpdateResult:
    """What one update run did: the new raw file (None when nothing changed) and counts per change type."""

    file: RawFile | None
    changes: int
    entities: int
    by_type: dict[str, int]
    since: str


def fetch_update(cache: RawCache, base: RawFile, *, transport: httpx.BaseTransport | None = None,
                 size: int = 10_000, quiet: bool = True) -> UpdateResult:
    """Fetch the changes since the last update (or since the day before the dump was retrieved: brreg writes the
    dump once a night, and applying a change twice is harmless because the current record is fetched) and store
    them as a NEW raw file."""
    previous = update_files(cache, base)
    last = last_update_id(previous)
    start = dt.date.fromisoformat(base.retrieved) - dt.timedelta(days=1)
    since = f"oppdateringsid {last + 1}" if last is not None else f"{start.isoformat()}T00:00:00.000Z"
    changes = fetch_changes(since_id=None if last is None else last + 1,
                            since=None if last is not None else since, size=size, transport=transport)
    by_type: dict[str, int] = {}
    for c in changes:
        by_type[c["endringstype"]] = by_type.get(c["endringstype"], 0) + 1
    if not changes:
        return UpdateResult(None, 0, 0, by_type, since)
    latest = {c["organisasjonsnummer"]: c for c in changes}  # the last change per entity
    wanted = sorted(o for o, c in latest.items() if c["endringstype"] not in DELETED)
    if not quiet:
        print(f"update {len(changes)} changes for {len(latest)} entities; fetching {len(wanted)} records",
              flush=True)
    records = fetch_records(wanted, transport=transport)
    incoming = cache.root / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix=".oppdateringer-", suffix=".jsonl.gz")
    tmp = Path(tmp_name)
    with open(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for c in sorted(latest.values(), key=lambda c: c["oppdateringsid"]):
            line = {**c, "enhet": records.get(c["organisasjonsnummer"])}
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    name = update_name(base, changes[0]["oppdateringsid"], changes[-1]["oppdateringsid"])
    stored = cache.store(META.id, name, tmp, retrieved=dt.date.today().isoformat(),
                         origin=f"{UPDATES_API}?{'oppdateringsid' if last is not None else 'dato'}="
                                f"{since.split()[-1]}", kind="real", move=True)
    return UpdateResult(stored, len(changes), len(latest), by_type, since)


# ---------------------------------------------------------------------------------------------- read

def _struct_type(columns: dict[str, str]) -> str:
    return "STRUCT(" + ", ".join(f'"{k}" {v}' for k, v in columns.items()) + ")"


def _columns_sql(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


def projection(prefix: str = "") -> str:
    """SELECT list mapping API fields (under an optional struct prefix like 'u.enhet.') to landing columns."""
    p = prefix
    return (f"{p}organisasjonsnummer AS orgnr, {p}navn AS navn, {p}organisasjonsform.kode AS organisasjonsform, "
            f"{p}naeringskode1.kode AS naeringskode, "
            f"{p}forretningsadresse.kommunenummer AS forretning_kommunenummer, "
            f"{p}forretningsadresse.landkode AS forretning_landkode, "
            f"{p}forretningsadresse.poststed AS forretning_poststed, "
            f"{p}postadresse.kommunenummer AS post_kommunenummer, {p}postadresse.landkode AS post_landkode, "
            f"{p}postadresse.poststed AS post_poststed, "
            f"{p}registreringsdatoEnhetsregisteret AS registrert_enhetsregisteret, "
            f"{p}stiftelsesdato AS stiftelsesdato, "
            f"{p}registrertIFrivillighetsregisteret AS flagg_frivillig, "
            f"{p}registreringsdatoFrivillighetsregisteret AS registrert_frivillig_enhet, "
            f"{p}konkurs AS konkurs, {p}underAvvikling AS under_avvikling, "
            f"{p}underTvangsavviklingEllerTvangsopplosning AS under_tvangsavvikling")


def keep_filter(con: duckdb.DuckDBPyConnection, orgnr: str, form: str, flag: str) -> str:
    """WHERE condition keeping possible voluntary organisations (and records without orgnr, to log them)."""
    frr = ""
    if has_table(con, "src_frivillig_organisasjon"):
        frr = f" OR {orgnr} IN (SELECT orgnr FROM src_frivillig_organisasjon)"  # noqa: S608
    forms = ", ".join(f"'{f}'" for f in VOLUNTARY_FORMS)
    return f"({flag} IS TRUE OR {form} IN ({forms}) OR {orgnr} IS NULL{frr})"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _json_format(path: Path) -> str:
    """'array' for the brreg dump (a JSON array), 'newline_delimited' for JSON lines."""
    with open_text(path) as fh:
        head = fh.read(4096).lstrip()
    return "array" if head.startswith("[") else "newline_delimited"


def read_json_base(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """Create `table` (post = record number, landing columns) from the JSON dump, keeping possible voluntary orgs."""
    cond = keep_filter(con, "organisasjonsnummer", "organisasjonsform.kode", "registrertIFrivillighetsregisteret")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT ordinality AS post, {projection()}
        FROM read_json('{_sql_path(path)}', format = '{_json_format(path)}',
                       columns = {_columns_sql(ENHET_COLUMNS)}) WITH ORDINALITY
        WHERE {cond}""")  # noqa: S608  (path and column names are ours, not user values)


def csv_header(path: Path, file: str) -> tuple[list[str], str]:
    """The header of a brreg CSV download and its separator (comma, or semicolon in spreadsheet exports)."""
    with open_text(path) as fh:
        line = fh.readline().rstrip("\r\n")
    if not line:
        raise SourceError(file, "file is empty", expected="a CSV header line")
    sep = ";" if line.count(";") > line.count(",") else ","
    return [h.strip().strip('"') for h in line.split(sep)], sep


def read_csv_base(con: duckdb.DuckDBPyConnection, path: Path, table: str, file: str) -> None:
    """Create `table` from the CSV variant (header names as in /lastned/csv), with the same landing columns."""
    header, sep = csv_header(path, file)
    cols = map_columns(header, CSV_COLUMNS, file, optional=CSV_OPTIONAL)

    def col(stable: str) -> str:
        return f'"{header[cols[stable]]}"' if stable in cols else "NULL"

    def flag(stable: str) -> str:
        c = col(stable)
        return "NULL::BOOLEAN" if c == "NULL" else \
            f"CASE lower(trim({c})) WHEN 'true' THEN true WHEN 'false' THEN false END"

    def text(stable: str) -> str:
        c = col(stable)
        return "NULL::VARCHAR" if c == "NULL" else f"nullif(trim({c}), '')"

    select = ", ".join(
        f"{flag(s) if s in ('flagg_frivillig', 'konkurs', 'under_avvikling', 'under_tvangsavvikling') else text(s)}"
        f" AS {s}" for s in LANDING[1:])
    cond = keep_filter(con, text("orgnr"), text("organisasjonsform"), flag("flagg_frivillig"))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT ordinality + 1 AS post, {select}
        FROM read_csv('{_sql_path(path)}', header = true, all_varchar = true, delim = '{sep}', quote = '"',
                      escape = '"', normalize_names = false) WITH ORDINALITY
        WHERE {cond}""")  # noqa: S608


def _read_error(exc: duckdb.Error, path: Path, file: str, is_csv: bool) -> SourceError:
    """A DuckDB read error as a SourceError naming the record, line and field (found by a Python scan)."""
    text = str(exc)
    if "gzip" in text.lower() or "zlib" in text.lower() or "decompress" in text.lower():
        return SourceError(file, "the gzip file is truncated or corrupt (unexpected end of the compressed "
                                 "stream); download it again", expected="a complete gzip file")
    try:
        if is_csv:
            _scan_csv(path, file)
        else:
            for _ in scan_json_records(path, file, SCAN_SPEC):
                pass
    except SourceError as located:
        return located
    return SourceError(file, f"cannot be read: {text.splitlines()[0]}")


def _scan_csv(path: Path, file: str) -> None:
    """Read a CSV dump with Python to name the first bad line (after DuckDB refused it): a line with another
    number of fields than the header (a truncated file?) or a quote that is never closed."""
    header, sep = csv_header(path, file)
    with open_text(path) as fh:
        reader = csv.reader(fh, delimiter=sep, quotechar='"', doublequote=True, strict=True)
        try:
            next(reader)
            for rec in reader:
                if rec and len(rec) != len(header):
                    raise SourceError(file, f"{len(rec)} fields", row=reader.line_num,
                                      expected=f"{len(header)} fields, as in the header (truncated file?)")
        except csv.Error as exc:
            raise SourceError(file, f"not valid CSV ({exc}); a truncated download?", row=reader.line_num,
                              expected="a complete CSV file") from exc
        except UnicodeDecodeError as exc:
            raise not_utf8(file, exc, row=reader.line_num + 1) from exc


def read_base(con: duckdb.DuckDBPyConnection, raw: RawFile, table: str = "_enhet_base") -> None:
    """Read the base dump (JSON array/lines or CSV) into a temp table of landing columns; errors name the record."""
    path, file = Path(raw.path), label(raw)
    is_csv = ".csv" in raw.name
    try:
        if is_csv:
            read_csv_base(con, path, table, file)
        else:
            read_json_base(con, path, table)
    except duckdb.Error as exc:
        raise _read_error(exc, path, file, is_csv) from exc
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:  # gzip unreadable from the start
        raise SourceError(file, f"the gzip file is truncated or corrupt ({exc}); download it again",
                          expected="a complete gzip file") from exc
    except UnicodeDecodeError as exc:  # the first lines (format sniffing, CSV header) are not UTF-8
        raise not_utf8(file, exc, row=exc.object[:exc.start].count(b"\n") + 1) from exc


def read_updates(con: duckdb.DuckDBPyConnection, files: list[RawFile], table: str = "_enhet_oppdatering") -> None:
    """Create `table`: per organisation number its LAST change over all update files (post = update id)."""
    cols = {"oppdateringsid": "BIGINT", "dato": "VARCHAR", "organisasjonsnummer": "VARCHAR",
            "endringstype": "VARCHAR", "enhet": _struct_type(ENHET_COLUMNS)}
    parts = [f"""SELECT u.oppdateringsid AS post, u.organisasjonsnummer AS endret_orgnr, u.endringstype,
                        u.enhet IS NULL AS uten_enhet, '{f.name}' AS kilde, {projection('u.enhet.')}
                 FROM read_json('{_sql_path(Path(f.path))}', format = 'newline_delimited',
                                columns = {_columns_sql(cols)}) u"""  # noqa: S608
             for f in files]
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT * FROM ({' UNION ALL '.join(parts)})
            QUALIFY row_number() OVER (PARTITION BY endret_orgnr ORDER BY post DESC) = 1""")  # noqa: S608
    except duckdb.Error as exc:
        bad = next((f for f in files if _unreadable(con, f)), files[0])
        raise SourceError(label(bad), f"update file cannot be read: {str(exc).splitlines()[0]}") from exc


def _unreadable(con: duckdb.DuckDBPyConnection, f: RawFile) -> bool:
    try:
        query = f"SELECT count(*) FROM read_json('{_sql_path(Path(f.path))}', format = 'newline_delimited')"  # noqa: S608
        con.sql(query).fetchall()
    except duckdb.Error:
        return True
    return False


# ---------------------------------------------------------------------------------------------- clean

def reject_bad_orgnr(con: duckdb.DuckDBPyConnection, table: str, log: BuildLog, file: str, unit: str) -> int:
    """Log and delete records without a valid 9-digit organisasjonsnummer; returns how many."""
    bad = con.execute(f"SELECT post, orgnr FROM {table} WHERE orgnr IS NULL "  # noqa: S608
                      "OR NOT regexp_full_match(orgnr, '[0-9]{9}') ORDER BY post").fetchall()
    for post, orgnr in bad:
        log.add(META.id, file, "missing_orgnr" if orgnr in (None, "") else "invalid_orgnr", "avvist",
                f"{unit} {post} has no valid 9-digit organisasjonsnummer: rejected", row=post,
                column="organisasjonsnummer", value=orgnr)
    if bad:
        con.execute(f"DELETE FROM {table} WHERE orgnr IS NULL OR NOT regexp_full_match(orgnr, '[0-9]{{9}}')")  # noqa: S608
    return len(bad)


def drop_duplicates(con: duckdb.DuckDBPyConnection, table: str, log: BuildLog, file: str, unit: str) -> int:
    """Keep the LAST record of an organisation number that appears more than once; log the others."""
    dups = con.execute(f"""
        SELECT post, orgnr, navn, max(post) OVER (PARTITION BY orgnr) AS kept FROM {table}
        QUALIFY count(*) OVER (PARTITION BY orgnr) > 1 AND post < kept ORDER BY post""").fetchall()  # noqa: S608
    for post, orgnr, navn, kept in dups:
        log.add(META.id, file, "duplicate", "avvist",
                f"{orgnr} appears again as {unit} {kept}: this earlier copy ('{navn}') is replaced by the later one",
                row=post, column="organisasjonsnummer", value=orgnr)
    if dups:
        con.execute(f"""DELETE FROM {table} WHERE (orgnr, post) IN (
            SELECT orgnr, post FROM {table} QUALIFY post < max(post) OVER (PARTITION BY orgnr))""")  # noqa: S608
    return len(dups)


def apply_updates(con: duckdb.DuckDBPyConnection, base: str, upd: str) -> None:
    """Replace base records by their last update; drop deleted entities and those no longer voluntary."""
    cond = keep_filter(con, "orgnr", "organisasjonsform", "flagg_frivillig")
    cols = ", ".join(LANDING[1:])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _enhet_current AS
        SELECT post, '' AS kilde, {cols} FROM {base} WHERE orgnr NOT IN (SELECT endret_orgnr FROM {upd})
        UNION ALL
        SELECT post, kilde, {cols} FROM {upd}
        WHERE NOT uten_enhet AND endringstype NOT IN ('Sletting', 'Fjernet') AND orgnr = endret_orgnr
          AND {cond}""")  # noqa: S608


def cast_dates(con: duckdb.DuckDBPyConnection, table: str, log: BuildLog, file: str) -> None:
    """Log dates that are not YYYY-MM-DD (they become NULL when the landing table casts them)."""
    for col in DATE_COLUMNS:
        bad = con.execute(f"""SELECT post, orgnr, {col} FROM {table}
            WHERE {col} IS NOT NULL AND try_cast({col} AS DATE) IS NULL ORDER BY post""").fetchall()  # noqa: S608
        for post, orgnr, value in bad:
            log.add(META.id, file, "invalid_date", "rettet", f"{orgnr}: {col} is not a date; set to empty",
                    row=post, column=col, value=value)


def crosscheck_frivillig(con: duckdb.DuckDBPyConnection, log: BuildLog, file: str) -> None:
    """Compare Enhetsregisteret's flag with Frivillighetsregisteret's own list (which decides membership)."""
    if not has_table(con, "src_frivillig_organisasjon"):
        return
    missing = con.execute("""SELECT f.orgnr, f.linje FROM src_frivillig_organisasjon f
        WHERE f.orgnr NOT IN (SELECT orgnr FROM _enhet_current) ORDER BY f.orgnr""").fetchall()
    for orgnr, line in missing:
        log.add(META.id, file, "not_in_enhetsregisteret", "avvist",
                f"{orgnr} is in Frivillighetsregisteret (line {line}) but not in Enhetsregisteret (deleted?): "
                "not counted", column="organisasjonsnummer", value=orgnr)
    mismatch = con.execute("""SELECT e.post, e.orgnr, e.flagg_frivillig FROM _enhet_current e
        WHERE coalesce(e.flagg_frivillig, false) <> (e.orgnr IN (SELECT orgnr FROM src_frivillig_organisasjon))
        ORDER BY e.orgnr""").fetchall()
    for post, orgnr, flag in mismatch:
        where = "is not in Frivillighetsregisteret's list" if flag else "is in Frivillighetsregisteret's list"
        log.add(META.id, file, "frivillig_flag_mismatch", "ignorert",
                f"{orgnr}: registrertIFrivillighetsregisteret={str(bool(flag)).lower()} but the organisation "
                f"{where}; the list decides", row=post, column="registrertIFrivillighetsregisteret", value=flag)


# ---------------------------------------------------------------------------------------------- municipality

@dataclass
class KommuneResolver:
    """Municipality codes of any year 2018–2024 → 2024 municipalities with weights."""

    codes_2024: set[str]
    by_2023: dict[str, list[tuple[str, float]]]
    by_2019: dict[str, list[tuple[str, float]]]

    def resolve(self, value: object) -> tuple[list[tuple[str, float]], str] | None:
        """A code → ([(2024 code, weight)], 'uendret' | 'kode_2020_2023' | 'kode_for_2020'), or None if unknown."""
        try:
            code = normalise_kommunenummer(value)
        except ValueError:
            return None
        if code is None:
            return None
        if code in self.codes_2024:
            return [(code, 1.0)], "uendret"
        if code in self.by_2023:
            return self.by_2023[code], "kode_2020_2023"
        if code in self.by_2019:
            return self.by_2019[code], "kode_for_2020"
        return None


def resolver_from(mapping: pl.DataFrame, codes_2024: set[str]) -> KommuneResolver:
    """Build a resolver from kommunekode_mapping rows (kode, aar, kommunenummer_2024, vekt)."""
    by: dict[int, dict[str, list[tuple[str, float]]]] = {2023: {}, 2019: {}}
    for code, year, target, weight in mapping.filter(pl.col("aar").is_in([2019, 2023])).select(
            "kode", "aar", "kommunenummer_2024", "vekt").iter_rows():
        by[year].setdefault(code, []).append((target, weight))
    return KommuneResolver(codes_2024, by[2023], by[2019])


def resolver(con: duckdb.DuckDBPyConnection) -> KommuneResolver:
    """The resolver from the loaded reference tables (change files, 2020 and 2024 municipalities, weights)."""
    changes = con.sql("SELECT reform_aar, gammel_kode, gammelt_navn, ny_kode, nytt_navn FROM src_kommuneendring").pl()
    n20 = {r[0] for r in con.sql("SELECT kode FROM src_kommune_2020").fetchall()}
    n24 = {r[0] for r in con.sql("SELECT kode FROM src_kommune_grense_2024").fetchall()}
    weights = con.sql("SELECT kode, gyldig_fra, gyldig_til, kommunenummer_2024, vekt FROM src_kommunedeling_vekt").pl()
    return resolver_from(harmonise.build_mapping(changes, n20, n24, weights), n24)


@dataclass(frozen=True)
class Placement:
    """Where one organisation is counted: its 2024 municipality (or None), from which address, and how."""

    kommunenummer: str | None
    kilde: str | None
    metode: str
    issue: tuple[str, str, str, str, object] | None = None  # (code, action, message, column, value)


def _abroad(land: object) -> bool:
    return land not in (None, "", "NO")


def place(res: KommuneResolver, orgnr: str, f_code: object, f_land: object, p_code: object,
          p_land: object) -> Placement:
    """Decide an organisation's 2024 municipality from its business and postal addresses (see module doc)."""
    f = None if _abroad(f_land) else res.resolve(f_code)
    p = None if _abroad(p_land) else res.resolve(p_code)
    p_best = max(p[0], key=lambda tw: (tw[1], -int(tw[0])))[0] if p else None
    if f is not None:
        targets, how = f
        if len(targets) == 1:
            target = targets[0][0]
            issue = None if how == "uendret" else (
                "old_municipality_code", "rettet", f"{orgnr}: forretningsadresse.kommunenummer {f_code} is a code "
                f"from before 2024 ({how}); counted in {target}", "forretningsadresse.kommunenummer", f_code)
            return Placement(target, "forretningsadresse", how, issue)
        parts = {t for t, _ in targets}
        if p_best in parts:
            target, why = p_best, "the postal address lies in that part"
        else:
            target = max(targets, key=lambda tw: (tw[1], -int(tw[0])))[0]
            why = "the part with the largest weight"
        return Placement(target, "forretningsadresse", "delt_kode", (
            "split_municipality_code", "rettet", f"{orgnr}: forretningsadresse.kommunenummer {f_code} was split "
            f"into {', '.join(sorted(parts))}; counted in {target} ({why})", "forretningsadresse.kommunenummer",
            f_code))
    has_f = f_code not in (None, "") and not _abroad(f_land)
    if p is not None:
        targets, how = p
        if has_f:
            return Placement(p_best, "postadresse", "ukjent_forretningskode", (
                "unknown_municipality", "rettet", f"{orgnr}: forretningsadresse.kommunenummer {f_code} is not a "
                f"municipality code of 2018–2024; counted in {p_best} from the postal address",
                "forretningsadresse.kommunenummer", f_code))
        issue = None if how == "uendret" else (
            "old_municipality_code", "rettet", f"{orgnr}: postadresse.kommunenummer {p_code} is a code from "
            f"before 2024 ({how}); counted in {p_best}", "postadresse.kommunenummer", p_code)
        return Placement(p_best, "postadresse", how if len(targets) == 1 else "delt_kode", issue)
    codes = [c for c in (f_code, p_code) if c not in (None, "")]
    if codes and not (_abroad(f_land) or _abroad(p_land)):
        return Placement(None, None, "ukjent_kode", (
            "unknown_municipality", "ignorert", f"{orgnr}: municipality code {', '.join(map(str, codes))} is not "
            "a Norwegian municipality of 2018–2024 (Svalbard? typo?): counted in no municipality and not in the "
            "national figures", "forretningsadresse.kommunenummer", codes[0]))
    return Placement(None, None, "ingen_kode", (
        "no_municipality", "ignorert", f"{orgnr}: no Norwegian address with a municipality (address abroad or "
        "missing): counted in no municipality and not in the national figures", "forretningsadresse", f_land))


def place_all(con: duckdb.DuckDBPyConnection, table: str, log: BuildLog, file: str) -> pl.DataFrame:
    """Place every organisation of `table` in a 2024 municipality; log corrections; returns the placements.

    The common case (a valid 2024 code in a Norwegian address) is decided in SQL; the rest goes through `place`."""
    fast = con.sql(f"""
        SELECT orgnr,
               CASE WHEN forretning_kommunenummer IS NOT NULL THEN forretning_kommunenummer
                    ELSE post_kommunenummer END AS kommunenummer,
               CASE WHEN forretning_kommunenummer IS NOT NULL THEN 'forretningsadresse'
                    ELSE 'postadresse' END AS kilde,
               'uendret' AS metode
        FROM {table}
        WHERE (forretning_kommunenummer IN (SELECT kode FROM src_kommune_grense_2024)
               AND coalesce(forretning_landkode, 'NO') = 'NO')
           OR (forretning_kommunenummer IS NULL AND coalesce(forretning_landkode, 'NO') = 'NO'
               AND post_kommunenummer IN (SELECT kode FROM src_kommune_grense_2024)
               AND coalesce(post_landkode, 'NO') = 'NO')""").pl()  # noqa: S608
    res = resolver(con)
    con.register("_placed_fast", fast.select("orgnr"))
    try:
        rows = con.sql(f"""SELECT orgnr, post, kilde, forretning_kommunenummer, forretning_landkode,
                                  post_kommunenummer, post_landkode FROM {table}
                           WHERE orgnr NOT IN (SELECT orgnr FROM _placed_fast) ORDER BY orgnr""").fetchall()  # noqa: S608
    finally:
        con.unregister("_placed_fast")
    slow = []
    for orgnr, post, kilde, fk, fl, pk, pl_ in rows:
        placed = place(res, orgnr, fk, fl, pk, pl_)
        if placed.issue:
            code, action, message, column, value = placed.issue
            log.add(META.id, kilde or file, code, action, message, row=post, column=column, value=value)
        slow.append((orgnr, placed.kommunenummer, placed.kilde, placed.metode))
    schema = {"orgnr": pl.String, "kommunenummer": pl.String, "kilde": pl.String, "metode": pl.String}
    return pl.concat([fast.cast(schema), pl.DataFrame(slow, schema=schema, orient="row")]).sort("orgnr")


# ---------------------------------------------------------------------------------------------- load

def load_base(con: duckdb.DuckDBPyConnection, raw: RawFile, log: BuildLog, table: str = "_enhet_base") -> int:
    """The dump → temp `table` of possible voluntary organisations: read, reject bad orgnr, drop duplicates."""
    read_base(con, raw, table)
    unit = "line" if ".csv" in raw.name else "record"
    rejected = reject_bad_orgnr(con, table, log, label(raw), unit)
    drop_duplicates(con, table, log, label(raw), unit)
    n = con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
    if n == 0:
        why = (f"{rejected} records without a valid organisasjonsnummer (a renamed field?)" if rejected
               else "the file has no records (empty, or truncated at the start?)")
        raise SourceError(label(raw), f"no voluntary organisation with a valid organisasjonsnummer: {why}",
                          column="organisasjonsnummer", expected="the full dump of about 1.5 million entities")
    return n


def landing_sql(table: str) -> str:
    """SELECT of the landing table src_enhet from the current records (dates cast, flags made NOT NULL)."""
    return f"""
        SELECT orgnr, navn, organisasjonsform, naeringskode, forretning_kommunenummer, forretning_landkode,
               forretning_poststed, post_kommunenummer, post_landkode, post_poststed,
               try_cast(registrert_enhetsregisteret AS DATE) AS registrert_enhetsregisteret,
               try_cast(stiftelsesdato AS DATE) AS stiftelsesdato,
               coalesce(flagg_frivillig, false) AS flagg_frivillig,
               try_cast(registrert_frivillig_enhet AS DATE) AS registrert_frivillig_enhet,
               coalesce(konkurs, false) AS konkurs, coalesce(under_avvikling, false) AS under_avvikling,
               coalesce(under_tvangsavvikling, false) AS under_tvangsavvikling,
               post, nullif(kilde, '') AS kilde
        FROM {table} ORDER BY orgnr"""  # noqa: S608


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_enhet (the dump with every update applied) and ref_organisasjon_kommune (2024 municipality)."""
    base, *updates = files
    file = label(base)
    rows = {base.name: load_base(con, base, log)}
    if updates:
        read_updates(con, updates)
        counts = dict(con.sql("SELECT kilde, count(*) FROM _enhet_oppdatering GROUP BY kilde").fetchall())
        rows.update({u.name: counts.get(u.name, 0) for u in updates})
        apply_updates(con, "_enhet_base", "_enhet_oppdatering")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE _enhet_current AS SELECT post, '' AS kilde, * EXCLUDE (post) "
                    "FROM _enhet_base")
    cast_dates(con, "_enhet_current", log, file)
    crosscheck_frivillig(con, log, file)
    con.execute(f"CREATE OR REPLACE TABLE src_enhet AS {landing_sql('_enhet_current')}")
    write_table(con, "ref_organisasjon_kommune", place_all(con, "_enhet_current", log, file))
    for t in ("_enhet_base", "_enhet_oppdatering", "_enhet_current"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return rows
