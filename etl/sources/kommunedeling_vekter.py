"""Split weights: a code valid in a span of years → 2024 municipalities with weights summing to 1."""

from __future__ import annotations

import csv
import io

import duckdb
import polars as pl

from etl import harmonise
from etl.cache import RawFile
from etl.config import BASE_YEAR
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, map_columns, normalise_kommunenummer, parse_int, parse_nok
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table

META = SourceMeta.load(__file__)

COLUMNS = {"kode": "kode", "gyldig_fra": "gyldig_fra", "gyldig_til": "gyldig_til",
           "kommunenummer_2024": "kommunenummer_2024", "vekt": "vekt", "grunnlag": "grunnlag"}
SCHEMA = {"kode": pl.String, "gyldig_fra": pl.Int32, "gyldig_til": pl.Int32, "kommunenummer_2024": pl.String,
          "vekt": pl.Float64, "grunnlag": pl.String, "rad": pl.Int32}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Read the weights file from the mirror (it has no download address)."""
    return fetch_files(META, ctx)


def parse(data: bytes, file: str) -> pl.DataFrame:
    """Weights CSV bytes → DataFrame(kode, gyldig_fra, gyldig_til, kommunenummer_2024, vekt, grunnlag, rad)."""
    text, _ = decode_text(data, file)
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    cols = map_columns(header, COLUMNS, file, optional=["grunnlag"])
    readers = {"kode": normalise_kommunenummer, "gyldig_fra": parse_int, "gyldig_til": parse_int,
               "kommunenummer_2024": normalise_kommunenummer, "vekt": lambda v: parse_nok(v.replace(".", ","))}
    rows = []
    for n, rec in enumerate(reader, start=2):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} (truncated file?)")
        row: dict = {"grunnlag": rec[cols["grunnlag"]] if "grunnlag" in cols else None, "rad": n}
        for key, read in readers.items():
            try:
                row[key] = read(rec[cols[key]])
            except ValueError as exc:
                raise SourceError(file, str(exc), row=n, column=header[cols[key]]) from exc
            if row[key] is None:
                raise SourceError(file, "empty value", row=n, column=header[cols[key]])
        rows.append(row)
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """At least one row; weights in (0, 1] that sum to 1 for every code and span."""
    if df.is_empty():
        raise SourceError(file, "no weights", expected="one row per split municipality, span and successor")
    bad = df.filter(~pl.col("vekt").is_between(0, 1, closed="right"))
    if bad.height:
        raise SourceError(file, f"weight {bad['vekt'][0]} outside (0, 1]", row=int(bad["rad"][0]), column="vekt")
    sums = df.group_by("kode", "gyldig_fra", "gyldig_til").agg(pl.col("vekt").sum())
    bad = sums.filter((pl.col("vekt") - 1).abs() > 1e-6)
    if bad.height:
        raise SourceError(file, f"weights of {bad['kode'][0]} sum to {bad['vekt'][0]:.4f}", column="vekt",
                          expected="1")
    return df


def check_codes(df: pl.DataFrame, file: str, con: duckdb.DuckDBPyConnection) -> None:
    """Every kode is a municipality number valid in all years of its span and every kommunenummer_2024 a 2024
    municipality (checked against the boundaries and change files loaded before this source, if loaded)."""
    valid: dict[int, set[str] | None] = {}
    for rec in df.iter_rows(named=True):
        for year in range(rec["gyldig_fra"], rec["gyldig_til"] + 1):
            if year not in valid:
                valid[year] = harmonise.codes_valid_in(con, year)
            if valid[year] is not None and rec["kode"] not in valid[year]:
                raise SourceError(file, f"{rec['kode']} is not a municipality number in {year}", row=rec["rad"],
                                  column="kode", expected=f"a code valid in {rec['gyldig_fra']}–{rec['gyldig_til']}")
        codes_2024 = harmonise.codes_valid_in(con, BASE_YEAR)
        if codes_2024 is not None and rec["kommunenummer_2024"] not in codes_2024:
            raise SourceError(file, f"{rec['kommunenummer_2024']} is not a 2024 municipality (an old or unknown "
                                    "number)", row=rec["rad"], column="kommunenummer_2024",
                              expected="a 2024 municipality number")


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_kommunedeling_vekt."""
    (raw,) = files
    df = validate(parse(read_bytes(raw), label(raw)), label(raw))
    check_codes(df, label(raw), con)
    df = df.sort("kode", "gyldig_fra", "kommunenummer_2024").drop("rad")
    return {raw.name: write_table(con, "src_kommunedeling_vekt", df)}
