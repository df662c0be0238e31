"""Query functions for the municipality profile. SQL over the public views only; every value is bound."""

from __future__ import annotations

import polars as pl

from dashboard.queries import run

#: The numeric key figures of a profile, in display order (keys of `indikator_definisjon`).
KEY_INDICATORS = ("org_per_1000", "org_antall", "frivilligsentraler", "grasrot_kr_per_innbygger",
                  "grasrot_andel_mottar")


def kommune(kode: str) -> dict | None:
    """One 2024 municipality: name, county, size group, population 2024 (the size group's) and the latest
    (folketall_siste on 1 January folketall_siste_aar), bounding boxes (its own, county's)."""
    df = run("""SELECT k.kommunenummer, k.kommunenavn, k.kommunenavn_kort, k.fylkesnummer, k.fylkesnavn,
                       f.fylkesnavn_kort, f.antall_kommuner AS fylke_antall_kommuner,
                       k.storrelsesgruppe_kode, k.storrelsesgruppe, k.folketall_2024,
                       b.folketall AS folketall_siste, b.aar AS folketall_siste_aar,
                       (SELECT count(*) FROM kommune g WHERE g.storrelsesgruppe_kode = k.storrelsesgruppe_kode)
                           AS gruppe_antall_kommuner,
                       f.min_lon, f.min_lat, f.max_lon, f.max_lat
                FROM kommune k JOIN fylke f ON f.fylkesnummer = k.fylkesnummer
                LEFT JOIN (SELECT kode, aar, folketall FROM befolkning
                           WHERE nivaa = 'kommune' AND kode = $1 AND folketall IS NOT NULL
                           ORDER BY aar DESC LIMIT 1) b ON b.kode = k.kommunenummer
                WHERE k.kommunenummer = $1""", kode)
    return df.row(0, named=True) if df.height else None


def history_notes(kode: str) -> pl.DataFrame:
    """Former codes and names that lie (wholly or partly) in the municipality today, with the note on each:
    kode, navn (official), navn_kort (its Norwegian form), gyldig_fra, gyldig_til, vekt, merknad."""
    return run("""SELECT kode, navn, navn_kort, gyldig_fra, gyldig_til, vekt, merknad
                  FROM kommune_historikk
                  WHERE kommunenummer_2024 = $1 AND merknad IS NOT NULL
                  ORDER BY gyldig_fra, kode""", kode)


def splits(kode: str) -> pl.DataFrame:
    """The former municipalities that were divided (the year after their last) with a part in this one, oldest
    first. Columns: kode, navn
    (official), navn_kort, gyldig_fra, gyldig_til (its last year), delt_aar (the first year of the parts), vekt
    (this one's share), var_del_av (True where nothing else lay in this municipality then: it was a part of the
    divided one, as Haram of Ålesund 2020–2023; False where it took over a part, as Narvik of Tysfjord),
    etterfolgere (the parts: kommunenummer and short name, by number), plassert_i / plassert_i_navn (where
    grant recipients missing from the registers but filed under the divided code are counted: the part with the
    largest weight, ties the lowest number, as sql/staging/40_grants.sql places them) and folketall_fordelt (True
    where the build computed this one's population before the division as a share of the divided one's)."""
    return run("""
        WITH s AS (SELECT kode, navn, navn_kort, gyldig_fra, gyldig_til, vekt FROM kommune_historikk
                   WHERE kommunenummer_2024 = $1 AND vekt < 1),
        parts AS (SELECT m.kode, m.kommunenummer_2024 AS kommunenummer, k.kommunenavn_kort AS navn, m.vekt
                  FROM s JOIN kommunekode_mapping m ON m.kode = s.kode AND m.aar = s.gyldig_til
                  JOIN kommune k ON k.kommunenummer = m.kommunenummer_2024),
        per AS (SELECT kode, count(*) AS antall,
                       list({'kommunenummer': kommunenummer, 'navn': navn} ORDER BY kommunenummer) AS etterfolgere,
                       first(kommunenummer ORDER BY vekt DESC, kommunenummer) AS plassert_i,
                       first(navn ORDER BY vekt DESC, kommunenummer) AS plassert_i_navn
                FROM parts GROUP BY kode),
        -- a code of the year after that lies where all the parts lie: the code was merged into it, and that one
        -- was divided later (it is not itself the divided one)
        merged AS (SELECT p.kode, c.kode AS inn_i, count(DISTINCT c.kommunenummer_2024) AS dekker
                   FROM parts p JOIN s USING (kode)
                   JOIN kommunekode_mapping c ON c.aar = s.gyldig_til + 1 AND c.kommunenummer_2024 = p.kommunenummer
                   GROUP BY p.kode, c.kode),
        others AS (SELECT s.kode FROM s JOIN kommunekode_mapping o
                   ON o.aar = s.gyldig_til AND o.kommunenummer_2024 = $1 AND o.kode <> s.kode),
        pop AS (SELECT DISTINCT fordelt_fra FROM befolkning
                WHERE nivaa = 'kommune' AND kode = $1 AND fordelt_fra IS NOT NULL)
        SELECT s.kode, s.navn, s.navn_kort, s.gyldig_fra, s.gyldig_til, s.gyldig_til + 1 AS delt_aar, s.vekt,
               s.kode NOT IN (SELECT kode FROM others) AS var_del_av, per.etterfolgere, per.plassert_i,
               per.plassert_i_navn, s.kode IN (SELECT fordelt_fra FROM pop) AS folketall_fordelt
        FROM s JOIN per USING (kode)
        WHERE NOT EXISTS (SELECT 1 FROM merged g WHERE g.kode = s.kode AND g.dekker = per.antall)
        ORDER BY s.gyldig_til, s.kode""", kode)


