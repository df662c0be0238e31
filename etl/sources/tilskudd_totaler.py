"""Published national totals per grant scheme and year, with a status per row (published, rounded, assumed)."""

from __future__ import annotations

import csv
import io

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, map_columns, parse_int
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table
from etl.sources._grants import AMOUNT, amount

META = SourceMeta.load(__file__)

COLUMNS = {"ordning": "ordning", "aar": "aar", "år": "aar", "mottakere": "mottakere", "utbetalt_kr": "utbetalt",
           "sokt_kr": "sokt", "søkt_kr": "sokt", "givere": "givere", "status": "status", "kilde": "kilde",
           "merknad": "merknad"}
OPTIONAL = ["mottakere", "sokt", "givere", "kilde", "merknad"]
SCHEMA = {"ordning": pl.String, "aar": pl.Int32, "mottakere": pl.Int64, "utbetalt": AMOUNT, "sokt": AMOUNT,
          "givere": pl.Int64, "status": pl.String, "kilde": pl.String, "merknad": pl.String}
#: The statuses a row may have, and the schemes the totals are for.
STATUSES = ("publisert", "publisert (avrundet)", "interpolert", "antatt")
SCHEMES = ("grasrotandel", "momskompensasjon")


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Read the totals file from the mirror (it has no download address)."""
    return fetch_files(META, ctx)


def parse(data: bytes, file: str) -> pl.DataFrame:
    """CSV bytes → DataFrame(ordning, aar, mottakere, utbetalt, sokt, givere, status, kilde, merknad)."""
    text, _ = decode_text(data, file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",")
    header = next(reader)
    cols = map_columns(header, COLUMNS, file, optional=OPTIONAL)
    rows = []
    for rec in reader:
        n = reader.line_num
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} fields")
        get = {k: (rec[i].strip() or None) for k, i in cols.items()}
        row = {k: get.get(k) for k in ("ordning", "status", "kilde", "merknad")}
        for key, read in (("aar", parse_int), ("mottakere", parse_int), ("utbetalt", amount), ("sokt", amount),
                          ("givere", parse_int)):
            try:
                row[key] = read(get.get(key))
            except ValueError as exc:
                raise SourceError(file, str(exc), row=n, column=header[cols[key]]) from exc
        rows.append(row)
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """At least one row; known schemes and statuses, a paid total on every row, one row per scheme and year."""
    if df.is_empty():
        raise SourceError(file, "no rows", expected="one row per scheme and year")
    for col, allowed in (("ordning", SCHEMES), ("status", STATUSES)):
        bad = df.filter(~pl.col(col).is_in(list(allowed)) | pl.col(col).is_null())
        if bad.height:
            raise SourceError(file, f"unknown {col} {bad[col][0]!r}", column=col, expected=" / ".join(allowed))
    if df.filter(pl.col("utbetalt").is_null() | pl.col("aar").is_null()).height:
        raise SourceError(file, "a row without year or paid total", column="aar/utbetalt_kr")
    dup = df.filter(pl.struct("ordning", "aar").is_duplicated())
    if dup.height:
        raise SourceError(file, f"{dup['ordning'][0]} {dup['aar'][0]} appears twice", column="ordning/aar")
    return df


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_tilskudd_totaler."""
    (raw,) = files
    df = validate(parse(read_bytes(raw), label(raw)), label(raw))
    return {raw.name: write_table(con, "src_tilskudd_totaler", df.sort("ordning", "aar"))}
