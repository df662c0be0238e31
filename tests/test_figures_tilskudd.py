"""Grant page builders without Streamlit: figures, texts and tables from small frames, and the query functions on
the mirror database (amounts, places, the head-office note, the published-totals status)."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard import figures, tilskudd
from dashboard import figures_tilskudd as ft
from dashboard.format import fmt_int, fmt_num
from dashboard.labels import label
from dashboard.queries_tilskudd import GRASROT, MOMS

NBSP = "\u00a0"


def _series(moms: bool = False) -> pl.DataFrame:
    """Bergen and the country over three years, in the shape queries_tilskudd.series returns."""
    rows = []
    for nivaa, kode, navn, base, per in (("kommune", "4601", "Bergen", 20e6, 70.0), ("land", "0", "Hele landet",
                                                                                    700e6, 130.0)):
        for i, aar in enumerate((2019, 2020, 2021)):
            paid = base * (1 + 0.1 * i)
            rows.append({"nivaa": nivaa, "kode": kode, "navn": navn, "aar": aar, "utbetalt": paid,
                         "sokt": paid / 0.8 if moms else None, "mottakere": 100 + 10 * i, "givere": 1000,
                         "folketall": 1000, "kr_per_innbygger": per + i, "registrerte": 200,
                         "andel_registrerte_mottar": None if moms else 0.5 - 0.01 * i,
                         "andel_av_søkt_utbetalt": 0.8 if moms else None, "andel_av_landet": 0.03 if moms else None,
                         "andel_oslo": 0.55 if moms and nivaa == "land" else None,
                         "merknad": "Hovedkontor-merknad 2021" if moms and nivaa != "land" else None,
                         "er_valgt": nivaa == "kommune"})
    return pl.DataFrame(rows, schema_overrides={"sokt": pl.Float64, "andel_registrerte_mottar": pl.Float64,
                                                "andel_av_søkt_utbetalt": pl.Float64, "andel_av_landet": pl.Float64,
                                                "andel_oslo": pl.Float64, "merknad": pl.String})


BERGEN = tilskudd.Place("kommune", "4601", "Bergen", fylke="46", kommune="4601", fylkesnavn="Vestland")


# ---- figures ------------------------------------------------------------------------------------------------

def test_amounts_are_drawn_in_millions_with_exact_norwegian_hover_amounts():
    fig = ft.amount_by_year(_series().filter(pl.col("er_valgt")))
    (bar,) = fig.data
    assert list(bar.y) == pytest.approx([20.0, 22.0, 24.0])
    assert bar.customdata[0][0] == f"20{NBSP}000{NBSP}000{NBSP}kr"
    assert fig.layout.yaxis.title.text == "mill. kr"


def test_moms_amounts_show_applied_for_beside_paid():
    fig = ft.amount_by_year(_series(moms=True).filter(pl.col("er_valgt")))
    assert [t.name for t in fig.data] == ["Søkt", "Utbetalt"]
    assert fig.layout.showlegend


def test_small_amounts_switch_to_thousands():
    assert ft.money_scale([250_000.0, None]) == (1e3, "1\u00a0000 kr")
    assert ft.money_scale([2_500_000.0]) == (1e6, "mill. kr")


def test_place_line_is_orange_and_country_dashed_blue():
    fig = ft.place_vs_country(_series(), y="kr_per_innbygger", y_title="Kr per innbygger")
    place, country = fig.data  # the thin dashed country line on top: both show where they coincide
    assert (place.name, country.name) == ("Bergen", "Hele landet")
    assert place.line.color == "#D55E00" and country.line.dash == "dash"
    assert country.line.width < place.line.width
    assert place.legendrank < country.legendrank  # the legend still lists the place first


def test_outlier_bar_is_cut_and_keeps_its_value_as_text():
    df = pl.DataFrame({"kode": ["4636", "4637", "4601"], "navn_kort": ["Solund", "Hyllestad", "Bergen"],
                       "kr_per_innbygger": [15033.0, 1344.0, 113.0], "utbetalt": [1.1e7, 1.7e6, 3.2e7]})
    fig = ft.ranked_per_inhabitant(df, highlight="4601", reference=408.0)
    bar = fig.data[0]
    # the cut bar runs to the axis end, with its full value on it and a break at the cap
    assert bar.y[-1] == "Solund" and bar.x[-1] == fig.layout.xaxis.range[1] < 15033
    assert bar.text[-1] == f"15{NBSP}033{NBSP}kr"
    breaks = [sh for sh in fig.layout.shapes if sh.type == "path"]
    cap = ft.axis_cap(df["kr_per_innbygger"].to_list())
    assert len(breaks) == 2 and all(sh.line.color == "white" for sh in breaks)
    assert all(cap - 50 < float(sh.path.split()[1].split(",")[0]) < cap + 50 for sh in breaks)
    assert all(1.4 < float(sh.path.split()[1].split(",")[1]) < 1.5 for sh in breaks), "drawn across Solund's bar"
    assert ft.cut_note(df) == " Stolpen for Solund er brutt (//) så de andre kan leses; verdien står i stolpen."
    assert ft.cut_note(df.with_columns(kr_per_innbygger=pl.Series([300.0, 250.0, 113.0]))) == ""
    assert bar.marker.color[0] == "#D55E00"  # Bergen, the chosen municipality
    assert fig.layout.annotations[0].text == f"Hele landet: 408{NBSP}kr"
    (country,) = [sh for sh in fig.layout.shapes if sh.type == "line"]
    assert country.x0 == 408 and country.layer == "above", "the country's line shows also across longer bars"


def test_a_ranking_marks_places_with_few_recipients_and_says_why():
    """A journalist sees that the top of the ranking is a handful of recipients, and the rule that marks them."""
    df = pl.DataFrame({"kode": ["1816", "5616", "4601"], "navn_kort": ["Vevelstad", "Hasvik", "Bergen"],
                       "navn": ["Vevelstad", "Hasvik", "Bergen"], "kr_per_innbygger": [2985.0, 1306.0, 900.0],
                       "utbetalt": [1.43e6, 1.28e6, 3.2e7], "mottakere": [7, 25, 900],
                       "folketall": [480, 979, 290_000]})
    fig = ft.ranked_per_inhabitant(df, count_word="mottakere")
    bar = fig.data[0]
    colours = dict(zip(bar.y, bar.marker.color, strict=True))
    assert colours["Vevelstad"] == ft.SMALL_BASE_COLOUR and colours["Hasvik"] != ft.SMALL_BASE_COLOUR
    values = {a.y: a.text for a in fig.layout.annotations}
    assert values["Vevelstad"] == f"2{NBSP}985 · 7 mottakere" and values["Hasvik"] == f"1{NBSP}306"
    assert "480 innbyggere" in dict(zip(bar.y, bar.hovertext, strict=True))["Vevelstad"]
    note = ft.few_recipients(df, count_word="mottakere", level_word="kommunene")
    assert note.startswith(f"Små tall: 1 av de 3 kommunene har bare 1–{ft.SMALL_BASE - 1} mottakere")
    assert "Vevelstad (480 innbyggere)" in note and "til 7 mottakere" in note
    assert ft.few_recipients(df.filter(pl.col("mottakere") > 20), count_word="mottakere", level_word="x") == ""
    # one recipient is singular; none is 0 kr, not a small number to weigh
    one = ft.ranked_per_inhabitant(df.with_columns(mottakere=pl.Series([1, 0, 900])), count_word="søkere")
    texts = {a.y: a.text for a in one.layout.annotations}
    assert texts["Vevelstad"] == f"2{NBSP}985 · 1 søker" and texts["Hasvik"] == f"1{NBSP}306"


def test_no_outlier_no_cut():
    assert ft.axis_cap([300.0, 250.0, 100.0, 0.0]) is None
    assert ft.axis_cap([1739.0, 329.0, 316.0]) == pytest.approx(329 * 1.35)


def test_empty_selection_gives_a_message_figure():
    fig = ft.place_vs_country(_series().with_columns(pl.lit(None, pl.Float64).alias("kr_per_innbygger")),
                              y="kr_per_innbygger", y_title="")
    assert "Ingen tall" in fig.layout.annotations[0].text


# ---- texts --------------------------------------------------------------------------------------------------

def test_amount_summary_says_direction_and_share_paid():
    text = ft.describe_amounts(_series(moms=True).filter(pl.col("er_valgt")), what="momskompensasjon",
                               place="Bergen")
    assert text.startswith("Utbetalt momskompensasjon til mottakere i Bergen økte fra 20,0")
    assert f"80{NBSP}% av det ble utbetalt" in text


PER_INHABITANT = "I {aar} ble det utbetalt {verdi} grasrotandel per innbygger i {sted}"


def test_place_vs_country_summary_is_a_sentence_naming_both():
    text = ft.describe_place_vs_country(_series(), y="kr_per_innbygger", aar=2021, what="kroner per innbygger",
                                        sentence=PER_INHABITANT)
    assert text == f"I 2021 ble det utbetalt 72{NBSP}kr grasrotandel per innbygger i Bergen, mot 132{NBSP}kr i hele landet."
    country = _series().with_columns(er_valgt=pl.col("nivaa") == "land")
    assert ft.describe_place_vs_country(country, y="kr_per_innbygger", aar=2021, what="kroner per innbygger",
                                        sentence=PER_INHABITANT) == (
        f"I 2021 ble det utbetalt 132{NBSP}kr grasrotandel per innbygger i hele landet.")
    assert ft.describe_place_vs_country(country, y="kr_per_innbygger", aar=2030, what="kroner per innbygger",
                                        sentence=PER_INHABITANT) == "Ingen tall for kroner per innbygger i 2030."


def test_recipient_summary_of_the_country_does_not_say_der():
    df = pl.DataFrame({"navn": ["A", "B"], "utbetalt": [300.0, 100.0]})
    national = ft.describe_recipients(df, place="hele landet", aar=2023, total=4000.0, national=True)
    assert national.startswith("De 2 største mottakerne i hele landet i 2023 fikk til sammen")
    assert f", 10{NBSP}% av alt som ble utbetalt det året." in national and " der" not in national
    place = ft.describe_recipients(df, place="Oslo", aar=2023, total=4000.0)
    assert f", 10{NBSP}% av alt som gikk til mottakere i Oslo." in place
    # a list that holds every recipient says so, not «100 % of everything»
    every = ft.describe_recipients(df, place="Oslo", aar=2023, total=400.0)
    assert every.startswith("Alle de 2 mottakerne i Oslo i 2023 fikk til sammen") and "%" not in every


def test_recipient_summary_never_contains_names():
    df = pl.DataFrame({"navn": ["<script>alert(1)</script>", "B"], "utbetalt": [300.0, 100.0]})
    text = ft.describe_recipients(df, place="Oslo", aar=2023, total=1000.0)
    assert "script" not in text and "40" in text


def test_group_summary_singular():
    df = pl.DataFrame({"gruppenavn": ["Kultur og fritid"], "utbetalt": [5e6], "andel_av_beløpet": [1.0]})
    assert "Bare denne kategorigruppen fikk penger" in ft.describe_groups(df, place="Bergen", aar=2023)


# ---- presenter ----------------------------------------------------------------------------------------------

def test_an_earlier_year_marks_its_own_point_on_the_trend_lines():
    """«Utbetalt 2020 … fra 2019» must not have its dot on 2021: the cards mark the chosen year."""
    totals = pl.DataFrame({"aar": [2020], "status": ["publisert"]})
    cards = tilskudd.cards(GRASROT, _series(), BERGEN, 2020, totals)
    assert all(c.label.endswith("2020") for c in cards)
    assert {c.spark_at for c in cards} == {1}  # 2019, 2020, 2021: the middle one
    dot = float(figures.sparkline_svg(cards[0].spark, "x", highlight=cards[0].spark_at, width=100)
                .split('cx="')[1].split('"')[0])
    assert dot == pytest.approx(50.0)


def test_a_share_of_few_registered_organisations_is_shown_as_a_count():
    """Utsira: 2 of 3 registered organisations receive; «66,7 %» would overstate what three can say."""
    mine = pl.col("er_valgt")
    few = _series().with_columns(registrerte=pl.when(mine).then(3).otherwise("registrerte"),
                                 mottakere=pl.when(mine).then(2).otherwise("mottakere"),
                                 andel_registrerte_mottar=pl.when(mine).then(2 / 3)
                                 .otherwise("andel_registrerte_mottar"))
    share = tilskudd.cards(GRASROT, few, BERGEN, 2021, pl.DataFrame({"aar": [2021], "status": ["publisert"]}))[3]
    assert share.value == f"2{NBSP}av{NBSP}3" and share.spark == []
    assert share.help.startswith(f"Små tall: 2{NBSP}av{NBSP}3 registrerte organisasjoner") and f"66,7{NBSP}%" in share.help
    assert share.comparison == f"Hele landet: 48,0{NBSP}%"  # the country's base is large: its share stands

    assert tilskudd.scheme_from_indikator("grasrot_andel_mottar") == GRASROT
    assert tilskudd.scheme_from_indikator("moms_kr_per_innbygger") == MOMS
    assert tilskudd.scheme_from_indikator("org_per_1000") is None


def test_cards_show_amount_change_and_country_comparison():
    cards = tilskudd.cards(GRASROT, _series(), BERGEN, 2021, pl.DataFrame({"aar": [2021], "status": ["publisert"]}))
    # every card names its year, as its neighbours do
    assert [c.label for c in cards] == ["Utbetalt 2021", "Mottakere 2021", "Kr per innbygger 2021",
                                        "Andel registrerte som mottar 2021"]
    assert cards[0].value == f"24,0{NBSP}mill.{NBSP}kr" and cards[0].delta.startswith("+9,1")
    assert f"Hele landet: 132{NBSP}kr" in cards[2].help
    # the country's value is a comparison beside the place's, not a change (no arrow)
    assert cards[2].delta is None and cards[2].comparison == f"Hele landet: 132{NBSP}kr"
    assert cards[3].delta is None and cards[3].comparison == f"Hele landet: 48,0{NBSP}%"
    country = tilskudd.cards(GRASROT, _series().with_columns(er_valgt=pl.col("nivaa") == "land"), tilskudd.LAND,
                             2021, pl.DataFrame({"aar": [2021], "status": ["publisert"]}))
    assert [c.comparison for c in country] == [None] * 4


def test_moms_note_comes_from_the_data_of_the_year_and_only_for_moms():
    s = _series(moms=True)
    assert tilskudd.head_office_note(MOMS, 2021, s, pl.DataFrame(), fallback="fb") == "Hovedkontor-merknad 2021"
    assert tilskudd.head_office_note(MOMS, 2018, s, fallback="fb") == "fb"  # no row of that year
    counties = pl.DataFrame({"kode": ["03"], "merknad": ["I 2019 gikk 55 % ..."]})
    assert tilskudd.head_office_note(MOMS, 2019, s.filter(pl.col("nivaa") == "land"), counties,
                                     fallback="fb") == "I 2019 gikk 55 % ..."
    assert tilskudd.head_office_note(GRASROT, 2021, _series(), fallback="fb") is None


def test_status_lines_explain_each_status_with_its_years():
    totals = pl.DataFrame({"aar": [2019, 2020, 2021, 2024],
                           "status": ["publisert", "publisert (avrundet)", "interpolert", "antatt"]})
    lines = tilskudd.status_lines(GRASROT, totals)
    assert lines[0].startswith("- **Publisert** (2019)")
    assert any(x.startswith("- **Ikke publisert (anslag mellom to år)** (2021): Norsk Tipping har ikke publisert")
               for x in lines)
    assert any(x.startswith("- **Ikke publisert (anslag)** (2024)") for x in lines)
    assert "Lotteri- og stiftelsestilsynet har ikke publisert" in "".join(tilskudd.status_lines(MOMS, totals))
    assert not [x for x in lines if "kalibrering" in x]


# ---- query functions on the mirror database -----------------------------------------------------------------

@pytest.fixture()
def qt(mirror_db, monkeypatch):
    """The query module reading the mirror database."""
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    from dashboard import queries_tilskudd
    return queries_tilskudd


def test_national_totals_of_the_issue(qt):
    g = qt.series(GRASROT, "land", "0")
    assert g.filter(pl.col("aar") == 2019)["utbetalt"][0] == 698_265_345
    assert g.filter(pl.col("aar") == 2023)["utbetalt"][0] == 794_000_000
    m = qt.series(MOMS, "land", "0")
    assert m.filter(pl.col("aar") == 2018)["utbetalt"][0] == pytest.approx(1.42e9)
    assert qt.years(GRASROT)[-1] == 2019 and qt.years(MOMS)[-1] == 2018


def test_municipality_series_has_the_country_beside_it(qt):
    s = qt.series(MOMS, "kommune", "4601")
    assert set(s["navn"]) == {"Bergen", "Hele landet"}
    assert s.filter(pl.col("er_valgt"))["merknad"].str.contains("hovedkontor").all()


def test_ranking_within_a_county_and_groups_add_up(qt):
    r = qt.ranking(GRASROT, "kommune", 2023, "46")
    assert r.height == 43 and set(r["fylkesnavn"]) == {"Vestland"}
    assert r["kr_per_innbygger"].is_sorted(descending=True)
    assert qt.ranking(GRASROT, "fylke", 2023).height == 15
    groups = qt.by_group(GRASROT, "fylke", "46", 2023)
    county = qt.series(GRASROT, "fylke", "46").filter(pl.col("er_valgt") & (pl.col("aar") == 2023))
    assert groups["utbetalt"].sum() == pytest.approx(county["utbetalt"][0])
    assert groups["andel_registrerte_mottar"].drop_nulls().is_between(0, 1).all()


def test_largest_recipients_are_one_row_per_organisation_in_the_place(qt):
    r = qt.largest_recipients(MOMS, "kommune", "4601", 2023, limit=10)
    assert r.height == 10 and r["orgnr"].n_unique() == 10
    assert set(r["kommunenavn"]) == {"Bergen"}
    assert r["utbetalt"].is_sorted(descending=True)


def test_unknown_scheme_is_refused(qt):
    with pytest.raises(ValueError):
        qt.series("lotto'; DROP TABLE x", "land", "0")


def test_totals_keep_published_and_calibration_apart(qt):
    t = qt.totals(GRASROT)
    status = dict(t.select("aar", "status").iter_rows())
    assert status[2019] == "publisert" and status[2020] == "publisert (avrundet)"
    assert status[2021] == "interpolert" and status[2024] == "antatt"
    table = tilskudd.totals_table(GRASROT, t)
    assert "For 2021, 2022 og 2024 har Norsk Tipping ikke publisert et landstall" in table.summary
    assert table.data["status_utbetalt"].to_list()[:2] == ["Publisert", "Publisert, avrundet"]
    published = dict(table.data.select("aar", "publisert_utbetalt").iter_rows())
    assert published[2019] == 698_265_345 and published[2021] is None and published[2024] is None
    assert dict(table.data.select("aar", "anslag_ikke_publisert").iter_rows())[2024] == 810_000_000
    # the lists agree with an estimate because the test data were made to: no check, and the summary says so
    agree = dict(table.data.select("aar", "filene_stemmer").iter_rows())
    assert agree[2019] is True and agree[2021] is None and agree[2024] is None
    assert "(eller anslaget)" not in table.summary and "sammenligningen ingen kontroll" in table.summary
    assert "2020: innenfor avrundingen" in table.summary


def test_totals_show_what_the_source_published_not_the_calibration_values(qt):
    """The totals file's status is about the amount paid: its recipient counts and amounts applied for are not
    shown as published; what was published stands in the source's words (merknad)."""
    t = qt.totals(MOMS)
    table = tilskudd.totals_table(MOMS, t)
    headers = [label(c) for c in table.data.columns]
    assert not [h for h in headers if h.startswith("Publisert") and ("mottakere" in h or "søkere" in h)]
    assert "Merknad" in headers and "Søkere i listene" in headers
    shown = {r["aar"]: r for r in table.data.iter_rows(named=True)}
    merknad = dict(t.select("aar", "merknad").iter_rows())
    # the amount applied for is published only where the merknad gives one ('2,78 mrd. søkt', 2024)
    assert [a for a, r in shown.items() if r["publisert_søkt"] is not None] == [2024]
    assert "søkt" in merknad[2024]
    assert "søkt beløp avledet" in merknad[2018] and shown[2018]["status_søkt"] == "Regnet ut, ikke publisert"
    assert shown[2019]["status_søkt"] == "Ikke oppgitt i kilden" and "søkt" not in merknad[2019]
    assert shown[2020]["status_søkt"] == "Ikke publisert (anslag mellom to år)"
    # the organisations the regulator counts (local branches included), beside the applicants in the lists
    orgs = shown[2018]["publisert_organisasjoner"]
    assert f"{fmt_int(orgs).replace(NBSP, ' ')} organisasjoner" in merknad[2018]
    assert shown[2018]["søkere_i_listene"] * 10 < orgs
    assert [a for a, r in shown.items() if r["publisert_organisasjoner"] is not None] == [2018]
    assert (f"For 2018 oppgir Lotteri- og stiftelsestilsynet {fmt_int(orgs)} organisasjoner, lokallag medregnet, mot "
            f"{fmt_int(shown[2018]['søkere_i_listene'])} søkere i listene.") in table.summary
    assert ("Søkt beløp er publisert for 2024. For 2018 er søkt beløp bare regnet ut, ikke publisert. For 2019 oppgir "
            "ikke kilden søkt beløp.") in table.summary


