"""Typed query functions over the public views. Parameters are always bound, never formatted into SQL."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard import db, maps
from dashboard.downloads import Provenance
from dashboard.format import fmt_date, map_strings
from dashboard.labels import norsk

SYNTHETIC_KINDS = ("synthetic", "mixed")


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(sql: str, params: tuple, fingerprint: tuple) -> pl.DataFrame:
    return db.query(sql, list(params) if params else None)


def run(sql: str, *params: object) -> pl.DataFrame:
    """Run a query through the cache; the database fingerprint is part of the key, so a rebuild refreshes it."""
    return _cached(sql, tuple(params), db.current_fingerprint())


def in_norwegian(df: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Citation and metadata columns with their known English phrases in Norwegian (labels.NORSK)."""
    return df.with_columns(map_strings(df[c], norsk) for c in columns if c in df.columns)


# ---- build metadata -----------------------------------------------------------------------------------

def sources() -> pl.DataFrame:
    """Every loaded file: source, title, producer, licence, retrieved date, checksum, rows, kind."""
    return run("""SELECT source_id, file, title, producer, url, licence, retrieved, sha256, bytes, rows, kind,
                         origin, mirrors
                  FROM _sources ORDER BY source_id, file""")


def latest_population_year() -> int | None:
    """The last year with population figures (1 January) in `befolkning`, None if there are none."""
    df = run("SELECT max(aar) AS aar FROM befolkning WHERE folketall IS NOT NULL")
    return df["aar"][0] if df.height else None


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
    #: the date the figures hold when it is after the retrieval date ('1. januar 2026': a mirror dated before its
    #: population file's 1 January), else '': the source line gives both, «Om dataene» explains (date_notes)
    figures_dated: str = ""


def source_info(*source_ids: str) -> list[SourceInfo]:
    """Caption facts for the given source ids (newest retrieval date per source)."""
    df = run("""SELECT source_id, any_value(title) AS title, any_value(producer) AS producer,
                       any_value(licence) AS licence, any_value(url) AS url, max(retrieved) AS retrieved,
                       bool_or(kind IN ('synthetic', 'mixed')) AS synthetic,
                       (SELECT make_date(max(aar), 1, 1) FROM befolkning WHERE folketall IS NOT NULL) AS pop_date
                FROM _sources WHERE list_contains($1, source_id) GROUP BY source_id ORDER BY source_id""",
             list(source_ids))
    return [SourceInfo(r["source_id"], r["title"], r["producer"], r["licence"], r["url"],
                       fmt_date(r["retrieved"]), r["synthetic"], _figures_dated(r))
            for r in df.iter_rows(named=True)]


def _figures_dated(row: dict) -> str:
    """The population's 1 January as text when a 'befolkning' source row is retrieved before it, else ''."""
    newer = (row["source_id"] == "befolkning" and row["pop_date"] is not None and row["retrieved"] is not None
             and row["retrieved"] < row["pop_date"])
    return fmt_date(row["pop_date"]) if newer else ""


def provenance(title: str, *source_ids: str) -> Provenance:
    """Provenance for a download: the sources' producers and titles, licences and dates."""
    infos = source_info(*source_ids)
    return Provenance(
        title=title,
        source="; ".join(f"{i.producer}: {norsk(i.title)}" for i in infos),
        licence="; ".join(unique_parts(sorted({norsk(i.licence) for i in infos}))),
        retrieved="; ".join(sorted({i.retrieved for i in infos})),
        url="; ".join(sorted({i.url for i in infos})),
        synthetic=any(i.synthetic for i in infos),
    )


def unique_parts(texts: list[str]) -> list[str]:
    """The '; '-separated parts of several texts, each once, in order ('; ' inside brackets does not split):
    two synthetic sources' licences share their first two parts."""
    out: list[str] = []
    for text in texts:
        depth, start = 0, 0
        for i, ch in enumerate(text + "; "):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and text[i:i + 2] == "; " or i == len(text):
                part = text[start:i].strip()
                if part and part not in out:
                    out.append(part)
                start = i + 2
    return out


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
    keep = ", ".join(f'"{c}"' for c in cols if not c.startswith("geojson"))  # both the full and the map's
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


