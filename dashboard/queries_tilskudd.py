"""Query functions for the grant-scheme page (grasrotandelen, momskompensasjon) over the public views.

Both schemes come back in one shape so the figure builders need not know which one they draw: `utbetalt` is the
amount paid (grasrot: `belop`), `sokt` the amount applied for (NULL for grasrot), shares are fractions (0–1).
The scheme picks one of two constant SQL texts; user values (place, year) are always bound parameters.
"""

from __future__ import annotations

import polars as pl

from dashboard.queries import run

GRASROT = "grasrotandel"
MOMS = "momskompensasjon"
ORDNINGER = (GRASROT, MOMS)
#: Who would publish each scheme's national total (named when a year's total is not published).
PUBLISHERS = {GRASROT: "Norsk Tipping", MOMS: "Lotteri- og stiftelsestilsynet"}

#: Source ids behind each scheme's figures (for source lines and downloads).
SOURCES = {
    GRASROT: ("grasrotandel", "befolkning"),
    MOMS: ("momskompensasjon", "befolkning"),
}
#: Sources of the per-category figures (ICNPO groups come from the registers).
SOURCES_ICNPO = {
    GRASROT: ("grasrotandel", "frivillighetsregisteret", "icnpo"),
    MOMS: ("momskompensasjon", "frivillighetsregisteret", "icnpo"),
}

_SERIES = {
    GRASROT: """SELECT nivaa, kode, navn, aar, belop::DOUBLE AS utbetalt, NULL::DOUBLE AS sokt, mottakere, givere,
                       folketall, kr_per_innbygger, registrerte, andel_registrerte_mottar,
                       NULL::DOUBLE AS "andel_av_søkt_utbetalt", NULL::DOUBLE AS andel_av_landet,
                       NULL::DOUBLE AS andel_oslo, NULL::VARCHAR AS merknad
                FROM grasrot_indikator""",
    MOMS: """SELECT nivaa, kode, navn, aar, utbetalt::DOUBLE AS utbetalt, sokt::DOUBLE AS sokt, mottakere,
                    NULL::BIGINT AS givere, folketall, kr_per_innbygger, NULL::BIGINT AS registrerte,
                    NULL::DOUBLE AS andel_registrerte_mottar, 1 - avkorting AS "andel_av_søkt_utbetalt",
                    andel_av_landet, andel_oslo, merknad
             FROM moms_indikator""",
}

_GROUPS = {
    GRASROT: """SELECT coalesce(icnpo_gruppe, '') AS icnpo_gruppe, gruppenavn, belop::DOUBLE AS utbetalt,
                       NULL::DOUBLE AS sokt, mottakere, andel_belop AS "andel_av_beløpet", registrerte,
                       andel_registrerte_mottar, NULL::DOUBLE AS andel_oslo, NULL::BIGINT AS mottakere_oslo,
                       NULL::VARCHAR AS merknad
                FROM grasrot_icnpo WHERE nivaa = $1 AND kode = $2 AND aar = $3""",
    MOMS: """SELECT coalesce(icnpo_gruppe, '') AS icnpo_gruppe, gruppenavn, utbetalt::DOUBLE AS utbetalt,
                    sokt::DOUBLE AS sokt, mottakere, andel_utbetalt AS "andel_av_beløpet", NULL::BIGINT AS registrerte,
                    NULL::DOUBLE AS andel_registrerte_mottar, andel_oslo, mottakere_oslo, merknad
             FROM moms_icnpo WHERE nivaa = $1 AND kode = $2 AND aar = $3""",
}

_RECIPIENTS = {
    GRASROT: """SELECT orgnr, navn, icnpo_primaer, icnpo_gruppe, kommunenummer, belop::DOUBLE AS utbetalt,
                       NULL::DOUBLE AS sokt, givere::BIGINT AS givere, NULL::VARCHAR AS ordning, i_register AS i_registrene
                FROM grasrotandel WHERE aar = $1""",
    # one organisation may have more than one payment row in a year (both models): one recipient
    MOMS: """SELECT orgnr, any_value(navn) AS navn, any_value(icnpo_primaer) AS icnpo_primaer,
                    any_value(icnpo_gruppe) AS icnpo_gruppe, any_value(kommunenummer) AS kommunenummer,
                    sum(utbetalt)::DOUBLE AS utbetalt, sum(sokt)::DOUBLE AS sokt, NULL::BIGINT AS givere,
                    string_agg(DISTINCT ordning, ', ' ORDER BY ordning) AS ordning, bool_and(i_register) AS i_registrene
             FROM momskompensasjon WHERE aar = $1 GROUP BY orgnr""",
}