def test_moms_count_card_says_applicants_and_cites_the_published_organisations(qt):
    t = qt.totals(MOMS)
    series = qt.series(MOMS, "land", "0")
    cards = tilskudd.cards(MOMS, series, tilskudd.LAND, 2018, t)
    (count,) = [c for c in cards if "Søkere" in c.label]
    assert count.label == "Søkere som fikk utbetalt 2018" and not [c for c in cards if "Mottakere" in c.label]
    orgs = t.filter(pl.col("aar") == 2018)["publisert_organisasjoner"][0]
    assert count.value == fmt_int(series.filter(pl.col("aar") == 2018)["mottakere"][0])
    assert "sentralledd" in count.help and f"{fmt_int(orgs)} organisasjoner, lokallag medregnet" in count.help
    # a later year cites the year that has a published count; grasrot keeps «Mottakere»
    later = tilskudd.cards(MOMS, series, tilskudd.LAND, 2024, t)
    assert "For 2018 oppgir Lotteri- og stiftelsestilsynet" in later[1].help
    assert tilskudd.cards(GRASROT, qt.series(GRASROT, "land", "0"), tilskudd.LAND, 2024,
                          qt.totals(GRASROT))[1].label == "Mottakere 2024"


def test_one_category_is_said_in_words_not_drawn_as_a_single_full_bar():
    one = pl.DataFrame({"icnpo_gruppe": ["1"], "gruppenavn": ["Kultur og fritid"], "utbetalt": [38_218_851.0],
                        "sokt": [44_270_169.0], "mottakere": [39], "andel_av_beløpet": [1.0]})
    series = pl.DataFrame({"aar": [2024], "er_valgt": [True], "nivaa": ["kommune"]})
    assert tilskudd.group_charts(MOMS, one, series, BERGEN, 2024, None) == []
    assert tilskudd.group_message(one, BERGEN, 2024) == (
        f"Alle de 39 mottakerne i Bergen i 2024 er i kategorien kultur og fritid (38,2{NBSP}mill.{NBSP}kr).")
    assert tilskudd.group_message(one.clear(), BERGEN, 2024) == "Ingen mottakere i Bergen i 2024."
    two = pl.concat([one, one.with_columns(icnpo_gruppe=pl.lit("2"), gruppenavn=pl.lit("Helse"))])
    assert tilskudd.group_message(two, BERGEN, 2024) is None


