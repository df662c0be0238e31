"""Frivillighet Norge's published figures: parsing with citations, and the views beside the survey."""

from __future__ import annotations

import pytest

from etl.errors import SourceError
from etl.sources import publiserte_tall as pt
from tests.conftest import fixture_bytes


def test_national_rows_keep_period_count_share_and_citation():
    df = pt.validate(pt.parse_national(fixture_bytes("publiserte_tall", "andel.csv"), "andel.csv"), "andel.csv")
    assert df["per"].to_list() == ["2018", "2022-06", "2024-07"]
    assert df["aar"].to_list() == [2018, 2022, 2024]
    assert df["maaned"].to_list() == [None, 6, 7]
    assert df["kommuner_med_politikk"].to_list() == [50, None, 110]
    assert df["andel_prosent"].to_list() == [11.7, 21.5, 30.8]
    assert df["kilde"][0] == 'Eksempelavisen 2018-03-01, "Frivillighet i kommunene"'
    assert df["url"].to_list() == ["https://eksempel.invalid/a", None, None]


def test_county_rows_get_two_digit_numbers():
    df = pt.parse_county(fixture_bytes("publiserte_tall", "fylke-2024.csv"), "fylke-2024.csv", 2024)
    assert df["fylkesnummer"].to_list() == ["03", "11"]
    assert df["med_politikk"].to_list() == [1, 9] and df["aar"].unique().to_list() == [2024]


def test_a_row_without_citation_is_refused():
    data = b"as_of,kommuner_med_politikk,andel_prosent,antall_kommuner,kilde,url,merknad\n2020,10,3,356,,,\n"
    with pytest.raises(SourceError) as err:
        pt.parse_national(data, "andel.csv")
    assert err.value.row == 2 and err.value.column == "kilde"


def test_more_municipalities_with_a_policy_than_in_the_county_is_refused():
    data = b"fylkesnummer,fylkesnavn,med_politikk,antall_kommuner,kilde,url\n39,Vestfold,13,12,X,\n"
    with pytest.raises(SourceError) as err:
        pt.validate(pt.parse_county(data, "fylke.csv", 2024), "fylke.csv")
    assert err.value.row == 2


def test_national_published_series_is_shown_with_its_citations(con):
    rows = con.sql("SELECT per, kommuner_med_politikk, antall_kommuner, andel_prosent, andel_beregnet, kilde "
                   "FROM publisert_frivillighetspolitikk ORDER BY per").fetchall()
    by_per = {r[0]: r for r in rows}
    assert by_per["2024-07"][1:3] == (107, 357)
    assert by_per["2019-07"][1:4] == (64, 422, 16.6)
    assert round(by_per["2019-07"][4], 1) == 15.2  # the published share differs from 64/422
    assert all(r[5] for r in rows)


def test_county_table_is_loaded_as_published(con):
    rows = dict(con.sql("SELECT fylkesnavn, med_politikk FROM publisert_frivillighetspolitikk_fylke").fetchall())
    assert (rows["Rogaland"], rows["Akershus"], rows["Innlandet"], rows["Oslo"]) == (17, 12, 14, 1)
    assert rows["Troms - Romsa - Tromssa"] == 0 and rows["Finnmark - Finnmárku - Finmarkku"] == 0
    total, denominators, per = con.sql("SELECT sum(med_politikk), sum(antall_kommuner), min(per) "
                                       "FROM publisert_frivillighetspolitikk_fylke").fetchall()[0]
    assert (total, denominators, per) == (107, 358, "2024-07")


def test_the_trend_puts_published_figures_beside_the_survey(con):
    rows = con.sql("SELECT aar, kilde_type, kommuner_med_politikk FROM frivillighetspolitikk_tidsserie "
                   "WHERE aar IN (2019, 2024)").fetchall()
    assert (2024, "publisert", 107) in rows and (2024, "undersokelse_runde", 107) in rows
    assert (2019, "publisert", 64) in rows and (2019, "undersokelse_runde", 64) in rows
