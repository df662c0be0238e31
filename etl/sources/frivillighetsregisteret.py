"""Frivillighetsregisteret: the API's organisation records (JSON lines) → organisations and their ICNPO categories.

Online, `fetch` pages through /frivillige-organisasjoner with cursor paging (size ≤ 100, searchAfter = the last
organisation number, until a page comes back empty or without a `next` link) and stores the records raw, one
per line, gzipped. Treatment of bad records (each logged in `_avvik`):
- a line that is not JSON, or a truncated gzip: the build stops with the file and line;
- no or malformed organisasjonsnummer: record rejected ('avvist'); a JSON number (912345678) is read as text;
- the same organisasjonsnummer twice: the last line wins, earlier ones rejected ('avvist');
- no category with rekkefoelge 1: the lowest rekkefoelge is taken as primary ('rettet');
- no ICNPO category at all: kept without a primary category ('ignorert');
- a date that is not YYYY-MM-DD: set to NULL ('rettet');
- fields the API schema does not have (e.g. kontaktperson): ignored and logged ('ignorert').
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import duckdb
import httpx
import polars as pl

from etl import http
from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.sources._brreg import gunzip_bytes, is_orgnr, parse_date
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table
from etl.sources.icnpo import normalise_code

META = SourceMeta.load(__file__)

API = "https://data.brreg.no/frivillighetsregisteret/api/frivillige-organisasjoner"
FILE_NAME = "frivillige-organisasjoner.jsonl.gz"
MAX_PAGE_SIZE = 100
#: Top-level fields of an API record; anything else is logged as an unknown field and ignored.
KNOWN_FIELDS = frozenset({
    "organisasjonsnummer", "frivilligOrganisasjonsstatus", "innfoertDato", "foersteGangInnfoert",
    "grasrotandel", "regnskapsrapportering", "vedtekter", "icnpoKategorier", "paategninger", "_links",
    "kontonummer", "navn", "registreringsrett",
})
#: Unknown-field rows logged per field name before the rest are summed up in one row.
UNKNOWN_FIELD_ROWS = 20

ORG_SCHEMA = {"orgnr": pl.String, "status": pl.String, "innfoert_dato": pl.Date, "forste_gang_innfoert": pl.Date,
              "grasrot_deltar": pl.Boolean, "grasrot_utestengt_fra": pl.Date, "grasrot_utestengt_til": pl.Date,
              "icnpo_primaer": pl.String, "linje": pl.Int64}
CAT_SCHEMA = {"orgnr": pl.String, "icnpo_kode": pl.String, "rekkefoelge": pl.Int32}


@dataclass(frozen=True)
class Issue:
    """One corrected, rejected or ignored record, to be logged in `_avvik`."""

    code: str
    action: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None


@dataclass
class Parsed:
    """What parse returns: organisations, their categories, and the issues found."""

    orgs: pl.DataFrame
    kategorier: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- fetch

def fetch(ctx: FetchContext) -> list[RawFile]:
    """From a mirror: copy the JSON-lines file; online: page through the API; offline: the newest cached copy."""
    if ctx.mirror is not None or ctx.offline:
        return fetch_files(META, ctx)
    tmp = Path(tempfile.mkstemp(dir=_incoming(ctx), prefix=".frivillige-", suffix=".jsonl.gz")[1])
    try:
        n = download_pages(tmp, quiet=ctx.quiet)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if not ctx.quiet:
        print(f"       {n} organisations from {API}", flush=True)
    return [ctx.cache.store(META.id, FILE_NAME, tmp, retrieved=dt.date.today().isoformat(),
                            origin=f"{API}?size={MAX_PAGE_SIZE}", kind="real", move=True)]


def _incoming(ctx: FetchContext) -> Path:
    path = ctx.cache.root / ".incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def page_records(doc: Any) -> tuple[list[dict], str | None]:
    """One API page → (its records, the searchAfter of the next page or None at the end)."""
    if not isinstance(doc, dict):
        raise SourceError(API, "the response is not a JSON object", expected="HAL JSON")
    items = (doc.get("_embedded") or {}).get("frivilligeOrganisasjoner") or []
    if not isinstance(items, list):
        raise SourceError(API, "_embedded.frivilligeOrganisasjoner is not an array")
    nxt = ((doc.get("_links") or {}).get("next") or {}).get("href")
    if not items or not nxt:
        return items, None
    after = parse_qs(urlparse(nxt).query).get("searchAfter", [None])[0]
    return items, after or items[-1].get("organisasjonsnummer")


def download_pages(dest: Path, *, size: int = MAX_PAGE_SIZE, transport: httpx.BaseTransport | None = None,
                   url: str = API, quiet: bool = True) -> int:
    """Page through the API (cursor paging with searchAfter) into a gzipped JSON-lines file; returns records."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be 1..{MAX_PAGE_SIZE}, got {size}")
    n, after, pages = 0, None, 0
    with gzip.open(dest, "wt", encoding="utf-8", compresslevel=6) as out:
        while True:
            params: dict[str, Any] = {"size": size}
            if after is not None:
                params["searchAfter"] = after
            items, nxt = page_records(http.get_json(url, params=params, transport=transport))
            pages += 1
            for item in items:
                out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += len(items)
            if not quiet and pages % 50 == 0:
                print(f"       {n} records", flush=True)
            if nxt is None:
                break
            if nxt == after:
                raise SourceError(url, f"paging does not advance (searchAfter={after} twice)")
            after = nxt
    return n