def test_ranking_text_names_places_as_the_chart_does():
    df = pl.DataFrame({"kode": ["56", "03"], "navn": ["Finnmark - Finnmárku - Finnmarkku", "Oslo"],
                       "navn_kort": ["Finnmark", "Oslo"], "kr_per_innbygger": [228.0, 96.0]})
    text = ft.describe_ranking(df, aar=2024, level_word="fylker")
    assert text == ("Blant de 2 fylkene fikk Finnmark mest per innbygger i 2024 (228\u00a0kr) og Oslo minst "
                    "(96\u00a0kr).")


def _rogaland() -> pl.DataFrame:
    """Six municipalities, four of them shown at 0 kr (one with 0,2 kr), as a ranking query returns them."""
    return pl.DataFrame({"kode": ["1", "2", "3", "4", "5", "6"],
                         "navn": ["Sola", "Kvitsøy", "Utsira", "Suldal", "Sokndal", "Bø"],
                         "kr_per_innbygger": [300.0, 0.0, 0.0, 0.2, 0.0, 50.0]})


def test_ranking_gives_places_with_the_same_value_a_shared_place():
    text = ft.describe_ranking(_rogaland(), aar=2024, level_word="kommuner", highlight="3")
    assert text == (f"Blant de 6 kommunene fikk Sola mest per innbygger i 2024 (300{NBSP}kr), mens fire kommuner "
                    f"fikk minst (0{NBSP}kr). Utsira fikk 0{NBSP}kr og deler 3.–6. plass av 6 med Kvitsøy, Sokndal "
                    "og Suldal.")
    assert "minst (0" in text and "Utsira minst" not in text and "nummer 6" not in text
    assert ft.describe_ranking(_rogaland(), aar=2024, level_word="kommuner", highlight="6").endswith(
        f"Bø fikk 50{NBSP}kr og er nummer 2 av 6.")
    # few ties are named; a tie at the top too
    three = pl.DataFrame({"kode": ["1", "2", "3"], "navn": ["B", "A", "C"], "kr_per_innbygger": [10.2, 10.0, 5.0]})
    assert ft.describe_ranking(three, aar=2024, level_word="kommuner", highlight="1") == (
        f"Blant de 3 kommunene fikk A og B mest per innbygger i 2024 (10{NBSP}kr), mens C fikk minst (5{NBSP}kr). "
        f"B fikk 10{NBSP}kr og deler 1.–2. plass av 3 med A.")
    same = pl.DataFrame({"kode": ["1", "2"], "navn": ["A", "B"], "kr_per_innbygger": [0.0, 0.0]})
    assert ft.describe_ranking(same, aar=2024, level_word="kommuner") == \
        f"Alle de 2 kommunene fikk 0{NBSP}kr per innbygger i 2024."