def search(text: str) -> pl.DataFrame:
    """Today's municipalities matching a current or former name or number, best match first.

    Columns: kommunenummer, kommunenavn (official), kommunenavn_kort, rang (0 current number, 1 current name or
    one of its languages, 'Røros' of 'Rosse - Røros', 2 old number, 3 old name or one of its languages, 4 name
    starts with, 5 name contains), vekt (largest share of a matching old code), treff (the former names and
    numbers that matched), merknad (notes on mergers and splits, joined). Names are compared folded, without case
    and with æ, ø and å as typed on a keyboard without them: «Bodo» finds Bodø, «Aseral» and «Aaseral» Åseral.
    """
    return run("""
        WITH q AS (SELECT replace(replace(replace(replace(lower(trim($1)), 'æ', 'ae'), 'ø', 'o'), 'å', 'a'), 'aa', 'a') AS t),
        -- names compared folded: without case, æ ø å as typed on a keyboard without them (ae, o, a or aa)
        h AS (SELECT *, replace(replace(replace(replace(lower(navn), 'æ', 'ae'), 'ø', 'o'), 'å', 'a'), 'aa', 'a') AS navn_f,
                     replace(replace(replace(replace(lower(kommunenavn_2024), 'æ', 'ae'), 'ø', 'o'), 'å', 'a'), 'aa', 'a') AS navn_2024_f
              FROM kommune_historikk),
        hits AS (
            SELECT h.kommunenummer_2024, h.kommunenavn_2024, h.kode, h.navn, h.gyldig_fra, h.gyldig_til, h.vekt,
                   h.merknad, h.navn_f,
                   CASE WHEN h.kode = (SELECT t FROM q) AND h.kode = h.kommunenummer_2024 THEN 0
                        WHEN h.navn_2024_f = (SELECT t FROM q)
                          OR list_contains(string_split(h.navn_2024_f, ' - '), (SELECT t FROM q)) THEN 1
                        WHEN h.kode = (SELECT t FROM q) THEN 2
                        WHEN h.navn_f = (SELECT t FROM q)
                          OR list_contains(string_split(h.navn_f, ' - '), (SELECT t FROM q)) THEN 3
                        WHEN starts_with(h.navn_f, (SELECT t FROM q))
                          OR starts_with(h.navn_2024_f, (SELECT t FROM q)) THEN 4
                        ELSE 5 END AS rang
            FROM h
            WHERE length((SELECT t FROM q)) > 0
              AND (h.kode = (SELECT t FROM q)
                   OR contains(h.navn_f, (SELECT t FROM q))
                   OR contains(h.navn_2024_f, (SELECT t FROM q)))
        )
        SELECT kommunenummer_2024 AS kommunenummer, any_value(kommunenavn_2024) AS kommunenavn,
               any_value(k.kommunenavn_kort) AS kommunenavn_kort, min(rang) AS rang, max(vekt) AS vekt,
               string_agg(DISTINCT CASE WHEN (kode <> kommunenummer_2024 OR gyldig_til < 2024)
                                             AND (kode = (SELECT t FROM q) OR contains(navn_f, (SELECT t FROM q)))
                                        THEN navn || ' (' || kode || ', ' || gyldig_fra || '–' || gyldig_til || ')'
                                   END, '; ') AS treff,
               string_agg(DISTINCT merknad, ' ') AS merknad
        FROM hits JOIN kommune k ON k.kommunenummer = hits.kommunenummer_2024
        GROUP BY kommunenummer_2024
        ORDER BY rang, vekt DESC, kommunenavn_kort, kommunenummer
        LIMIT 20""", text)