# ---- indicators (maps, profiles) -------------------------------------------------------------------------

POLICY_STATUS = "politikk_status"


def indicators() -> pl.DataFrame:
    """The numeric indicators: key, name, unit, decimals, source ids, description (display order)."""
    return run("SELECT indikator, navn, enhet, desimaler, kilder, beskrivelse FROM indikator_definisjon "
               "ORDER BY rekkefolge")


def indicator_years(indicator: str, nivaa: str) -> list[int]:
    """Years with values for an indicator at a level, newest first."""
    if indicator == POLICY_STATUS:
        df = run("SELECT DISTINCT runde AS aar FROM frivillighetspolitikk ORDER BY aar DESC")
    else:
        df = run("SELECT DISTINCT aar FROM indikator_verdi WHERE indikator = $1 AND nivaa = $2 AND verdi IS NOT NULL "
                 "ORDER BY aar DESC", indicator, nivaa)
    return df["aar"].to_list()


def indicator_values(indicator: str, nivaa: str, aar: int) -> pl.DataFrame:
    """One indicator for every municipality or county in a year: kode, navn, fylkesnavn, verdi, and for a share its
    teller and nevner (count and base). Names are the short ones ('Finnmark', 'Trondheim'), as in the charts; the
    codes identify the areas in a download."""
    if nivaa == "fylke":
        return run("""SELECT f.fylkesnummer AS kode, f.fylkesnavn_kort AS navn, f.fylkesnavn_kort AS fylkesnavn,
                             v.verdi, v.teller, v.nevner
                      FROM fylke f LEFT JOIN indikator_verdi v
                        ON v.kode = f.fylkesnummer AND v.nivaa = 'fylke' AND v.indikator = $1 AND v.aar = $2
                      ORDER BY f.fylkesnummer""", indicator, aar)
    return run("""SELECT k.kommunenummer AS kode, k.kommunenavn_kort AS navn, f.fylkesnavn_kort AS fylkesnavn, v.verdi,
                         v.teller, v.nevner
                  FROM kommune k JOIN fylke f ON f.fylkesnummer = k.fylkesnummer
                  LEFT JOIN indikator_verdi v
                    ON v.kode = k.kommunenummer AND v.nivaa = 'kommune' AND v.indikator = $1 AND v.aar = $2
                  ORDER BY k.kommunenummer""", indicator, aar)


def indicator_recent_values(indicator: str, nivaa: str, n_years: int) -> pl.DataFrame:
    """An indicator's values at a level (aar, verdi) in its latest n years with values: the map's colour classes."""
    return run("""SELECT aar, verdi FROM indikator_verdi
                  WHERE indikator = $1 AND nivaa = $2 AND verdi IS NOT NULL
                    AND aar IN (SELECT DISTINCT aar FROM indikator_verdi
                                WHERE indikator = $1 AND nivaa = $2 AND verdi IS NOT NULL
                                ORDER BY aar DESC LIMIT $3)
                  ORDER BY aar, kode""", indicator, nivaa, n_years)


def national_value(indicator: str, aar: int) -> float | None:
    """The country's value of an indicator in a year."""
    df = run("SELECT verdi FROM indikator_verdi WHERE indikator = $1 AND nivaa = 'land' AND aar = $2",
             indicator, aar)
    return df["verdi"][0] if df.height else None


def policy_status(runde: int) -> pl.DataFrame:
    """Policy status of every municipality in a survey round (today's borders): kode, navn, fylkesnavn (short
    names), status, vedtaksaar."""
    return run("""SELECT p.kommunenummer AS kode, k.kommunenavn_kort AS navn, f.fylkesnavn_kort AS fylkesnavn,
                         p.status, p.vedtaksaar
                  FROM frivillighetspolitikk p JOIN kommune k USING (kommunenummer)
                  JOIN fylke f ON f.fylkesnummer = k.fylkesnummer
                  WHERE p.runde = $1 ORDER BY p.kommunenummer""", runde)


