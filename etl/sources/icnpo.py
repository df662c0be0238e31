"""ICNPO categories of Frivillighetsregisteret (HAL JSON) → one row per group and leaf category."""

from __future__ import annotations

import json

import duckdb
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table

META = SourceMeta.load(__file__)

SCHEMA = {"icnpo_kode": pl.String, "navn": pl.String, "gruppe_kode": pl.String, "er_gruppe": pl.Boolean}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy icnpo-kategorier.json from the mirror or download it from the Frivillighetsregisteret API."""
    return fetch_files(META, ctx)


def normalise_code(value: object) -> str | None:
    """An ICNPO code as the register writes it without leading zeros: '01100' → '1100', 1200 → '1200'."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return text.lstrip("0") or None


def group_of(code: str) -> str:
    """The group of an ICNPO code: a leaf drops its last three digits (1200 → '1', 10100 → '10'); a group is itself."""
    return code[:-3] if len(code) >= 4 else code


def parse(data: bytes, file: str) -> pl.DataFrame:
    """HAL JSON bytes → DataFrame(icnpo_kode, navn, gruppe_kode, er_gruppe)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(file, f"not valid JSON: {exc}", expected="HAL JSON with _embedded.icnpoKategorier") from exc
    items = (doc.get("_embedded") or {}).get("icnpoKategorier") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise SourceError(file, "no _embedded.icnpoKategorier array", expected="HAL JSON from /icnpo-kategorier")
    rows = []
    for i, item in enumerate(items, start=1):
        code = normalise_code(item.get("icnpoNummer") if isinstance(item, dict) else None)
        name = item.get("navn") if isinstance(item, dict) else None
        if code is None or not isinstance(name, str) or not name.strip():
            raise SourceError(file, f"category {i} has no numeric icnpoNummer or no navn", row=i,
                              column="icnpoNummer/navn", expected='{"icnpoNummer": "1200", "navn": "Idrett"}')
        rows.append({"icnpo_kode": code, "navn": name.strip(), "gruppe_kode": group_of(code),
                     "er_gruppe": len(code) < 4})
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """Unique codes; every leaf's group is in the list."""
    dup = df.filter(pl.col("icnpo_kode").is_duplicated())
    if dup.height:
        raise SourceError(file, f"code {dup['icnpo_kode'][0]} appears twice", column="icnpoNummer")
    groups = set(df.filter(pl.col("er_gruppe"))["icnpo_kode"])
    orphans = df.filter(~pl.col("er_gruppe") & ~pl.col("gruppe_kode").is_in(list(groups)))
    if orphans.height:
        raise SourceError(file, f"category {orphans['icnpo_kode'][0]} belongs to group "
                                f"{orphans['gruppe_kode'][0]}, which is not in the list", column="icnpoNummer")
    return df


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_icnpo_kategori."""
    (raw,) = files
    df = validate(parse(read_bytes(raw), label(raw)), label(raw))
    order = df.with_columns(pl.col("gruppe_kode").cast(pl.Int32).alias("_g"),
                            pl.col("icnpo_kode").cast(pl.Int32).alias("_c"))
    return {raw.name: write_table(con, "src_icnpo_kategori", order.sort("_g", "_c").drop("_g", "_c"))}
