"""Builders of the Frivillighetspolitikk page on small hand-made frames: what a reader sees in charts, map, text."""

from __future__ import annotations

import json

import polars as pl
import pytest
from page_helpers import choropleth

from dashboard import figures, maps
from dashboard import figures_politikk as fp
from dashboard.theme import STATUS_COLOURS, STATUS_LABELS

TREND = pl.DataFrame({
    "kilde_type": ["publisert", "publisert", "undersokelse_runde", "undersokelse_2024_grenser", "publisert",
                   "undersokelse_runde", "undersokelse_2024_grenser"],
    "aar": [2016, 2019, 2019, 2019, 2024, 2024, 2024],
    "per": ["2016", "2019-07", "2019", "2019", "2024-07", "2024", "2024"],
    "tidspunkt": [2016.54, 2019.54, 2019.38, 2019.38, 2024.54, 2024.38, 2024.38],
    "kommuner_med_politikk": [42, 64, 64, 52, 107, 107, 107],
    "antall_kommuner": [428, 422, 422, 357, 357, 357, 357],
    "andel": [0.10, 0.166, 64 / 422, 52 / 357, 0.30, 107 / 357, 107 / 357],
    "andel_oppgitt": [True, True, None, None, True, None, None],
    "kilde": ["Kommunal Rapport (c. 2016)", "vigga.no 2019-07-17", "Kommuneundersøkelsen 2019",
              "Kommuneundersøkelsen 2019, omregnet", "radionordkapp.no 2024-07-08", "Kommuneundersøkelsen 2024",
              "Kommuneundersøkelsen 2024, omregnet"],
})


def _status(rows: dict[str, dict[str, int]], order: list[str] | None = None) -> pl.DataFrame:
    """A `status_by` frame from {group: {status: count}}."""
    out = []
    for rank, (name, counts) in enumerate(rows.items(), start=1):
        n = sum(counts.values())
        answered = n - counts.get("ukjent", 0)
        for s in fp.STATUS_ORDER:
            out.append({"kode": str(rank), "navn": name, "rekkefolge": (order or list(rows)).index(name) + 1,
                        "status": s, "antall": counts.get(s, 0), "antall_kommuner": n,
                        "andel": counts.get(s, 0) / n, "andel_ja_alle": counts.get("ja", 0) / n,
                        "andel_ja_svarte": counts.get("ja", 0) / answered if answered else None,
                        "svarprosent": answered / n})
    return pl.DataFrame(out)


COUNTIES = _status({"Rogaland": {"ja": 17, "nei": 3, "ukjent": 3},
                    "Oslo": {"ja": 1},
                    "Troms": {"under_arbeid": 4, "nei": 8, "ukjent": 9}},
                   order=["Oslo", "Rogaland", "Troms"])


def _municipalities(rows: list[tuple], harmonised: bool = False) -> pl.DataFrame:
    """A `municipalities` frame from (number, name, county, status, adoption year) tuples."""
    return pl.DataFrame([{
        "kommunenummer": k, "kommunenavn": n, "fylkesnavn": f, "storrelsesgruppe_kode": 6,
        "storrelsesgruppe": "50 000 og over", "status": s, "vedtaksaar": y, "koordinator": "ja",
        "frivillighetsraad": "vet_ikke", "samarbeidsplattform": None, "gratis_lokaler": "delvis",
        "tilskuddsordning": "nei", "antall_frivilligsentraler": 2, "harmonisert": harmonised,
        "forgjengere": f"{k} {n}: ja" if harmonised else None} for k, n, f, s, y in rows],
        schema_overrides={"vedtaksaar": pl.Int32, "antall_frivilligsentraler": pl.Int32})


KOMMUNER = _municipalities([("0301", "Oslo", "Oslo", "ja", 2019), ("1103", "Stavanger", "Rogaland", "ja", 2014),
                            ("5501", "Tromsø", "Troms", "ukjent", None), ("5503", "Harstad", "Troms", "nei", None)])