def text(key: str) -> str | None:
    """A Norwegian explanation text the ETL stores with the data (e.g. the head-office bias of VAT refunds)."""
    df = run("SELECT tekst FROM tilskudd_tekst WHERE nokkel = $1", key)
    return df["tekst"][0] if df.height else None


@st.cache_resource(show_spinner=False, max_entries=4)
def _geometries(nivaa: str, simplified: bool, fingerprint: tuple) -> dict[str, dict]:
    table = "fylke" if nivaa == "fylke" else "kommune"
    code = "fylkesnummer" if nivaa == "fylke" else "kommunenummer"
    column = "geojson_kart" if simplified else "geojson"
    df = db.query(f"SELECT {code} AS kode, {column} FROM {table}")  # noqa: S608 - constants only
    return {k: maps.geometry(g) for k, g in df.iter_rows()}


def geometries(nivaa: str, *, simplified: bool = True) -> dict[str, dict]:
    """Boundary geometry per code for a level (parsed once per database file); simplified for the national
    maps (the build's `geojson_kart`), as stored for drawing one county (the profile's locator map)."""
    if nivaa not in ("kommune", "fylke"):
        raise ValueError(nivaa)
    return _geometries(nivaa, simplified, db.current_fingerprint())


@st.cache_resource(show_spinner=False, max_entries=4)
def _drawing_paths(nivaa: str, frame, fingerprint: tuple) -> dict[str, str]:
    from dashboard import map_drawing

    return map_drawing.area_paths(geometries(nivaa), frame)


def drawing_paths(nivaa: str, frame) -> dict[str, str]:
    """SVG path data per code of a level's map as drawn in a map_drawing.Frame (built once per database file)."""
    return _drawing_paths(nivaa, frame, db.current_fingerprint())


def map_indicator_options() -> tuple[list[str], dict[str, str]]:
    """The map's indicator choices (policy status first) and their Norwegian names."""
    ind = indicators().filter(pl.col("indikator") != "politikk_andel")
    names = {POLICY_STATUS: "Frivillighetspolitikk (status)", **dict(ind.select("indikator", "navn").iter_rows())}
    return [POLICY_STATUS, *ind["indikator"].to_list()], names


def indicator_for_level(indicator: str, nivaa: str) -> str:
    """Policy status is per municipality; for counties the map shows the share with a policy instead."""
    return "politikk_andel" if indicator == POLICY_STATUS and nivaa == "fylke" else indicator


# ---- time series for one place (country, county or municipality) ---------------------------------------

def org_series(nivaa: str = "land", kode: str = "0") -> pl.DataFrame:
    """Registered voluntary organisations per year: aar, antall, nye, per_1000, frivilligsentraler."""
    return run("""SELECT aar, antall, nye, per_1000, frivilligsentraler, grasrot_deltar, grasrot_andel
                  FROM organisasjoner_indikator WHERE nivaa = $1 AND kode = $2 ORDER BY aar""", nivaa, kode)


def grasrot_series(nivaa: str = "land", kode: str = "0") -> pl.DataFrame:
    """Grasrotandelen per year: aar, belop, givere, mottakere, kr_per_innbygger, andel_registrerte_mottar."""
    return run("""SELECT aar, belop::DOUBLE AS belop, givere, mottakere, kr_per_innbygger, andel_registrerte_mottar
                  FROM grasrot_indikator WHERE nivaa = $1 AND kode = $2 ORDER BY aar""", nivaa, kode)


