"""Query functions for the Frivillighetspolitikk page, over the public policy views.

Shares come out of the views as per cent (0–100); every function here returns them as fractions (0–1).
Parameters are always bound; results are cached through `queries.run` (keyed by the database fingerprint).
"""

from __future__ import annotations

import polars as pl
import pydeck as pdk
import streamlit as st

from dashboard import db, map_files, queries
from dashboard.queries import in_norwegian, run

#: Source ids as `_sources` names them (for source lines and downloads).
SURVEY = "kommuneundersokelse"
PUBLISHED = "publiserte_tall"
BORDERS = "grenser"
POPULATION = "befolkning"

#: The measures in the order the page shows them (columns of `frivillighetspolitikk`).
MEASURES = ("koordinator", "frivillighetsraad", "samarbeidsplattform", "gratis_lokaler", "tilskuddsordning")


def rounds() -> list[int]:
    """The survey rounds in the database, oldest first (2019, 2021, 2024)."""
    return run("SELECT DISTINCT runde FROM frivillighetspolitikk ORDER BY runde")["runde"].to_list()


def headline(runde: int) -> pl.DataFrame:
    """One row for a round: counts and shares in 2024 borders, and the round's own-border figures beside them.

    Columns: runde, antall_kommuner, svart, ja, nei, under_arbeid, vet_ikke, ukjent, andel_ja_alle,
    andel_ja_svarte, svarprosent, folketall, folketall_ja, andel_befolkning_ja, ja_delvis,
    andel_befolkning_ja_minst (shares as fractions; the population share is a range when ja_delvis > 0), and
    runde_kodeaar, runde_antall_kommuner, runde_svart, runde_ja, runde_andel_ja_alle, runde_andel_ja_svarte,
    runde_svarprosent (the round in the municipal division of its own year), sammenslatte (today's municipalities
    made of several of the round's), delte (the round's municipalities split among several of today's).
    """
    return run("""
        SELECT a.runde, a.antall_kommuner, a.svart, a.ja, a.nei, a.under_arbeid, a.vet_ikke, a.ukjent,
               a.andel_ja_alle / 100 AS andel_ja_alle, a.andel_ja_svarte / 100 AS andel_ja_svarte,
               a.svarprosent / 100 AS svarprosent, a.folketall, a.folketall_ja,
               a.andel_befolkning_ja / 100 AS andel_befolkning_ja, a.ja_delvis,
               a.andel_befolkning_ja_minst / 100 AS andel_befolkning_ja_minst,
               r.kodeaar AS runde_kodeaar, r.antall_kommuner AS runde_antall_kommuner, r.svart AS runde_svart,
               r.ja AS runde_ja, r.andel_ja_alle / 100 AS runde_andel_ja_alle,
               r.andel_ja_svarte / 100 AS runde_andel_ja_svarte, r.svarprosent / 100 AS runde_svarprosent,
               (SELECT count(*) FROM frivillighetspolitikk p WHERE p.runde = a.runde AND p.antall_forgjengere > 1)
                   AS sammenslatte,
               (SELECT count(*) FROM frivillighetspolitikk_runde d WHERE d.runde = a.runde
                   AND d.antall_kommuner_2024 > 1) AS delte
        FROM frivillighetspolitikk_andel a
        JOIN frivillighetspolitikk_runde_andel r USING (runde)
        WHERE a.nivaa = 'land' AND a.runde = $1""", runde)