# ---------------------------------------------------------------------------------------------- parse

def _primary(cats: list[tuple[str, int | None]], line: int, orgnr: str, issues: list[Issue]) -> str | None:
    if not cats:
        issues.append(Issue("missing_icnpo", "ignorert", f"{orgnr} has no ICNPO category: kept without a "
                            "primary category", line, "icnpoKategorier", orgnr))
        return None
    firsts = [c for c, r in cats if r == 1]
    if len(firsts) == 1:
        return firsts[0]
    ranked = sorted(cats, key=lambda cr: (cr[1] if cr[1] is not None else 10**6, int(cr[0])))
    what = "no category" if not firsts else f"{len(firsts)} categories"
    issues.append(Issue("no_primary_icnpo", "rettet", f"{orgnr} has {what} with rekkefoelge 1: primary set to "
                        f"{ranked[0][0]} (lowest rekkefoelge)", line, "icnpoKategorier.rekkefoelge", orgnr))
    return ranked[0][0]


def _date(rec: dict, key: str, line: int, orgnr: str, issues: list[Issue]) -> dt.date | None:
    try:
        return parse_date(rec.get(key))
    except ValueError:
        issues.append(Issue("invalid_date", "rettet", f"{orgnr}: {key} is not a date, set to empty", line, key,
                            rec.get(key)))
        return None


def _categories(rec: dict, line: int, orgnr: str, issues: list[Issue]) -> list[tuple[str, int | None]]:
    raw = rec.get("icnpoKategorier") or []
    if not isinstance(raw, list):
        raw = []
    cats: list[tuple[str, int | None]] = []
    for item in raw:
        code = normalise_code(item.get("icnpoNummer")) if isinstance(item, dict) else None
        rank = item.get("rekkefoelge") if isinstance(item, dict) else None
        if code is None:
            issues.append(Issue("invalid_icnpo", "ignorert", f"{orgnr}: category without a numeric icnpoNummer "
                                "ignored", line, "icnpoKategorier.icnpoNummer", item))
            continue
        if any(c == code for c, _ in cats):
            continue
        if isinstance(rank, str) and rank.strip().isdigit():  # a number written as text: "1"
            rank = int(rank)
        cats.append((code, rank if isinstance(rank, int) and not isinstance(rank, bool) else None))
    return cats


def _record(rec: dict, line: int, issues: list[Issue]) -> tuple[dict, list[tuple[str, int | None]]] | None:
    orgnr = rec.get("organisasjonsnummer")
    if isinstance(orgnr, int) and not isinstance(orgnr, bool):  # a JSON number instead of text: 912345678
        orgnr = str(orgnr)
    if not is_orgnr(orgnr):
        code = "missing_orgnr" if orgnr in (None, "") else "invalid_orgnr"
        issues.append(Issue(code, "avvist", "record without a valid 9-digit organisasjonsnummer rejected", line,
                            "organisasjonsnummer", orgnr))
        return None
    grasrot = rec.get("grasrotandel") if isinstance(rec.get("grasrotandel"), dict) else {}
    deltar = grasrot.get("deltarI")
    periode = grasrot.get("utestengelsesperiode") if isinstance(grasrot.get("utestengelsesperiode"), dict) else {}
    cats = _categories(rec, line, orgnr, issues)
    org = {"orgnr": orgnr, "status": rec.get("frivilligOrganisasjonsstatus"),
           "innfoert_dato": _date(rec, "innfoertDato", line, orgnr, issues),
           "forste_gang_innfoert": _date(rec, "foersteGangInnfoert", line, orgnr, issues),
           "grasrot_deltar": deltar if isinstance(deltar, bool) else None,
           "grasrot_utestengt_fra": _date(periode, "fraDato", line, orgnr, issues),
           "grasrot_utestengt_til": _date(periode, "tilDato", line, orgnr, issues),
           "icnpo_primaer": _primary(cats, line, orgnr, issues), "linje": line}
    return org, cats


