"""Grasrotandelen source: Norwegian amounts, BOM, Windows-1252, NBSP, upper-case header, total rows, file year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import BuildLog, SourceError
from etl.parsing import parse_nok, parse_nok_decimal
from etl.sources import grasrotandel
from etl.sources._grants import year_from_name
from tests.conftest import fixture_bytes

SEPARATORS = [" ", "\u00a0", "\u202f", ""]


def norwegian(ore: int, sep: str, decimals: bool) -> str:
    """An amount in øre written the Norwegian way: '-1 234 567,89' (sep between thousands, decimal comma)."""
    kr, rest = divmod(abs(ore), 100)
    digits = str(kr)
    groups = [digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)][::-1]
    text = ("-" if ore < 0 else "") + sep.join(groups)
    return f"{text},{rest:02d}" if decimals else text


@given(ore=st.integers(min_value=-(10**17), max_value=10**17), sep=st.sampled_from(SEPARATORS),
       pad=st.sampled_from(["", " ", "\u00a0"]))
def test_any_norwegian_amount_parses_back_exactly(ore, sep, pad):
    text = pad + norwegian(ore, sep, decimals=True) + pad
    expected = Decimal(ore) / 100
    assert parse_nok_decimal(text) == expected
    assert parse_nok(text) == float(expected)  # the float parser gives the nearest double of the same value


@given(kr=st.integers(min_value=0, max_value=10**15), sep=st.sampled_from(SEPARATORS))
def test_whole_kroner_without_decimals_parse_back_exactly(kr, sep):
    assert parse_nok_decimal(norwegian(kr * 100, sep, decimals=False)) == Decimal(kr)


@pytest.mark.parametrize("bad", ["12,34,56", "1 2a3", "abc", "1,2,3"])
def test_text_that_is_not_an_amount_is_refused(bad):
    with pytest.raises(ValueError):
        parse_nok_decimal(bad)


def test_empty_amount_is_none_not_zero():
    assert parse_nok_decimal("") is None
    assert parse_nok_decimal("  ") is None


def parse(name: str, year: int):
    return grasrotandel.parse(fixture_bytes("grasrotandel", name), f"grants/{name}", year)


def test_bom_file_reads_header_and_exact_amounts():
    df, notes = parse("grasrotandel-2024.csv", 2024)
    assert fixture_bytes("grasrotandel", "grasrotandel-2024.csv").startswith(b"\xef\xbb\xbf")
    assert df["orgnr"].to_list()[0] == "800008697"  # the BOM did not eat into the first column
    assert df["belop"].sum() == Decimal("18525.52") + Decimal("3920.13") + Decimal("1206389.42") + Decimal("45")
    assert df["givere"].sum() == 68
    assert notes == []


def test_rows_keep_their_line_number_and_municipality_code_as_text():
    df, _ = parse("grasrotandel-2024.csv", 2024)
    assert df["rad"].to_list() == [2, 3, 4, 5]
    assert df["kommunenummer"].to_list()[0] == "0301"


def test_windows_1252_file_is_decoded_and_logged():
    df, notes = parse("grasrotandel-2019-cp1252.csv", 2019)
    assert "REVETOPPEN SVØMMEKLUBB" in df["navn"].to_list()
    assert [n.code for n in notes] == ["encoding"]
    assert df["belop"].sum() == Decimal("21500.00")


def test_old_municipality_codes_are_kept_as_in_the_file():
    df, _ = parse("grasrotandel-2019-cp1252.csv", 2019)
    assert df["kommunenummer"].to_list() == ["0301", "0602", "1507", "1534"]
    assert set(df["aar"].to_list()) == {2019}


def test_nbsp_thousands_separator():
    df, _ = parse("grasrotandel-2021-nbsp.csv", 2021)
    assert df["belop"].to_list() == [Decimal("18525.52"), Decimal("1203920.13")]


def test_trailing_sum_row_is_checked_and_not_a_recipient():
    df, notes = parse("grasrotandel-2022-sum.csv", 2022)
    assert df.height == 2
    assert df["orgnr"].null_count() == 0
    assert [(n.code, n.row) for n in notes] == [("total_row", 4)]


def test_sum_row_that_does_not_add_up_fails_naming_the_file():
    with pytest.raises(SourceError) as err:
        parse("grasrotandel-2022-sum-feil.csv", 2022)
    assert "grants/grasrotandel-2022-sum-feil.csv" in str(err.value)
    assert err.value.row == 4
    assert "22 445,66" in str(err.value) and "22 445,65" in str(err.value)


def test_upper_case_header():
    df, _ = parse("grasrotandel-2023-upper.csv", 2023)
    assert df.height == 2 and df["belop"].sum() == Decimal("22445.65")


def test_missing_amount_column_names_it():
    data = "Organisasjonsnummer;Organisasjonsnavn;Kommunenummer;Antall givere\r\n800008697;X;0301;3\r\n"
    with pytest.raises(SourceError, match="Beløp"):
        grasrotandel.parse(data.encode("utf-8-sig"), "grants/grasrotandel-2020.csv", 2020)


def test_row_without_orgnr_that_is_not_a_total_fails_with_its_row():
    data = ("Organisasjonsnummer;Organisasjonsnavn;Kommunenummer;Kommune;Antall givere;Beløp (kr)\r\n"
            "800008697;A;0301;Oslo;3;10,00\r\n;B;0301;Oslo;2;5,00\r\n")
    with pytest.raises(SourceError) as err:
        grasrotandel.parse(data.encode("utf-8-sig"), "grants/grasrotandel-2020.csv", 2020)
    assert err.value.row == 3


def test_bad_amount_names_row_and_column():
    data = ("Organisasjonsnummer;Organisasjonsnavn;Kommunenummer;Kommune;Antall givere;Beløp (kr)\r\n"
            "800008697;A;0301;Oslo;3;10,00\r\n800008698;B;0301;Oslo;2;ti kroner\r\n")
    with pytest.raises(SourceError) as err:
        grasrotandel.parse(data.encode("utf-8-sig"), "grants/grasrotandel-2020.csv", 2020)
    assert (err.value.row, err.value.column) == (3, "Beløp (kr)")


def test_year_comes_from_the_file_name():
    assert year_from_name("grasrotandel-2019.csv", "grasrotandel", "x") == 2019
    assert year_from_name("momskompensasjon-2024.xlsx", "momskompensasjon", "x") == 2024
    with pytest.raises(SourceError, match="no year"):
        year_from_name("grasrotandel.csv", "grasrotandel", "grants/grasrotandel.csv")


def test_duplicate_orgnr_is_logged():
    data = ("Organisasjonsnummer;Organisasjonsnavn;Kommunenummer;Kommune;Antall givere;Beløp (kr)\r\n"
            "800008697;A;0301;Oslo;3;10,00\r\n800008697;A;0301;Oslo;2;5,00\r\n")
    df, _ = grasrotandel.parse(data.encode("utf-8-sig"), "f", 2020)
    notes = grasrotandel.duplicates(df)
    assert [n.row for n in notes] == [2, 3]
    log = BuildLog()
    from etl.sources._grants import log_notes
    log_notes(log, "grasrotandel", "f", notes)
    assert {d.code for d in log.deviations} == {"duplicate_orgnr"}


# --- integration: the database built from the shared mirror -------------------------------------------------

def test_grasrot_2019_and_2023_totals_to_the_krone(con):
    got = dict(con.sql("SELECT aar, sum(belop) FROM grasrotandel GROUP BY aar").fetchall())
    assert got[2019] == Decimal("698265345")
    assert got[2023] == Decimal("794000000")


def test_grasrot_2019_givers_and_recipients_as_published(con):
    (row,) = con.sql("SELECT givere, mottakere FROM grasrot_indikator WHERE nivaa = 'land' AND aar = 2019").fetchall()
    assert row == (1246406, 35050)


def test_every_2024_municipality_has_per_capita_grasrot_every_year(con):
    rows = con.sql("""SELECT aar, count(*), count(kr_per_innbygger) FROM grasrot_indikator
                      WHERE nivaa = 'kommune' GROUP BY aar ORDER BY aar""").fetchall()
    assert [r[0] for r in rows] == list(range(2019, 2025))
    assert all(r[1] == 357 and r[2] == 357 for r in rows)
    missing = con.sql("""SELECT kommunenummer FROM kommune EXCEPT
                         SELECT kode FROM grasrot_indikator WHERE nivaa = 'kommune' AND aar = 2024""").fetchall()
    assert missing == []


def test_idrett_gets_about_half_of_grasrot_2023(con):
    (share,) = con.sql("""SELECT sum(belop) FILTER (WHERE icnpo_primaer = '1200') / sum(belop)
                          FROM grasrotandel WHERE aar = 2023""").fetchall()[0]
    assert 0.45 < share < 0.56


def raw_file(fixture: str, name: str, origin: str):
    from etl.cache import RawFile
    from tests.conftest import FIXTURES

    path = FIXTURES / "grasrotandel" / fixture
    return RawFile("grasrotandel", name, path, "0" * 64, path.stat().st_size, "2024-01-01", origin)


def test_load_writes_every_year_and_logs_encoding_and_total_row():
    import duckdb

    con = duckdb.connect()
    log = BuildLog()
    files = [raw_file("grasrotandel-2019-cp1252.csv", "grasrotandel-2019.csv", "grants/grasrotandel-2019.csv"),
             raw_file("grasrotandel-2022-sum.csv", "grasrotandel-2022.csv", "grants/grasrotandel-2022.csv")]
    counts = grasrotandel.load(con, files, log)
    assert counts == {"grasrotandel-2019.csv": 4, "grasrotandel-2022.csv": 2}
    assert con.sql("SELECT aar, sum(belop) FROM src_grasrotandel GROUP BY aar ORDER BY aar").fetchall() == [
        (2019, Decimal("21500.00")), (2022, Decimal("22445.65"))]
    assert sorted((d.file, d.code, d.action) for d in log.deviations) == [
        ("grants/grasrotandel-2019.csv", "encoding", "rettet"),
        ("grants/grasrotandel-2022.csv", "total_row", "ignorert")]


def test_load_of_a_file_that_does_not_add_up_fails_naming_the_file():
    import duckdb

    bad = raw_file("grasrotandel-2022-sum-feil.csv", "grasrotandel-2022.csv", "grants/grasrotandel-2022.csv")
    with pytest.raises(SourceError, match=r"^grants/grasrotandel-2022\.csv, row 4"):
        grasrotandel.load(duckdb.connect(), [bad], BuildLog())


def test_two_files_for_one_year_are_refused():
    import duckdb

    a = raw_file("grasrotandel-2024.csv", "grasrotandel-2024.csv", "grants/grasrotandel-2024.csv")
    b = raw_file("grasrotandel-2024.csv", "grasrotandel-2024 (1).csv", "grants/grasrotandel-2024 (1).csv")
    with pytest.raises(SourceError, match="two files for the same year"):
        grasrotandel.load(duckdb.connect(), [a, b], BuildLog())
