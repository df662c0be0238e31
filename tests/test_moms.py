"""Momskompensasjon source: title rows above the header, numbers stored as text, total rows, sheet per year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.errors import SourceError
from etl.sources import momskompensasjon
from tests.conftest import fixture_bytes


def parse(name: str, year: int):
    return momskompensasjon.parse(fixture_bytes("momskompensasjon", name), f"grants/{name}", year)


def test_header_below_title_rows_is_found_and_rows_keep_spreadsheet_numbers():
    df, _ = parse("momskompensasjon-2018.xlsx", 2018)
    assert df["orgnr"].to_list() == ["947062727", "904946605", "950444819"]
    assert df["rad"].to_list() == [5, 6, 7]  # header on row 4, as Excel shows it


def test_amounts_are_exact_and_old_codes_kept():
    df, _ = parse("momskompensasjon-2018.xlsx", 2018)
    assert df["utbetalt"].sum() == Decimal("2152162")
    assert df["sokt"].sum() == Decimal("2888808")
    assert df["kommunenummer"].to_list() == ["0301", "0602", "1507"]


def test_sum_row_is_checked_and_ignored():
    df, notes = parse("momskompensasjon-2018.xlsx", 2018)
    assert df.height == 3
    assert [(n.code, n.row) for n in notes] == [("total_row", 8)]


def test_sum_row_that_does_not_add_up_fails_naming_the_file():
    with pytest.raises(SourceError) as err:
        parse("momskompensasjon-2018-sumfeil.xlsx", 2018)
    assert "grants/momskompensasjon-2018-sumfeil.xlsx" in str(err.value)
    assert err.value.row == 8 and err.value.column == "Utbetalt beløp"


def test_extra_title_row_and_numbers_stored_as_text():
    df, _ = parse("momskompensasjon-2021.xlsx", 2021)
    assert df["rad"].to_list() == [6, 7]  # header on row 5
    assert df["utbetalt"].to_list() == [Decimal("450000"), Decimal("1400000")]
    assert df["sokt"].to_list() == [Decimal("600000"), Decimal("1800000")]


def test_municipality_code_stored_as_a_number_gets_its_leading_zero():
    df, _ = parse("momskompensasjon-2021.xlsx", 2021)
    assert df["kommunenummer"].to_list() == ["0301", "3005"]


def test_missing_year_sheet_names_the_sheets_found():
    with pytest.raises(SourceError, match="Utbetalinger 2018.*Ark1"):
        parse("momskompensasjon-2018-feil-ark.xlsx", 2018)


def test_sheet_of_another_year_is_refused():
    with pytest.raises(SourceError, match="no sheet 'Utbetalinger 2019'"):
        parse("momskompensasjon-2018.xlsx", 2019)


def test_not_a_spreadsheet():
    with pytest.raises(SourceError, match="not a readable .xlsx"):
        momskompensasjon.parse(b"Organisasjonsnummer;Organisasjon\n", "grants/momskompensasjon-2020.xlsx", 2020)


def test_file_without_header_row():
    data = fixture_bytes("grasrotandel", "grasrotandel-2024.csv")
    with pytest.raises(SourceError):
        momskompensasjon.parse(data, "grants/momskompensasjon-2024.xlsx", 2024)


def test_first_row_is_found_when_the_sheet_starts_below_row_1():
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Utbetalinger 2022"
    ws["A3"] = "Organisasjonsnummer"
    ws["B3"], ws["C3"], ws["D3"] = "Organisasjon", "Søkt beløp", "Utbetalt beløp"
    ws.append(["947062727", "A", 10, "5,50"])
    buf = io.BytesIO()
    wb.save(buf)
    df, _ = momskompensasjon.parse(buf.getvalue(), "grants/momskompensasjon-2022.xlsx", 2022)
    assert df["rad"].to_list() == [4]
    assert df["utbetalt"].to_list() == [Decimal("5.50")]
    assert df["kommunenummer"].to_list() == [None]
