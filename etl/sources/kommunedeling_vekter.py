"""Split weights: a code valid in a span of years → 2024 municipalities with weights summing to 1."""

from __future__ import annotations

import csv
import io

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, map_columns, normalise_kommunenummer, parse_nok
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table

META = SourceMeta.load(__file__)

COLUMNS = {"kode": "kode", "gyldig_fra": "gyldig_fra", "gyldig_til": "gyldig_til",
           "kommunenummer_2024": "kommunenummer_2024", "vekt": "vekt", "grunnlag": "grunnlag"}
SCHEMA = {"kode": pl.String, "gyldig_fra": pl.Int32, "gyldig_til": pl.Int32, "kommunenummer_2024": pl.String,
          "vekt": pl.Float64, "grunnlag": pl.String}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Read the weights file from the mirror (it has no download address)."""
    return fetch_files(META, ctx)


def parse(data: bytes, file: str) -> pl.DataFrame:
    """Weights CSV bytes → DataFrame(kode, gyldig_fra, gyldig_til, kommunenummer_2024, vekt, grunnlag)."""
    text, _ = decode_text(data, file)
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    cols = map_columns(header, COLUMNS, file, optional=["grunnlag"])
    rows = []
    for n, rec in enumerate(reader, start=2):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} (truncated file?)")
        try:
            rows.append({
                "kode": normalise_kommunenummer(rec[cols["kode"]]),
                "gyldig_fra": int(rec[cols["gyldig_fra"]]), "gyldig_til": int(rec[cols["gyldig_til"]]),
                "kommunenummer_2024": normalise_kommunenummer(rec[cols["kommunenummer_2024"]]),
                "vekt": parse_nok(rec[cols["vekt"]].replace(".", ",")),
                "grunnlag": rec[cols["grunnlag"]] if "grunnlag" in cols else None,
            })
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n) from exc
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """Weights in (0, 1] that sum to 1 for every code and span."""
    if df.filter(~pl.col("vekt").is_between(0, 1, closed="right")).height:
        raise SourceError(file, "weight outside (0, 1]", column="vekt")
    sums = df.group_by("kode", "gyldig_fra", "gyldig_til").agg(pl.col("vekt").sum())
    bad = sums.filter((pl.col("vekt") - 1).abs() > 1e-6)
    if bad.height:
        raise SourceError(file, f"weights of {bad['kode'][0]} sum to {bad['vekt'][0]:.4f}", column="vekt",
                          expected="1")
    return df


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_kommunedeling_vekt."""
    (raw,) = files
    df = validate(parse(read_bytes(raw), label(raw)), label(raw))
    return {raw.name: write_table(con, "src_kommunedeling_vekt", df.sort("kode", "gyldig_fra", "kommunenummer_2024"))}