def _check(ordning: str) -> str:
    if ordning not in ORDNINGER:
        raise ValueError(f"ukjent ordning: {ordning!r}")
    return ordning


def years(ordning: str) -> list[int]:
    """Years with a file for a scheme, newest first."""
    table = "grasrot_indikator" if _check(ordning) == GRASROT else "moms_indikator"
    return run(f"SELECT DISTINCT aar FROM {table} WHERE nivaa = 'land' ORDER BY aar DESC")["aar"].to_list()  # noqa: S608 - constant


def series(ordning: str, nivaa: str, kode: str) -> pl.DataFrame:
    """A place's figures per year, and the country's beside it (column `er_valgt` marks the chosen place).

    Columns: nivaa, kode, navn (the short form, 'Trøndelag', as in the charts), aar, utbetalt, sokt, mottakere,
    givere, folketall, kr_per_innbygger, registrerte, andel_registrerte_mottar (grasrot), andel_av_søkt_utbetalt,
    andel_av_landet, andel_oslo (moms), merknad (moms per place), er_valgt.
    """
    return run(f"""SELECT s.* REPLACE (coalesce(f.fylkesnavn_kort, k.kommunenavn_kort, s.navn) AS navn),
                          s.nivaa = $1 AND s.kode = $2 AS er_valgt
                   FROM ({_SERIES[_check(ordning)]}) s
                   LEFT JOIN fylke f ON s.nivaa = 'fylke' AND f.fylkesnummer = s.kode
                   LEFT JOIN kommune k ON s.nivaa = 'kommune' AND k.kommunenummer = s.kode
                   WHERE (s.nivaa = $1 AND s.kode = $2) OR s.nivaa = 'land'
                   ORDER BY er_valgt DESC, s.aar""", nivaa, kode)  # noqa: S608 - constant SQL per scheme


def by_group(ordning: str, nivaa: str, kode: str, aar: int) -> pl.DataFrame:
    """A place's money in one year per ICNPO group, largest first.

    Columns: icnpo_gruppe ('' for recipients without a group), gruppenavn, utbetalt, sokt, mottakere,
    andel_av_beløpet (the group's share of the place's amount), registrerte, andel_registrerte_mottar (grasrot
    only), andel_oslo (moms, country only: share of the group's money paid to recipients in Oslo), mottakere_oslo
    (moms, country only: of the group's recipients, those in Oslo), merknad (moms per place only).
    """
    sql = f"SELECT * FROM ({_GROUPS[_check(ordning)]}) ORDER BY utbetalt DESC, gruppenavn"  # noqa: S608 - constant
    return run(sql, nivaa, kode, aar)


def ranking(ordning: str, nivaa: str, aar: int, fylke: str | None = None) -> pl.DataFrame:
    """Every county (nivaa 'fylke') or municipality ('kommune', optionally of one county) in a year.

    Columns: kode, navn, navn_kort (both the short form, 'Trøndelag', as the charts and the rest of the page),
    fylkesnavn (short form), utbetalt, mottakere, folketall, kr_per_innbygger, merknad (moms); highest per
    inhabitant first.
    """
    if nivaa not in ("fylke", "kommune"):
        raise ValueError(nivaa)
    place = ("SELECT fylkesnummer AS kode, fylkesnavn_kort AS navn_kort, fylkesnavn_kort AS fylkesnavn, fylkesnummer "
             "FROM fylke" if nivaa == "fylke" else
             "SELECT k.kommunenummer AS kode, k.kommunenavn_kort AS navn_kort, f.fylkesnavn_kort AS fylkesnavn, "
             "k.fylkesnummer FROM kommune k JOIN fylke f USING (fylkesnummer)")
    return run(f"""SELECT s.kode, p.navn_kort AS navn, p.navn_kort, p.fylkesnavn, s.utbetalt, s.mottakere, s.folketall,
                          s.kr_per_innbygger, s.merknad
                   FROM ({_SERIES[_check(ordning)]}) s JOIN ({place}) p ON p.kode = s.kode
                   WHERE s.nivaa = $1 AND s.aar = $2 AND ($3::VARCHAR IS NULL OR p.fylkesnummer = $3)
                   ORDER BY s.kr_per_innbygger DESC NULLS LAST, p.navn_kort""",  # noqa: S608 - constants only
               nivaa, aar, fylke)