def test_ranking_chart_lists_places_with_the_same_value_top_down_by_name():
    fig = ft.ranked_per_inhabitant(_rogaland().with_columns(navn_kort=pl.col("navn"), utbetalt=pl.lit(0.0)))
    assert list(fig.data[0].y)[::-1] == ["Sola", "Bø", "Suldal", "Kvitsøy", "Sokndal", "Utsira"]


def test_the_mirror_s_moms_ranking_shares_the_place_of_the_municipalities_at_0_kr(qt):
    rogaland = qt.ranking(MOMS, "kommune", 2024, "11")
    zero = [k for k, v in rogaland.select("navn_kort", "kr_per_innbygger").iter_rows() if fmt_num(v) == "0"]
    assert len(zero) > 1 and "Utsira" in zero, "the mirror has several Rogaland municipalities at 0 kr in 2024"
    utsira = rogaland.filter(pl.col("navn_kort") == "Utsira")["kode"][0]
    text = ft.describe_ranking(rogaland, aar=2024, level_word="kommuner", highlight=utsira)
    n = rogaland.height
    assert f"Utsira fikk 0{NBSP}kr og deler {n - len(zero) + 1}.–{n}. plass av {n}" in text
    assert "Utsira minst" not in text and f"fikk minst (0{NBSP}kr)" in text


