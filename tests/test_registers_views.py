"""The public register views, built from the mirror: the figures the issue states and the invariants users rely on."""

from __future__ import annotations

import pytest


def one(con, sql: str, params=None):
    return con.sql(sql, params=params).fetchall()[0]


def land(con, aar: int | None = None) -> dict:
    row = con.sql("SELECT * FROM organisasjoner_indikator WHERE nivaa = 'land' ORDER BY aar DESC").pl()
    if aar is not None:
        row = row.filter(row["aar"] == aar)
    return row.row(0, named=True)


def test_72800_registered_organisations_and_480_volunteer_centres(con):
    assert one(con, "SELECT count(*) FILTER (WHERE i_frivillighetsregisteret), "
                    "count(*) FILTER (WHERE frivilligsentral) FROM organisasjon") == (72_800, 480)
    latest = land(con)
    assert (latest["aar"], latest["antall"], latest["frivilligsentraler"]) == (2025, 72_800, 480)


def test_municipalities_add_up_to_the_country_every_year(con):
    rows = con.sql("""SELECT l.aar, l.antall, sum(k.antall), sum(k.nye), l.nye
                      FROM organisasjoner_indikator l JOIN organisasjoner_indikator k USING (aar)
                      WHERE l.nivaa = 'land' AND k.nivaa = 'kommune' GROUP BY l.aar, l.antall, l.nye""").fetchall()
    assert len(rows) == 17  # 2009..2025
    assert all(r[1] == r[2] and r[3] == r[4] for r in rows)
    assert one(con, "SELECT count(DISTINCT kode) FROM organisasjoner_indikator WHERE nivaa = 'kommune'") == (357,)
    assert one(con, "SELECT count(DISTINCT kode) FROM organisasjoner_indikator WHERE nivaa = 'fylke'") == (15,)


def test_every_registered_organisation_has_its_rekkefoelge_1_category_as_primary(con):
    assert one(con, "SELECT count(*) FROM organisasjon WHERE i_frivillighetsregisteret "
                    "AND (icnpo_primaer IS NULL OR icnpo_gruppe IS NULL OR icnpo_gruppenavn IS NULL)") == (0,)
    assert one(con, """SELECT count(*) FROM organisasjon o JOIN organisasjon_kategori c
                       ON c.orgnr = o.orgnr AND c.rekkefoelge = 1
                       WHERE o.i_frivillighetsregisteret AND c.icnpo_kode <> o.icnpo_primaer""") == (0,)
    assert one(con, "SELECT count(*) FROM organisasjon WHERE icnpo_primaer = '10100' AND icnpo_gruppe <> '10'") == (0,)


def test_organisation_columns_the_grants_views_join_on(con):
    cols = [r[0] for r in con.sql("DESCRIBE organisasjon").fetchall()]
    for c in ("orgnr", "navn", "organisasjonsform", "naeringskode", "kommunenummer", "fylkesnummer",
              "i_frivillighetsregisteret", "icnpo_primaer", "icnpo_gruppe", "registrert_frivillighetsregisteret",
              "stiftelsesdato", "registrert_enhetsregisteret", "konkurs", "under_avvikling", "grasrot_deltar"):
        assert c in cols
    types = dict(con.sql("SELECT column_name, data_type FROM information_schema.columns "
                         "WHERE table_name = 'organisasjon'").fetchall())
    assert types["registrert_frivillighetsregisteret"] == "DATE" and types["grasrot_deltar"] == "BOOLEAN"


def test_unregistered_associations_and_foundations_are_in_but_businesses_are_not(con):
    forms = dict(con.sql("SELECT organisasjonsform, count(*) FROM organisasjon WHERE NOT i_frivillighetsregisteret "
                         "GROUP BY 1").fetchall())
    assert set(forms) == {"FLI", "STI"}
    assert one(con, "SELECT count(*) FROM organisasjon WHERE organisasjonsform IN ('AS', 'ENK')") == (0,)
    assert one(con, "SELECT count(*) FROM organisasjon WHERE NOT i_frivillighetsregisteret AND "
                    "(grasrot_deltar OR icnpo_primaer IS NOT NULL)") == (0,)


def test_icnpo_lookup(con):
    assert one(con, "SELECT count(*) FILTER (WHERE er_gruppe), count(*) FILTER (WHERE NOT er_gruppe) "
                    "FROM icnpo_kategori") == (14, 32)
    groups = dict(con.sql("SELECT icnpo_kode, gruppe_kode FROM icnpo_kategori").fetchall())
    assert (groups["1200"], groups["8200"], groups["10100"], groups["14100"]) == ("1", "8", "10", "14")


def test_icnpo_groups_add_up_to_the_stock(con):
    rows = con.sql("""SELECT i.nivaa, i.kode, i.aar FROM organisasjoner_indikator i
                      JOIN (SELECT nivaa, kode, aar, sum(antall) AS s FROM organisasjoner_icnpo GROUP BY ALL) g
                      USING (nivaa, kode, aar) WHERE g.s <> i.antall""").fetchall()
    assert rows == []
    assert one(con, "SELECT antall FROM organisasjoner_icnpo WHERE nivaa = 'land' AND aar = 2025 "
                    "AND icnpo_gruppe = '8'")[0] >= 480


def test_grasrot_share_only_for_the_latest_year(con):
    latest = land(con)
    assert latest["grasrot_deltar"] == 35_600
    assert latest["grasrot_andel"] == pytest.approx(35_600 / 72_800)
    assert one(con, "SELECT count(*) FROM organisasjoner_indikator WHERE aar < 2025 "
                    "AND (grasrot_deltar IS NOT NULL OR grasrot_andel IS NOT NULL)") == (0,)


def test_rate_per_1000_uses_population_on_1_january_the_year_after(con):
    row = con.sql("SELECT antall, per_1000, folketall, folketall_aar FROM organisasjoner_indikator "
                  "WHERE nivaa = 'kommune' AND kode = '0301' AND aar = 2024").fetchall()[0]
    (pop,) = one(con, "SELECT folketall FROM befolkning WHERE nivaa = 'kommune' AND kode = '0301' AND aar = 2025")
    assert row[2] == pop and row[3] == 2025
    assert row[1] == pytest.approx(row[0] * 1000 / pop)


def test_growth_since_2009(con):
    series = con.sql("SELECT aar, antall, nye FROM organisasjoner_indikator WHERE nivaa = 'land' ORDER BY aar"
                     ).fetchall()
    assert series[0][0] == 2009 and series[0][1] == series[0][2] > 0
    assert all(b[1] == a[1] + b[2] for a, b in zip(series, series[1:], strict=False))
    assert sum(r[2] for r in series) == 72_800


def test_register_data_checks_pass(mirror_db):
    import duckdb

    from etl.config import SQL_DIR
    from etl.sqlrun import run_checks

    with duckdb.connect(str(mirror_db), read_only=True) as c:
        results = [r for r in run_checks(c, SQL_DIR) if r.name.startswith("reg_")]
    assert len(results) >= 5 and all(r.passed for r in results)