def _unknown_field_issues(seen: dict[str, list[tuple[int, str]]]) -> list[Issue]:
    out = []
    for name, where in sorted(seen.items()):
        for line, orgnr in where[:UNKNOWN_FIELD_ROWS]:
            out.append(Issue("unknown_field", "ignorert", f"{orgnr}: field '{name}' is not in the API schema; "
                             "ignored", line, name))
        if len(where) > UNKNOWN_FIELD_ROWS:
            out.append(Issue("unknown_field", "ignorert", f"field '{name}' in {len(where) - UNKNOWN_FIELD_ROWS} "
                             "more records ignored", None, name))
    return out


def parse(data: bytes, file: str) -> Parsed:
    """Gzipped (or plain) JSON-lines bytes → organisations, categories and issues; bad JSON raises SourceError."""
    text = gunzip_bytes(data, file)
    if not text.strip():
        raise SourceError(file, "file is empty")
    issues: list[Issue] = []
    orgs: dict[str, dict] = {}
    cats: dict[str, list[tuple[str, int | None]]] = {}
    unknown: dict[str, list[tuple[int, str]]] = {}
    for line_no, raw_line in enumerate(text.split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        try:
            rec = json.loads(raw_line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(file, f"line is not valid JSON ({exc}); a truncated download?", row=line_no,
                              expected="one JSON object per line") from exc
        if not isinstance(rec, dict):
            raise SourceError(file, "line is not a JSON object", row=line_no, expected="one JSON object per line")
        for name in rec.keys() - KNOWN_FIELDS:
            unknown.setdefault(name, []).append((line_no, str(rec.get("organisasjonsnummer"))))
        parsed = _record(rec, line_no, issues)
        if parsed is None:
            continue
        org, org_cats = parsed
        if org["orgnr"] in orgs:
            issues.append(Issue("duplicate", "avvist", f"{org['orgnr']} appears again on line {line_no}: the "
                                "earlier record is replaced by the later one", orgs[org["orgnr"]]["linje"],
                                "organisasjonsnummer", org["orgnr"]))
        orgs[org["orgnr"]] = org
        cats[org["orgnr"]] = org_cats
    issues += _unknown_field_issues(unknown)
    org_df = pl.DataFrame(list(orgs.values()), schema=ORG_SCHEMA)
    cat_rows = [{"orgnr": o, "icnpo_kode": c, "rekkefoelge": r} for o, cs in cats.items() for c, r in cs]
    return Parsed(org_df, pl.DataFrame(cat_rows, schema=CAT_SCHEMA), issues)


def validate(parsed: Parsed, file: str) -> Parsed:
    """At least one organisation; statuses are logged for the record, not filtered."""
    if parsed.orgs.is_empty():
        raise SourceError(file, "no organisation records")
    return parsed


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_frivillig_organisasjon and src_frivillig_kategori; log every issue in `_avvik`."""
    (raw,) = files
    parsed = validate(parse(read_bytes(raw), label(raw)), label(raw))
    for i in parsed.issues:
        log.add(META.id, label(raw), i.code, i.action, i.message, row=i.row, column=i.column, value=i.value)
    counts = Counter(parsed.orgs["status"].to_list())
    if set(counts) - {"AKTIV", None}:
        log.add(META.id, label(raw), "status", "ignorert",
                "statuses other than AKTIV are kept as registered: " + ", ".join(f"{k}: {v}" for k, v in
                                                                                 sorted(counts.items(), key=str)))
    write_table(con, "src_frivillig_kategori", parsed.kategorier.sort("orgnr", "rekkefoelge", nulls_last=True))
    return {raw.name: write_table(con, "src_frivillig_organisasjon", parsed.orgs.sort("orgnr"))}