def key_figures(kode: str) -> pl.DataFrame:
    """Key figures of a municipality beside its county, the country and the median of its size group.

    One row per indicator (KEY_INDICATORS order), latest year with a value for the municipality:
    indikator, navn, enhet, desimaler, kilder, aar, kommune, fylke, land, median_gruppe, forrige_aar,
    kommune_forrige (the municipality's value the year before). Shares are fractions 0–1.
    """
    return run("""
        WITH k AS (SELECT kommunenummer, fylkesnummer, storrelsesgruppe_kode FROM kommune WHERE kommunenummer = $1),
        d AS (SELECT indikator, navn, enhet, desimaler, kilder, rekkefolge FROM indikator_definisjon
              WHERE list_contains($2, indikator)),
        latest AS (SELECT v.indikator, max(v.aar) AS aar FROM indikator_verdi v JOIN d USING (indikator)
                   WHERE v.nivaa = 'kommune' AND v.kode = $1 AND v.verdi IS NOT NULL GROUP BY v.indikator),
        grp AS (SELECT v.indikator, v.aar, median(v.verdi) AS median_gruppe
                FROM indikator_verdi v
                JOIN kommune g ON g.kommunenummer = v.kode
                JOIN latest l ON l.indikator = v.indikator AND l.aar = v.aar
                WHERE v.nivaa = 'kommune' AND g.storrelsesgruppe_kode = (SELECT storrelsesgruppe_kode FROM k)
                GROUP BY v.indikator, v.aar)
        SELECT d.indikator, d.navn, d.enhet, d.desimaler, d.kilder, l.aar,
               vk.verdi AS kommune, vf.verdi AS fylke, vl.verdi AS land, g.median_gruppe,
               l.aar - 1 AS forrige_aar, vp.verdi AS kommune_forrige
        FROM d
        JOIN latest l USING (indikator)
        LEFT JOIN indikator_verdi vk ON vk.indikator = d.indikator AND vk.nivaa = 'kommune' AND vk.kode = $1
                                     AND vk.aar = l.aar
        LEFT JOIN indikator_verdi vf ON vf.indikator = d.indikator AND vf.nivaa = 'fylke'
                                     AND vf.kode = (SELECT fylkesnummer FROM k) AND vf.aar = l.aar
        LEFT JOIN indikator_verdi vl ON vl.indikator = d.indikator AND vl.nivaa = 'land' AND vl.kode = '0'
                                     AND vl.aar = l.aar
        LEFT JOIN indikator_verdi vp ON vp.indikator = d.indikator AND vp.nivaa = 'kommune' AND vp.kode = $1
                                     AND vp.aar = l.aar - 1
        LEFT JOIN grp g ON g.indikator = d.indikator
        ORDER BY d.rekkefolge""", kode, list(KEY_INDICATORS))


def policy_rounds(kode: str) -> pl.DataFrame:
    """The municipality's policy answers in every survey round (2024 borders), newest first."""
    return run("""SELECT runde, status, svart, vedtaksaar, koordinator, frivillighetsraad, samarbeidsplattform,
                         gratis_lokaler, tilskuddsordning, antall_frivilligsentraler::BIGINT AS antall_frivilligsentraler,
                         harmonisert, antall_forgjengere, forgjengere
                  FROM frivillighetspolitikk WHERE kommunenummer = $1 ORDER BY runde DESC""", kode)


def policy_shares(kode: str, runde: int) -> dict:
    """Share with a policy (fraction) in a round for the municipality's county, the country and its size group."""
    df = run("""SELECT p.nivaa, p.ja, p.antall_kommuner, p.andel_ja_alle / 100 AS andel
                FROM frivillighetspolitikk_andel p, kommune k
                WHERE k.kommunenummer = $1 AND p.runde = $2
                  AND ((p.nivaa = 'fylke' AND p.kode = k.fylkesnummer)
                    OR (p.nivaa = 'land' AND p.kode = '0')
                    OR (p.nivaa = 'storrelsesgruppe' AND p.kode = k.storrelsesgruppe_kode::VARCHAR))""",
             kode, runde)
    return {r["nivaa"]: r for r in df.iter_rows(named=True)}


