"""SSB table 07459: population on 1 January per country, county and municipality (2024 borders)."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import decode_text, fold, map_columns, parse_int
from etl.sources._common import FetchContext, fetch_files, has_table, label, read_bytes, write_table

META = SourceMeta.load(__file__)

COLUMNS = {"region": "region", "år": "aar", "befolkning": "folketall", "personer": "folketall"}
REGION = re.compile(r"^\s*(\d{1,4})\s+(.+?)\s*$")
SCHEMA = {"nivaa": pl.String, "kode": pl.String, "navn": pl.String, "aar": pl.Int32, "folketall": pl.Int64,
          "rad": pl.Int32}
LEVELS = {1: "land", 2: "fylke", 4: "kommune"}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy the 07459 export from the mirror or download it from Statistikkbanken."""
    return fetch_files(META, ctx)


def _is_header(line: str) -> bool:
    """True for the header line: one of its ';'-separated fields is 'region' (in any column order)."""
    return "region" in {fold(f.strip().strip('"')) for f in line.split(";")}


def parse(data: bytes, file: str) -> pl.DataFrame:
    """Statistikkbanken CSV bytes → DataFrame(nivaa, kode, navn, aar, folketall, rad); '.' becomes null."""
    text, _ = decode_text(data, file)
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines[:10]) if _is_header(line)), None)
    if header_at is None:
        raise SourceError(file, "no header line with a 'region' column in the first 10 lines",
                          expected='"region";"år";"Befolkning"')
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])), delimiter=";")
    header = next(reader)
    cols = map_columns(header, COLUMNS, file)
    rows = []
    for n, rec in enumerate(reader, start=header_at + 2):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            raise SourceError(file, f"{len(rec)} fields", row=n, expected=f"{len(header)} fields (truncated file?)")
        m = REGION.match(rec[cols["region"]])
        if not m or len(m.group(1)) not in LEVELS:
            raise SourceError(file, f"unrecognised region {rec[cols['region']]!r}", row=n, column="region",
                              expected="'0 Hele landet', a 2-digit county or a 4-digit municipality code")
        code = m.group(1)
        try:
            year = parse_int(rec[cols["aar"]])
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n, column=header[cols["aar"]], expected="a year") from exc
        if year is None:
            raise SourceError(file, "no year", row=n, column=header[cols["aar"]], expected="a year")
        try:
            value = parse_int(rec[cols["folketall"]].strip().replace(":", ""))
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n, column=header[cols["folketall"]],
                              expected="a whole number, or '.' for not applicable") from exc
        rows.append({"nivaa": LEVELS[len(code)], "kode": code, "navn": m.group(2), "aar": year,
                     "folketall": value, "rad": n})
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """One value per region and year, non-negative, with the country row present for every year."""
    if df.is_empty():
        raise SourceError(file, "no data rows")
    dup = df.filter(pl.struct("kode", "aar").is_duplicated())
    if dup.height:
        first = dup.filter((pl.col("kode") == dup["kode"][0]) & (pl.col("aar") == dup["aar"][0]))
        raise SourceError(file, f"region {dup['kode'][0]} year {dup['aar'][0]} appears twice (also on row "
                                f"{first['rad'][0]})", row=int(first["rad"][1]), column="region")
    if df.filter(pl.col("folketall") < 0).height:
        raise SourceError(file, "negative population", column="Befolkning")
    years = set(df["aar"].unique())
    land = set(df.filter(pl.col("nivaa") == "land")["aar"])
    if years - land:
        raise SourceError(file, f"no country row ('0 Hele landet') for {sorted(years - land)}", column="region")
    return df