SQUARE = {"type": "Polygon", "coordinates": [[[5.0, 59.0], [6.0, 59.0], [6.0, 60.0], [5.0, 59.0]]]}
GEOMS = {k: SQUARE for k in KOMMUNER["kommunenummer"]}


def plain(text: str) -> str:
    """Text with the no-break spaces of Norwegian number formatting as ordinary spaces."""
    return text.replace("\xa0", " ")


# ---- trend ------------------------------------------------------------------------------------------------

def test_published_counts_are_lone_markers_and_survey_rounds_are_lines():
    fig = fp.trend_figure(TREND)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"Kommuneundersøkelsen (kommunene slik de var i rundens år)",
                            "Kommuneundersøkelsen (omregnet til dagens 357 kommuner)",
                            "Publisert (Frivillighet Norge)"}
    assert by_name["Publisert (Frivillighet Norge)"].mode == "markers"
    assert by_name["Publisert (Frivillighet Norge)"].marker.symbol == "diamond"
    own = by_name["Kommuneundersøkelsen (kommunene slik de var i rundens år)"]
    harmonised = by_name["Kommuneundersøkelsen (omregnet til dagens 357 kommuner)"]
    assert own.mode == harmonised.mode == "lines+markers"
    assert own.line.dash != harmonised.line.dash


def test_trend_plots_shares_as_fractions_with_a_percent_axis():
    fig = fp.trend_figure(TREND)
    assert all(0 <= y <= 1 for t in fig.data for y in t.y)
    assert fig.layout.yaxis.tickformat is None  # Norwegian labels instead of d3's "30%"
    assert list(fig.layout.yaxis.ticktext[:3]) == ["0\u00a0%", "10\u00a0%", "20\u00a0%"]


def test_trend_hover_says_where_a_published_figure_comes_from_and_how_its_share_was_made():
    fig = fp.trend_figure(TREND)
    pub = next(t for t in fig.data if t.name.startswith("Publisert"))
    assert "juli 2019" in pub.text[1] and "vigga.no" in pub.text[1] and "64 av 422" in pub.text[1]
    assert "oppgitt andel" in pub.text[1]


def test_the_chosen_round_is_marked_on_the_trend():
    fig = fp.trend_figure(TREND, chosen=2019)
    assert [a.text for a in fig.layout.annotations] == ["Valgt runde: 2019"]
    assert fig.layout.shapes[0].x0 == pytest.approx(2019.38)


def test_trend_summary_quotes_own_borders_harmonised_and_published_figures():
    text = plain(fp.trend_summary(TREND))
    assert "15,2 %" in text and "(64 av 422)" in text and "(107 av 357)" in text
    assert "14,6 %" in text
    assert "ikke resultater fra undersøkelsen" in text


def test_trend_table_labels_series_in_norwegian_and_keeps_citations():
    t = fp.trend_table(TREND)
    assert t.columns == ["serie", "periode", "kommuner_med_politikk", "antall_kommuner", "andel", "kilde", "merknad"]
    pub = t.filter(pl.col("serie") == "Publisert (Frivillighet Norge)")
    assert pub["periode"].to_list() == ["2016", "juli 2019", "juli 2024"]
    assert pub["kilde"].null_count() == 0


@pytest.mark.parametrize(("per", "text"), [("2016", "2016"), ("2019-07", "juli 2019"), ("2021-12-31", "31.12.2021")])
def test_published_periods_read_as_norwegian_dates(per, text):
    assert fp.fmt_period(per) == text


# ---- status by group ----------------------------------------------------------------------------------------

def test_status_bars_keep_unknown_apart_from_no_in_grey():
    fig = fp.status_figure(COUNTIES)
    names = [t.name for t in fig.data]
    assert names == [STATUS_LABELS[s] for s in STATUS_COLOURS]
    unknown = fig.data[names.index("Ukjent (ikke svart)")]
    assert unknown.marker.color == STATUS_COLOURS["ukjent"] != STATUS_COLOURS["nei"]


