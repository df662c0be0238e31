"""Published national and county counts of municipalities with a volunteer policy, with their citations."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, map_columns, parse_int, parse_nok
from etl.sources._common import FetchContext, fetch_files, has_table, label, read_bytes, write_table

META = SourceMeta.load(__file__)

NATIONAL = {"as_of": "per", "kommuner_med_politikk": "kommuner_med_politikk", "andel_prosent": "andel_prosent",
            "antall_kommuner": "antall_kommuner", "kilde": "kilde", "url": "url", "merknad": "merknad"}
COUNTY = {"fylkesnummer": "fylkesnummer", "fylkesnavn": "fylkesnavn", "med_politikk": "med_politikk",
          "antall_kommuner": "antall_kommuner", "kilde": "kilde", "url": "url"}
NATIONAL_SCHEMA = {"per": pl.String, "aar": pl.Int32, "maaned": pl.Int32, "kommuner_med_politikk": pl.Int32,
                   "andel_prosent": pl.Float64, "antall_kommuner": pl.Int32, "kilde": pl.String, "url": pl.String,
                   "merknad": pl.String, "rad": pl.Int32}
COUNTY_SCHEMA = {"aar": pl.Int32, "fylkesnummer": pl.String, "fylkesnavn": pl.String, "med_politikk": pl.Int32,
                 "antall_kommuner": pl.Int32, "kilde": pl.String, "url": pl.String, "rad": pl.Int32}
TABLES = {"frivillighetspolitikk-andel.csv": "src_publisert_politikk",
          "frivillighetspolitikk-fylke-2024.csv": "src_publisert_politikk_fylke"}
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy both files from the mirror (transcribed by hand: no download address)."""
    return fetch_files(META, ctx)


def _records(data: bytes, file: str, columns: dict[str, str], optional: list[str]):
    text, _ = decode_text(data, file)
    reader = csv.reader(io.StringIO(text), delimiter=",")
    header = next(reader)
    cols = map_columns(header, columns, file, optional=optional)
    for n, rec in enumerate(reader, start=2):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} (truncated file?)")
        yield n, {stable: (rec[i].strip() or None) for stable, i in cols.items()}


def _int(value: str | None, file: str, n: int, column: str) -> int | None:
    try:
        return parse_int(value)
    except ValueError as exc:
        raise SourceError(file, str(exc), row=n, column=column) from exc


def parse_national(data: bytes, file: str) -> pl.DataFrame:
    """National CSV → DataFrame(per, aar, maaned, kommuner_med_politikk, andel_prosent, antall_kommuner, ...)."""
    rows = []
    for n, r in _records(data, file, NATIONAL, ["merknad", "url"]):
        m = _PERIOD.match(r["per"] or "")
        if not m:
            raise SourceError(file, f"period {r['per']!r}", row=n, column="as_of", expected="YYYY, YYYY-MM or YYYY-MM-DD")
        if not r.get("kilde"):
            raise SourceError(file, "no citation", row=n, column="kilde", expected="the publication the figure is from")
        try:
            share = parse_nok(r["andel_prosent"].replace(".", ",")) if r["andel_prosent"] else None
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n, column="andel_prosent") from exc
        rows.append({"per": r["per"], "aar": int(m.group(1)), "maaned": int(m.group(2)) if m.group(2) else None,
                     "kommuner_med_politikk": _int(r["kommuner_med_politikk"], file, n, "kommuner_med_politikk"),
                     "andel_prosent": share, "antall_kommuner": _int(r["antall_kommuner"], file, n, "antall_kommuner"),
                     "kilde": r["kilde"], "url": r.get("url"), "merknad": r.get("merknad"), "rad": n})
    return pl.DataFrame(rows, schema=NATIONAL_SCHEMA)


def parse_county(data: bytes, file: str, year: int) -> pl.DataFrame:
    """County CSV of one year → DataFrame(aar, fylkesnummer, fylkesnavn, med_politikk, antall_kommuner, kilde, url)."""
    rows = []
    for n, r in _records(data, file, COUNTY, ["url"]):
        code = r["fylkesnummer"] or ""
        if not (code.isascii() and code.isdigit()) or len(code) > 2:
            raise SourceError(file, f"county number {code!r}", row=n, column="fylkesnummer", expected="2 digits")
        if not r.get("kilde"):
            raise SourceError(file, "no citation", row=n, column="kilde", expected="the publication the figure is from")
        rows.append({"aar": year, "fylkesnummer": code.zfill(2), "fylkesnavn": r["fylkesnavn"],
                     "med_politikk": _int(r["med_politikk"], file, n, "med_politikk"),
                     "antall_kommuner": _int(r["antall_kommuner"], file, n, "antall_kommuner"),
                     "kilde": r["kilde"], "url": r.get("url"), "rad": n})
    return pl.DataFrame(rows, schema=COUNTY_SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """Rows present, counts non-negative and never above the number of municipalities, no county twice."""
    if df.is_empty():
        raise SourceError(file, "no data rows")
    count = "med_politikk" if "med_politikk" in df.columns else "kommuner_med_politikk"
    bad = df.filter((pl.col(count) < 0) | (pl.col(count) > pl.col("antall_kommuner")))
    if bad.height:
        raise SourceError(file, f"{bad[count][0]} municipalities with a policy of {bad['antall_kommuner'][0]}",
                          row=bad["rad"][0], column=count)
    if "fylkesnummer" in df.columns and df["fylkesnummer"].is_duplicated().any():
        raise SourceError(file, "a county listed twice", column="fylkesnummer")
    return df


def check_counties(df: pl.DataFrame, file: str, con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every county number is a 2024 county (from the boundaries loaded before this source, if loaded)."""
    if not has_table(con, "src_fylke_grense_2024"):
        return df
    known = {c for (c,) in con.sql("SELECT kode FROM src_fylke_grense_2024").fetchall()}
    for r in df.filter(~pl.col("fylkesnummer").is_in(sorted(known))).head(1).iter_rows(named=True):
        raise SourceError(file, f"county number {r['fylkesnummer']} ({r['fylkesnavn']}) is not a county of 2024 "
                                "(an old or unknown number)", row=r["rad"], column="fylkesnummer",
                          expected=f"one of {', '.join(sorted(known))}")
    return df


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_publisert_politikk (national rows) and src_publisert_politikk_fylke (county table)."""
    rows = {}
    for raw in files:
        file = label(raw)
        if raw.name not in TABLES:
            raise SourceError(file, "unexpected file for publiserte_tall", expected=", ".join(TABLES))
        if "fylke" in raw.name:
            year = int(_YEAR_IN_NAME.findall(raw.name)[-1])
            df = check_counties(validate(parse_county(read_bytes(raw), file, year), file), file, con)
        else:
            df = validate(parse_national(read_bytes(raw), file), file)
        rows[raw.name] = write_table(con, TABLES[raw.name], df.drop("rad"))
    return rows
