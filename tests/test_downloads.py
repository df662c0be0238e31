"""Downloads: the XLSX and CSV files a user gets from every table and chart (dashboard/downloads.py)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import polars as pl
import pytest

from dashboard.downloads import Provenance, to_csv, to_xlsx

PROV = Provenance(title="Nøkkeltall Ålesund", source="Brønnøysundregistrene: Frivillighetsregisteret",
                  licence="NLOD 2.0", retrieved="30. september 2025", url="https://data.brreg.no", synthetic=True)
EVIL = '=HYPERLINK("http://evil.example","Klikk her")'
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture()
def table() -> pl.DataFrame:
    """A small table like the ones on the pages: register names, counts, shares and rates."""
    return pl.DataFrame({
        "navn": ["ÅLESUND FRIVILLIGSENTRAL", EVIL, SCRIPT],
        "orgnr": ["823403879", "844390866", "870613237"],
        "aar": [2024, 2024, 2024],
        "antall": [1234567, 12, 0],
        "andel": [0.4849, 0.5, None],
        "per_1000": [11.8834, 1.0, 0.25],
    })


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_xlsx_opens_with_source_and_licence_rows(table):
    wb = _book(to_xlsx(table, PROV))
    assert wb.sheetnames == ["Data", "Kilde"]
    first_col = [r[0] for r in _rows(wb["Data"])]
    assert first_col[0] == "Navn"  # Norwegian header
    assert "Kilde: Brønnøysundregistrene: Frivillighetsregisteret" in first_col
    assert "Lisens: NLOD 2.0" in first_col
    assert "Hentet: 30. september 2025" in first_col
    assert any(str(v).startswith("Merk: syntetiske testdata") for v in first_col if v)
    meta = {r[0]: r[1] for r in _rows(wb["Kilde"])}
    assert meta["Kilde"] == "Brønnøysundregistrene: Frivillighetsregisteret"
    assert meta["Lisens"] == "NLOD 2.0"


def test_xlsx_headers_are_norwegian(table):
    header = _rows(_book(to_xlsx(table, PROV))["Data"])[0]
    assert header == ["Navn", "Organisasjonsnummer", "År", "Antall", "Andel", "Per 1 000 innbyggere"]


def test_xlsx_number_formats_on_numeric_cells(table):
    ws = _book(to_xlsx(table, PROV))["Data"]
    antall, andel, per = ws["D2"], ws["E2"], ws["F2"]
    assert antall.value == 1234567 and antall.data_type == "n" and antall.number_format == "#,##0"
    assert andel.value == pytest.approx(0.4849) and andel.number_format == "0.0%"
    assert per.number_format == "#,##0.0"
    # codes and years stay plain: no thousands separator in 2024 or an organisation number
    assert ws["C2"].value == 2024 and ws["C2"].number_format == "General"
    assert ws["B2"].value == "823403879" and ws["B2"].data_type == "s"
    assert ws["E4"].value is None  # missing share is an empty cell, not 0


def test_xlsx_register_text_is_inert(table):
    data = to_xlsx(table, PROV)
    ws = _book(data)["Data"]
    assert ws["A3"].value == EVIL and ws["A3"].data_type == "s"
    assert ws["A4"].value == SCRIPT and ws["A4"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
        links = [n for n in z.namelist() if "hyperlink" in n.lower() or n.endswith(".rels") and "worksheets" in n]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets), "a formula was written"
    assert not any(b"<hyperlink" in s for s in sheets) and not links


def test_csv_is_what_norwegian_excel_expects(table):
    data = to_csv(table, PROV)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").split("\r\n")
    # a share is a fraction in the file, and its header says so (a spreadsheet shows 0,4849, not 48,5 %)
    assert lines[0] == "Navn;Organisasjonsnummer;År;Antall;Andel, 0–1 (1 = 100 %);Per 1 000 innbyggere"
    first = lines[1].split(";")
    assert first == ["ÅLESUND FRIVILLIGSENTRAL", "823403879", "2024", "1234567", "0,4849", "11,8834"]
    assert "Kilde: Brønnøysundregistrene: Frivillighetsregisteret" in lines
    assert "Lisens: NLOD 2.0" in lines


def test_csv_register_text_is_inert(table):
    lines = to_csv(table, PROV).decode("utf-8-sig").split("\r\n")
    # a formula is quoted and prefixed with an apostrophe, so a spreadsheet shows it as text
    assert lines[2].startswith('"\'=HYPERLINK(""http://evil.example"",""Klikk her"")";')
    assert not any(line.startswith("=") for line in lines)
    assert lines[3].startswith(SCRIPT + ";")  # plain text in a CSV; never rendered as HTML


def test_profile_download_from_the_database(mirror_db, monkeypatch):
    """The key-figure table of a real profile, as the page offers it, opens and carries its sources."""
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    from dashboard import profil, queries

    p = profil.load("1508")
    _, data = profil.key_table(p)
    prov = queries.provenance("Nøkkeltall Ålesund", "frivillighetsregisteret", "grasrotandel",
                              "kommuneundersokelse", "befolkning")
    wb = _book(to_xlsx(data, prov))
    rows = _rows(wb["Data"])
    assert rows[0] == ["Kommunenummer", "Fylkesnummer", "Nøkkeltall", "Enhet", "År", "Kommune", "Fylke", "Landet",
                       "Lignende kommuner", "Lignende kommuner: tallet er"]
    assert {r[:2] == ["1508", "15"] for r in rows[1:] if r[2] and not str(r[0]).startswith(("Kilde", "Lisens"))} \
        == {True}, "every row names the municipality and county by number (text: leading zeros kept)"
    rows = [r[2:] for r in rows if r[2]]  # the figures, as before the numbers were added
    org = next(r for r in rows if r[0] == "Frivillige organisasjoner per 1 000 innbyggere")
    assert isinstance(org[3], float) and 5 < org[3] < 30
    first_col = [str(r[0]) for r in _rows(wb["Data"]) if r[0]]
    assert any(c.startswith("Kilde: ") and "Brønnøysundregistrene" in c for c in first_col)
    assert any(c.startswith("Lisens: ") and "NLOD" in c for c in first_col)
    share = next(r for r in rows if r[0] == "Andel registrerte organisasjoner som mottar grasrotandel")
    assert share[1] == "andel, 0–1 (1 = 100 %)" and 0.2 < share[3] < 0.8  # fractions, as in every download
    assert share[7] == "median"
    policy = next(r for r in rows if r[0] == "Andel kommuner med vedtatt frivillighetspolitikk")
    assert policy[3] in (0.0, 1.0) and policy[7] == "andel", "for similar municipalities a share, not a median"


def test_every_kind_of_share_column_says_it_is_a_fraction():
    """A share written out as the indicator's name (Kart's download), and the response rate, whose screen header
    'Svarprosent' would contradict '0–1'; counts and plain numbers get no note."""
    df = pl.DataFrame({"Andel organisasjoner som deltar i grasrotandelen": [0.4289], "svarprosent": [0.824],
                       "antall": [12], "per_1000": [11.9]})
    header = to_csv(df, PROV).decode("utf-8-sig").split("\r\n")[0].split(";")
    note = ", 0–1 (1 = 100\u00a0%)"
    assert header == ["Andel organisasjoner som deltar i grasrotandelen" + note, "Svarandel" + note, "Antall",
                      "Per 1 000 innbyggere"]
    ws = _book(to_xlsx(df, PROV))["Data"]
    assert [ws["A2"].number_format, ws["B2"].number_format] == ["0.0%", "0.0%"]  # shown as 42,9 % in Excel
    assert ws["B1"].value == "Svarprosent"  # a percentage there, so the screen's header


def test_licences_shared_by_several_sources_are_named_once():
    from dashboard.queries import unique_parts

    synthetic = "syntetiske data (ingen tredjepartsposter); formatet følger de offentlige kildene"
    parts = unique_parts(sorted({f"{synthetic}; Brreg-feltnavn (NLOD 2.0)", f"{synthetic}; Frivillighetsregisteret-feltnavn",
                                 "SSB KLASS, NLOD 2.0; via niphr/csdata (MIT) og nor-maps (navn; ingen lisens oppgitt)"}))
    assert parts.count("formatet følger de offentlige kildene") == 1
    assert "via niphr/csdata (MIT) og nor-maps (navn; ingen lisens oppgitt)" in parts, "'; ' in brackets is kept"
    assert len(parts) == 6


def test_years_never_get_a_thousands_separator_in_excel():
    df = pl.DataFrame({"kommunenavn": ["Halden"], "vedtaksaar": [2019], "Runde": [2024], "Vedtatt år": [2019],
                       "folketall": [31_000]})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(df, PROV)))["Data"]
    formats = {ws.cell(1, j).value: ws.cell(2, j).number_format for j in range(1, 6)}
    assert formats == {"Kommune": "General", "Vedtatt år": "General", "Runde": "General", "Folketall": "#,##0"}


def test_a_table_with_one_unit_per_row_formats_each_row_by_its_unit():
    """The profile's key figures: counts whole, kroner whole, shares as per cent, per 1 000 with a decimal."""
    df = pl.DataFrame({"nøkkeltall": ["Registrerte organisasjoner", "Andel som mottar", "Per 1 000", "Kroner"],
                       "enhet": ["organisasjoner", "andel, 0–1 (1 = 100 %)", "per 1 000 innbyggere", "kr per innbygger"],
                       "aar": [2025, 2024, 2025, 2024], "kommune": [2451.0, 0.487, 8.3, 90.0],
                       "landet": [72800.0, 0.5, 12.9, 146.0]})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(df, PROV)))["Data"]
    assert [ws.cell(r, 4).number_format for r in range(2, 6)] == ["#,##0", "0.0%", "#,##0.0", "#,##0"]
    assert [ws.cell(r, 3).number_format for r in range(2, 6)] == ["General"] * 4  # the year