def _legend(fig) -> list[str]:
    """The entries a reader sees in a figure's legend."""
    return [t.name for t in fig.data if fig.layout.showlegend and t.showlegend is not False and t.name]


@pytest.mark.parametrize("moms", [False, True])
def test_unofficial_years_are_hatched_and_the_legend_says_what_hatching_means(moms):
    df = _series(moms=moms).filter(pl.col("er_valgt"))
    fig = ft.amount_by_year(df, unofficial=[2020])
    drawn = [t for t in fig.data if t.x != (None,)]
    for bars in drawn:
        assert [bool(s) for s in bars.marker.pattern.shape] == [False, True, False]
        assert bars.marker.color[1] != bars.marker.color[0], "the hatched bar is lighter"
        assert bars.customdata[1][1] == figures.UNOFFICIAL and bars.customdata[0][1] == ""
    assert _legend(fig) == (["Søkt", "Utbetalt"] if moms else []) + [figures.UNOFFICIAL_LEGEND]
    # the legend entry draws no bar of its own, and takes no slot beside the others (the bars keep their width)
    (entry,) = [t for t in fig.data if t.name == figures.UNOFFICIAL_LEGEND]
    assert entry.x == (None,) and entry.offsetgroup in {t.offsetgroup for t in drawn}
    plain = ft.amount_by_year(df)
    assert figures.UNOFFICIAL_LEGEND not in _legend(plain) and not any(plain.data[-1].marker.pattern.shape)
    # years outside the chart hatch nothing and add no legend entry
    assert figures.UNOFFICIAL_LEGEND not in _legend(ft.amount_by_year(df, unofficial=[2030]))