def test_status_bars_are_100_percent_and_in_display_order_with_legend_in_status_order():
    fig = fp.status_figure(COUNTIES)
    # each bar says how many municipalities it is: a full bar of one is not a full bar of 46
    n = dict(COUNTIES.select("navn", "antall_kommuner").unique().iter_rows())
    names = [f"{c} ({n[c]})" for c in ("Oslo", "Rogaland", "Troms")]
    assert list(fig.layout.yaxis.categoryarray) == names
    assert fig.layout.legend.traceorder == "normal"
    totals: dict[str, float] = {}
    for t in fig.data:
        for cat, x in zip(t.y, t.x, strict=True):
            totals[cat] = totals.get(cat, 0) + x
    assert totals == pytest.approx(dict.fromkeys(names, 1.0))


def test_generic_status_bars_default_to_data_order():
    fig = figures.status_bars(COUNTIES.sort("kode"), category="navn")
    assert list(fig.layout.yaxis.categoryarray) == ["Rogaland", "Oslo", "Troms"]


def test_status_table_counts_add_up_and_name_statuses_in_words():
    t = fp.status_table(COUNTIES, group_label="fylke")
    assert t["fylke"].to_list() == ["Oslo", "Rogaland", "Troms"]
    statuses = [STATUS_LABELS[s] for s in fp.STATUS_ORDER]
    assert t.select(pl.sum_horizontal(statuses)).to_series().to_list() == t["antall_kommuner"].to_list()
    assert t.filter(pl.col("fylke") == "Rogaland")["Ja, vedtatt"].item() == 17


def test_status_summary_names_highest_and_lowest_and_says_unknown_is_not_no():
    text = plain(fp.status_summary(COUNTIES, what="fylke"))
    assert "høyest i Oslo (100 %, 1 av 1)" in text
    assert "lavest i Troms (0 %, 0 av 21)" in text
    assert "12 kommuner svarte ikke" in text and "ikke regnet som «nei»" in text


def test_status_summary_names_every_tied_county_with_its_own_count():
    tied = _status({"Vestfold": {"ja": 6}, "Oslo": {"ja": 1}, "Troms": {"nei": 21}, "Finnmark": {"nei": 18},
                    "Agder": {"ja": 10, "nei": 15}})
    text = plain(fp.status_summary(tied, what="fylke"))
    assert "høyest, 100 %, i Vestfold (6 av 6) og Oslo (1 av 1), og lavest, 0 %, i Troms (0 av 21) og " \
           "Finnmark (0 av 18)." in text


def test_size_group_summary_reads_as_a_sentence():
    sizes = _status({"Under 2 000": {"ja": 1, "nei": 9}, "50 000 og over": {"ja": 9, "ukjent": 1}})
    text = plain(fp.status_summary(sizes, what="storrelsesgruppe"))
    assert "blant kommunene med 50 000 innbyggere eller flere" in text
    assert "blant kommunene med under 2 000 innbyggere" in text


# ---- published county table ------------------------------------------------------------------------------

COMPARISON = pl.DataFrame({
    "fylkesnummer": ["11", "39", "40"], "fylkesnavn": ["Rogaland", "Vestfold", "Telemark"],
    "publisert_med_politikk": [17, 8, 2], "publisert_antall_kommuner": [23, 12, 11],
    "publisert_andel": [17 / 23, 8 / 12, 2 / 11], "undersokelse_ja": [17, 6, 4], "undersokelse_svart": [20, 6, 14],
    "antall_kommuner": [23, 6, 17], "differanse_ja": [0, -2, 2], "differanse_kommuner": [0, -6, 6],
    "stemmer": [True, False, False],
    "forklaring": ["stemmer overens", "Tabellen oppgir 8 kommuner med politikk, flere enn de 6.", "Motsvarer."],
    "kilde": ["Frivillighet Norge press release July 2024"] * 3,
})