def largest_recipients(ordning: str, nivaa: str, kode: str, aar: int, limit: int = 25) -> pl.DataFrame:
    """The organisations that received most in a place and year, largest first.

    Columns: navn (register text: untrusted), orgnr, kategori (ICNPO category name), gruppenavn, kommunenavn (short),
    utbetalt, sokt (moms), givere (grasrot), ordning (moms), i_registrene. Recipients placed nowhere count only for
    the country.
    """
    return run(f"""SELECT r.navn, r.orgnr, coalesce(c.navn, CASE WHEN r.i_registrene THEN 'Uten ICNPO-kategori'
                                                           ELSE 'Ikke funnet i registrene' END) AS kategori,
                          g.gruppenavn, k.kommunenavn_kort AS kommunenavn, r.utbetalt, r.sokt, r.givere, r.ordning, r.i_registrene
                   FROM ({_RECIPIENTS[_check(ordning)]}) r
                   LEFT JOIN kommune k ON k.kommunenummer = r.kommunenummer
                   LEFT JOIN icnpo_kategori c ON c.icnpo_kode = r.icnpo_primaer
                   LEFT JOIN icnpo_kategori g ON g.icnpo_kode = r.icnpo_gruppe
                   WHERE $2 = 'land' OR ($2 = 'fylke' AND k.fylkesnummer = $3)
                      OR ($2 = 'kommune' AND r.kommunenummer = $3)
                   ORDER BY r.utbetalt DESC, r.navn, r.orgnr
                   LIMIT $4""",  # noqa: S608 - constant SQL per scheme
               aar, nivaa, kode, limit)


def totals(ordning: str) -> pl.DataFrame:
    """National totals of the totals file beside the sums of the files, per year (status says how far to trust the
    amount paid, status_søkt the amount applied for).

    Columns: aar, status (of the amount paid), publisert_utbetalt (an estimate where status is not publisert…),
    utbetalt_ifølge_filene, differanse (files − totals file), status_søkt, oppgitt_søkt (published only where
    status_søkt is 'publisert'), søkt_ifølge_filene (moms), mottakere_i_filene, publisert_organisasjoner (moms: as
    a source states it), filene_stemmer, kilde, merknad (what else the source published, in words).
    """
    return run("""SELECT aar, status, publisert_utbetalt::DOUBLE AS publisert_utbetalt,
                         filer_utbetalt::DOUBLE AS "utbetalt_ifølge_filene", differanse_utbetalt::DOUBLE AS differanse,
                         status_sokt AS "status_søkt", oppgitt_sokt::DOUBLE AS "oppgitt_søkt",
                         filer_sokt::DOUBLE AS "søkt_ifølge_filene", filer_mottakere AS mottakere_i_filene,
                         publisert_organisasjoner, avstemt AS filene_stemmer, kilde, merknad
                  FROM tilskudd_totaler WHERE ordning = $1 ORDER BY aar""", _check(ordning))


def status_of(totals: pl.DataFrame, aar: int, column: str = "status") -> str | None:
    """The status of the national total of a year ('publisert', …) or None; column 'status_søkt' for the amount
    applied for."""
    row = totals.filter(pl.col("aar") == aar)
    return row[column][0] if row.height and column in row.columns else None


def texts() -> dict[str, str]:
    """The explanation texts the ETL stores with the grant data, by key."""
    return dict(run("SELECT nokkel, tekst FROM tilskudd_tekst ORDER BY nokkel").iter_rows())
