"""AppTest of the overview, map and about pages on the database built from the mirror."""

from __future__ import annotations

import html
import json
import re
from xml.etree import ElementTree

import pytest
from page_helpers import cards, cell_colours, choropleth, drawings, shown, unescape
from streamlit.testing.v1 import AppTest

from dashboard import components, maps
from dashboard.format import SMALL_BASE
from etl.config import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture()
def app(mirror_db, monkeypatch):
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))

    def make(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_overview_headline_figures(app):
    at = app()
    metrics = {label: c.value for label, c in cards(at).items()}
    assert metrics["Registrerte organisasjoner"] == "72\u00a0800"
    assert metrics["Kommuner med politikk 2024"] == "107 av 357"
    assert metrics["Grasrotandelen 2024"] == "810\u00a0mill.\u00a0kr"
    grasrot = cards(at)["Grasrotandelen 2024"]  # the 2024 national total is assumed, not published: it says so
    assert grasrot.delta.endswith("landstall ikke publisert") and "ikke et offisielt" in grasrot.help
    assert grasrot.colour == "gray", "a change in a figure that is not official is not shown as good news"
    assert cards(at)["Registrerte organisasjoner"].colour == "green"
    assert "Testdata – ikke offisiell statistikk" in _text(at), "synthetic-data banner missing"
    # the first build has no earlier build to compare with, which does not contradict the cards (year on year)
    assert ("Endringene i kortene er fra året før (for frivillighetspolitikken: fra forrige runde av "
            "kommuneundersøkelsen). Tallene er lagt inn for første gang") in _text(at)
    assert [t.value for t in at.title] == ["Frivillighet i Norge"]


def test_overview_says_the_register_history_is_todays_organisations(app):
    """Frivillighetsregisteret has no history: earlier years count today's organisations by year of registration,
    and the card's change is the new registrations, not a net change."""
    at = app()
    orgs = cards(at)["Registrerte organisasjoner"]
    # the register's snapshot ends on 30 September: the year's new registrations are not a full year's
    assert re.fullmatch(r"↑ \+\d[\d\u00a0]* nye i 2025 \(til 30\.9\.\)", orgs.delta), orgs.delta
    assert "registrert i 2025 fram til 30.9.2025 og fortsatt er med" in orgs.help
    assert "slettede organisasjoner er ikke med" in orgs.help
    text = _text(at)
    assert re.search(r"Av de 72\u00a0800 organisasjonene i registeret per 30\. september 2025 var [\d\u00a0]+ "
                     r"registrert ved utgangen av 2009\.", text)
    assert "Organisasjoner som er slettet fra registeret siden, er ikke med" in text


def test_overview_marks_the_years_without_a_published_national_total(app, downloads):
    """Grasrotandelen 2024 (assumed) and the interpolated years are lighter, hatched bars, said so under the chart,
    on hover and in the download."""
    at = app()
    specs = {json.loads(c.proto.spec)["layout"].get("yaxis", {}).get("title", {}).get("text"): json.loads(c.proto.spec)
             for c in at.get("plotly_chart")}
    bars = next(s for t, s in specs.items() if t and t.startswith("Utbetalt"))["data"][0]
    hatched = {x for x, shape in zip(bars["x"], bars["marker"]["pattern"]["shape"], strict=True) if shape}
    assert hatched == {2021, 2022, 2024}
    assert bars["customdata"][bars["x"].index(2024)] == " (landstallet er ikke publisert)"
    assert bars["customdata"][bars["x"].index(2023)] == ""
    text = _text(at)
    assert "Skraverte stolper: Norsk Tipping har ikke publisert et landstall for 2021, 2022 og 2024." in text
    # the chart itself says what the hatching means (a legend entry without bars), on both charts of totals
    for title in ("Utbetalt (mill. kr)", "mill. kr"):
        assert specs[title]["layout"]["showlegend"]
        assert "Skravert: landstallet er ikke publisert" in [t.get("name") for t in specs[title]["data"]]
    csv = downloads["grasrotandelen-utbetalt-per-ar.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    assert header[-1] == "Status for landstallet (utbetalt)"
    assert next(line for line in csv if line.startswith("2024;")).endswith(";Ikke publisert (anslag)")


def test_overview_moms_applied_for_carries_its_own_status(app, downloads, con):
    """Momskompensasjon 2018: the amount paid is published, the amount applied for only derived ('søkt beløp
    avledet'): its bar is hatched, the note and the download say so, and the count is applicants, not
    organisations."""
    at = app()
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    moms = next(s for s in specs if [t.get("name") for t in s["data"][:2]] == ["Søkt", "Utbetalt"])

    def hatched(name: str) -> set[int]:
        trace = next(t for t in moms["data"] if t.get("name") == name)
        return {x for x, shape in zip(trace["x"], trace["marker"]["pattern"]["shape"], strict=True) if shape}

    status = dict(con.execute("SELECT aar, status_sokt FROM tilskudd_totaler "
                              "WHERE ordning = 'momskompensasjon'").fetchall())
    paid = {y for (y,) in con.execute("SELECT aar FROM tilskudd_totaler WHERE ordning = 'momskompensasjon' "
                                      "AND status NOT LIKE 'publisert%'").fetchall()}
    assert hatched("Søkt") == {y for y, s in status.items() if s != "publisert"} and 2018 in hatched("Søkt")
    assert hatched("Utbetalt") == paid and 2018 not in paid
    assert "Søkt beløp er ikke publisert for 2018 (bare regnet ut)" in _text(at)
    csv = downloads["momskompensasjon-sokt-og-utbetalt.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    assert "Søkere som fikk utbetalt" in header and "Mottakere" not in header
    row = next(line for line in csv if line.startswith("2018;")).split(";")
    assert row[header.index("Status, søkt")] == "Regnet ut, ikke publisert"
    assert row[header.index("Status for landstallet (utbetalt)")] == "Publisert"


def test_overview_county_table_has_all_counties(app):
    at = app()
    counties = [df for df in at.dataframe if "fylkesnavn" in df.value.columns]
    assert counties and len(counties[0].value) == 15
    assert not any(" - " in n for n in counties[0].value["fylkesnavn"]), "short county names, as in the charts"
    # the population beside 'per 1 000' is the one it divides by: a reader can redo the division
    table = counties[0].value
    population = next(c for c in table.columns if c.startswith("Folketall 1.1."))
    # every figure's header says its year (the figures are of different years)
    orgs, per_1000, policy, grasrot = (next(c for c in table.columns if c.startswith(p)) for p in (
        "Organisasjoner ", "Per 1\u00a0000 innbyggere ", "Kommuner med politikk ", "Grasrot, kr per "))
    assert policy.endswith(" 2024") and grasrot.endswith(" 2024") and re.search(r" 20\d\d$", per_1000)
    number = lambda s: float(str(s).replace("\u00a0", "").replace(",", "."))  # noqa: E731
    for _, row in table.iterrows():
        assert abs(number(row[orgs]) / number(row[population]) * 1000 - number(row[per_1000])) < 0.06


def test_the_pinned_name_column_is_not_greyed_out(app):
    """The table draws a pinned column (the row's name) at 60 % opacity: its text is set black, so the names read
    as #666 (5.7:1), not as disabled; the other columns keep the page's colour."""
    at = app("pages/kart.py")
    element = next(df for df in at.dataframe if "kommunenavn" in df.value.columns)
    colours = cell_colours(element)
    name = list(element.value.columns).index("kommunenavn")
    assert all(colours.get((r, name)) == components.PINNED_TEXT.split(": ")[1] for r in range(element.value.shape[0]))
    assert not any(colour == "#000000" for (_, c), colour in colours.items() if c != name)


def test_a_table_that_shows_some_of_its_rows_says_how_many_there_are(app):
    """The Kart table shows a dozen of its 357 rows in a box: the count under it says there are more."""
    at = app("pages/kart.py")
    element = next(df for df in at.dataframe if "kommunenavn" in df.value.columns)
    rows = element.value.shape[0]
    assert rows == 357
    assert "357 rader – rull i tabellen for å se alle." in [c.value for c in at.caption]


def test_overview_county_share_of_few_municipalities_is_shown_as_a_count(app, con):
    """Oslo is one municipality: '100 %' would read as a finding; it shows '1 av 1', as does any county with
    fewer than SMALL_BASE municipalities, and the note under the table names them."""
    at = app()
    element = next(df for df in at.dataframe if "fylkesnavn" in df.value.columns)
    screen = shown(element)
    column = next(c for c in screen.columns if c.startswith("Kommuner med politikk "))
    expected = con.execute("""SELECT f.fylkesnavn_kort, p.ja, f.antall_kommuner FROM fylke f
                              JOIN frivillighetspolitikk_andel p ON p.nivaa = 'fylke' AND p.kode = f.fylkesnummer
                              WHERE p.runde = (SELECT max(runde) FROM frivillighetspolitikk_andel)""").fetchall()
    cells = dict(zip(screen["fylkesnavn"], screen[column], strict=True))
    few = [name for name, _, n in expected if n < SMALL_BASE]
    assert "Oslo" in few and len(few) < len(expected)
    for name, k, n in expected:
        if n < SMALL_BASE:
            assert cells[name] == f"{k}\u00a0av\u00a0{n}", name
        else:
            assert cells[name].endswith("\u00a0%"), (name, cells[name])
    assert element.value[column].dtype.kind == "f", "the column still sorts by the share"
    (note,) = [c.value for c in at.caption if "færre enn" in c.value and "Oslo (én kommune)" in c.value]
    assert all(name in note for name in few)


def test_county_note_names_only_counties_of_few_municipalities_and_their_step():
    import polars as pl

    from dashboard.oversikt import county_small_base_note

    counties = pl.DataFrame({"fylkesnavn_kort": ["Oslo", "Agder", "Vestfold", "Ny"],
                             "antall_kommuner": [1, 25, 4, 2], "kommuner_med_politikk": [1, 5, 1, None]})
    note = county_small_base_note(counties)
    assert note.endswith("Oslo (én kommune) og Vestfold (4). Der flytter én kommune andelen med 25–100 prosentpoeng.")
    assert "Agder" not in note and "Ny" not in note, "a county without figures has no share to qualify"
    assert county_small_base_note(counties.filter(pl.col("antall_kommuner") > 20)) is None
    assert county_small_base_note(counties.filter(pl.col("fylkesnavn_kort") == "Oslo")).endswith(
        "Oslo (én kommune). Der flytter én kommune andelen med 100 prosentpoeng.")


def test_overview_county_download_has_one_population_the_one_divided_by(app, downloads):
    app()
    csv = downloads["nokkeltall-per-fylke.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    assert [h for h in header if h.startswith("Folketall")] == ["Folketall", "Folketall per 1. januar (år)"]
    years = {line.split(";")[header.index("Folketall per 1. januar (år)")] for line in csv[1:16]}
    assert len(years) == 1 and years <= {str(y) for y in range(2020, 2040)}
    # and the year of each figure, for a reader who joins it with other data
    for column in ("Organisasjoner: år", "Frivillighetspolitikk: runde", "Grasrotandel: år"):
        assert {line.split(";")[header.index(column)] for line in csv[1:16]} <= {str(y) for y in range(2019, 2040)}


def _deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def test_map_default_is_organisations_per_1000_for_357_municipalities(app):
    at = app("pages/kart.py")
    deck = _deck(at)
    features = choropleth(deck)["data"]["features"]
    assert len(features) == 357
    # the areas are a file the browser fetches once (map_files), not 0.3 MB inside every rerun's message
    assert len(at.get("deck_gl_json_chart")[0].proto.json) < 20_000
    assert at.selectbox(key="w_indikator").value == "org_per_1000"
    assert "Frivillige organisasjoner per 1\u00a0000 innbyggere" in _text(at)
    # the mirror is dated 30.9.2025, its population 1.1.2026: the source line under the map gives both dates
    source = next(c.value for c in at.caption if c.value.startswith("Kilde:") and "Befolkning" in c.value)
    assert "(tabell 07459)» (folketall til og med 1. januar 2026); " in source, source


def test_map_of_the_snapshot_year_says_its_figures_are_from_the_day_the_data_was_taken_out(app):
    """2025 is not over: the register's figures for it are those of 30.9.2025, not of the end of the year."""
    latest = _text(app("pages/kart.py"))
    assert "Tallene for 2025 gjelder per 30. september 2025 (datouttaket), ikke ved utgangen av året." in latest
    earlier = _text(app("pages/kart.py", aar="2024"))
    assert "gjelder per 30. september" not in earlier
    # an earlier year counts today's organisations: the register keeps no deleted ones
    assert ("Tallene for 2024 er dagens organisasjoner som var registrert ved utgangen av 2024; organisasjoner som "
            "er slettet siden, er ikke med.") in earlier
    assert "slettet siden" not in _text(app("pages/kart.py", aar="2024", indikator="grasrot_kr_per_innbygger"))
    # a share of the registered organisations has the same base: too high in earlier years, and said so
    share = _text(app("pages/kart.py", aar="2019", indikator="grasrot_andel_mottar"))
    assert ("De registrerte organisasjonene for 2019 er dagens organisasjoner som var registrert ved utgangen av "
            "2019; organisasjoner som er slettet siden, er ikke med. Andelen er derfor for høy") in share
    assert "registreringer fram til 30. september 2025" in _text(app("pages/kart.py", indikator="org_nye"))


def _drawing_colours(svg: str) -> set[str]:
    return {el.get("fill") for el in ElementTree.fromstring(svg).iter() if el.get("fill") not in (None, "none")}


def _hex(rgba: list[int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgba[:3])


@pytest.mark.parametrize("params", [{}, {"nivaa": "fylke", "indikator": "grasrot_kr_per_innbygger", "kommune": "1508"},
                                    {"indikator": "politikk_status", "aar": "2024", "kommune": "4601"}])
def test_map_has_a_static_drawing_of_the_same_map_beneath_it(app, params):
    """The drawing the reader sees until deck.gl has drawn (and what prints) has the deck's colours: one per
    class the map uses, on the sea; the map is named by its title and summed up in the text beside it."""
    at = app("pages/kart.py", **params)
    (alt, svg), = drawings(at)
    title = at.markdown[[m.value.startswith("## ") for m in at.markdown].index(True)].value[3:]
    assert alt == ""  # the map above it carries the name; a screen reader meets the map once
    # the map's name is short (Streamlit reads it with the full-screen button too); the summary is the text beside it
    assert at.get("deck_gl_json_chart")[0].proto.alt == f"Kart: {unescape(title)}"
    name, _, year = unescape(title).rpartition(", ")
    summary = f"Status i kommuneundersøkelsen {year}" if params.get("indikator") == "politikk_status" \
        else f"{name} i {year}: høyest i "
    assert any(unescape(m.value).startswith(summary) for m in at.markdown), summary
    assert ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text.startswith("Kart: ")
    deck_colours = {_hex(f["properties"]["fill"]) for f in choropleth(_deck(at))["data"]["features"]}
    assert {c.upper() for c in _drawing_colours(svg)} - {maps.SEA} == deck_colours
    marks = [el for el in ElementTree.fromstring(svg).iter() if el.get("stroke") == maps.HIGHLIGHT]
    assert len(marks) == (1 if params.get("kommune") else 0)  # the ring, or the county's orange edge


def _legend(at: AppTest) -> tuple[list[tuple[str, str]], str]:
    """The map legend's classes as shown (colour, label; 'Ingen data' aside) and the note under them."""
    body = next(h.proto.body for h in at.get("html") if "map-legend" in h.proto.body)
    items = [(c, unescape(html.unescape(t))) for c, t in re.findall(r'background:([^"]+)"></span>(.*?)</li>', body)]
    note = re.search(r'class="map-legend-note">(.*?)</p>', body)
    return [i for i in items if i[1] != maps.NO_DATA_LABEL], html.unescape(note.group(1)) if note else ""


@pytest.mark.parametrize(("params", "years"), [
    ({}, ("2024", "2025")),  # the municipalities' classes were '19,0 – 21,9' in one, '19,0 – 22,9' in the other
    ({"nivaa": "fylke", "indikator": "grasrot_andel_mottar"}, ("2019", "2024")),
    ({"nivaa": "fylke", "indikator": "moms_kr_per_innbygger"}, ("2018", "2024")),
])
def test_maps_of_two_years_share_their_colour_classes_and_say_so(app, params, years):
    """The same colour means the same values in every year of an indicator, and the legend says so."""
    (classes, note), (other, other_note) = (_legend(app("pages/kart.py", aar=y, **params)) for y in years)
    assert len(classes) >= 2 and classes == other
    assert note == other_note and note.startswith("Samme fargeinndeling for alle år")


def test_county_shares_a_point_apart_are_not_shown_as_a_contrast(app):
    """14 counties within about one point of each other were drawn in three classes ('49,0 % – 49,9 %'): now no class
    is narrower than 2,5 points, and the summary says the differences are small."""
    at = app("pages/kart.py", nivaa="fylke", indikator="grasrot_andel_mottar", aar="2024")
    classes, _ = _legend(at)
    for _, band in classes[1:-1]:
        lo, hi = (float(x.replace("\u00a0%", "").replace(",", ".")) for x in band.split(" – "))
        assert hi + 0.1 - lo >= 2.5 - 1e-9, band
    assert re.search(r"Forskjellene er små: \d+ av 15 fylker ligger mellom", _text(at).replace("\u00a0", " "))


def test_a_count_s_first_colour_class_reads_0(app, con):
    """Municipalities without a volunteer centre are '0', not 'under 1'."""
    none = con.sql("SELECT count(*) FROM indikator_verdi WHERE indikator = 'frivilligsentraler' AND nivaa = 'kommune' "
                   "AND aar = (SELECT max(aar) FROM indikator_verdi WHERE indikator = 'frivilligsentraler') "
                   "AND verdi = 0").fetchall()[0][0]
    assert none > 0
    classes, _ = _legend(app("pages/kart.py", indikator="frivilligsentraler"))
    assert classes[0][1] == "0" and not any(label.startswith("under") for _, label in classes)


def test_map_drawing_follows_the_selection(app):
    at = app("pages/kart.py")
    (_, before), = drawings(at)
    at.selectbox(key="w_indikator").select("grasrot_kr_per_innbygger").run()
    (_, after), = drawings(at)
    assert after != before and "<title>Kart: Grasrotandelen" in after


def test_map_changing_indicator_updates_url_and_map(app):
    at = app("pages/kart.py")
    before = choropleth(_deck(at))["data"]["features"][0]["properties"]["verdi"]
    at.selectbox(key="w_indikator").select("grasrot_kr_per_innbygger").run()
    assert not at.exception
    assert at.query_params["indikator"] in ("grasrot_kr_per_innbygger", ["grasrot_kr_per_innbygger"])
    after = choropleth(_deck(at))["data"]["features"][0]["properties"]["verdi"]
    assert before != after
    assert at.selectbox(key="w_aar").value == "2024"
    # the year 2025 was the page's own default, not the reader's choice: no message that it does not exist, and
    # the address names the year now shown
    assert not at.info
    assert at.query_params["aar"] in ("2024", ["2024"])


def test_map_county_level_and_head_office_warning(app):
    at = app("pages/kart.py", nivaa="fylke", indikator="moms_kr_per_innbygger", aar="2024")
    assert len(choropleth(_deck(at))["data"]["features"]) == 15
    assert any("hovedkontor" in w.value for w in at.warning), "momskompensasjon per place without explanation"
    features = choropleth(_deck(at))["data"]["features"]
    assert all(f["properties"]["kontekst"] == "" for f in features), "a county's tooltip repeats its name"
    assert re.search(r"høyest i [^(]+\(\d[\d\u00a0]*\u00a0kr\)", _text(at)), "kroner without their unit"
    # short names, as in the charts: 'Finnmark', not 'Finnmark - Finnmárku - Finnmarkku'
    names = {f["properties"]["navn"] for f in features}
    assert "Finnmark" in names and not any(" - " in n for n in names)
    assert " - " not in _text(at).split("Tabell:")[0]


def test_map_table_shows_a_share_of_a_small_base_as_its_count(app, con):
    at = app("pages/kart.py", nivaa="fylke", indikator="politikk_status", aar="2024")
    element = next(df for df in at.dataframe if "fylkesnavn" in df.value.columns)
    screen = shown(element)
    value = screen.columns[1]
    rows = con.execute("""SELECT f.fylkesnavn_kort, v.teller::INT, v.nevner::INT FROM indikator_verdi v
                          JOIN fylke f ON f.fylkesnummer = v.kode
                          WHERE v.nivaa = 'fylke' AND v.indikator = 'politikk_andel' AND v.aar = 2024""").fetchall()
    cells = dict(zip(screen["fylkesnavn"], screen[value], strict=True))
    assert len(rows) == 15 and any(n < SMALL_BASE for _, _, n in rows)
    for name, k, n in rows:
        assert cells[name] == f"{k}\u00a0av\u00a0{n}" if n < SMALL_BASE else cells[name].endswith("%"), name


@pytest.mark.parametrize("nivaa", ["fylke", "kommune"])
def test_map_head_office_note_is_that_of_the_year_shown(app, con, nivaa):
    """Over the map of momskompensasjon in an earlier year, the Oslo share named is that year's, as on Tilskudd."""
    shares = dict(con.sql("SELECT aar, andel_oslo FROM moms_indikator WHERE nivaa = 'land'").fetchall())
    years = sorted(shares)
    assert len(years) > 1
    for aar in (years[0], years[-1]):
        notes = [w.value for w in app("pages/kart.py", nivaa=nivaa, indikator="moms_kr_per_innbygger",
                                      aar=str(aar)).warning if "hovedkontor" in w.value]
        assert len(notes) == 1, notes
        assert f"I {aar} gikk {round(100 * shares[aar])}\u00a0% av pengene" in notes[0].replace(" %", "\u00a0%")
        assert not any(str(y) in notes[0] for y in years if y != aar), f"another year named over the {aar} map"


def test_map_policy_status_legend_keeps_unknown_apart_from_no(app):
    at = app("pages/kart.py", indikator="politikk_status", aar="2024")
    html = "".join(h.proto.body for h in at.get("html"))
    assert "Ukjent (ikke svart)" in html and "Nei" in html
    assert "Ja, vedtatt: 107" in _text(at)


def test_map_table_keeps_the_municipality_name_in_view_when_scrolled_sideways(app):
    at = app("pages/kart.py")
    table = next(d for d in at.dataframe if "kommunenummer" in d.value.columns)
    config = json.loads(table.proto.columns)
    assert [c for c, v in config.items() if v.get("pinned")] == ["kommunenavn"]


def test_only_a_wide_table_led_by_a_place_name_pins_it():
    import polars as pl

    from dashboard.components import pinned_columns

    wide = pl.DataFrame({"fylkesnavn": ["Agder"], "a": [1], "b": [2], "c": [3]})
    assert pinned_columns(wide) == ["fylkesnavn"]
    assert pinned_columns(wide.select("fylkesnavn", "a")) == []  # narrow: nothing to scroll
    assert pinned_columns(wide.rename({"fylkesnavn": "title"})) == []  # long texts would fill a phone


@pytest.mark.parametrize("params", [{"indikator": "<script>x</script>"}, {"aar": "1999"},
                                    {"nivaa": "by"}, {"aar": "2024 OR 1=1"}])
def test_map_invalid_url_values_give_a_friendly_message(app, params):
    at = app("pages/kart.py", **params)
    assert len(choropleth(_deck(at))["data"]["features"]) in (15, 357)
    assert at.info, "no message about the invalid value"
    assert not any(v in str(at.query_params) for v in params.values()), "the invalid value stays in the link"


def test_about_page_offers_the_sources_table_as_shown(app, downloads):
    """The «Kilder» file is the Norwegian table on the screen, not the database's English metadata."""
    app("pages/om_dataene.py")
    csv = downloads["kilder.csv"].decode("utf-8-sig")
    header = csv.splitlines()[0].split(";")
    assert {"Lisens", "Hentet"} <= set(header), header
    assert "synthetic data" not in csv and ";synthetic" not in csv and ";syntetisk" in csv
    assert "30.09.2025" in csv and "2025-09-30" not in csv
    # the default view to download (the municipalities) leaves the boundaries out: a spreadsheet, not a map file
    kommuner = downloads["kommune.csv"].decode("utf-8-sig").splitlines()
    assert len(kommuner) > 357 and not any("geojson" in c.lower() for c in kommuner[0].split(";"))
    assert "Breddegrad (et punkt inne i området)" in kommuner[0].split(";")


def test_about_page_lists_every_source_with_checksum(app):
    at = app("pages/om_dataene.py")
    sources = [df.value for df in at.dataframe if "sha256" in df.value.columns][0]
    assert len(sources) >= 29
    assert sources["sha256"].str.len().eq(64).all()
    assert set(sources["kind"]) >= {"ekte", "syntetisk", "blandet"}  # in Norwegian on the page
    assert not sources["licence"].str.contains("synthetic data").any()
    # the mirror is dated 30.09.2025, its population file has 1 January 2026: the reader is told
    import datetime as dt

    from dashboard.format import fmt_date

    shown = sources.loc[sources["title"].str.startswith("Befolkning"), "retrieved"].iloc[0]  # '30.09.2025'
    (note,) = [i.value for i in at.info if "folketallene gjelder" in i.value]
    assert f"hentet {fmt_date(dt.datetime.strptime(shown, '%d.%m.%Y').date())}" in note
    assert "1.\u00a0januar 2026" in note


def test_no_date_note_for_population_retrieved_after_its_figures():
    import datetime as dt

    import polars as pl

    from dashboard.om_dataene import date_notes

    src = pl.DataFrame({"source_id": ["befolkning", "grenser"], "title": ["Befolkning [1. januar]", "Grenser"],
                        "retrieved": [dt.date(2026, 2, 20), dt.date(2020, 1, 1)]})
    assert date_notes(src, 2026) == []
    assert date_notes(src, None) == []
    (note,) = date_notes(src, 2027)
    assert note.startswith("**Befolkning \\[1\\. januar\\]**: folketallene gjelder til og med 1.\u00a0januar 2027")
    assert "hentet 20. februar 2026" in note


def test_table_alternatives_are_built_when_opened(app, monkeypatch):
    import dashboard.components as components

    monkeypatch.setattr(components, "LAZY_TABLES", True)
    at = app()
    assert len(at.expander) >= 4 and all(e.label == "Vis tallene som tabell" for e in at.expander[:4])
    assert not any("antall" in d.value.columns and "nye" in d.value.columns for d in at.dataframe)
    at.session_state["tabell_org"] = True  # what the reader's click on the organisations chart's expander does
    at.run()
    table = next(d.value for d in at.dataframe if "nye" in d.value.columns)
    assert len(table) >= 15 and table["antall"].max() == 72_800


def test_the_change_per_1000_is_the_change_of_the_values_as_shown():
    import polars as pl

    from dashboard import oversikt

    orgs = pl.DataFrame({"aar": [2024, 2025], "antall": [70928, 72800], "per_1000": [12.679, 12.94]})
    cards_ = {c.label: c for c in oversikt.org_cards(orgs, "2025-09-30")}
    per = cards_["Per 1\u00a0000 innbyggere"]
    assert per.value == "12,9" and per.delta == "+0,2 siden 2024"  # 12,9 − 12,7, not 12,94 − 12,68 = +0,3
    assert cards_["Registrerte organisasjoner"].delta == "+1\u00a0872 nye i 2025 (til 30.9.)"
    full_year = {c.label: c for c in oversikt.org_cards(orgs, "2025-12-31")}
    assert full_year["Registrerte organisasjoner"].delta == "+1\u00a0872 nye i 2025"


def test_a_page_that_fails_says_so_in_norwegian_and_keeps_the_banner_and_footer(mirror_db, monkeypatch):
    from dashboard import queries

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    monkeypatch.delenv("FRIVILLIG_RAISE_ERRORS")
    monkeypatch.setattr(queries, "county_overview", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, "Streamlit's English error box"
    assert [e.value for e in at.error] == ["Noe gikk galt da siden skulle vises. Last siden inn på nytt, eller prøv "
                                           "igjen litt senere. Feilen er logget."]
    text = _text(at)
    assert "secret detail" not in text and "Testdata – ikke offisiell statistikk" in text
    assert at.caption[-1].value.startswith("Frivillighetsstatistikk · Data hentet"), "the footer"


def test_map_summary_names_a_small_base_with_its_count(app, mirror_db):
    """The Kart summary's lowest share is a municipality with few registered organisations: it reads «k av n»."""
    import duckdb

    from dashboard.format import SMALL_BASE

    with duckdb.connect(str(mirror_db), read_only=True) as con:
        navn, k, n = con.sql("""SELECT m.kommunenavn_kort, v.teller, v.nevner FROM indikator_verdi v
                                JOIN kommune m ON m.kommunenummer = v.kode
                                WHERE v.indikator = 'grasrot_andel_mottar' AND v.nivaa = 'kommune' AND v.aar = 2024
                                ORDER BY v.verdi, m.kommunenavn_kort LIMIT 1""").fetchall()[0]
    text = _text(app("pages/kart.py", aar="2024", indikator="grasrot_andel_mottar"))
    assert n < SMALL_BASE  # the mirror's lowest is a small base; else this test checks nothing
    assert f"lavest i {navn} (" in text and f", {k}\u00a0av\u00a0{n})" in text and "Små tall:" in text


def test_about_page_describes_the_columns_of_the_chosen_view(app):
    at = app("pages/om_dataene.py")
    columns = next(d.value for d in at.dataframe if "kolonne" in d.value.columns)
    assert columns["kolonne"].tolist()[:2] == ["kommunenummer", "kommunenavn"]
    assert "kommunenummer" in set(columns["kolonne"]) and "Kommune" in set(columns["overskrift"])
    assert dict(zip(columns["kolonne"], columns["eksempel"], strict=True))["kommunenummer"] == "0301"
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Visning")).set_value(
        "frivillighetspolitikk_andel").run()
    columns = next(d.value for d in at.dataframe if "kolonne" in d.value.columns)
    kinds = dict(zip(columns["kolonne"], columns["type"], strict=True))
    headers = dict(zip(columns["kolonne"], columns["overskrift"], strict=True))
    assert kinds["runde"] == "år" and kinds["ja"] == "heltall"
    shares = [c for c in kinds if c.startswith("andel")]  # the policy views give their shares in per cent
    assert shares and all(kinds[c] == "andel, i prosent (0–100)" for c in shares)
    assert all(headers[c].endswith(", i prosent (0–100)") for c in shares), "as the CSV file heads it"
    assert headers["svarprosent"] == "Svarprosent, 0–100"
    example = dict(zip(columns["kolonne"], columns["eksempel"], strict=True))[shares[0]]
    assert "," in example and "." not in example, "a decimal comma, as in the file"
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Visning")).set_value("grasrot_indikator").run()
    columns = next(d.value for d in at.dataframe if "kolonne" in d.value.columns)
    kinds = dict(zip(columns["kolonne"], columns["type"], strict=True))
    assert kinds["andel_registrerte_mottar"] == "andel, 0–1 (1 = 100\u00a0%)"


def test_view_download_heads_a_share_in_per_cent_as_per_cent(app, downloads):
    at = app("pages/om_dataene.py")
    downloads.clear()
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Visning")).set_value(
        "frivillighetspolitikk_andel").run()
    csv = downloads["frivillighetspolitikk-andel.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    name = "Andel med politikk (av alle kommuner), i prosent (0–100)"
    assert name in header, header
    column = header.index(name)
    rows = csv[1:csv.index("")]  # the source lines follow a blank line
    values = [float(line.split(";")[column].replace(",", ".")) for line in rows if line.split(";")[column]]
    assert max(values) > 1, "per cent, as the header says"
    assert not any("0–1 (" in h for h in header)
    assert "Svarprosent, 0–100" in header


def test_sources_table_tells_the_files_of_a_source_apart():
    """A source of several files (one per year) lists them in file order, each title naming its file: six equal
    titles in a row would read as duplicates. A source of one file keeps its title as it is."""
    import polars as pl

    from dashboard.om_dataene import sources_table

    src = pl.DataFrame({
        "source_id": ["befolkning", "grasrot", "grasrot", "moms"],
        "file": ["befolkning.csv", "grasrot-2024.csv", "grasrot-2019.csv", "moms-2018.xlsx"],
        "title": ["Befolkning", "Grasrot", "Grasrot", "Moms"], "kind": ["real", "synthetic", "synthetic", "synthetic"],
        "retrieved": [None] * 4, "producer": ["SSB", "NT", "NT", "LS"], "licence": ["NLOD"] * 4,
        "rows": [1, 2, 3, 4], "sha256": ["x"] * 4, "url": ["u"] * 4,
    }, schema_overrides={"retrieved": pl.Date})
    assert sources_table(src)["title"].to_list() == [
        "Befolkning", "Grasrot – grasrot-2019.csv", "Grasrot – grasrot-2024.csv", "Moms"]