def test_comparison_note_explains_denominators_and_vestfold():
    note = plain(fp.comparison_note(COMPARISON))
    assert "summerer til 46" in note and "46 kommuner" in note  # published vs real totals of these rows
    assert "**Vestfold** har 8 kommuner med politikk i tabellen, men fylket har bare 6 kommuner." in note
    assert "avviker i 2 av 3 fylker: Vestfold, Telemark" in note


def test_comparison_table_shows_published_beside_survey_and_explains_only_differences():
    t = fp.comparison_table(COMPARISON)
    assert t.row(1) == ("Vestfold", 8, 6, "begge", 12, 6)  # the two counts compared first, then the totals
    assert t.columns[:4] == ["fylkesnavn", "publisert", "undersøkelsen", "avvik"]  # short on screen
    # equal counts are never flagged as a difference in the count: only what differs is named
    same_count = COMPARISON.with_columns(pl.Series("differanse_ja", [0, 0, 2]))
    assert fp.comparison_table(same_count)["avvik"].to_list() == ["–", "kommuneantall", "begge"]
    full = fp.comparison_table(COMPARISON, full=True)
    assert "forklaring" in full.columns and "publisert: med politikk" in full.columns  # a file read on its own
    assert [c for c, _ in fp.comparison_explanations(COMPARISON)] == ["Vestfold", "Telemark"]


# ---- map ------------------------------------------------------------------------------------------------

def test_map_colours_each_status_and_draws_the_highlighted_municipality_last():
    areas = fp.status_areas(KOMMUNER, GEOMS, highlight="1103")
    assert len(areas) == 4
    assert areas[-1].code == "1103" and areas[-1].highlight
    colour = {a.code: a.colour for a in areas}
    assert colour["5501"] == STATUS_COLOURS["ukjent"] and colour["5503"] == STATUS_COLOURS["nei"]
    by_code = {a.code: a for a in areas}
    assert by_code["1103"].value_text == "Ja, vedtatt"
    assert by_code["1103"].context == "Rogaland · vedtatt 2014"
    assert by_code["5501"].value_text == "Ukjent (ikke svart)"


def test_map_tooltip_text_is_escaped():
    evil = _municipalities([("9999", "<img src=x onerror=alert(1)>", "<b>Fylke</b>", "ja", 2020)])
    deck = fp.status_map(evil, {"9999": SQUARE})
    text = deck.to_json()
    assert "<img" not in text and "&lt;img" in text and "&lt;b&gt;Fylke" in text


def test_map_legend_lists_every_status_with_counts_and_unknown_last():
    items = fp.status_legend(KOMMUNER)
    assert [i.label for i in items] == ["Ja, vedtatt (2)", "Under arbeid (0)", "Nei (1)", "Vet ikke (0)",
                                        "Ukjent (ikke svart) (1)"]
    assert items[-1].colour == STATUS_COLOURS["ukjent"]
    html = maps.legend_html(items, "<Tittel>")
    assert "&lt;Tittel&gt;" in html


def test_map_summary_counts_statuses_and_names_the_highlight():
    text = plain(fp.map_summary(KOMMUNER, 2024, "1103"))
    assert "status for 4 kommuner i runden 2024" in text
    assert "ukjent (ikke svart): 1" in text and "Stavanger er markert" in text


def test_frozen_deck_is_the_same_map_in_compact_json():
    deck = fp.status_map(KOMMUNER, GEOMS, "1103")
    plain = json.loads(deck.to_json())
    frozen = maps.freeze(fp.status_map(KOMMUNER, GEOMS, "1103")).to_json()
    assert json.loads(frozen) == plain
    assert "\n" not in frozen
    assert choropleth(plain)["lineWidthUnits"] == "pixels"  # not the expression "@@=pixels"


# ---- municipality table -----------------------------------------------------------------------------------

