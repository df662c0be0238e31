"""Grasrotandelen (Norsk Tipping): amount and givers per recipient organisation, one CSV file per year."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, map_columns, normalise_kommunenummer, parse_int
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table
from etl.sources._grants import (
    AMOUNT,
    Note,
    amount,
    check_total,
    is_total_row,
    log_notes,
    normalise_orgnr,
    year_from_name,
)

META = SourceMeta.load(__file__)

COLUMNS = {"Organisasjonsnummer": "orgnr", "Orgnr": "orgnr", "Organisasjonsnavn": "navn",
           "Kommunenummer": "kommunenummer", "Kommune": "kommune", "Antall givere": "givere",
           "Beløp (kr)": "belop", "Beløp": "belop"}
OPTIONAL = ["kommune"]
SCHEMA = {"aar": pl.Int32, "rad": pl.Int32, "orgnr": pl.String, "navn": pl.String, "kommunenummer": pl.String,
          "kommune": pl.String, "givere": pl.Int64, "belop": AMOUNT}
HEADERS = {"orgnr": "Organisasjonsnummer", "kommunenummer": "Kommunenummer", "givere": "Antall givere",
           "belop": "Beløp (kr)"}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy every grasrotandel-YYYY.csv from the mirror (no download address: files are put there by hand)."""
    return fetch_files(META, ctx)


def parse(data: bytes, file: str, year: int) -> tuple[pl.DataFrame, list[Note]]:
    """CSV bytes of one year → (DataFrame of recipients, notes on corrected/ignored rows); total rows checked."""
    text, encoding = decode_text(data, file)
    notes = []
    if encoding != "utf-8":
        notes.append(Note("encoding", "rettet", f"the file is {encoding}, not UTF-8: decoded as {encoding} "
                                                "(characters outside it may have been replaced by '?' by the sender)"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if header is None:
        raise SourceError(file, "no header line")
    cols = map_columns(header, COLUMNS, file, optional=OPTIONAL)
    rows: list[dict] = []
    total = Decimal(0)
    givers = 0
    for rec in reader:
        n = reader.line_num
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} fields (truncated file?)")
        row = _row(rec, cols, file, n)
        if row["orgnr"] is None:
            if not is_total_row(rec):
                raise SourceError(file, "row without organisasjonsnummer", row=n, column=HEADERS["orgnr"],
                                  expected="a 9-digit organisation number, or a total row labelled 'Sum'")
            check_total(file, n, HEADERS["belop"], row["belop"], total, len(rows))
            check_total(file, n, HEADERS["givere"], row["givere"], givers, len(rows))
            notes.append(Note("total_row", "ignorert", "total row (checked against the rows above it; not a "
                                                       "recipient)", row=n, value=";".join(rec)))
            continue
        total += row["belop"]
        givers += row["givere"] or 0
        rows.append({"aar": year, "rad": n, **row})
    return pl.DataFrame(rows, schema=SCHEMA), notes


def _row(rec: list[str], cols: dict[str, int], file: str, n: int) -> dict:
    """One CSV record → typed fields; a value that cannot be read raises with its row and column."""
    out: dict = {}
    for key, conv in (("orgnr", normalise_orgnr), ("kommunenummer", normalise_kommunenummer),
                      ("givere", parse_int), ("belop", amount)):
        try:
            out[key] = conv(rec[cols[key]])
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n, column=HEADERS[key]) from exc
    out["navn"] = rec[cols["navn"]].strip() or None
    out["kommune"] = rec[cols["kommune"]].strip() or None if "kommune" in cols else None
    return out


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """At least one recipient; every amount present, non-negative and whole øre; givers non-negative."""
    if df.is_empty():
        raise SourceError(file, "no recipient rows")
    for col, bad in (("belop", pl.col("belop").is_null() | (pl.col("belop") < 0)),
                     ("givere", pl.col("givere") < 0)):
        hit = df.filter(bad)
        if hit.height:
            raise SourceError(file, f"missing or negative value {hit[col][0]!r}", row=int(hit["rad"][0]),
                              column=HEADERS[col], expected="an amount ≥ 0")
    return df


def duplicates(df: pl.DataFrame) -> list[Note]:
    """Notes for organisations listed more than once in one year's file (their rows are summed in the views)."""
    dup = df.filter(pl.col("orgnr").is_duplicated())
    return [Note("duplicate_orgnr", "rettet", "organisation listed more than once: its rows are added together",
                 row=int(r["rad"]), column=HEADERS["orgnr"], value=r["orgnr"]) for r in dup.iter_rows(named=True)]


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_grasrotandel (one row per recipient row of every year's file, with the file it came from)."""
    frames, counts = [], {}
    for raw in sorted(files, key=lambda f: f.name):
        file = label(raw)
        year = year_from_name(raw.name, "grasrotandel", file)
        df, notes = parse(read_bytes(raw), file, year)
        df = validate(df, file)
        log_notes(log, META.id, file, notes + duplicates(df))
        frames.append(df.with_columns(pl.lit(file).alias("fil")))
        counts[raw.name] = df.height
    years = [int(f["aar"][0]) for f in frames]
    if len(years) != len(set(years)):
        raise SourceError("grants/grasrotandel-*.csv", f"two files for the same year: {sorted(years)}")
    write_table(con, "src_grasrotandel", pl.concat(frames).sort("aar", "rad"))
    return counts