def test_the_overview_s_bar_charts_carry_the_same_legend_entry():
    df = _series(moms=True).filter(pl.col("er_valgt"))
    for fig in (figures.bars_by_year(df, y="mottakere", unofficial=[2021]),
                figures.paid_and_applied(df, unofficial=[2021])):
        assert figures.UNOFFICIAL_LEGEND in _legend(fig)
    assert _legend(figures.bars_by_year(df, y="mottakere")) == []


def _oslo_groups() -> pl.DataFrame:
    """Categories with their share of the money paid to recipients in Oslo: two rest on fewer than 20 applicants."""
    return pl.DataFrame({"gruppenavn": ["Natur, miljø og dyrevern", "Andre", "Kultur og fritid",
                                        "Utdanning og forskning", "Helse"],
                         "andel_oslo": [1.0, 1.0, 0.36, 0.0, 0.96], "mottakere": [89, 1, 1650, 4, 89],
                         "mottakere_oslo": [89, 1, 731, 0, 85]})


def test_a_share_of_few_applicants_is_grey_below_the_others_with_its_count():
    fig = ft.ranked_share(_oslo_groups(), category="gruppenavn", value="andel_oslo", base="mottakere",
                          count="mottakere_oslo", base_word="søkere i Oslo")
    (bars,) = fig.data
    top_down = list(bars.y)[::-1]
    assert top_down == ["Natur, miljø og dyrevern", "Helse", "Kultur og fritid", "Andre", "Utdanning og forskning"]
    colours = dict(zip(bars.y, bars.marker.color, strict=True))
    assert {colours["Andre"], colours["Utdanning og forskning"]} == {ft.SMALL_BASE_COLOUR}
    assert ft.SMALL_BASE_COLOUR not in {colours[g] for g in top_down[:3]}
    labels = dict(zip(bars.y, bars.text, strict=True))
    assert labels["Andre"] == "1 av 1" and labels["Utdanning og forskning"] == "0 av 4" and labels["Helse"] == ""
    assert "1 av 1 søkere i Oslo" in dict(zip(bars.y, bars.hovertext, strict=True))["Andre"]
    # the summary names the chart's top and bottom among the solid shares, and the small ones as counts
    summary = ft.describe_oslo_shares(_oslo_groups(), aar=2024)
    assert summary.startswith(f"Andelen av momskompensasjonen i 2024 som gikk til mottakere registrert i Oslo, var "
                              f"høyest i natur, miljø og dyrevern (100{NBSP}%) og lavest i kultur og fritid "
                              f"(36{NBSP}%).")
    assert "Andre (1 av 1) og utdanning og forskning (0 av 4) har færre enn 20 søkere" in summary
    # shares shown alike (99,8 % and 100 % are both «100 %») are named together, alphabetically
    tie = _oslo_groups().with_columns(andel_oslo=pl.Series([1.0, 1.0, 0.36, 0.0, 0.998]))
    assert f"høyest i «helse» og «natur, miljø og dyrevern» (100{NBSP}%)" in ft.describe_oslo_shares(tie, aar=2024)
    tied = ft.ranked_share(tie, category="gruppenavn", value="andel_oslo", base="mottakere", count="mottakere_oslo")
    assert list(tied.data[0].y)[::-1][:2] == ["Natur, miljø og dyrevern", "Helse"]  # by value: 100 % before 99,8 %


