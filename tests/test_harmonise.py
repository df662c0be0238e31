"""Harmonisation of municipality codes of any year 2018–2024 to the 2024 municipalities."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.harmonise import HarmonisationError, build_mapping
from etl.sources import kommunedeling_vekter, kommuneendringer
from tests.conftest import fixture_bytes


def _changes() -> pl.DataFrame:
    frames = []
    for name, year in (("endringer-2020-small.csv", 2020), ("endringer-2024-small.csv", 2024)):
        df = kommuneendringer.parse(fixture_bytes("kommuneendringer", name), name)
        frames.append(df.with_columns(pl.lit(year, pl.Int32).alias("reform_aar")))
    return pl.concat(frames)


CODES_2020 = {"3001", "1507", "1806", "1875", "0301"}
CODES_2024 = {"3101", "1508", "1580", "1806", "1875", "0301"}


def _mapping(weights: pl.DataFrame | None = None) -> pl.DataFrame:
    if weights is None:
        weights = kommunedeling_vekter.parse(fixture_bytes("kommunedeling_vekter", "vekter-small.csv"), "v.csv")
    return build_mapping(_changes(), CODES_2020, CODES_2024, weights)


def _targets(m: pl.DataFrame, code: str, year: int) -> dict[str, float]:
    rows = m.filter((pl.col("kode") == code) & (pl.col("aar") == year))
    return dict(rows.select("kommunenummer_2024", "vekt").iter_rows())


def test_renumbered_and_merged_codes_chain_to_today():
    m = _mapping()
    assert _targets(m, "3001", 2023) == {"3101": 1.0}
    assert _targets(m, "0101", 2019) == {"3101": 1.0}, "0101 → 3001 (2020) → 3101 (2024)"
    assert _targets(m, "0301", 2018) == {"0301": 1.0}


def test_weights_file_overrides_chaining_for_haram_and_alesund():
    m = _mapping()
    assert _targets(m, "1534", 2019) == {"1580": 1.0}, "Haram 1534 of 2019 is today's Haram alone"
    assert _targets(m, "1507", 2023) == {"1508": 0.8621, "1580": 0.1379}
    assert _targets(m, "1504", 2019) == pytest.approx({"1508": 0.8621, "1580": 0.1379}), \
        "a 2019 part of Ålesund not in the weights file follows the chain through 1507"


def test_split_without_weights_is_divided_equally():
    m = _mapping()
    assert _targets(m, "1850", 2019) == {"1806": 0.5, "1875": 0.5}
    assert set(m.filter(pl.col("kode") == "1850")["metode"]) == {"deling_lik"}


def test_every_code_and_year_sums_to_one_and_lands_in_2024():
    m = _mapping()
    sums = m.group_by("kode", "aar").agg(pl.col("vekt").sum())
    assert (sums["vekt"] - 1).abs().max() < 1e-9
    assert set(m["kommunenummer_2024"]) <= CODES_2024
    assert set(m.filter(pl.col("aar") == 2024)["kode"]) == CODES_2024


def test_change_leading_outside_2024_is_refused():
    with pytest.raises(HarmonisationError, match="not 2024 municipalities"):
        build_mapping(_changes(), CODES_2020, CODES_2024 - {"1580"},
                      pl.DataFrame(schema={"kode": pl.String, "gyldig_fra": pl.Int32, "gyldig_til": pl.Int32,
                                           "kommunenummer_2024": pl.String, "vekt": pl.Float64}))


@given(st.sampled_from(sorted(CODES_2020 | {"0101", "1504", "1534", "1850", "1805", "1849"})),
       st.integers(2018, 2024))
def test_any_valid_code_and_year_maps_with_total_weight_one(code, year):
    m = _mapping()
    targets = _targets(m, code, year)
    if targets:  # the code is valid in that year
        assert sum(targets.values()) == pytest.approx(1.0)


# ---- on the database built from ../shared/mirror -------------------------------------------------------

def _db_targets(con, code: str, year: int) -> dict[str, float]:
    return dict(con.sql("SELECT kommunenummer_2024, vekt FROM kommunekode_mapping WHERE kode = $1 AND aar = $2",
                        params=[code, year]).fetchall())


def test_mirror_halden_alesund_and_haram(con):
    assert _db_targets(con, "3001", 2023) == {"3101": 1.0}
    alesund = _db_targets(con, "1507", 2023)
    assert set(alesund) == {"1508", "1580"} and sum(alesund.values()) == pytest.approx(1.0)
    assert _db_targets(con, "1534", 2019) == {"1580": 1.0}


def test_mirror_merged_2019_code_maps_to_its_successor(con):
    # Askim (0124) merged into Indre Østfold in 2020 (3014), renumbered 3118 in 2024
    assert _db_targets(con, "0124", 2019) == {"3118": 1.0}


def test_mirror_code_counts_per_year(con):
    counts = dict(con.sql("SELECT aar, count(DISTINCT kode) FROM kommunekode_mapping GROUP BY aar").fetchall())
    assert counts == {2018: 422, 2019: 422, 2020: 356, 2021: 356, 2022: 356, 2023: 356, 2024: 357}


def test_mirror_old_names_lead_to_today_with_a_note(con):
    rows = con.sql("SELECT kommunenummer_2024, merknad FROM kommune_historikk WHERE kode = '1534'").fetchall()
    assert rows and rows[0][0] == "1580"
    assert "delt" in rows[0][1] and "Haram (1580)" in rows[0][1]


def test_mirror_notes_list_three_parts_and_several_partners_in_good_norwegian(con):
    """'delt i Heim (5055), Hitra (5056) og Orkland (5059)', never 'i A og B og C'; partners end with 'og'."""
    notes = [n for (n,) in con.sql("SELECT DISTINCT merknad FROM kommune_historikk WHERE merknad IS NOT NULL")
             .fetchall()]
    parts = re.findall(r"ble delt i \d{4} i ((?:[^(),]+ \(\d{4}\)(?:, | og ))+[^(),]+ \(\d{4}\))", " ".join(notes))
    partners = re.findall(r"ble slått sammen med ([^()]+) til ", " ".join(notes))
    assert [p for p in parts if p.count("(") >= 3] and [p for p in partners if "," in p]
    bad = [p for p in parts + partners if p.count(" og ") > 1 or ("," in p and p.count(" og ") != 1)]
    assert not bad, bad


def test_mirror_a_merger_with_part_of_a_divided_municipality_does_not_say_the_whole(con):
    """Narvik (1805) merged with Ballangen and the part of Tysfjord that went to Narvik, not with all of Tysfjord:
    'ble slått sammen med Ballangen og en del av Tysfjord - Divtasvuodna'."""
    pairs = con.sql("""WITH delt AS (SELECT gammel_kode, reform_aar FROM src_kommuneendring GROUP BY 1, 2
                                     HAVING count(DISTINCT ny_kode) > 1)
                       SELECT a.gammel_kode, b.gammelt_navn, h.merknad
                       FROM src_kommuneendring a
                       JOIN src_kommuneendring b ON b.ny_kode = a.ny_kode AND b.reform_aar = a.reform_aar
                                                AND b.gammel_kode <> a.gammel_kode
                       JOIN delt d ON d.gammel_kode = b.gammel_kode AND d.reform_aar = b.reform_aar
                       JOIN kommune_historikk h ON h.kode = a.gammel_kode AND h.gyldig_til = a.reform_aar - 1
                       WHERE a.gammel_kode NOT IN (SELECT gammel_kode FROM delt)""").fetchall()
    assert pairs, "the mirror has no merger with part of a divided municipality"
    wrong = [(code, partner, note) for code, partner, note in pairs if f"en del av {partner}" not in note]
    assert not wrong, wrong