def trend() -> pl.DataFrame:
    """The share with a policy over time: survey rounds (own and 2024 borders) and published figures.

    Columns: kilde_type ('undersokelse_runde' | 'undersokelse_2024_grenser' | 'publisert'), aar, per,
    tidspunkt (fractional year: the published month, or the survey's median submission month; mid-year when
    only a year is known), kommuner_med_politikk, antall_kommuner, andel (fraction), andel_oppgitt (true when
    the published share is as published, false when computed from the count), kilde, merknad (the published
    figure's note, in Norwegian).
    """
    return in_norwegian(run("""
        WITH felt AS (
            SELECT runde, month(median(innsendt)) AS mnd
            FROM frivillighetspolitikk_runde WHERE innsendt IS NOT NULL GROUP BY runde)
        SELECT t.kilde_type, t.aar, t.per,
               t.aar + (coalesce(CASE WHEN t.kilde_type = 'publisert' AND length(t.per) >= 7
                                      THEN CAST(substr(t.per, 6, 2) AS INTEGER) END,
                                 CASE WHEN t.kilde_type <> 'publisert' THEN f.mnd END, 7) - 0.5) / 12
                   AS tidspunkt,
               t.kommuner_med_politikk, t.antall_kommuner, t.andel_prosent / 100 AS andel,
               CASE WHEN t.kilde_type = 'publisert' THEN p.andel_prosent IS NOT NULL END AS andel_oppgitt,
               t.kilde, t.merknad
        FROM frivillighetspolitikk_tidsserie t
        LEFT JOIN felt f ON f.runde = t.aar AND t.kilde_type <> 'publisert'
        LEFT JOIN publisert_frivillighetspolitikk p ON t.kilde_type = 'publisert' AND p.per = t.per
        ORDER BY t.kilde_type, tidspunkt"""), "kilde", "merknad")


def status_by(runde: int, nivaa: str) -> pl.DataFrame:
    """Municipalities per status in a round, per county (`nivaa='fylke'`) or size group ('storrelsesgruppe').

    Long format, 2024 borders. Columns: kode, navn (short county name), rekkefolge (display order: counties by
    share with a policy, highest first; size groups smallest first), status, antall, antall_kommuner,
    andel (fraction of the group's municipalities), andel_ja_alle, andel_ja_svarte, svarprosent (fractions).
    """
    if nivaa not in ("fylke", "storrelsesgruppe"):
        raise ValueError(f"ukjent nivå: {nivaa!r}")
    return run("""
        WITH a AS (
            SELECT a.kode, coalesce(f.fylkesnavn_kort, a.navn) AS navn, a.antall_kommuner,
                   a.ja, a.under_arbeid, a.nei, a.vet_ikke, a.ukjent,
                   a.andel_ja_alle / 100 AS andel_ja_alle, a.andel_ja_svarte / 100 AS andel_ja_svarte,
                   a.svarprosent / 100 AS svarprosent,
                   CASE WHEN a.nivaa = 'fylke'
                        THEN row_number() OVER (ORDER BY a.andel_ja_alle DESC, a.andel_ja_svarte DESC, a.navn)
                        ELSE CAST(a.kode AS INTEGER) END AS rekkefolge
            FROM frivillighetspolitikk_andel a
            LEFT JOIN fylke f ON a.nivaa = 'fylke' AND f.fylkesnummer = a.kode
            WHERE a.nivaa = $2 AND a.runde = $1),
        lang AS (UNPIVOT a ON ja, under_arbeid, nei, vet_ikke, ukjent INTO NAME status VALUE antall)
        SELECT kode, navn, rekkefolge, status, antall, antall_kommuner,
               antall / antall_kommuner AS andel, andel_ja_alle, andel_ja_svarte, svarprosent
        FROM lang
        ORDER BY rekkefolge, list_position(['ja', 'under_arbeid', 'nei', 'vet_ikke', 'ukjent'], status)""",
        runde, nivaa)