def test_the_mirror_s_oslo_share_chart_and_its_summary_agree_on_the_top(qt):
    groups = qt.by_group(MOMS, "land", "0", 2024)
    assert groups.filter(pl.col("mottakere") < 20).height, "the mirror has categories of few applicants"
    fig = ft.ranked_share(groups, category="gruppenavn", value="andel_oslo", base="mottakere", count="mottakere_oslo")
    top = fig.data[0].y[-1]
    assert groups.filter(pl.col("gruppenavn") == top)["mottakere"][0] >= 20
    assert f"høyest i {top.lower()} (" in ft.describe_oslo_shares(groups, aar=2024)


def test_counts_summary_names_a_low_between_the_ends():
    """35 050 in 2019 and 34 500 in 2024 with 31 400 in 2020 is a fall and a rise, not only 'sank'."""
    from dashboard.figures_tilskudd import describe_counts

    d = pl.DataFrame({"aar": [2019, 2020, 2021, 2024], "mottakere": [35_050, 31_400, 32_000, 34_500]})
    text = describe_counts(d, what="antall mottakere", place="hele landet")
    assert text.endswith("sank fra 35\u00a0050 i 2019 til 34\u00a0500 i 2024. Lavest var det 31\u00a0400 i 2020.")
    rising = d.with_columns(pl.Series("mottakere", [30_000, 31_000, 32_000, 34_500]))
    assert "Lavest" not in describe_counts(rising, what="antall mottakere", place="X")
    peak = d.with_columns(pl.Series("mottakere", [30_000, 40_000, 32_000, 34_500]))
    assert describe_counts(peak, what="antall mottakere", place="X").endswith("Høyest var det 40\u00a0000 i 2020.")