def test_municipality_table_shows_status_in_words_and_adoption_year():
    t = fp.municipality_table(KOMMUNER)
    assert t.columns == ["kommunenavn", "fylkesnavn", "status", "vedtaksaar"]
    assert dict(zip(t["kommunenavn"], t["status"], strict=True))["Tromsø"] == "Ukjent (ikke svart)"


def test_earlier_rounds_show_what_each_former_municipality_answered():
    t = fp.municipality_table(_municipalities([("3205", "Lillestrøm", "Akershus", "ja", 2018)], harmonised=True))
    assert t["svar_fra_kommunene_i_runden"].to_list() == ["3205 Lillestrøm: ja"]


def test_download_table_has_number_measures_in_words_and_year_as_text():
    t = fp.municipality_table(KOMMUNER, full=True)
    row = t.filter(pl.col("kommunenummer") == "1103").row(0, named=True)
    assert row["vedtaksaar"] == "2014"  # no '2 014' in Excel
    assert row["frivillighetsråd"] == "vet ikke" and row["gratis_lokaler"] == "delvis"
    assert row["samarbeidsplattform"] is None


def test_similar_municipalities_are_same_size_with_a_policy_excluding_the_chosen_one():
    t = fp.similar_with_policy(KOMMUNER, "1103")
    assert t["kommunenavn"].to_list() == ["Oslo"]


# ---- measures -----------------------------------------------------------------------------------------------

MEASURES = pl.DataFrame({
    "tiltak": ["frivillighetsraad", "frivillighetsraad", "tilskuddsordning", "tilskuddsordning"],
    "tiltak_navn": ["Frivillighetsråd eller -forum"] * 2 + ["Tilskuddsordning for lag og foreninger"] * 2,
    "har_politikk": [True, False, True, False],
    "antall": [107, 187, 107, 187], "antall_ja": [71, 34, 103, 178],
    "andel_ja": [71 / 107, 34 / 187, 103 / 107, 178 / 187], "antall_delvis": [0, 0, 0, 0],
})


def test_measures_compare_with_and_without_a_policy_with_group_sizes():
    fig = fp.measures_figure(MEASURES)
    assert [t.name for t in fig.data] == ["Med vedtatt politikk (n = 107)",
                                          "Uten vedtatt politikk (nei, under arbeid, vet ikke) (n = 187)"]
    assert fig.data[0].x[0] == pytest.approx(71 / 107)
    assert fig.data[0].orientation == "h"


def test_measures_summary_names_the_largest_and_smallest_gap_and_warns_about_causality():
    text = plain(fp.measures_summary(MEASURES, 2024))
    assert "frivillighetsråd eller -forum: 66 % mot 18 %" in text
    assert "tilskuddsordning for lag og foreninger (96 % mot 95 %)" in text
    assert "årsak og virkning" in text
    assert text.startswith("I 2024 var alle tiltakene vanligere i kommuner med vedtatt frivillighetspolitikk")
    # a measure more common without a policy is counted out, not hidden behind 'de fleste'
    fewer = MEASURES.with_columns(pl.Series("andel_ja", [71 / 107, 34 / 187, 0.90, 0.95]))
    assert plain(fp.measures_summary(fewer, 2024)).startswith("I 2024 var 1 av 2 tiltakene vanligere")


def test_measures_table_puts_both_groups_side_by_side():
    t = fp.measures_table(MEASURES)
    assert t.columns[:2] == ["tiltak", "andel_med_politikk"]
    assert t.height == 2


def test_long_axis_labels_wrap_at_word_boundaries():
    assert fp.wrap("Lokal samarbeidsplattform med frivilligheten", 22) == \
        "Lokal<br>samarbeidsplattform<br>med frivilligheten"
    assert fp.wrap("Frivillighetskoordinator", 22) == "Frivillighetskoordinator"


# ---- headline, one municipality, messages, method -----------------------------------------------------------

