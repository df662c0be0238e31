"""The municipal survey source: reading exports, answer normalisation, duplicates, unknown codes, the mapping."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import SourceError
from etl.sources import kommuneundersokelse as ku
from tests.kommuneundersokelse_xlsx import HEADER, answer, write_export

CODES_2024 = {"0301", "1103", "1149", "3205", "4601", "5001"}
CODES_2019 = {"0101", "0301", "0227", "0231", "1103"}
R2024 = ku.CONFIG.rounds[2024]
R2019 = ku.CONFIG.rounds[2019]
FILE = "surveys/frivillighetspolitikk-2024.xlsx"


def _parse(tmp_path, rows, rnd=R2024, name="frivillighetspolitikk-2024.xlsx", header=None, config=ku.CONFIG):
    path = write_export(tmp_path / name, rows, header=header)
    return ku.validate(ku.parse(path.read_bytes(), f"surveys/{name}", rnd, config), f"surveys/{name}")


def _screen(df, codes=CODES_2024, rnd=R2024):
    return ku.screen(df, FILE, codes, rnd)


def test_a_clean_export_gives_one_row_per_municipality_with_typed_answers(tmp_path):
    df = _parse(tmp_path, [
        answer(101, "2024-04-15 09:00", "0301", "Oslo", "Ja", vedtak=2018, sentraler=12),
        answer(102, "2024-04-16 10:30", "1103", "Stavanger", "Nei", koordinator="Nei", lokaler="Nei"),
        answer(103, "2024-04-17 11:00", "4601", "Bergen", "Under arbeid", sentraler=0),
        answer(104, "2024-04-18 12:00", "5001", "Trondheim", "Vet ikke", tilskudd="Nei"),
    ])
    kept, notes = _screen(df)
    assert notes == []
    assert kept["kommunenummer"].to_list() == ["0301", "1103", "4601", "5001"]
    assert kept["status"].to_list() == ["ja", "nei", "under_arbeid", "vet_ikke"]
    oslo = kept.row(0, named=True)
    assert oslo["vedtaksaar"] == 2018 and oslo["antall_frivilligsentraler"] == 12
    assert oslo["innsendt"] == dt.datetime(2024, 4, 15, 9, 0)
    assert oslo["koordinator"] == "ja" and oslo["gratis_lokaler"] == "delvis" and oslo["frivillighetsraad"] == "nei"
    assert kept["rad"].to_list() == [2, 3, 4, 5]


def test_the_mirror_quirk_spellings_all_normalise(tmp_path):
    spellings = {"ja": "ja", " JA": "ja", "Ja ": "ja", "JA": "ja", "Ja, vedtatt 2020": "ja", "nei": "nei",
                 "NEI ": "nei", " Nei": "nei", "under arbeid": "under_arbeid", "Under arbeid ": "under_arbeid",
                 "vet ikke": "vet_ikke"}
    rows = [answer(200 + i, f"2024-05-{i + 1:02d} 08:00", f"{i + 1:04d}", f"K{i}", text)
            for i, text in enumerate(spellings)]
    df = _parse(tmp_path, rows)
    assert df["status"].to_list() == list(spellings.values())
    assert df["svar_politikk"].to_list() == [s.strip() for s in spellings]


def test_integer_municipality_number_gets_its_leading_zero_back_and_is_logged(tmp_path):
    df = _parse(tmp_path, [answer(1, "2024-04-20 10:00", 301, "Oslo", "Ja"),
                           answer(2, "2024-04-21 10:00", "1103", "Stavanger", "Nei")])
    kept, notes = _screen(df)
    assert kept["kommunenummer"].to_list() == ["0301", "1103"]
    assert [(n.code, n.action, n.row, n.value) for n in notes] == [("leading_zero", "rettet", 2, "301")]


def test_2019_codes_stored_as_integers_are_read_in_the_2019_division(tmp_path):
    df = _parse(tmp_path, [answer(1, "2019-05-02 10:00", 101, "Halden", "Ja"),
                           answer(2, "2019-05-03 10:00", 227, "Fet", "Nei")],
                rnd=R2019, name="frivillighetspolitikk-2019.xlsx")
    kept, notes = ku.screen(df, "surveys/frivillighetspolitikk-2019.xlsx", CODES_2019, R2019)
    assert kept["kommunenummer"].to_list() == ["0101", "0227"]
    assert kept["kodeaar"].unique().to_list() == [2019]
    assert {n.code for n in notes} == {"leading_zero"}


def test_a_duplicate_answer_keeps_the_latest_submission_and_logs_the_dropped_one(tmp_path):
    # The later answer is written ABOVE the earlier one: Innsendt decides, not the sheet order.
    df = _parse(tmp_path, [
        answer(11, "2024-05-13 07:27", "1149", "Karmøy", "Ja", vedtak=2022),
        answer(12, "2024-04-20 10:00", "0301", "Oslo", "Nei"),
        answer(10, "2024-05-04 04:27", "1149", "Karmøy", "Under arbeid", kommentar="Foreløpig svar"),
    ])
    kept, notes = _screen(df)
    assert kept.filter(kept["kommunenummer"] == "1149")["status"].to_list() == ["ja"]
    assert kept.height == 2
    (dup,) = notes
    assert (dup.code, dup.action, dup.row, dup.value) == ("duplicate", "ignorert", 4, "Under arbeid")
    assert "row 2" in dup.message


def test_an_unknown_municipality_number_is_rejected_and_reported_not_counted(tmp_path):
    df = _parse(tmp_path, [answer(1, "2024-05-02 10:15", "5099", "Testkommune", "Ja", vedtak=2023),
                           answer(2, "2024-05-03 10:00", "0301", "Oslo", "Ja")])
    kept, notes = _screen(df)
    assert kept["kommunenummer"].to_list() == ["0301"]
    assert kept.filter(kept["status"] == "ja").height == 1
    (rej,) = notes
    assert (rej.code, rej.action, rej.row, rej.value) == ("unknown_municipality", "avvist", 2, "5099")
    assert "Testkommune" in rej.message and "2024" in rej.message


def test_a_garbled_municipality_number_is_rejected(tmp_path):
    df = _parse(tmp_path, [answer(1, "2024-05-02 10:15", "Oslo", "Oslo", "Ja"),
                           answer(2, "2024-05-02 10:16", None, "Ukjent", "Nei")])
    kept, notes = _screen(df)
    assert kept.is_empty()
    assert [(n.code, n.action, n.row) for n in notes] == [("invalid_municipality", "avvist", 2),
                                                          ("invalid_municipality", "avvist", 3)]


def test_a_blank_row_mid_sheet_is_skipped_and_later_rows_keep_their_spreadsheet_numbers(tmp_path):
    rows = [answer(1, "2024-04-15 09:00", "0301", "Oslo", "Ja"), [],
            answer(2, "2024-04-16 09:00", "1103", "Stavanger", "Nei"),
            answer(3, "2024-04-17 09:00", "4601", "Bergen", "Kanskje")]
    with pytest.raises(SourceError) as err:
        _parse(tmp_path, rows)
    assert err.value.row == 5  # header row 1, Oslo row 2, blank row 3, Stavanger row 4, Bergen row 5
    df = _parse(tmp_path, rows[:3])
    assert df["rad"].to_list() == [2, 4]


def test_an_unrecognised_answer_stops_the_build_naming_file_row_column_and_value(tmp_path):
    with pytest.raises(SourceError) as err:
        _parse(tmp_path, [answer(1, "2024-04-15 09:00", "0301", "Oslo", "Ja"),
                          answer(2, "2024-04-16 09:00", "1103", "Stavanger", "Nja, litt")])
    e = err.value
    assert e.file == FILE and e.row == 3 and e.column == "Har kommunen en vedtatt frivillighetspolitikk?"
    assert "'Nja, litt'" in str(e) and "[answers.politikk]" in str(e)


def test_an_unrecognised_measure_answer_is_an_error_too(tmp_path):
    with pytest.raises(SourceError) as err:
        _parse(tmp_path, [answer(1, "2024-04-15 09:00", "0301", "Oslo", "Ja", lokaler="Av og til")])
    assert err.value.column == "Gir kommunen gratis lokaler til lag og foreninger?"


def test_a_blank_policy_answer_is_unknown_not_no(tmp_path):
    df = _parse(tmp_path, [answer(1, "2024-04-15 09:00", "0301", "Oslo", None)])
    kept, notes = _screen(df)
    assert kept["status"].to_list() == ["ukjent"]
    assert [(n.code, n.row) for n in notes] == [("blank_answer", 2)]


def test_a_missing_mapped_column_fails_naming_file_and_column(tmp_path):
    header = [h for h in HEADER if h != "Har kommunen en frivillighetskoordinator?"]
    rows = [answer(1, "2024-04-15 09:00", "0301", "Oslo", "Ja")[:6] + ["Nei", "Nei", "Ja", "Ja", 1, None]]
    with pytest.raises(SourceError) as err:
        _parse(tmp_path, rows, header=header)
    assert err.value.file == FILE
    assert "Har kommunen en frivillighetskoordinator?" in str(err.value) and err.value.column == "koordinator"


def test_an_unknown_round_year_fails_naming_the_file():
    with pytest.raises(SourceError) as err:
        ku.round_for("frivillighetspolitikk-2023.xlsx", "surveys/frivillighetspolitikk-2023.xlsx")
    assert err.value.file == "surveys/frivillighetspolitikk-2023.xlsx" and "[rounds.2023]" in str(err.value)
    with pytest.raises(SourceError):
        ku.round_for("frivillighetspolitikk.xlsx", "surveys/frivillighetspolitikk.xlsx")


def test_a_reworded_survey_needs_only_a_mapping_entry(tmp_path):
    reworded = {"ID": "respondent_id", "Sendt inn": "innsendt", "Kommunenr.": "kommunenummer",
                "Kommunenavn": "kommunenavn", "Har kommunen vedtatt en lokal frivillighetspolitikk?": "politikk",
                "Har kommunen frivillighetskoordinator?": "koordinator"}
    rnd = ku.Round(year=2027, kodeaar=2024, columns=reworded, sheet="Svar")
    config = dataclasses.replace(ku.CONFIG, rounds={**ku.CONFIG.rounds, 2027: rnd})
    assert ku.round_for("frivillighetspolitikk-2027.xlsx", "x", config) is rnd
    path = write_export(tmp_path / "frivillighetspolitikk-2027.xlsx",
                        [[1, dt.datetime(2027, 5, 1, 12), "0301", "Oslo", "JA", "ja", "Ny kolonne"]],
                        header=[*reworded, "Nytt spørsmål"])
    df = ku.parse(path.read_bytes(), "x", rnd, config)
    assert df.select("runde", "kommunenummer", "status", "koordinator", "frivillighetsraad").row(0) == \
        (2027, "0301", "ja", "ja", None)
    assert ku.unmapped_columns(ku.read_sheet(path.read_bytes(), "x", rnd).columns, rnd) == ["Nytt spørsmål"]


def test_the_shipped_mapping_describes_the_three_rounds_in_their_own_code_years():
    assert {y: r.kodeaar for y, r in ku.CONFIG.rounds.items()} == {2019: 2019, 2021: 2021, 2024: 2024}
    for rnd in ku.CONFIG.rounds.values():
        assert set(ku.REQUIRED) <= set(rnd.columns.values())


def test_submission_times_in_other_export_formats_are_read():
    assert ku.parse_timestamp("2024-04-26 11:23:15") == dt.datetime(2024, 4, 26, 11, 23, 15)
    assert ku.parse_timestamp("26.04.2024 11:23") == dt.datetime(2024, 4, 26, 11, 23)
    assert ku.parse_timestamp("45408.5") == dt.datetime(2024, 4, 26, 12, 0)
    with pytest.raises(ValueError):
        ku.parse_timestamp("i går")


def test_valid_codes_per_year_come_from_the_reference_data(con):
    assert [len(ku.valid_codes(con, y)) for y in (2019, 2021, 2024)] == [422, 356, 357]
    assert "0227" in ku.valid_codes(con, 2019) and "5099" not in ku.valid_codes(con, 2024)


# --- property tests -----------------------------------------------------------------------------------------

VOCAB = ku.CONFIG.answers["politikk"]
PHRASES = {"Ja": "ja", "Nei": "nei", "Under arbeid": "under_arbeid", "Vet ikke": "vet_ikke",
           "Ja, vedtatt 2019": "ja"}
SPACE = st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", " \t "])


@st.composite
def variant(draw):
    """A valid answer with random letter case and random whitespace around and between its words."""
    phrase = draw(st.sampled_from(sorted(PHRASES)))
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in phrase)
    words = cased.split(" ")
    glue = [draw(SPACE) for _ in words[1:]]
    text = words[0] + "".join(g + w for g, w in zip(glue, words[1:], strict=True))
    return phrase, draw(st.sampled_from(["", " ", "\t", "\u00a0"])) + text + draw(st.sampled_from(["", " ", "  "]))


@given(variant())
def test_any_casing_or_whitespace_variant_normalises_to_the_same_status(case):
    phrase, text = case
    assert ku.normalise_answer(text, VOCAB) == PHRASES[phrase]


@given(st.text(max_size=30))
def test_garbage_never_silently_becomes_nei(text):
    try:
        status = ku.normalise_answer(text, VOCAB)
    except ValueError:
        return  # unrecognised answers stop the build
    if status is None:
        assert not text.strip()  # only a blank answer is "no answer"
    elif status == "nei":
        assert ku.answer_key(text) == "nei"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
       .filter(lambda t: "nei" not in ku.answer_key(t)))
def test_an_answer_without_nei_in_it_is_never_nei(text):
    try:
        assert ku.normalise_answer(text, VOCAB) != "nei"
    except ValueError:
        pass


# --- the harmonisation rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("predecessors", "expected"), [
    (["ja"], "ja"),
    (["nei", "ja", "ukjent"], "ja"),
    (["ukjent", "under_arbeid"], "under_arbeid"),
    (["nei", "ukjent"], "ukjent"),
    (["ukjent", "ukjent"], "ukjent"),
    (["nei", "vet_ikke"], "vet_ikke"),
    (["nei", "nei", "nei"], "nei"),
])
def test_harmonised_status_rule(predecessors, expected):
    assert ku.harmonised_status(predecessors) == expected


@given(st.lists(st.sampled_from(ku.STATUSES), min_size=1, max_size=6))
def test_harmonised_status_is_ja_exactly_when_a_predecessor_said_ja_and_nei_only_when_all_did(statuses):
    result = ku.harmonised_status(statuses)
    assert (result == "ja") == ("ja" in statuses)
    assert (result == "nei") == all(s == "nei" for s in statuses)
    assert result != "ukjent" or "ukjent" in statuses
