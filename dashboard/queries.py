"""Typed query functions over the public views. Parameters are always bound, never formatted into SQL."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import db
from dashboard.downloads import Provenance
from dashboard.format import fmt_date

SYNTHETIC_KINDS = ("synthetic", "mixed")


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(sql: str, params: tuple, fingerprint: tuple) -> pl.DataFrame:
    return db.query(sql, list(params) if params else None)


def run(sql: str, *params: object) -> pl.DataFrame:
    """Run a query through the cache; the database fingerprint is part of the key, so a rebuild refreshes it."""
    return _cached(sql, tuple(params), db.current_fingerprint())


# ---- build metadata -----------------------------------------------------------------------------------

def sources() -> pl.DataFrame:
    """Every loaded file: source, title, producer, licence, retrieved date, checksum, rows, kind."""
    return run("""SELECT source_id, file, title, producer, url, licence, retrieved, sha256, bytes, rows, kind,
                         origin, mirrors
                  FROM _sources ORDER BY source_id, file""")


def synthetic_sources() -> pl.DataFrame:
    """Sources with at least one synthetic (or mixed) file: source_id, title, kind."""
    return run("""SELECT source_id, any_value(title) AS title,
                         CASE WHEN bool_or(kind = 'synthetic') THEN 'synthetic' ELSE 'mixed' END AS kind
                  FROM _sources WHERE kind IN ('synthetic', 'mixed')
                  GROUP BY source_id ORDER BY source_id""")


def build_info() -> dict:
    """The `_build` row: built_at, input_hash, versions, seconds."""
    df = run("SELECT built_at, input_hash, versions, seconds FROM _build")
    return df.row(0, named=True) if df.height else {}


def deviations_summary() -> pl.DataFrame:
    """Rows the ETL corrected, rejected or ignored, counted per source, kind and action."""
    return run("""SELECT source_id, code, action, count(*) AS antall, any_value(message) AS eksempel
                  FROM _avvik GROUP BY ALL ORDER BY source_id, antall DESC""")


@dataclass(frozen=True)
class SourceInfo:
    """A source as a figure caption names it."""

    source_id: str
    title: str
    producer: str
    licence: str
    url: str
    retrieved: str
    synthetic: bool


def source_info(*source_ids: str) -> list[SourceInfo]:
    """Caption facts for the given source ids (newest retrieval date per source)."""
    df = run("""SELECT source_id, any_value(title) AS title, any_value(producer) AS producer,
                       any_value(licence) AS licence, any_value(url) AS url, max(retrieved) AS retrieved,
                       bool_or(kind IN ('synthetic', 'mixed')) AS synthetic
                FROM _sources WHERE list_contains($1, source_id) GROUP BY source_id ORDER BY source_id""",
             list(source_ids))
    return [SourceInfo(r["source_id"], r["title"], r["producer"], r["licence"], r["url"],
                       fmt_date(r["retrieved"]), r["synthetic"]) for r in df.iter_rows(named=True)]


def provenance(title: str, *source_ids: str) -> Provenance:
    """Provenance for a download: the sources' producers and titles, licences and dates."""
    infos = source_info(*source_ids)
    return Provenance(
        title=title,
        source="; ".join(f"{i.producer}: {i.title}" for i in infos),
        licence="; ".join(sorted({i.licence for i in infos})),
        retrieved="; ".join(sorted({i.retrieved for i in infos})),
        url="; ".join(sorted({i.url for i in infos})),
        synthetic=any(i.synthetic for i in infos),
    )


def public_views() -> list[str]:
    """Names of the public views (the schema's interface), alphabetically."""
    df = run("""SELECT table_name FROM information_schema.tables
                WHERE table_type = 'VIEW' AND table_schema = 'main'
                  AND NOT starts_with(table_name, 'stg_') ORDER BY table_name""")
    return df["table_name"].to_list()


def view_data(name: str) -> pl.DataFrame:
    """All rows of one public view (geometry columns left out); the name must be a known view."""
    if name not in public_views():
        raise ValueError(f"ukjent visning: {name!r}")
    cols = run("SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
               name)["column_name"].to_list()
    keep = ", ".join(f'"{c}"' for c in cols if c != "geojson")
    return run(f'SELECT {keep} FROM "{name}"')  # noqa: S608 - identifier checked against the catalogue


# ---- reference ------------------------------------------------------------------------------------------

def kommuner() -> pl.DataFrame:
    """The 357 municipalities: number, name, county, size group, population 2024."""
    return run("""SELECT kommunenummer, kommunenavn, kommunenavn_kort, fylkesnummer, fylkesnavn,
                         storrelsesgruppe_kode, storrelsesgruppe, folketall_2024
                  FROM kommune ORDER BY kommunenummer""")


def fylker() -> pl.DataFrame:
    """The 15 counties: number, name, municipalities and population 2024."""
    return run("""SELECT fylkesnummer, fylkesnavn, fylkesnavn_kort, antall_kommuner, folketall_2024
                  FROM fylke ORDER BY fylkesnummer""")


def kommune_lookup(code: str) -> pl.DataFrame:
    """Where a municipality number of any year since 2018 lies today: kommunenummer_2024, vekt, merknad."""
    return run("""SELECT kode, navn, gyldig_fra, gyldig_til, kommunenummer_2024, kommunenavn_2024, vekt, merknad
                  FROM kommune_historikk WHERE kode = $1
                  ORDER BY gyldig_til DESC, vekt DESC""", code)


def kommune_search(text: str) -> pl.DataFrame:
    """Municipalities whose current or former name or number matches the text (case-insensitive)."""
    return run("""SELECT DISTINCT kode, navn, gyldig_fra, gyldig_til, kommunenummer_2024, kommunenavn_2024, merknad
                  FROM kommune_historikk
                  WHERE kode = $1 OR navn ILIKE '%' || $1 || '%' OR kommunenavn_2024 ILIKE '%' || $1 || '%'
                  ORDER BY gyldig_til DESC, navn""", text.strip())