def county_comparison(aar: int) -> pl.DataFrame:
    """Frivillighet Norge's published county table beside the survey round of the same year (empty if none).

    Columns: fylkesnummer, fylkesnavn (short form), publisert_med_politikk, publisert_antall_kommuner, publisert_andel
    (fraction, over the published denominator), undersokelse_ja, undersokelse_svart, antall_kommuner,
    differanse_ja, differanse_kommuner, stemmer, forklaring, kilde.
    """
    return in_norwegian(run("""
        SELECT s.fylkesnummer, coalesce(f.fylkesnavn_kort, s.fylkesnavn) AS fylkesnavn, publisert_med_politikk,
               publisert_antall_kommuner, publisert_med_politikk / publisert_antall_kommuner AS publisert_andel,
               undersokelse_ja, undersokelse_svart, s.antall_kommuner, differanse_ja, differanse_kommuner,
               stemmer, forklaring, kilde
        FROM frivillighetspolitikk_fylke_sammenligning s
        LEFT JOIN fylke f USING (fylkesnummer)
        WHERE s.aar = $1
        ORDER BY s.fylkesnummer""", aar), "kilde", "forklaring")


def municipalities(runde: int) -> pl.DataFrame:
    """The 357 municipalities' status in a round (2024 borders), with adoption year and measures.

    Columns: kommunenummer, kommunenavn and fylkesnavn (short forms, 'Røros', 'Trøndelag'), storrelsesgruppe_kode,
    storrelsesgruppe, status, vedtaksaar, koordinator, frivillighetsraad, samarbeidsplattform, gratis_lokaler,
    tilskuddsordning, antall_frivilligsentraler, harmonisert, forgjengere.
    """
    return run("""
        SELECT p.kommunenummer, coalesce(k.kommunenavn_kort, p.kommunenavn) AS kommunenavn,
               coalesce(f.fylkesnavn_kort, p.fylkesnavn) AS fylkesnavn,
               p.storrelsesgruppe_kode, p.storrelsesgruppe, p.status, p.vedtaksaar, p.koordinator,
               p.frivillighetsraad, p.samarbeidsplattform, p.gratis_lokaler, p.tilskuddsordning,
               CAST(p.antall_frivilligsentraler AS INTEGER) AS antall_frivilligsentraler, p.harmonisert,
               p.forgjengere
        FROM frivillighetspolitikk p
        LEFT JOIN fylke f USING (fylkesnummer)
        LEFT JOIN kommune k USING (kommunenummer)
        WHERE p.runde = $1
        ORDER BY kommunenavn COLLATE nb_no, kommunenummer""", runde)


def municipality_rounds(kommunenummer: str) -> pl.DataFrame:
    """One municipality's status in every round (2024 borders): runde, kommunenavn (short form), status,
    vedtaksaar, harmonisert, antall_forgjengere, forgjengere_svart, forgjengere."""
    return run("""
        SELECT p.runde, coalesce(k.kommunenavn_kort, p.kommunenavn) AS kommunenavn, p.status, p.vedtaksaar,
               p.harmonisert, p.antall_forgjengere, p.forgjengere_svart, p.forgjengere
        FROM frivillighetspolitikk p LEFT JOIN kommune k USING (kommunenummer)
        WHERE p.kommunenummer = $1
        ORDER BY p.runde""", kommunenummer)


def size_group(runde: int, kommunenummer: str) -> pl.DataFrame:
    """The size group of a municipality in a round: one row with kode, navn, antall_kommuner, ja, svart,
    andel_ja_alle, andel_ja_svarte (fractions)."""
    return run("""
        SELECT a.kode, a.navn, a.antall_kommuner, a.ja, a.svart,
               a.andel_ja_alle / 100 AS andel_ja_alle, a.andel_ja_svarte / 100 AS andel_ja_svarte
        FROM frivillighetspolitikk_andel a
        JOIN kommune k ON CAST(k.storrelsesgruppe_kode AS VARCHAR) = a.kode
        WHERE a.nivaa = 'storrelsesgruppe' AND a.runde = $1 AND k.kommunenummer = $2""", runde, kommunenummer)