def test_the_legend_shows_each_series_in_its_own_colour_when_its_first_bar_is_hatched():
    """Plotly draws a series' legend swatch like its first bar: with the first year hatched (momskompensasjon's
    applied-for amount of 2018), «Søkt» read as hatched. Each series' swatch is its plain colour; the hatching has
    its own entry, with the same stripes as the bars."""
    df = _series(moms=True).filter(pl.col("er_valgt"))
    first = df["aar"].min()
    for fig in (ft.amount_by_year(df, unofficial=[first]), figures.paid_and_applied(df, unofficial=[first])):
        _each_series_keyed_in_its_own_colour(fig)


def _each_series_keyed_in_its_own_colour(fig) -> None:
    keys = {t.name: t for t in fig.data if t.showlegend is not False and t.name}
    assert list(keys) == ["Søkt", "Utbetalt", figures.UNOFFICIAL_LEGEND]
    for name in ("Søkt", "Utbetalt"):
        drawn = next(t for t in fig.data if t.name == name and t.x != (None,))
        assert keys[name].marker.color == drawn.marker.color[-1] and not keys[name].marker.pattern.shape
        assert keys[name].legendgroup == drawn.legendgroup  # a click on the entry hides the series' bars
    assert keys[figures.UNOFFICIAL_LEGEND].marker.pattern.fgcolor == figures._HATCH["fgcolor"]