def check_regions(df: pl.DataFrame, file: str, con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every municipality and county is one of 2024 (the boundaries are loaded before this source): a code of
    another division means the table was exported with the wrong regional grouping."""
    for level, table in (("kommune", "src_kommune_grense_2024"), ("fylke", "src_fylke_grense_2024")):
        if not has_table(con, table):
            continue
        known = {c for (c,) in con.sql(f"SELECT kode FROM {table}").fetchall()}  # noqa: S608 - constant names
        for r in df.filter((pl.col("nivaa") == level) & ~pl.col("kode").is_in(sorted(known))).head(1).iter_rows(
                named=True):
            raise SourceError(file, f"{r['kode']} {r['navn']} is not a {level} of the 2024 division (an old or "
                                    "unknown number)", row=r["rad"], column="region",
                              expected="table 07459 exported with the 2024 municipalities and counties")
    return df


def even_splits(df: pl.DataFrame, weights: pl.DataFrame) -> pl.DataFrame:
    """The municipality-years to re-split: parts of a municipality divided after that year, all given the same
    population (an even split of the old municipality, not a count; csdata's 07459 in 2024 borders does this for
    1508 Ålesund and 1580 Haram before 2024). `weights` (src_kommunedeling_vekt) holds the parts' shares.

    Returns kode, aar, folketall (the file's), ny_folketall (the parts' sum × the part's weight), vekt, fra_kode."""
    groups = ["fra_kode", "gyldig_fra"]
    divided = (weights.rename({"kode": "fra_kode", "kommunenummer_2024": "kode"})
               .with_columns(n_parts=pl.len().over(groups)).filter(pl.col("n_parts") > 1)
               .select(*groups, "gyldig_til", "kode", "vekt", "n_parts"))
    parts = (df.filter(pl.col("nivaa") == "kommune").join(divided, on="kode")
             .filter(pl.col("aar") <= pl.col("gyldig_til"))
             .with_columns(lo=pl.col("folketall").min().over(*groups, "aar"),
                           hi=pl.col("folketall").max().over(*groups, "aar"),
                           total=pl.col("folketall").sum().over(*groups, "aar"),
                           n=pl.col("folketall").count().over(*groups, "aar")))
    even = parts.filter((pl.col("n") == pl.col("n_parts")) & (pl.col("hi") - pl.col("lo") <= 1))
    return even.select("kode", "aar", "folketall",
                       (pl.col("total") * pl.col("vekt")).round(0).cast(pl.Int64).alias("ny_folketall"),
                       pl.col("vekt").cast(pl.Float64), "fra_kode").sort("kode", "aar")


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_befolkning; values SSB marks '.' (municipality did not exist) are logged as ignored, and an even
    split of a divided municipality is re-split by its population weights (logged; `fordelt_fra` names the divided
    municipality on those rows, NULL on SSB's own figures)."""
    (raw,) = files
    df = check_regions(validate(parse(read_bytes(raw), label(raw)), label(raw)), label(raw), con)
    df = df.with_columns(fordelt_fra=pl.lit(None, dtype=pl.String))
    if has_table(con, "src_kommunedeling_vekt"):
        df = resplit(df, even_splits(df, con.sql("SELECT * FROM src_kommunedeling_vekt").pl()), label(raw), log)
    for rec in df.filter(pl.col("folketall").is_null()).iter_rows(named=True):
        log.add(META.id, label(raw), "missing_value", "ignorert",
                f"no population for {rec['kode']} {rec['navn']} in {rec['aar']} ('.' in SSB's table)",
                column="Befolkning", value=".")
    return {raw.name: write_table(con, "src_befolkning", df.sort("nivaa", "kode", "aar").drop("rad"))}


def resplit(df: pl.DataFrame, splits: pl.DataFrame, file: str, log: BuildLog) -> pl.DataFrame:
    """The population with the even splits replaced by weighted ones (`fordelt_fra`: the divided municipality);
    one deviation per part and year range."""
    if "fordelt_fra" not in df.columns:
        df = df.with_columns(fordelt_fra=pl.lit(None, dtype=pl.String))
    if splits.is_empty():
        return df
    for (kode, fra_kode, vekt), part in splits.group_by("kode", "fra_kode", "vekt", maintain_order=True):
        years = part["aar"]
        log.add(META.id, file, "even_split", "rettet",
                f"{kode} {years.min()}–{years.max()}: the file gives the parts of {fra_kode} the same population "
                f"(an even split, not a count); {vekt:.2%} of their sum is used (kommunedeling-vekter), e.g. "
                f"{part['ny_folketall'][-1]} instead of {part['folketall'][-1]} in {years.max()}",
                column="Befolkning", value=part["folketall"][-1])
    new = splits.select("kode", "aar", "ny_folketall", pl.col("fra_kode").alias("ny_fordelt_fra"))
    return (df.join(new, on=["kode", "aar"], how="left")
            .with_columns(pl.coalesce("ny_folketall", "folketall").alias("folketall"),
                          pl.coalesce("ny_fordelt_fra", "fordelt_fra").alias("fordelt_fra"))
            .drop("ny_folketall", "ny_fordelt_fra"))