def org_categories(kode: str) -> pl.DataFrame:
    """Registered organisations by ICNPO group in the latest year: the municipality's count and share beside
    the country's share (fractions). Columns: aar, icnpo_gruppe, gruppenavn, antall, andel, andel_land."""
    return run("""
        WITH y AS (SELECT max(aar) AS aar FROM organisasjoner_icnpo WHERE nivaa = 'kommune' AND kode = $1),
        k AS (SELECT icnpo_gruppe, gruppenavn, antall FROM organisasjoner_icnpo
              WHERE nivaa = 'kommune' AND kode = $1 AND aar = (SELECT aar FROM y)),
        l AS (SELECT icnpo_gruppe, antall FROM organisasjoner_icnpo
              WHERE nivaa = 'land' AND kode = '0' AND aar = (SELECT aar FROM y))
        SELECT (SELECT aar FROM y) AS aar, k.icnpo_gruppe, k.gruppenavn, k.antall,
               k.antall / nullif(sum(k.antall) OVER (), 0) AS andel,
               l.antall / nullif(sum(l.antall) OVER (), 0) AS andel_land
        FROM k LEFT JOIN l USING (icnpo_gruppe)
        ORDER BY k.antall DESC, k.gruppenavn""", kode)


def grasrot_compare(kode: str) -> pl.DataFrame:
    """Grasrotandelen per year for the municipality, its county (left out when the county is the municipality,
    as Oslo) and the country, long form: aar, nivaa, sted, belop, mottakere, registrerte (registered
    organisations, the share's base), kr_per_innbygger, andel_registrerte_mottar. Places by their short names ('Trondheim', not 'Trondheim - Tråante'), as on the rest
    of the profile."""
    return run("""SELECT g.aar, g.nivaa,
                         CASE g.nivaa WHEN 'kommune' THEN k.kommunenavn_kort
                                      WHEN 'fylke' THEN (SELECT fylkesnavn_kort FROM fylke WHERE fylkesnummer = k.fylkesnummer)
                                      ELSE g.navn END AS sted,
                         g.belop::DOUBLE AS belop, g.mottakere, g.registrerte, g.kr_per_innbygger,
                         g.andel_registrerte_mottar
                  FROM grasrot_indikator g, kommune k
                  WHERE k.kommunenummer = $1
                    AND ((g.nivaa = 'kommune' AND g.kode = k.kommunenummer)
                      OR (g.nivaa = 'fylke' AND g.kode = k.fylkesnummer
                          AND (SELECT antall_kommuner FROM fylke WHERE fylkesnummer = k.fylkesnummer) > 1)
                      OR (g.nivaa = 'land' AND g.kode = '0'))
                  ORDER BY CASE g.nivaa WHEN 'kommune' THEN 0 WHEN 'fylke' THEN 1 ELSE 2 END, g.aar""", kode)


def org_change(kode: str) -> pl.DataFrame:
    """The municipality's registered organisations in the last two years: aar, antall, nye, per_1000,
    frivilligsentraler (newest first)."""
    return run("""SELECT aar, antall, nye, per_1000, frivilligsentraler FROM organisasjoner_indikator
                  WHERE nivaa = 'kommune' AND kode = $1 ORDER BY aar DESC LIMIT 2""", kode)


def volunteer_centres(kode: str) -> pl.DataFrame:
    """Registered volunteer centres (primary ICNPO category 8200) in the municipality: navn, orgnr, poststed
    (postal town, may be NULL), registrert_i_frivillighetsregisteret (a date)."""
    return run("""SELECT navn, orgnr, poststed,
                         registrert_frivillighetsregisteret AS registrert_i_frivillighetsregisteret
                  FROM organisasjon
                  WHERE icnpo_primaer = '8200' AND kommunenummer = $1
                  ORDER BY navn, registrert_frivillighetsregisteret, orgnr""", kode)


def county_municipalities(fylkesnummer: str) -> pl.DataFrame:
    """The county's municipalities (for the locator map): kode, navn."""
    return run("""SELECT kommunenummer AS kode, kommunenavn AS navn FROM kommune
                  WHERE fylkesnummer = $1 ORDER BY kommunenummer""", fylkesnummer)


def municipalities_within(bbox: tuple[float, float, float, float]) -> pl.DataFrame:
    """The municipalities whose bounding box meets (min_lon, min_lat, max_lon, max_lat), for the locator map of a
    municipality that is its own county (Oslo): kode, navn."""
    return run("""SELECT kommunenummer AS kode, kommunenavn AS navn FROM kommune
                  WHERE max_lon >= $1 AND min_lon <= $3 AND max_lat >= $2 AND min_lat <= $4
                  ORDER BY kommunenummer""", *[float(v) for v in bbox])