def measures(runde: int) -> pl.DataFrame:
    """Share of municipalities with each measure, with and without an adopted policy (round's own borders).

    Among municipalities that answered the policy question. Columns: tiltak, tiltak_navn, har_politikk,
    antall (municipalities in the group), antall_ja (answered ja to the measure), andel_ja (fraction),
    antall_delvis (gratis_lokaler only; otherwise 0). Ordered by the gap between the groups, largest first.
    """
    return run("""
        WITH g AS (
            SELECT tiltak, any_value(tiltak_navn) AS tiltak_navn, har_politikk, sum(antall) AS antall,
                   sum(antall) FILTER (WHERE svar = 'ja') AS antall_ja,
                   sum(antall) FILTER (WHERE svar = 'delvis') AS antall_delvis
            FROM frivillighetspolitikk_tiltak
            WHERE runde = $1
            GROUP BY tiltak, har_politikk),
        d AS (
            SELECT tiltak, CAST(antall AS INTEGER) AS antall, CAST(coalesce(antall_ja, 0) AS INTEGER) AS antall_ja,
                   CAST(coalesce(antall_delvis, 0) AS INTEGER) AS antall_delvis, tiltak_navn, har_politikk,
                   coalesce(antall_ja, 0) / antall AS andel_ja
            FROM g)
        SELECT tiltak, tiltak_navn, har_politikk, antall, antall_ja, andel_ja, antall_delvis
        FROM d
        ORDER BY max(andel_ja) FILTER (WHERE har_politikk) OVER (PARTITION BY tiltak)
                 - max(andel_ja) FILTER (WHERE NOT har_politikk) OVER (PARTITION BY tiltak) DESC,
                 tiltak, har_politikk DESC""", runde)


def municipality_list() -> pl.DataFrame:
    """The 357 municipalities for the chooser: kommunenummer, kommunenavn (official, 'Rosse - Røros'), fylkesnavn;
    by the Norwegian short form ('Røros' under R)."""
    return run("""SELECT kommunenummer, kommunenavn, fylkesnavn FROM kommune
                  ORDER BY kommunenavn_kort COLLATE nb_no, kommunenummer""")


def former_code(code: str) -> pl.DataFrame:
    """Where a former municipality number lies today: navn, kommunenummer_2024, kommunenavn_2024 (may be empty);
    names in their Norwegian short form ('Tysfjord', 'Hamarøy'), as in running text."""
    return run("""
        SELECT DISTINCT h.navn_kort AS navn, h.kommunenummer_2024, k.kommunenavn_kort AS kommunenavn_2024
        FROM kommune_historikk h JOIN kommune k ON k.kommunenummer = h.kommunenummer_2024
        WHERE h.kode = $1 ORDER BY h.kommunenummer_2024""", code)


# ---- the map (heavy: built once per database file, round and municipality) ---------------------------

@st.cache_resource(show_spinner=False, max_entries=24)
def _status_deck(fingerprint: tuple, runde: int, kommune: str | None) -> pdk.Deck:
    from dashboard import figures_politikk

    return map_files.frozen(figures_politikk.status_map(municipalities(runde), queries.geometries("kommune"), kommune))


def status_deck(runde: int, kommune: str | None) -> pdk.Deck:
    """The status map of a round with a municipality highlighted, built once per database file (JSON frozen,
    its areas in a served file: map_files)."""
    return map_files.ensure(_status_deck(db.current_fingerprint(), runde, kommune))


@st.cache_resource(show_spinner=False, max_entries=24)
def _status_drawing(fingerprint: tuple, runde: int, kommune: str | None) -> str:
    from dashboard import figures_politikk
    from dashboard.kart import national_drawing

    areas = figures_politikk.status_areas(municipalities(runde), queries.geometries("kommune"), kommune)
    return national_drawing(areas, "kommune", f"Kart: frivillighetspolitikk i kommunene, {runde}")


def status_drawing(runde: int, kommune: str | None) -> str:
    """status_deck's map as a static SVG drawing (map_drawing), built once per database file."""
    return _status_drawing(db.current_fingerprint(), runde, kommune)