def test_every_share_in_a_view_is_a_fraction_unless_its_header_says_per_cent(con):
    """A view's download heads a share '0–1' or '(prosent, 0–100)': the values must agree, in every public view."""
    from dashboard.downloads import is_share, percent_columns

    views = [v for (v,) in con.sql("""SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'
                                      AND table_schema = 'main' AND NOT starts_with(table_name, 'stg_')""").fetchall()]
    fractions, percents = {}, {}
    for view in views:
        cols = con.sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1",
                       params=[view]).fetchall()
        shares = [c for c, t in cols if t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL")]
        percent = percent_columns(view, [c for c, _ in cols])
        for c in shares:
            if not (c in percent or is_share(pl.Float64, c)):
                continue
            top = con.sql(f'SELECT max("{c}")::DOUBLE FROM "{view}"').fetchall()[0][0]
            (percents if c in percent else fractions)[f"{view}.{c}"] = top
    assert fractions and percents
    assert not {k: v for k, v in fractions.items() if v is not None and v > 1 + 1e-9}, "a fraction above 1"
    assert not {k: v for k, v in percents.items() if v is not None and v > 100 + 1e-9}
    assert max(v for v in percents.values() if v is not None) > 1, "the per-cent columns are per cent"


def test_a_share_in_per_cent_is_headed_and_formatted_as_per_cent_not_as_a_fraction(table):
    per_cent = table.with_columns(pl.col("andel") * 100)  # as the policy views give it: 48.49
    ws = _book(to_xlsx(per_cent, PROV, percent=frozenset({"andel"})))["Data"]
    header = [c.value for c in ws[1]]
    j = header.index("Andel, i prosent (0–100)")
    cell = ws.cell(row=2, column=j + 1)
    assert cell.value == pytest.approx(48.49) and "%" not in cell.number_format, "4 849 % in Excel"
    csv = to_csv(per_cent, PROV, frozenset({"andel"})).decode("utf-8-sig").split("\r\n")
    assert "Andel, i prosent (0–100)" in csv[0].split(";") and ";48,49;" in csv[1]
    assert "Andel, 0–1 (1 = 100\u00a0%)" in to_csv(table, PROV).decode("utf-8-sig").split("\r\n")[0].split(";")


def test_a_long_title_gives_a_file_name_cut_between_words_that_keeps_its_year():
    from dashboard.components import slug

    assert slug("Kr per innbygger 2024") == "kr-per-innbygger-2024"
    name = slug("Andel registrerte organisasjoner som mottar grasrotandel, kommuner, 2024")
    assert name.endswith("-2024") and len(name) <= 60 and "--" not in name
    assert slug("Å" * 70) == "a" * 60 and slug("!!!") == "data"