HEAD_2019 = {"runde": 2019, "antall_kommuner": 357, "svart": 285, "ja": 52, "ukjent": 72, "andel_ja_alle": 52 / 357,
             "andel_ja_svarte": 52 / 285, "svarprosent": 285 / 357, "andel_befolkning_ja": 0.323,
             "ja_delvis": 11, "andel_befolkning_ja_minst": 0.206, "sammenslatte": 43, "delte": 2,
             "runde_kodeaar": 2019, "runde_antall_kommuner": 422, "runde_svart": 342, "runde_ja": 64,
             "runde_andel_ja_alle": 64 / 422, "runde_andel_ja_svarte": 64 / 342, "runde_svarprosent": 342 / 422}


def test_headline_gives_shares_of_all_and_of_respondents_and_unknown_is_not_no():
    text = plain(fp.headline_text(HEAD_2019))
    # the round as it was answered (422 municipalities in 2019) first, then carried over to today's 357
    assert "**64 av de 422 kommunene** landet hadde da (15,2 %)" in text and "svarprosent 81,0 %" in text
    assert "Regnet om til dagens 357 kommuner er det **52** (14,6 %)" in text
    assert "av dagens 357 kommuner**" not in text, "no municipality of today answered in 2019"
    assert "sammenslått kommune regnes med når minst én" in text and "delt siden" in text
    assert "72 av dagens kommuner er ført som «ukjent», ikke som «nei»" in text
    assert "av dem hadde 18,7 % politikk" in text and "av de som" not in text


def test_population_share_is_a_range_where_merged_municipalities_had_a_policy_only_in_part():
    assert fp.population_share(HEAD_2019) == "21–32\u00a0%"
    text = plain(fp.headline_text(HEAD_2019))
    assert "Mellom 21 % og 32 % av befolkningen" in text and "i 11 av dagens kommuner hadde bare noen" in text
    assert "Et spenn: 11 sammenslåtte kommuner" in fp.population_help(HEAD_2019, 2019)
    exact = {**HEAD_2019, "ja_delvis": 0, "andel_befolkning_ja_minst": 0.323}
    assert fp.population_share(exact) == "32,3\u00a0%" and "spenn" not in fp.population_help(exact, 2021)
    assert "32,3 % av befolkningen bodde" in plain(fp.headline_text(exact))


def test_the_cards_of_an_earlier_round_say_they_are_in_todays_municipalities():
    assert fp.cards_note(HEAD_2019).startswith("Kortene er regnet om til dagens 357 kommuner")
    assert "kommunene slik de var i 2019 (422 kommuner)" in fp.cards_note(HEAD_2019)
    assert fp.cards_note({**HEAD_2019, "runde_antall_kommuner": 357, "runde_ja": 52}) is None


def test_headline_of_the_latest_round_has_no_own_border_paragraph():
    head = {**HEAD_2019, "runde": 2024, "ja": 107, "runde_ja": 107, "runde_antall_kommuner": 357, "ja_delvis": 0}
    text = fp.headline_text(head)
    assert "Regnet om" not in text and "**107 av 357 kommuner**" in text


def test_municipality_text_says_unknown_is_not_no_and_compares_with_its_size_group():
    rounds = pl.DataFrame({"runde": [2019, 2024], "kommunenavn": ["Tromsø"] * 2, "status": ["nei", "ukjent"],
                           "vedtaksaar": [None, None], "harmonisert": [True, False], "antall_forgjengere": [1, 1],
                           "forgjengere_svart": [1, 0], "forgjengere": ["1902 Tromsø: nei", None]})
    group = {"navn": "50 000 og over", "antall_kommuner": 20, "ja": 18, "andel_ja_alle": 0.9}
    text = plain(fp.municipality_text(rounds, group, 2024))
    assert "svarte ikke" in text and "betyr ikke «nei»" in text
    assert "2019: nei · 2024: ukjent (ikke svart)" in text
    assert "18 av 20 (90,0 %)" in text


