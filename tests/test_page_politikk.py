"""The Frivillighetspolitikk page on the mirror database: AppTest of what a reader sees, and its query functions."""

from __future__ import annotations

import json
import re
import time
from xml.etree import ElementTree

import pytest
from page_helpers import cards, choropleth, drawings, highlighted, run_page
from streamlit.testing.v1 import AppTest

from dashboard import maps

PAGE = "pages/frivillighetspolitikk.py"


@pytest.fixture()
def app(mirror_db, monkeypatch):
    """A function returning the app opened on the policy page with the given URL parameters (already run)."""
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))

    def open_(**params: str) -> AppTest:
        return run_page(PAGE, **params)

    return open_


def metrics(at: AppTest) -> dict[str, str]:
    return {label: c.value.replace("\xa0", " ") for label, c in cards(at).items()}


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\xa0", " ")


def frame(at: AppTest, column: str):
    """The first table on the page that has the given column (as pandas)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


MAP = "Kart og kommuner"


def plotly(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


# ---- headline -------------------------------------------------------------------------------------------

def test_latest_round_by_default_107_of_357_with_shares_and_response_rate(app):
    at = app()
    m = metrics(at)
    assert m["Kommuner med politikk"] == "107 av 357"
    assert m["Andel av alle kommuner"] == "30,0 %"
    assert m["Andel av dem som svarte"] == "36,4 %"
    answered = cards(at)["Andel av dem som svarte"]
    assert answered.delta.replace("\xa0", " ") == "svarprosent 82,4 %" and answered.colour == "gray"
    assert m["Andel av befolkningen"] == "66,9 %"
    assert at.selectbox[0].value == "2024"
    assert "«ukjent», ikke som «nei»" in texts(at)


def test_2019_round_in_todays_and_its_own_borders(app):
    at = app(aar="2019")
    assert metrics(at)["Kommuner med politikk"] == "52 av 357"
    assert "**64 av de 422 kommunene** landet hadde da" in texts(at)


def test_population_share_of_a_round_with_merged_municipalities_is_a_range(app, con):
    lows = dict(con.sql("SELECT runde, ja_delvis FROM frivillighetspolitikk_andel WHERE nivaa = 'land'").fetchall())
    assert lows[2019] > 0 and lows[2024] == 0, "the mirror's 2019 round has merged municipalities with a mixed answer"
    assert re.fullmatch(r"\d+–\d+ %", metrics(app(aar="2019"))["Andel av befolkningen"])
    assert re.fullmatch(r"\d+,\d %", metrics(app(aar="2024"))["Andel av befolkningen"])


# ---- trend -------------------------------------------------------------------------------------------------

def test_trend_has_survey_lines_and_published_markers_with_citations(app):
    at = app()
    spec = plotly(at, 0)
    traces = {t["name"]: t for t in spec["data"]}
    assert traces["Publisert (Frivillighet Norge)"]["mode"] == "markers"
    assert traces["Kommuneundersøkelsen (kommunene slik de var i rundens år)"]["mode"] == "lines+markers"
    assert "Kommuneundersøkelsen (omregnet til dagens 357 kommuner)" in traces
    assert max(traces["Publisert (Frivillighet Norge)"]["y"]) <= 1
    table = frame(at, "serie")
    published = table[table["serie"] == "Publisert (Frivillighet Norge)"]
    assert published["kilde"].notna().all() and "juli 2024" in set(published["periode"])
    captions = " ".join(c.value for c in at.caption)
    assert "radionordkapp.no 8. juli 2024" in captions and "pressemelding" in captions


# ---- county and size group ---------------------------------------------------------------------------------

def test_county_view_2024_has_rogaland_17_and_unknown_apart_from_no(app):
    at = app(visning="Fylker")
    counties = frame(at, "fylke").set_index("fylke")
    assert counties.loc["Rogaland", "Ja, vedtatt"] == 17
    assert counties["Ja, vedtatt"].sum() == 107
    assert counties["Ukjent (ikke svart)"].sum() == 63
    spec = plotly(at, 0)
    names = [t["name"] for t in spec["data"]]
    assert names[-2:] == ["Vet ikke", "Ukjent (ikke svart)"] and "Nei" in names
    assert not any("storrelsesgruppe" in d.value.columns for d in at.dataframe), "the closed tab was built"


@pytest.mark.parametrize("link", [{"visning": "Kommunestørrelse"}, {"fordeling": "Etter kommunestørrelse"},
                                  {"visning": "kommunestorrelse"}, {"visning": "KOMMUNE-STØRRELSE"}],
                         ids=["visning", "link from before the tabs", "typed without ø", "other case and a hyphen"])
def test_size_group_tab_from_a_shared_link_shows_all_357_municipalities(app, link):
    at = app(**link)
    sizes = frame(at, "storrelsesgruppe")
    assert sizes["antall_kommuner"].sum() == 357
    assert sizes.set_index("storrelsesgruppe")["Ja, vedtatt"].sum() == 107
    assert not any("fylke" in d.value.columns for d in at.dataframe if "Ja, vedtatt" in d.value.columns)
    assert at.query_params.get("visning") in ("Kommunestørrelse", ["Kommunestørrelse"]), "the link to share names the tab"
    assert "fordeling" not in at.query_params


# ---- published county table --------------------------------------------------------------------------------

def test_published_county_table_beside_the_survey_in_2024_with_its_explanation(app):
    at = app(aar="2024", visning="Fylker")
    table = frame(at, "publisert").set_index("fylkesnavn")
    assert table.loc["Vestfold", "publisert"] == 8 and table.loc["Vestfold", "undersøkelsen"] == 6
    assert table.loc["Vestfold", "kommuner 2024"] == 6
    assert table.loc["Vestfold", "avvik"] == "begge"
    # a county whose published count of municipalities with a policy equals the survey's is not said to differ in it
    same = table[table["publisert"] == table["undersøkelsen"]]
    assert not same.empty and set(same["avvik"]) <= {"–", "kommuneantall"}
    assert table["kommuner (publisert)"].sum() == 358
    text = texts(at)
    assert "summerer til 358" in text and "**Vestfold** har 8 kommuner med politikk i tabellen" in text
    assert any(e.label.startswith("Hvorfor tallene avviker") for e in at.expander)


def test_published_county_table_only_for_2024(app):
    at = app(aar="2021", visning="Fylker")
    assert not any("publisert" in d.value.columns for d in at.dataframe)
    assert "bare for juli 2024" in texts(at)


# ---- map and table -----------------------------------------------------------------------------------------

def test_map_colours_357_municipalities_by_status_and_highlights_the_url_municipality(app):
    at = app(kommune="1103", visning=MAP)
    features = choropleth(deck(at))["data"]["features"]
    assert len(features) == 357
    stavanger = next(f for f in features if f["properties"]["kode"] == "1103")
    assert highlighted(deck(at)) == ["1103"]
    assert stavanger["properties"]["verdi"] == "Ja, vedtatt"
    greys = [f for f in features if f["properties"]["verdi"] == "Ukjent (ikke svart)"]
    assert len(greys) == 63 and all(f["properties"]["fill"][:3] == [189, 189, 189] for f in greys)
    assert deck(at)["mapStyle"] == "/app/static/blank-style.json"
    # beneath the map, a static drawing of it (seen until deck.gl has drawn, and printed): the same colours and
    # the ring on Stavanger; the map carries a short name (read with its full-screen button too), the drawing none
    # (read once), and the summary is the text beside the map
    (alt, svg), = drawings(at)
    assert alt == "" and at.get("deck_gl_json_chart")[0].proto.alt == "Kart: status i hver kommune, 2024"
    assert any(m.value.startswith("Kartet viser status for 357 kommuner") and "ja, vedtatt: 107" in m.value
               for m in at.markdown)
    fills = {el.get("fill").upper() for el in ElementTree.fromstring(svg).iter() if el.tag.endswith("path")}
    assert fills == {"#{:02X}{:02X}{:02X}".format(*f["properties"]["fill"][:3]) for f in features}
    assert [el.tag.rpartition("}")[2] for el in ElementTree.fromstring(svg).iter()
            if el.get("stroke") == maps.HIGHLIGHT] == ["circle"]
    table = next(d.value for d in at.dataframe
                 if list(d.value.columns) == ["kommunenavn", "fylkesnavn", "status", "vedtaksaar"])
    assert len(table) == 357
    assert (table["status"] == "Ja, vedtatt").sum() == 107


def test_chosen_municipality_gets_its_own_summary_and_similar_municipalities(app):
    at = app(kommune="1103")
    text = texts(at)
    assert "**Stavanger** hadde vedtatt frivillighetspolitikk i 2024 (vedtatt 2014)" in text
    # adopted in the round's own year: said once ('vedtok … i 2024', not 'i 2024 (vedtatt 2024)')
    alesund = texts(app(kommune="1508"))
    assert "**Ålesund** vedtok frivillighetspolitikk i 2024." in alesund and "(vedtatt 2024)" not in alesund
    assert "Lignende kommuner: blant kommunene med 50 000 innbyggere eller flere hadde 18 av 20" in text
    # Stavanger is one of the 18: the list of the others has 17, and says so
    assert "17 andre kommuner av samme størrelse med vedtatt politikk i 2024" in [e.label for e in at.expander]


def test_municipality_table_in_earlier_rounds_shows_former_municipalities_answers(app):
    at = app(aar="2019", visning=MAP)
    table = frame(at, "svar_fra_kommunene_i_runden").set_index("kommunenavn")
    assert "0227 Fet" in table.loc["Lillestrøm", "svar_fra_kommunene_i_runden"]


# ---- measures ---------------------------------------------------------------------------------------------

def test_measures_by_having_a_policy_with_a_text_summary(app):
    at = app(visning="Tiltak")
    spec = plotly(at, 0)
    assert [t["name"] for t in spec["data"]] == ["Med vedtatt politikk (n = 107)",
                                                 "Uten vedtatt politikk (nei, under arbeid, vet ikke) (n = 187)"]
    assert all(0 <= x <= 1 for t in spec["data"] for x in t["x"])
    assert "Sammenhengen sier ikke hva som er årsak og virkning." in texts(at)
    assert len(frame(at, "andel_med_politikk")) == 6


def test_method_note_says_unknown_is_never_no_and_how_earlier_rounds_are_harmonised(app):
    text = texts(app())
    assert "Ikke svart er ikke «nei».**" in text
    assert "**minst én**" in text and "(52 av 357)" in text and "(64 av 422)" in text
    assert "syntetiske testdata" in text


# ---- URL state ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["2020", "abc"])
def test_invalid_round_in_the_url_gives_a_message_and_the_latest_round(app, bad):
    at = app(aar=bad)
    assert any(f"«{bad}» er ikke en runde av kommuneundersøkelsen" in i.value for i in at.info)
    assert metrics(at)["Kommuner med politikk"] == "107 av 357"
    shown = at.query_params.get("aar")
    assert (shown[0] if isinstance(shown, list) else shown) == "2024", "the address names the round shown"


def test_former_municipality_number_in_the_url_shows_todays_municipality(app):
    at = app(kommune="0227")  # Fet, merged into Lillestrøm in 2020
    assert any("Viser 3205 Lillestrøm" in i.value for i in at.info)
    shown = at.query_params.get("kommune")
    assert (shown[0] if isinstance(shown, list) else shown) == "3205"
    assert at.selectbox(key="w_kommune").value == "3205"
    assert any("**Lillestrøm**" in m.value for m in at.markdown), "the municipality's own summary is shown"


def test_a_former_number_split_between_municipalities_is_explained_not_guessed(app, con):
    (code,), = con.sql("SELECT kode FROM kommune_historikk GROUP BY kode "
                       "HAVING count(DISTINCT kommunenummer_2024) > 1 ORDER BY kode LIMIT 1").fetchall()
    at = app(kommune=code, visning=MAP)
    assert any("gjelder ikke lenger. I dag ligger kommunen i" in i.value for i in at.info)
    assert "kommune" not in at.query_params
    assert highlighted(deck(at)) == []


def test_changing_the_round_updates_the_url_the_numbers_and_the_charts(app):
    at = app()
    at.selectbox[0].set_value("2021").run()
    assert at.query_params["aar"] == "2021"
    assert metrics(at)["Kommuner med politikk"] == "80 av 357"
    assert [a["text"] for a in plotly(at, 0)["layout"]["annotations"]] == ["Valgt runde: 2021"]
    at = app(visning="Fylker")
    before = plotly(at, 0)
    at.selectbox[0].set_value("2021").run()
    assert plotly(at, 0)["data"] != before["data"]
    assert at.query_params["visning"] == "Fylker", "the open tab stays open"


@pytest.mark.parametrize(("visning", "plotly_charts", "maps"), [
    (None, 1, 0), ("Fylker", 1, 0), ("Kommunestørrelse", 1, 0), ("Kart og kommuner", 0, 1), ("Tiltak", 1, 0),
    ("Finnes ikke", 1, 0)])
def test_only_the_open_tab_is_built(app, visning, plotly_charts, maps):
    at = app(**({"visning": visning} if visning else {}))
    assert not at.exception
    assert len(at.get("plotly_chart")) == plotly_charts and len(at.get("deck_gl_json_chart")) == maps
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    expected = {None: "Andel kommuner med vedtatt", "Finnes ikke": "Andel kommuner med vedtatt",
                "Fylker": "Status for frivillighetspolitikk per fylke", "Kommunestørrelse": "Status etter antall",
                "Kart og kommuner": "Status i hver kommune", "Tiltak": "Andel kommuner med hvert tiltak"}[visning]
    assert headings[0].startswith("### " + expected)
    assert "Om tallene" in [h.value for h in at.header], "the method note follows every tab"


def test_choosing_a_municipality_writes_it_to_the_url_and_highlights_it(app):
    at = app(visning=MAP)
    at.selectbox[1].set_value("4601").run()
    assert at.query_params["kommune"] == "4601"
    assert highlighted(deck(at)) == ["4601"]


def test_selection_survives_a_page_switch_and_a_rerun(app):
    at = app(aar="2021", kommune="1103")
    at.switch_page("pages/om_dataene.py").run()
    assert not at.exception
    at.switch_page(PAGE).run()
    assert at.query_params["aar"] == "2021" and at.query_params["kommune"] == "1103"
    assert at.selectbox[0].value == "2021" and at.selectbox[1].value == "1103"
    assert metrics(at)["Kommuner med politikk"] == "80 av 357"
    at.run()
    assert metrics(at)["Kommuner med politikk"] == "80 av 357"


def test_warm_rerun_is_quick(app):
    at = app(kommune="1103")
    at.run()
    started = time.perf_counter()
    at.run()
    # 0.2 s measured (AppTest overhead included); generous bound for a shared CI machine
    assert time.perf_counter() - started < 1.0


# ---- query functions ------------------------------------------------------------------------------------

@pytest.fixture()
def qp(mirror_db, monkeypatch):
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    from dashboard import queries_politikk

    return queries_politikk


def test_query_functions_return_shares_as_fractions(qp):
    h = qp.headline(2024).row(0, named=True)
    assert (h["ja"], h["antall_kommuner"], h["runde_ja"]) == (107, 357, 107)
    assert h["andel_ja_alle"] == pytest.approx(107 / 357)
    assert 0 < h["svarprosent"] <= 1 and 0 < h["andel_befolkning_ja"] <= 1
    assert qp.trend()["andel"].max() <= 1
    assert qp.measures(2024)["andel_ja"].max() <= 1
    by = qp.status_by(2024, "fylke")
    assert by["andel"].max() <= 1
    assert by.filter((by["navn"] == "Rogaland") & (by["status"] == "ja"))["antall"].item() == 17


def test_round_2019_in_its_own_borders_is_64_of_422(qp):
    h = qp.headline(2019).row(0, named=True)
    assert (h["runde_ja"], h["runde_antall_kommuner"]) == (64, 422)


def test_status_by_rejects_an_unknown_level(qp):
    with pytest.raises(ValueError):
        qp.status_by(2024, "land; DROP TABLE x")


def test_municipalities_are_in_norwegian_alphabetical_order(qp):
    names = qp.municipalities(2024)["kommunenavn"].to_list()
    assert len(names) == 357
    assert names.index("Øygarden") < names.index("Ål")  # Æ Ø Å at the end, in that order
    assert qp.county_comparison(2021).is_empty()


def test_a_year_chosen_on_another_page_is_not_a_mistake_here_and_links_carry_only_this_pages_choices(app):
    # a grant year (not a survey round) and a grant scheme chosen on Tilskudd
    at = run_page("pages/tilskudd.py", aar="2022", indikator="moms_kr_per_innbygger")
    at.query_params.clear()  # as the browser does when the reader follows a page link
    at.switch_page(PAGE).run()
    assert not at.exception
    assert not [i.value for i in at.info if "2022" in i.value], "the reader did not choose 2022 on this page"
    assert metrics(at)["Kommuner med politikk"] == "107 av 357"  # the latest round
    assert "indikator" not in at.query_params, "the grant scheme means nothing here: not in this page's link"
    at.query_params.clear()
    at.switch_page("pages/oversikt.py").run()
    assert not {"aar", "indikator"} & set(at.query_params), "the front page's link carries no choices"
    # a link that names a year that is no round still says so
    fresh = app(aar="2022")
    assert any("«2022» er ikke en runde" in i.value for i in fresh.info)
