"""SSB KLASS 131 change files: old code → new code for the 2020 and 2024 municipal reforms."""

from __future__ import annotations

import csv
import io

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, map_columns, normalise_kommunenummer
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table

META = SourceMeta.load(__file__)

COLUMNS = {"oldCode": "gammel_kode", "oldName": "gammelt_navn", "newCode": "ny_kode", "newName": "nytt_navn",
           "changeOccurred": "dato"}
SCHEMA = {"gammel_kode": pl.String, "gammelt_navn": pl.String, "ny_kode": pl.String, "nytt_navn": pl.String,
          "dato": pl.Date}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy both change files from the mirror or download them from KLASS."""
    return fetch_files(META, ctx)


def parse(data: bytes, file: str) -> pl.DataFrame:
    """KLASS changes CSV bytes → DataFrame(gammel_kode, gammelt_navn, ny_kode, nytt_navn, dato)."""
    text, _ = decode_text(data, file)
    sep = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = next(reader)
    cols = map_columns(header, COLUMNS, file)
    rows = []
    for n, rec in enumerate(reader, start=2):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} (truncated file?)")
        row = {stable: rec[i].strip() for stable, i in cols.items()}
        for key in ("gammel_kode", "ny_kode"):
            try:
                row[key] = normalise_kommunenummer(row[key])
            except ValueError as exc:
                raise SourceError(file, str(exc), row=n, column=key) from exc
        rows.append(row)
    df = pl.DataFrame(rows, schema={k: pl.String for k in SCHEMA})
    try:
        return df.with_columns(pl.col("dato").str.to_date("%Y-%m-%d"))
    except pl.exceptions.PolarsError as exc:
        raise SourceError(file, "changeOccurred is not a date", column="changeOccurred",
                          expected="YYYY-MM-DD") from exc


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """One change date per file, and no (old, new) pair twice."""
    if df.is_empty():
        raise SourceError(file, "no changes listed")
    if df["dato"].n_unique() != 1:
        raise SourceError(file, "more than one change date", column="changeOccurred",
                          expected="one reform per file")
    dup = df.filter(pl.struct("gammel_kode", "ny_kode").is_duplicated())
    if dup.height:
        raise SourceError(file, f"change {dup['gammel_kode'][0]} → {dup['ny_kode'][0]} listed twice")
    return df


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_kommuneendring with the reform year (2020, 2024) on every row."""
    frames, rows = [], {}
    for raw in files:
        df = validate(parse(read_bytes(raw), label(raw)), label(raw))
        frames.append(df.with_columns(pl.col("dato").dt.year().cast(pl.Int32).alias("reform_aar")))
        rows[raw.name] = df.height
    write_table(con, "src_kommuneendring", pl.concat(frames).sort("reform_aar", "gammel_kode", "ny_kode"))
    return rows