def test_municipality_text_does_not_say_a_merged_municipality_did_not_answer():
    # 2019 Ålesund was four municipalities: one said "vet ikke", three did not answer
    rounds = pl.DataFrame({"runde": [2019], "kommunenavn": ["Ålesund"], "status": ["ukjent"], "vedtaksaar": [None],
                           "harmonisert": [True], "antall_forgjengere": [4], "forgjengere_svart": [1],
                           "forgjengere": ["1504 Ålesund: vet ikke; 1523 Ørskog: ikke svart"]})
    text = plain(fp.municipality_text(rounds, None, 2019))
    assert "svarte ikke på spørsmålet" not in text
    assert "ikke alle kommunene som i dag er Ålesund, svarte" in text and "1504 Ålesund: vet ikke" in text
    assert "2019: ukjent." in text and "ikke svart)" not in text.split("Alle runder")[1]
    merged_no = rounds.with_columns(pl.lit("nei").alias("status"))
    assert "har status «nei» i 2019, regnet ut fra svarene" in plain(fp.municipality_text(merged_no, None, 2019))


@pytest.mark.parametrize("raw", ["[klikk](https://example.com)", "<script>", "2020)*"])
def test_invalid_url_values_are_not_echoed_as_markdown(raw):
    assert raw not in fp.invalid_round_message(raw, ["2019", "2021", "2024"])
    assert raw not in fp.invalid_municipality_message(raw, pl.DataFrame())


def test_invalid_round_message_names_the_rounds_and_the_fallback():
    msg = fp.invalid_round_message("2020", ["2019", "2021", "2024"])
    assert msg.startswith("«2020» er ikke en runde") and "2019, 2021 og 2024" in msg
    assert msg.endswith("Viser den siste runden, 2024.")


def test_former_municipality_number_points_to_today():
    former = pl.DataFrame({"navn": ["Fet"], "kommunenummer_2024": ["3205"], "kommunenavn_2024": ["Lillestrøm"]})
    assert "I dag ligger kommunen i 3205 Lillestrøm" in fp.invalid_municipality_message("0227", former)


def test_method_note_uses_the_first_rounds_figures():
    note = plain(fp.method_note(HEAD_2019))
    assert "(52 av 357)" in note and "(64 av 422)" in note
    assert "syntetiske testdata" in note and "minst én" in note


def test_overview_policy_chart_places_each_published_figure_at_its_own_date():
    from dashboard import figures

    rounds = pl.DataFrame({"aar": [2019, 2021, 2024], "andel_ja_alle": [0.146, 0.225, 0.30], "ja": [52, 80, 107]})
    timeline = pl.DataFrame({"kilde_type": ["publisert"] * 3, "aar": [2021, 2021, 2024],
                             "per": ["2021-07", "2021-12-31", "2024-07"], "andel": [0.20, 0.225, 0.30]})
    published, survey = figures.policy_timeline(rounds, timeline).data  # the survey's line is drawn on top
    xs = list(published.x)
    assert len(set(xs)) == 3, "two figures published in 2021 must not share one x"
    assert 2021 < xs[0] < xs[1] < 2022 and xs[1] > 2021.9
    assert list(published.customdata) == ["juli 2021", "31.12.2021", "juli 2024"]
    # where a survey round and a published figure coincide (2024), the survey's point lies on top, smaller
    assert survey.marker.size < published.marker.size
    assert [c[0] for c in survey.customdata] == [2019, 2021, 2024]


def test_map_summary_calls_a_merged_municipality_unknown_not_unanswered():
    df = pl.DataFrame({"kommunenummer": ["1508", "1505"], "kommunenavn": ["Ålesund", "Kristiansund"],
                       "status": ["ukjent", "ukjent"], "harmonisert": [True, False],
                       "forgjengere": ["1504 Ålesund: vet ikke; 1523 Ørskog: ikke svart", None]})
    assert fp.map_summary(df, 2019, highlight="1508").endswith("Ålesund er markert med en oransje ring: ukjent.")
    assert fp.map_summary(df, 2019, highlight="1505").endswith("ring: ukjent (ikke svart).")
