"""Kartverket boundaries: GeoJSON FeatureCollections → one row per municipality or county with geometry."""

from __future__ import annotations

import json

import duckdb
import polars as pl
from shapely.geometry import shape

from etl import geometry
from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import normalise_kommunenummer
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table

META = SourceMeta.load(__file__)

CODE_KEYS = ("kommunenummer", "Kommunenummer", "kommunenr", "KOMMUNENR", "fylkesnummer", "Fylkesnummer",
             "fylkesnr")
NAME_KEYS = ("kommunenavn", "Kommunenavn", "fylkesnavn", "Fylkesnavn", "navn", "name")
SCHEMA = {"kode": pl.String, "navn": pl.String, "geojson": pl.String, "lon": pl.Float64, "lat": pl.Float64,
          "min_lon": pl.Float64, "min_lat": pl.Float64, "max_lon": pl.Float64, "max_lat": pl.Float64}


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy the three GeoJSON files from the mirror or download them."""
    return fetch_files(META, ctx)


def _prop(props: dict, keys: tuple[str, ...]) -> object:
    for k in keys:
        if props.get(k) not in (None, ""):
            return props[k]
    return None


def _county_code(value: object) -> str:
    """A county number as 2 digits: 3 → '03', '46' → '46'; anything else raises ValueError."""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not 1 <= len(text) <= 2:
        raise ValueError(f"not a county number: {value!r}")
    return text.zfill(2)


def parse(data: bytes, file: str, *, code_digits: int) -> pl.DataFrame:
    """GeoJSON bytes → DataFrame(kode, navn, geojson, lon, lat, bbox); codes padded to code_digits."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(file, f"not valid GeoJSON: not UTF-8 text (byte {exc.start})",
                          expected="a GeoJSON FeatureCollection in UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(file, f"not valid GeoJSON: {exc}", expected="a GeoJSON FeatureCollection") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise SourceError(file, "no 'features' array", expected="a GeoJSON FeatureCollection")
    rows = []
    for i, feat in enumerate(doc["features"], start=1):
        if not isinstance(feat, dict):
            raise SourceError(file, f"feature {i} is not a JSON object", row=i, column="features",
                              expected='{"type": "Feature", "properties": {...}, "geometry": {...}}')
        props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
        code, name = _prop(props, CODE_KEYS), _prop(props, NAME_KEYS)
        if code is None or name is None:
            raise SourceError(file, "feature without code or name", row=i, column="properties",
                              expected=f"one of {CODE_KEYS[:2]} and {NAME_KEYS[:2]}")
        try:
            code = normalise_kommunenummer(code) if code_digits == 4 else _county_code(code)
        except ValueError as exc:
            raise SourceError(file, str(exc), row=i, column="properties.code") from exc
        if not isinstance(feat.get("geometry"), dict):
            raise SourceError(file, "feature without geometry", row=i, column="geometry",
                              expected="a GeoJSON Polygon or MultiPolygon")
        try:
            geom = shape(feat["geometry"])
        except Exception as exc:  # shapely raises several types for bad geometry
            raise SourceError(file, f"bad geometry: {exc}", row=i, column="geometry") from exc
        if geom.is_empty:
            raise SourceError(file, "empty geometry", row=i, column="geometry",
                              expected="a GeoJSON Polygon or MultiPolygon with coordinates")
        point = geom.representative_point()
        minx, miny, maxx, maxy = geom.bounds
        rows.append({"kode": code, "navn": str(name).strip(),
                     "geojson": json.dumps(feat["geometry"], separators=(",", ":")),
                     "lon": point.x, "lat": point.y, "min_lon": minx, "min_lat": miny,
                     "max_lon": maxx, "max_lat": maxy})
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """Unique codes and plausible WGS84 coordinates for Norway (counts are checked in sql/checks)."""
    if df.is_empty():
        raise SourceError(file, "no features", expected="one feature per municipality or county")
    dup = df.filter(pl.col("kode").is_duplicated())
    if dup.height:
        raise SourceError(file, f"duplicate code {dup['kode'][0]}", column="kode")
    bad = df.filter(~pl.col("lon").is_between(-10, 35) | ~pl.col("lat").is_between(55, 82))
    if bad.height:
        raise SourceError(file, f"feature {bad['kode'][0]} lies outside Norway (not WGS84?)", column="geometry")
    return df


def with_map_geometry(df: pl.DataFrame, tolerance: float) -> pl.DataFrame:
    """The boundaries with a column `geojson_kart`: all of them simplified together for the national maps
    (etl.geometry.simplified), so the dashboard does not do it on a reader's first visit."""
    simple = geometry.simplified({k: json.loads(g) for k, g in df.select("kode", "geojson").iter_rows()},
                                 tolerance)
    return df.with_columns(pl.Series("geojson_kart", [json.dumps(simple[k], separators=(",", ":"))
                                                      for k in df["kode"]], dtype=pl.String))


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_kommune_grense_2024, src_fylke_grense_2024 (with the map geometry) and src_kommune_2020."""
    targets = {"kommuner-2024.geojson": ("src_kommune_grense_2024", 4, "kommune"),
               "fylker-2024.geojson": ("src_fylke_grense_2024", 2, "fylke"),
               "kommuner-2020.geojson": ("src_kommune_2020", 4, None)}
    rows = {}
    for raw in files:
        table, digits, level = targets[raw.name]
        df = validate(parse(read_bytes(raw), label(raw), code_digits=digits), label(raw))
        if level is None:
            df = df.select("kode", "navn")
        else:
            df = with_map_geometry(df, geometry.SIMPLIFY[level])
        rows[raw.name] = write_table(con, table, df.sort("kode"))
    return rows