def moms_series(nivaa: str = "land", kode: str = "0") -> pl.DataFrame:
    """Momskompensasjon per year: aar, utbetalt, sokt, mottakere, kr_per_innbygger, andel_oslo."""
    return run("""SELECT aar, utbetalt::DOUBLE AS utbetalt, sokt::DOUBLE AS sokt, mottakere, kr_per_innbygger,
                         andel_oslo
                  FROM moms_indikator WHERE nivaa = $1 AND kode = $2 ORDER BY aar""", nivaa, kode)


def policy_rounds(nivaa: str = "land", kode: str = "0") -> pl.DataFrame:
    """Survey rounds in today's borders: runde, ja, antall_kommuner, svart and shares as fractions."""
    return run("""SELECT runde AS aar, ja, antall_kommuner, svart, andel_ja_alle / 100 AS andel_ja_alle,
                         andel_ja_svarte / 100 AS andel_ja_svarte, svarprosent / 100 AS svarprosent,
                         andel_befolkning_ja / 100 AS andel_befolkning_ja
                  FROM frivillighetspolitikk_andel WHERE nivaa = $1 AND kode = $2 ORDER BY runde""", nivaa, kode)


def policy_timeline() -> pl.DataFrame:
    """Share with a policy over time from published counts and survey rounds (kilde_type says which)."""
    return in_norwegian(run("""SELECT aar, per, kilde_type, kilde, kommuner_med_politikk, antall_kommuner,
                                      andel_prosent / 100 AS andel, merknad
                               FROM frivillighetspolitikk_tidsserie ORDER BY aar, kilde_type"""), "kilde", "merknad")


def county_overview(org_year: int, policy_round: int, grasrot_year: int) -> pl.DataFrame:
    """Key figures per county (official and short name), each with its year: organisations per 1 000 (with the
    population it divides by: folketall on 1 January of folketall_aar; organisasjoner_aar), share with a policy
    (politikk_runde), grasrot kr per inhabitant (grasrot_aar; divided by the population of that year)."""
    return run("""SELECT f.fylkesnummer, f.fylkesnavn, f.fylkesnavn_kort, f.antall_kommuner, f.folketall_2024,
                         o.aar AS organisasjoner_aar, o.antall AS organisasjoner, o.per_1000, o.folketall,
                         o.folketall_aar, p.runde AS politikk_runde,
                         p.ja AS kommuner_med_politikk, p.andel_ja_alle / 100 AS andel_politikk,
                         g.aar AS grasrot_aar, g.kr_per_innbygger AS grasrot_kr_per_innbygger
                  FROM fylke f
                  LEFT JOIN organisasjoner_indikator o ON o.nivaa = 'fylke' AND o.kode = f.fylkesnummer AND o.aar = $1
                  LEFT JOIN frivillighetspolitikk_andel p ON p.nivaa = 'fylke' AND p.kode = f.fylkesnummer
                                                          AND p.runde = $2
                  LEFT JOIN grasrot_indikator g ON g.nivaa = 'fylke' AND g.kode = f.fylkesnummer AND g.aar = $3
                  ORDER BY f.fylkesnummer""", org_year, policy_round, grasrot_year)


def code_list_start() -> int:
    """The first year the loaded municipality code lists cover (a number valid then may be older)."""
    df = run("SELECT min(gyldig_fra) AS aar FROM kommune_historikk")
    return int(df["aar"][0]) if df.height and df["aar"][0] is not None else 0


def snapshot_date(source_id: str) -> str | None:
    """Retrieval date (ISO) of a source's newest file."""
    df = run("SELECT max(retrieved)::VARCHAR AS d FROM _sources WHERE source_id = $1", source_id)
    return df["d"][0] if df.height else None


def headline_changes() -> pl.DataFrame:
    """Headline figures now and in the previous build: nokkel, navn, aar, verdi, forrige_*, endring."""
    return run("""SELECT nokkel, navn, aar, verdi, forrige_aar, forrige_verdi, endring, forrige_bygd
                  FROM nokkeltall_endring ORDER BY rekkefolge""")
