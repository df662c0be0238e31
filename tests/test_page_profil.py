"""Kommuneprofil: the page (AppTest), the URL state on every page, and the profile's pure builders."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import polars as pl
import pytest
from page_helpers import drawings, markdown_images, places_drawn
from streamlit.testing.v1 import AppTest

from dashboard import figures_profil, profil
from dashboard.format import fmt_num, official_name
from dashboard.theme import HIGHLIGHT, MUTED

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PROFILE = "pages/kommuneprofil.py"
PAGES = ["pages/oversikt.py", "pages/kart.py", "pages/frivillighetspolitikk.py", "pages/tilskudd.py",
         "pages/kommuneprofil.py", "pages/om_dataene.py"]
STATE = {"kommune": "1508", "aar": "2022", "indikator": "grasrot_kr_per_innbygger", "nivaa": "kommune"}


def plain(text: str) -> str:
    """Markdown text as a reader sees it (backslash escapes and bold markers removed)."""
    return re.sub(r"\\(.)", r"\1", text.replace("**", ""))


def texts(at: AppTest) -> str:
    """Everything written as markdown, captions, info and warnings, as plain text."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    return plain("\n".join(parts))


@pytest.fixture()
def app(mirror_db, monkeypatch):
    """A function that runs the app on a page with query parameters (against the mirror database)."""
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))

    def run(page: str = PROFILE, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=180)
        at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    return run


# ---- the page ---------------------------------------------------------------------------------------------

def test_aalesund_profile(app, con):
    at = app(kommune="1508")
    assert not at.exception
    assert at.title[0].value == "Ålesund"
    assert at.query_params["kommune"] == ["1508"] or at.query_params["kommune"] == "1508"
    text = texts(at)
    assert "Ålesund vedtok frivillighetspolitikk i 2024, ifølge kommuneundersøkelsen samme år." in text
    assert "Kommune i Møre og Romsdal" in text
    # the sentence on volunteer centres agrees with the list of centres shown
    n = int(re.search(r"Kommunen har (\d+) frivilligsentral", text).group(1))
    listed = [m for m in at.markdown if "org.nr. " in m.value][0].value.count("org.nr. ")
    assert n == listed == 3
    # key figures against county, country and the size group's median
    key = at.table[0].value
    assert list(key.columns) == ["Nøkkeltall", "Ålesund", "Møre og Romsdal", "Hele landet", "Lignende kommuner"]
    row = key[key["Nøkkeltall"].str.startswith("Organisasjoner per 1\u00a0000")].iloc[0]
    year = int(re.search(r"(\d{4})\)", row["Nøkkeltall"]).group(1))
    median = con.sql("""SELECT median(v.verdi) FROM indikator_verdi v JOIN kommune k ON k.kommunenummer = v.kode
                        WHERE v.indikator = 'org_per_1000' AND v.nivaa = 'kommune' AND v.aar = $1
                          AND k.storrelsesgruppe_kode = (SELECT storrelsesgruppe_kode FROM kommune
                                                         WHERE kommunenummer = '1508')""",
                     params=[year]).fetchall()[0][0]
    assert row["Lignende kommuner"] == fmt_num(median, 1)
    own = con.sql("SELECT verdi FROM indikator_verdi WHERE indikator = 'org_per_1000' AND nivaa = 'kommune' "
                  "AND kode = '1508' AND aar = $1", params=[year]).fetchall()[0][0]
    assert row["Ålesund"] == fmt_num(own, 1)
    policy = key[key["Nøkkeltall"].str.startswith(profil.POLICY_ROW)].iloc[0]
    assert policy["Ålesund"].startswith("Ja")
    # policy answers per round, newest first, and what changed
    answers = at.table[1].value
    assert list(answers.columns)[:3] == ["Spørsmål", "2024", "2021"]
    assert "Frivillighetspolitikk: nei i 2021, ja i 2024." in text
    # static drawings (the same on screen and paper), each with a text summary and a table alternative
    assert not at.get("plotly_chart")
    drawn = drawings(at)
    titles = [alt.split(". ")[0] for alt, _ in drawn]
    assert titles.count("Organisasjoner etter kategori") == 2, "a wide layout and a phone's"
    assert {"Ålesund sammenlignet med fylket, landet og lignende kommuner",
            "Grasrotandelen, kroner per innbygger"} <= set(titles)
    comparison = next(svg for alt, svg in drawn if alt.startswith("Ålesund sammenlignet"))
    assert f">{fmt_num(own, 1)}<" in comparison and f">{fmt_num(median, 1)}<" in comparison
    assert len(at.expander) >= 3
    assert any(a.startswith("Kart over Møre og Romsdal") for a in markdown_images(at))  # the locator map


def test_old_number_before_2020_opens_todays_haram(app):
    at = app(kommune="1534")
    assert not at.exception
    assert at.title[0].value == "Haram"
    assert at.query_params["kommune"] in ("1580", ["1580"])
    note = plain(at.info[0].value)
    assert "Kommunenummer 1534 var Haram (til og med 2019)" in note
    assert "slått sammen" in note and "til Ålesund (1507) i 2020" in note
    assert "delt i 2024 i Ålesund (1508) og Haram (1580)" in note
    # figures from before the split are not quite comparable, and the page says so: Haram was a part of the
    # Ålesund that was divided in 2024, and is one of what is left
    text = texts(at)
    assert "Fra 2020 til 2023 var Haram en del av Ålesund (1507), som ble delt i 2024 i Ålesund og Haram." in text
    assert "Folketallet før 2024 er beregnet: 14 % av folketallet i hele Ålesund (1507)" in text
    assert "Delingen av Ålesund i 2024 påvirker sammenligningen" in text
    # "what changed since 2021" compares Haram with the whole of Ålesund's answer, and says so
    assert "Svaret fra 2021 gjelder hele Ålesund (1507), før delingen i 2024." in text
    assert not re.search(r"(men|har) ikke [^.]* og ", text), "what it lacks: 'verken A eller B', not 'ikke A og B'"


def test_a_municipality_not_split_compares_rounds_without_the_split_caveat(app):
    assert "før delingen i 2024" not in texts(app(kommune="4601"))


def test_split_number_offers_both_successors(app):
    at = app(kommune="1507")
    assert not at.exception
    assert at.title[0].value == "Ålesund"  # the larger share
    note = plain(at.info[0].value)
    assert "delt i 2024" in note and "Viser Ålesund (1508), som fikk den største delen" in note
    links = at.get("page_link")
    assert [(link.proto.label, link.proto.query_string) for link in links] == [("Haram (1580)", "kommune=1580")]


@pytest.mark.parametrize("value", ["9999", "abc", "<script>alert(1)</script>", "15O8", "[x](javascript:1)"])
def test_unknown_municipality_gives_a_friendly_message(app, value):
    at = app(kommune=value)
    assert not at.exception
    assert at.title[0].value == "Kommuneprofil"
    message = plain(at.info[0].value)
    assert message.startswith(("Fant ingen kommune", "Lenken inneholder ikke"))
    assert "<script>" not in at.info[0].value and "](" not in at.info[0].value
    assert at.selectbox[0].value is None  # the picker waits for a choice
    assert "kommune" not in at.query_params


def test_search_by_name_and_old_number(app):
    at = app()
    assert at.title[0].value == "Kommuneprofil"
    at.text_input(key="profil_sok").input("Haram").run()
    assert at.title[0].value == "Haram"
    assert at.query_params["kommune"] in ("1580", ["1580"])
    assert "Ålesund (1507) ble delt i 2024 mellom Ålesund (1508) og Haram (1580)" in texts(at)
    at.text_input(key="profil_sok").input("1534").run()
    assert at.title[0].value == "Haram"
    assert "Kommunenummer 1534 var Haram (til og med 2019)" in plain(at.info[0].value)
    at.text_input(key="profil_sok").input("Fantasiby").run()
    assert not at.exception
    assert "Fant ingen kommune som passer «Fantasiby»" in plain(at.info[0].value)


@pytest.mark.parametrize(("typed", "found"), [("Bodo", "Bodø"), ("tromso", "Tromsø"), ("Aseral", "Åseral"),
                                              ("Aaseral", "Åseral"), ("baerum", "Bærum")])
def test_search_finds_a_name_typed_without_ae_o_a(app, typed, found):
    """On a keyboard without æ, ø and å (a visitor's, a foreign tablet) a name is typed as ae, o, a or aa."""
    at = app()
    at.text_input(key="profil_sok").input(typed).run()
    assert not at.exception and at.title[0].value == found


def _grasrot_drawing(at: AppTest) -> str:
    return next(svg for alt, svg in drawings(at) if alt.startswith("Grasrotandelen, kroner per innbygger"))


def test_choosing_another_municipality_updates_url_and_figures(app):
    at = app(kommune="1508")
    before = _grasrot_drawing(at)
    at.selectbox(key="w_kommune").select("0301").run()
    assert not at.exception
    assert at.query_params["kommune"] in ("0301", ["0301"])
    assert at.title[0].value == "Oslo"
    after = _grasrot_drawing(at)
    assert set(places_drawn(before)) == {"Ålesund", "Møre og Romsdal", "Hele landet"}
    # Oslo is its own county: the county is not drawn twice
    assert set(places_drawn(after)) == {"Oslo", "Hele landet"}


def test_oslo_is_not_compared_with_itself(app):
    """Oslo is both municipality and county: no county column or bar repeats its own figures (and the table says
    why), and the locator map shows Oslo among the municipalities around it, not one orange area alone."""
    at = app(kommune="0301")
    assert not at.exception
    key = at.table[0].value
    assert list(key.columns) == ["Nøkkeltall", "Oslo", "Hele landet", "Lignende kommuner"]
    text = texts(at)
    assert "Oslo fylke" not in text and "Oslo er både kommune og fylke" in text
    assert "Kommune og fylke · " in text  # the header line, not 'Kommune i Oslo'
    comparison = next(svg for alt, svg in drawings(at) if alt.startswith("Oslo sammenlignet med landet og lignende"))
    assert set(places_drawn(comparison)) == {"Oslo", "Hele landet", "Lignende kommuner"}
    assert "fylket" not in next(m.value for m in at.markdown if m.value.startswith("Frivillige organisasjoner per"))
    alt, svg = next((a, s) for a, s in drawings(at) if a.startswith("Kart over Oslo"))
    assert alt == "Kart over Oslo og kommunene rundt i grått; Oslo er markert i oransje."
    areas = re.findall(r'<path d="[^"]*" fill="([^"]+)"[^>]*><title>([^<]+)</title>', svg)
    assert [name for fill, name in areas if fill == HIGHLIGHT] == ["Oslo"]
    assert {"Bærum", "Nordre Follo", "Lillestrøm"} <= {name for _, name in areas}, "its neighbours, in grey"
    # another municipality still has its county
    assert list(app(kommune="1508").table[0].value.columns)[2] == "Møre og Romsdal"


def test_the_comparison_chart_leaves_out_a_county_that_is_the_municipality():
    svg = figures_profil.key_comparison_svg(KEY, kommune="Oslo", fylke=None)
    assert set(places_drawn(svg)) == {"Oslo", "Hele landet", "Lignende kommuner"}
    assert places_drawn(svg)["Hele landet"] == {MUTED}
    fig = figures_profil.key_comparison(KEY, kommune="Oslo", fylke=None)
    assert list(fig.data[0].y) == ["Oslo", "Hele landet", "Lignende kommuner"] and list(fig.data[0].x)[1] == 12.9
    assert "fylket" not in figures_profil.describe_key(KEY, kommune="Oslo", county=False)


def test_print_link_and_qr_code(app):
    at = app(kommune="1508")
    link = [m.value for m in at.markdown if "Oppdaterte tall" in m.value][0]
    assert "/kommuneprofil?kommune=1508" in link
    alts = [img.alt for e in at.get("image") for img in e.proto.imgs]
    assert "QR-kode med lenke til kommuneprofilen for Ålesund" in alts
    assert any(a.startswith("Kart over Møre og Romsdal") and "Ålesund er markert" in a for a in markdown_images(at))
    # the charts (printed as they are shown) carry their title and summary as alt text
    assert any(a.startswith("Grasrotandelen, kroner per innbygger. Grasrotandelen i Ålesund")
               for a in markdown_images(at))


def test_every_table_and_chart_has_csv_and_xlsx(app, downloads):
    at = app(kommune="1508")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}
    for what in ("nokkeltall", "sammenligning", "sentraler", "politikk", "kategorier", "grasrot"):
        assert {f"csv_{what}", f"xlsx_{what}"} <= keys
    xlsx = {name: data for name, data in downloads.items() if name.endswith(".xlsx")}
    assert "frivilligsentraler-alesund.xlsx" in xlsx
    # every file names the municipality: downloads for several municipalities never overwrite each other
    assert all("alesund" in name for name in downloads), sorted(downloads)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx["frivilligsentraler-alesund.xlsx"]))
    rows = [r for r in wb["Data"].iter_rows(values_only=True)]
    assert rows[0][:2] == ("Navn", "Organisasjonsnummer")
    assert any(str(r[0]).startswith("Lisens: ") for r in rows if r[0])
    assert any(str(r[0]).startswith("Kilde: ") for r in rows if r[0])


# ---- the URL state on every page --------------------------------------------------------------------------

def _params(at: AppTest) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_selection_survives_moving_between_pages(app):
    from dashboard import state

    at = app(PROFILE, **STATE)
    assert not at.exception
    assert _params(at) == STATE
    for page in [p for p in PAGES if p != PROFILE] + [PROFILE]:
        at.query_params.clear()  # the browser drops the query string when the user changes page
        at.switch_page(page)
        at.run()
        assert not at.exception, page
        params = _params(at)
        used = state.PAGE_PARAMS[page.removeprefix("pages/").removesuffix(".py").replace("oversikt", "")]
        # a page's address carries the choices it uses, and no other page's
        assert not (set(params) & set(STATE)) - set(used), f"{page} carries another page's choices: {params}"
        differs = {k for k in used if params.get(k) != STATE[k]}
        # a page may find a carried value invalid for itself (aar=2022 is no survey round): it shows (and writes
        # to its own address) its default instead, without a message (the reader did not choose it there)
        assert differs <= ({"aar"} if page.endswith("frivillighetspolitikk.py") else set()), (page, differs)
        if page.endswith(("kart.py", "tilskudd.py")):
            assert params.get("aar") == "2022", f"{page}: the chosen year came back after a page where it was invalid"
    assert _params(at) == {"kommune": STATE["kommune"]}
    assert at.title[0].value == "Ålesund"


@pytest.mark.parametrize("page", PAGES)
def test_invalid_values_are_friendly_on_every_page(app, page):
    at = app(page, kommune="9999", aar="abc", indikator="<script>", nivaa="xyz")
    assert not at.exception, page
    assert not at.get("exception")


# ---- pure builders ------------------------------------------------------------------------------------------

KEY = pl.DataFrame({
    "indikator": ["org_per_1000", "grasrot_kr_per_innbygger", "grasrot_andel_mottar"],
    "navn": ["Organisasjoner per 1 000", "Grasrot kr", "Andel mottar"],
    "enhet": ["per 1 000 innbyggere", "kr per innbygger", "andel"], "desimaler": [1, 0, 1],
    "aar": [2025, 2024, 2024], "kommune": [11.88, 127.4, 0.485], "fylke": [15.3, 173.3, 0.487],
    "land": [12.9, 145.9, 0.486], "median_gruppe": [10.7, 122.3, 0.495],
})


def test_key_comparison_chart():
    fig = figures_profil.key_comparison(KEY, kommune="Ålesund", fylke="Møre og Romsdal")
    assert len(fig.data) == 3
    bars = fig.data[0]
    assert list(bars.y) == ["Ålesund", "Møre og Romsdal", "Hele landet", "Lignende kommuner"]
    assert bars.marker.color[0] == HIGHLIGHT
    assert list(bars.text) == ["11,9", "15,3", "12,9", "10,7"]
    assert list(fig.data[2].text)[0] == "48,5\u00a0%"
    text = figures_profil.describe_key(KEY, kommune="Ålesund")
    assert "Organisasjoner per 1\u00a0000 2025: Ålesund 11,9, fylket 15,3, landet 12,9" in text


def test_key_comparison_drawing_labels_every_bar_and_colours_places_as_the_profile():
    svg = figures_profil.key_comparison_svg(KEY, kommune="Ålesund", fylke="Møre og Romsdal")
    texts_ = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert ["11,9", "15,3", "12,9", "10,7"] == texts_[texts_.index("Ålesund") + 1:][:8:2]
    assert "48,5\u00a0%" in texts_
    assert places_drawn(svg) == {"Ålesund": {HIGHLIGHT}, "Møre og Romsdal": {figures_profil.PLACE_COLOURS[1]},
                                 "Hele landet": {MUTED}, "Lignende kommuner": {figures_profil.PLACE_COLOURS[3]}}


def test_grasrot_drawing_writes_each_line_s_last_value_without_overlap():
    df = pl.DataFrame({"aar": [2023, 2024] * 3, "nivaa": ["kommune"] * 2 + ["fylke"] * 2 + ["land"] * 2,
                       "sted": ["A"] * 2 + ["B"] * 2 + ["Hele landet"] * 2,
                       "kr_per_innbygger": [100.0, 140.0, 100.0, 141.0, 100.0, 139.0]})
    root = ElementTree.fromstring(figures_profil.grasrot_svg(df, kommune="A"))
    ends = [(float(t.get("y")), t.text) for t in root.iter("{http://www.w3.org/2000/svg}text")
            if (t.text or "").endswith("kr") and t.text != "kr"]
    assert sorted(t for _, t in ends) == ["139\u00a0kr", "140\u00a0kr", "141\u00a0kr"]
    ys = sorted(y for y, _ in ends)
    assert all(b - a >= 12 for a, b in zip(ys, ys[1:], strict=False)), "labels of nearly equal values must not overlap"


def test_print_svgs_escape_text_and_group_small_categories():
    cats = pl.DataFrame({"aar": [2025] * 10, "gruppenavn": ["<script>x</script>", *[f"G{i}" for i in range(9)]],
                         "antall": list(range(10, 0, -1)), "andel": [0.3, *[0.07] * 9],
                         "andel_land": [0.25, *[0.075] * 9]})
    svg = figures_profil.categories_svg(cats, kommune="A&B", limit=8)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A&amp;B" in svg
    assert svg.count('fill="' + HIGHLIGHT + '"') == 8 + 1  # 8 rows (7 groups + 'Øvrige grupper') + legend
    assert "Øvrige grupper" in svg
    # the register's catch-all group «Andre» goes with the rest, not beside it as a second kind of other
    with_other = cats.with_columns(pl.when(pl.col("gruppenavn") == "G0").then(pl.lit("Andre"))
                                   .otherwise(pl.col("gruppenavn")).alias("gruppenavn"))
    svg = figures_profil.categories_svg(with_other, kommune="A&B", limit=8)
    assert ">Andre og øvrige grupper<" in svg and ">Andre<" not in svg and ">Øvrige grupper<" not in svg
    assert svg.count('fill="' + HIGHLIGHT + '"') == 8 + 1
    empty = figures_profil.grasrot_svg(pl.DataFrame(schema={"aar": pl.Int32, "nivaa": pl.String, "sted": pl.String,
                                                            "kr_per_innbygger": pl.Float64}), kommune="X")
    assert "Ingen tall" in empty
    square = {"type": "Polygon", "coordinates": [[[5, 60], [6, 60], [6, 61], [5, 61], [5, 60]]]}
    loc = figures_profil.locator_svg([("Her", square, True), ("Der", square, False)], (5, 60, 6, 61))
    assert loc.count(HIGHLIGHT) == 1 and "<title>Her</title>" in loc


def test_register_text_and_urls_are_made_safe():
    assert profil.md_escape("[klikk](javascript:alert(1))") == r"\[klikk\]\(javascript\:alert\(1\)\)"
    assert profil.md_escape("<b>x</b>") == r"\<b\>x\</b\>"
    assert profil.base_url(None, "javascript:alert(1)//x") == profil.DEFAULT_BASE
    assert profil.base_url(None, "https://evil.example/<x>/kommuneprofil") == "https://evil.example"
    assert profil.base_url("https://frivillighet.example/app", None) == "https://frivillighet.example/app"
    assert profil.base_url(None, "http://a b.example/") == profil.DEFAULT_BASE
    assert profil.page_url("https://x.no", "kommuneprofil", {"kommune": "0301"}) == \
        "https://x.no/kommuneprofil?kommune=0301"
    assert profil.qr_svg("https://x.no/kommuneprofil?kommune=0301").lstrip().startswith("<svg")
    assert profil.normalise_code("301") == "0301" and profil.normalise_code("abc") is None


def test_a_profile_says_when_the_rounds_give_different_adoption_years(app, con):
    # Trondheim (merged with Klæbu in 2020) gave one adoption year in 2019 and another in 2021 and 2024
    years = sorted({y for (y,) in con.sql("SELECT vedtaksaar FROM frivillighetspolitikk WHERE kommunenummer = '5001' "
                                          "AND vedtaksaar IS NOT NULL").fetchall()})
    assert len(years) > 1, "the mirror's Trondheim answers no longer differ: pick another municipality"
    captions = " ".join(c.value for c in app(kommune="5001").caption)
    assert "Svarene gir ulike vedtaksår" in captions and all(str(y) in captions for y in years)
    assert "sammenslåing" in captions, "a year from before the merger may be a predecessor's"
    assert "ulike vedtaksår" not in " ".join(c.value for c in app(kommune="0301").caption)


def test_the_grasrot_chart_names_places_as_the_rest_of_the_profile(app):
    at = app(kommune="5001")  # official name 'Trondheim - Tråante'; the profile's text and tables say 'Trondheim'
    names = {name for _, svg in drawings(at) for name in places_drawn(svg)}
    assert "Trondheim" in names and not any(" - " in n for n in names)


def test_a_short_list_of_volunteer_centres_is_shown_whole_so_it_prints(app):
    at = app(kommune="5001")
    text = "\n".join(m.value for m in at.markdown)
    n = int(re.search(r"Kommunen har (\d+) frivilligsentral", text).group(1))
    assert 5 < n <= 7, "Trondheim no longer has 6-7 centres in the mirror: pick another municipality"
    assert text.count("org.nr. ") >= n, "the printed profile cannot open the expander for the last one or two"
    assert not any(c.value.startswith("… og") for c in at.caption)


def test_category_shares_of_a_small_municipality_say_how_few_organisations_they_are():
    cats = pl.DataFrame({"gruppenavn": ["Kultur og fritid", "Helse"], "antall": [20, 10], "andel": [2 / 3, 1 / 3],
                         "andel_land": [0.5, 0.05], "aar": [2025, 2025]})
    text = figures_profil.describe_categories(cats, kommune="Bindal")
    assert "blant de 30 organisasjonene i Bindal (2025)" in text
    assert "én organisasjon 3\u00a0% av dem" in text
    big = cats.with_columns(pl.col("antall") * 10)
    assert "én organisasjon" not in figures_profil.describe_categories(big, kommune="Bergen")


def test_the_policy_download_speaks_norwegian_and_a_merged_unknown_is_not_called_unanswered(app, downloads, con):
    # 2019: today's Ålesund was four municipalities; one said "vet ikke", the others did not answer
    (status, before), = con.sql("SELECT status, forgjengere FROM frivillighetspolitikk "
                                "WHERE kommunenummer = '1508' AND runde = 2019").fetchall()
    assert status == "ukjent" and "ikke svart" in before and "vet ikke" in before
    at = app(kommune="1508")
    answers = at.table[1].value
    assert answers.loc[answers["Spørsmål"] == "Frivillighetspolitikk", "2019"].iloc[0] == "Ukjent"
    csv = downloads["frivillighetspolitikk-alesund.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    assert header[:3] == ["Runde", "Frivillighetspolitikk", "Vedtatt år"]
    assert "Frivillighetsråd eller -forum" in header and "Omregnet til dagens kommune" in header
    rows = {line.split(";")[0]: line for line in csv[1:4]}
    assert rows["2024"].split(";")[1] == "Ja" and "under_arbeid" not in "\n".join(csv)
    assert "synthetic data" not in "\n".join(csv), "the licence line is in Norwegian"


def test_the_header_population_is_the_one_the_figures_per_1000_divide_by(app, con):
    at = app(kommune="4601")
    line = next(c.value for c in at.caption if c.value.startswith("Kommune i Vestland"))
    people, year = re.search(r"· ([\d\u00a0 ]+) innbyggere 1\. januar (\d{4})", line).groups()
    people = int(re.sub(r"\D", "", people))
    latest = con.sql("SELECT aar, folketall FROM befolkning WHERE nivaa = 'kommune' AND kode = '4601' "
                     "ORDER BY aar DESC LIMIT 1").fetchall()[0]
    assert (int(year), people) == latest
    key = at.table[0].value
    orgs = key[key["Nøkkeltall"].str.startswith("Registrerte organisasjoner")].iloc[0]["Bergen"]
    per_1000 = key[key["Nøkkeltall"].str.startswith("Organisasjoner per 1\u00a0000")].iloc[0]["Bergen"]
    redone = int(re.sub(r"\D", "", orgs)) / people * 1000
    assert fmt_num(redone, 1) == per_1000, "a reader dividing by the header's population gets the table's figure"
    assert "(etter folketallet 1. januar 2024)" in line


def test_the_year_shown_is_in_the_address_but_is_not_carried_to_other_pages_as_a_choice(app):
    at = app("pages/kart.py")  # no year in the address: the latest is shown, and the link names it
    shown = at.selectbox(key="w_aar").value
    assert _params(at)["aar"] == shown, "a shared link would show another year after the next update"
    at.query_params.clear()
    at.switch_page("pages/tilskudd.py")
    at.run()
    assert not at.exception
    assert not [i for i in at.info if "år" in i.value.lower() and shown in i.value], \
        "the map's default year is not a choice the grant page must complain about"
    assert _params(at)["aar"] == at.selectbox(key="w_aar").value


def test_a_small_municipality_s_categories_fill_with_groups_large_nationally_not_empty_ones():
    cats = pl.DataFrame({"gruppenavn": ["Kultur og fritid", "Stiftelser", "Andre", "Arbeidsliv", "Barn og unge"],
                         "antall": [3, 1, 0, 0, 0], "andel": [0.75, 0.25, 0.0, 0.0, 0.0],
                         "andel_land": [0.51, 0.01, 0.005, 0.01, 0.08], "aar": [2025] * 5})
    for narrow in (False, True):
        svg = figures_profil.categories_svg(cats, kommune="Utsira", narrow=narrow)
        shown = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
        assert [t for t in shown if t in set(cats["gruppenavn"])][:3] == ["Kultur og fritid", "Stiftelser",
                                                                          "Barn og unge"]
    text = figures_profil.describe_categories(cats, kommune="Utsira")
    assert "(0\u00a0%)" not in text and "og stiftelser (25\u00a0%)." in text
    svg = figures_profil.categories_svg(cats, kommune="Utsira", limit=3)
    assert "0\u00a0% (landet 8\u00a0%)" not in svg, "'Barn og unge' is grouped with the rest (limit 3)"
    assert "75\u00a0% (landet 51\u00a0%)" in svg and ">Andre og øvrige grupper<" in svg


def test_a_tiny_municipality_is_ringed_on_the_locator_map():
    square = lambda x, y, d: {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d],  # noqa: E731
                                                                   [x, y]]]}
    areas = [("Stor", square(5.0, 59.0, 1.0), False), ("Utsira", square(4.88, 59.30, 0.02), True)]
    svg = figures_profil.locator_svg(areas, (4.8, 59.0, 6.0, 60.0))
    assert svg.count("<circle") == 1
    big = figures_profil.locator_svg([("Stor", square(5.0, 59.0, 1.0), True)], (4.8, 59.0, 6.0, 60.0))
    assert "<circle" not in big


def test_a_former_number_is_not_said_to_have_begun_when_the_code_lists_begin(app):
    text = texts(app(kommune="4601"))
    assert "hadde tidligere kommunenummer 1201 (til og med 2019)" in text
    assert "2018–2019" not in text, "1201 was Bergen's number long before 2018"


def test_the_country_has_one_colour_in_every_chart_of_the_profile(app):
    colours: dict[str, set[str]] = {}
    drawn = drawings(app(kommune="1508"))
    for _, svg in drawn:
        for place, c in places_drawn(svg).items():
            colours.setdefault(place, set()).update(c)
    assert len(drawn) >= 4 and colours["Hele landet"] == {MUTED} and colours["Ålesund"] == {HIGHLIGHT}


def test_what_changed_names_a_measure_that_became_partly_available(app, con):
    rows = dict(con.sql("SELECT runde, gratis_lokaler FROM frivillighetspolitikk WHERE kommunenummer = '3205' "
                        "AND runde IN (2021, 2024)").fetchall())
    assert rows == {2021: "ja", 2024: "delvis"}, "the mirror's Lillestrøm changed: pick another municipality"
    text = "\n".join(m.value for m in app(kommune="3205").markdown)
    assert "**Endret siden 2021:** gratis lokaler for lag og foreninger (ja → delvis)" in text


def test_the_measures_sentence_joins_partly_available_ones_into_one_list(app, con):
    row = con.sql("SELECT koordinator, gratis_lokaler FROM frivillighetspolitikk WHERE kommunenummer = '4601' "
                  "AND runde = 2024").fetchall()[0]
    assert row == ("ja", "delvis"), "the mirror's Bergen changed: pick another municipality"
    first = next(m.value for m in app(kommune="4601").markdown if m.value.startswith("- "))
    assert " og delvis gratis lokaler for lag og foreninger" in first
    assert "foreninger, delvis" not in first


def test_a_ring_on_the_edge_of_the_locator_map_stays_inside_it():
    square = lambda x, y, d: {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d],  # noqa: E731
                                                                   [x, y]]]}
    svg = figures_profil.locator_svg([("Utsira", square(4.8, 59.3, 0.01), True)], (4.8, 59.0, 6.0, 60.0))
    cx = float(re.search(r'<circle cx="([\d.]+)"', svg).group(1))
    assert cx >= figures_profil.SMALL_AREA_PX


def test_two_lines_ending_on_the_same_value_say_which_is_which():
    df = pl.DataFrame({"aar": [2023, 2024] * 3, "nivaa": ["kommune"] * 2 + ["fylke"] * 2 + ["land"] * 2,
                       "sted": ["A"] * 2 + ["B"] * 2 + ["Hele landet"] * 2,
                       "kr_per_innbygger": [100.0, 120.0, 100.0, 146.0, 100.0, 146.2]})
    root = ElementTree.fromstring(figures_profil.grasrot_svg(df, kommune="A"))
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if "\u00a0kr" in (t.text or "")]
    assert sorted(labels) == ["120\u00a0kr", "146\u00a0kr fylket", "146\u00a0kr landet"]


def test_what_changed_counts_new_organisations_not_a_net_change(app, con):
    """The register keeps no deleted organisations: the change since last year is the new registrations."""
    (new, old), = con.sql("""SELECT max(antall) FILTER (WHERE aar = 2025), max(antall) FILTER (WHERE aar = 2024)
                             FROM organisasjoner_indikator WHERE nivaa = 'kommune' AND kode = '1508'""").fetchall()
    text = "\n".join(m.value for m in app(kommune="1508").markdown)
    assert (f"**Organisasjoner:** +{new - old} nye i registeret siden utgangen av 2024 ({new} per 30. september "
            "2025; slettede organisasjoner er ikke med i tallene).") in text.replace("\u00a0", " ")


def test_the_browser_title_names_the_municipality_and_follows_the_choice(app, monkeypatch):
    """Tabs, bookmarks, history and a printed PDF's default file name tell the profiles apart."""
    import streamlit

    titles: list[str] = []
    real = streamlit.set_page_config

    def recording(*args, **kwargs):
        if kwargs.get("page_title"):
            titles.append(kwargs["page_title"])
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "set_page_config", recording)
    at = app(kommune="1508")
    assert titles[-1] == "Ålesund – Kommuneprofil – Frivillighetsstatistikk"
    at.selectbox(key="w_kommune").select("5001").run()
    assert titles[-1] == "Trondheim – Kommuneprofil – Frivillighetsstatistikk"  # the short name, as the heading
    app()
    assert titles[-1] == "Kommuneprofil – Frivillighetsstatistikk"


def test_the_policy_row_and_sentence_say_each_thing_once(app):
    at = app(kommune="1508")
    key = at.table[0].value
    policy = key[key["Nøkkeltall"].str.startswith(profil.POLICY_ROW)].iloc[0]
    assert policy["Ålesund"] == "Ja, siden 2024"  # the row says 'vedtatt'; not 'Ja, vedtatt (2024)'
    # a share of what: the row's label says 'Andel kommuner', so the cell is '11 %', which never breaks in a
    # phone's column or on paper ('11 % av kommu-/nene' did)
    assert policy["Nøkkeltall"].startswith("Andel kommuner med vedtatt")
    for place in ("Møre og Romsdal", "Hele landet", "Lignende kommuner"):
        assert re.fullmatch(r"\d+\u00a0%", policy[place]), policy[place]
    assert "(vedtatt" not in texts(at)
    assert at.text_input(key="profil_sok").label == "Søk på navn eller nummer – også gamle kommuner"
    # adopted before the survey round: both years, each once
    text = texts(app(kommune="0301"))
    assert "Oslo har frivillighetspolitikk, vedtatt i 2019, ifølge kommuneundersøkelsen 2024." in text


def test_a_share_of_a_small_base_is_shown_as_a_count_with_a_note(app, con):
    at = app(kommune="1151")  # Utsira: a handful of organisations and some 200 inhabitants
    key = at.table[0].value
    row = key[key["Nøkkeltall"].str.startswith("Andel registrerte som mottar grasrotandel")].iloc[0]
    year = int(re.search(r"\((\d{4})\)", row["Nøkkeltall"]).group(1))
    (got, base), = con.sql("SELECT mottakere, registrerte FROM grasrot_indikator WHERE nivaa = 'kommune' "
                           "AND kode = '1151' AND aar = $1", params=[year]).fetchall()
    assert base < profil.SMALL_BASE, "the mirror's Utsira grew: pick a smaller municipality"
    assert row["Utsira"].startswith(f"{got} av {base} ("), row["Utsira"]  # '2 av 3 (67 %)', not '66,7 %'
    captions = plain(" ".join(c.value for c in at.caption))
    orgs = key[key["Nøkkeltall"].str.startswith("Registrerte organisasjoner")].iloc[0]["Utsira"]
    assert f"Små tall: Utsira har {orgs} registrerte organisasjoner og " in captions
    # a large municipality: shares as per cent, no note
    at = app(kommune="1508")
    key = at.table[0].value
    row = key[key["Nøkkeltall"].str.startswith("Andel registrerte som mottar grasrotandel")].iloc[0]
    assert row["Ålesund"].endswith("\u00a0%") and " av " not in row["Ålesund"]
    assert "Små tall" not in " ".join(c.value for c in at.caption)
    # a county of six municipalities: how many of them have a policy, not a share of six
    at = app(kommune="3901")
    key = at.table[0].value
    policy = key[key["Nøkkeltall"].str.startswith(profil.POLICY_ROW)].iloc[0]
    assert re.fullmatch(r"\d av 6", policy["Vestfold"]), policy["Vestfold"]


def test_volunteer_centres_of_the_same_name_are_told_apart(app, downloads, con):
    rows = con.sql("SELECT orgnr, poststed, year(registrert_frivillighetsregisteret) FROM organisasjon "
                   "WHERE icnpo_primaer = '8200' AND kommunenummer = '1508' AND navn = 'ÅLESUND FRIVILLIGSENTRAL'"
                   ).fetchall()
    assert len(rows) == 2, "the mirror's Ålesund has no longer two centres of one name: pick another municipality"
    at = app(kommune="1508")
    listed = plain(next(m.value for m in at.markdown if "org.nr. " in m.value)).splitlines()
    for orgnr, town, year in rows:  # the number, when each came into the register, and a town other than Ålesund
        assert town, "the register gives every centre in the mirror an address"
        nr = f"{orgnr[:3]}\u00a0{orgnr[3:6]}\u00a0{orgnr[6:]}"
        where = "" if town.casefold() == "ålesund" else f"{town[:1]}{town[1:].lower()}, "  # 'Brattvåg'
        assert f"- Ålesund Frivilligsentral ({where}org.nr. {nr}, i registeret siden {year})" in listed
    assert ("To frivilligsentraler heter Ålesund Frivilligsentral: de er ulike organisasjoner i registeret"
            in plain(" ".join(c.value for c in at.caption)))
    # the download has the names as registered, for a reader who looks them up
    assert "\r\nÅLESUND FRIVILLIGSENTRAL;" in downloads["frivilligsentraler-alesund.csv"].decode("utf-8-sig")
    header = downloads["frivilligsentraler-alesund.csv"].decode("utf-8-sig").splitlines()[0].split(";")
    assert header == ["Navn", "Organisasjonsnummer", "Poststed", "Registrert i frivillighetsregisteret"]


def test_centres_with_the_same_name_in_the_same_year_get_the_date_and_names_are_escaped():
    import datetime as dt

    centres = pl.DataFrame({"navn": ["**X** [a](b)", "**X** [a](b)", "Y"], "orgnr": ["111111111", "222222222", "333"],
                            "poststed": ["A", "BRATTVÅG", None],
                            "registrert_i_frivillighetsregisteret": [dt.date(2014, 3, 2), dt.date(2014, 9, 1),
                                                                      dt.date(2020, 1, 1)]})
    p = profil.Profile(code="0000", info={"kommunenavn_kort": "A"}, key=pl.DataFrame(), rounds=pl.DataFrame(),
                       shares={}, categories=pl.DataFrame(), grasrot=pl.DataFrame(), orgs=pl.DataFrame(),
                       centres=centres, history=pl.DataFrame())
    text, rest = profil.centres_markdown(p)
    assert rest == 0 and "**X**" not in text and r"\*\*X\*\*" in text
    assert "siden 2. mars 2014)" in text and "siden 1. september 2014)" in text and "siden 2020)" in text
    # the postal town where it tells more than the municipality's name (here 'A')
    assert r"(org.nr. 111 111 111" in text.replace("\u00a0", " ")
    assert r"(Brattvåg, org.nr. 222 222 222" in text.replace("\u00a0", " ")
    note = profil.centres_note(p)
    assert note.startswith(r"To frivilligsentraler heter \*\*X\*\* \[a\]\(b\)")


def test_the_key_figures_download_carries_the_municipality_number(app, downloads):
    app(kommune="0301")
    csv = downloads["nokkeltall-oslo.csv"].decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    assert header[:2] == ["Kommunenummer", "Fylkesnummer"]
    rows = [line.split(";") for line in csv[1:] if line.startswith("0301;")]
    assert len(rows) >= 6 and all(r[1] == "03" for r in rows), "every row, with its leading zero"
    wb = openpyxl.load_workbook(io.BytesIO(downloads["nokkeltall-oslo.xlsx"]))
    cells = [r[0] for r in wb["Data"].iter_rows(min_row=2, values_only=True) if r[0] and str(r[0]).isdigit()]
    assert cells and set(cells) == {"0301"}, "a text cell: Excel keeps the leading zero"


def test_a_print_button_and_a_hint_that_works_on_a_tablet(app):
    from dashboard import style

    at = app(kommune="1508")
    button = at.button(key="profil_skriv_ut")
    assert button.label == "Skriv ut"
    assert style.PRINT_JS in [e.proto.body for e in at.get("html")], "the script that opens the print dialog"
    hint = texts(at)
    assert "møtemodus" not in hint.lower()
    assert "Ctrl + P" in hint and "nettbrett" in hint and "«Skriv ut»" in hint
    button.click().run()  # without the script (an old browser) a click only reruns the page
    assert not at.exception and at.title[0].value == "Ålesund"


def test_the_print_script_is_constant_and_survives_the_sanitiser():
    from dashboard import style

    body = style.PRINT_JS.removeprefix("<script>").removesuffix("</script>")
    assert style.PRINT_JS.startswith("<script>") and style.PRINT_JS.endswith("</script>")
    assert "<" not in body, "a '<' in a script's code makes Streamlit's sanitiser drop the script"
    assert "window.print()" in body and ".st-key-profil_skriv_ut button" in body


def test_the_printed_sources_name_each_source_once_and_flag_synthetic_ones(app, con):
    at = app(kommune="1508")
    block = next(c.value for c in at.caption if c.value.startswith("Kilder"))
    text = plain(block)
    for producer in ("Statistisk sentralbyrå (SSB)", "Brønnøysundregistrene", "Norsk Tipping", "KS og Frivillighet Norge",
                     "Kartverket"):
        assert text.count(producer) == 1, producer
    titles = dict(con.sql("SELECT source_id, any_value(title) FROM _sources GROUP BY 1").fetchall())
    assert all(titles[s] in text for s in profil.PRINT_SOURCES)
    synthetic = {s for (s,) in con.sql("SELECT DISTINCT source_id FROM _sources WHERE kind IN ('synthetic', 'mixed')"
                                       ).fetchall()} & set(profil.PRINT_SOURCES)
    assert text.count("syntetiske testdata") == len(synthetic) > 0
    # the note on the split is printed beside the grasrot chart, as the source line on screen carries it
    assert any(plain(c.value).startswith("Grasrotandelen: Fra 2020 til 2023 var Ålesund en del av Ålesund (1507)")
               for c in at.caption)


def test_two_language_names_are_written_with_an_en_dash(app):
    """The register writes 'Trondheim - Tråante'; the page writes it as in running text, with an en dash."""
    at = app(kommune="5001")
    assert [t.value for t in at.title] == ["Trondheim \u2013 Tråante"]
    assert any(c.value.startswith("Kommune i Trøndelag \u2013 Trööndelage") for c in at.caption)
    assert not any(" - Tr" in c.value for c in at.caption)


def test_the_key_figures_download_leaves_an_unknown_policy_empty_not_no(app, downloads, con):
    def policy_cell(code: str) -> str:
        downloads.clear()
        app(kommune=code)
        (file,) = [k for k in downloads if k.startswith("nokkeltall-") and k.endswith(".csv")]
        rows = list(csv.reader(io.StringIO(downloads[file].decode("utf-8-sig")), delimiter=";"))
        head = rows[0]
        row = next(r for r in rows[1:] if r[head.index("Nøkkeltall")].startswith("Andel kommuner med vedtatt"))
        assert row[head.index("Kommunenummer")] == code
        return row[head.index("Kommune")]

    statuses = dict(con.sql("SELECT status, min(kommunenummer) FROM frivillighetspolitikk WHERE runde = 2024 "
                            "GROUP BY status").fetchall())
    assert policy_cell(statuses["ukjent"]) == ""  # did not answer: unknown, not 'har ikke'
    assert policy_cell(statuses["vet_ikke"]) == ""
    assert policy_cell(statuses["nei"]) == "0"
    assert policy_cell(statuses["ja"]) == "1"


def test_the_grasrot_table_s_share_over_time_says_its_base_misses_deleted_organisations(app):
    """The grasrot chart's table and download have the share of registered organisations that receive for every
    year: its note says the register keeps no deleted organisations (and keeps the split caveat where there is one)."""
    from dashboard.oversikt import SHARE_HISTORY

    notes = [c.value for c in app(kommune="5001").caption if SHARE_HISTORY in c.value]
    assert len(notes) == 1 and "Andelen registrerte som mottar" in notes[0]
    split = [c.value for c in app(kommune="1508").caption if SHARE_HISTORY in c.value]
    assert len(split) == 1 and "ble delt i 2024" in split[0]


def test_a_municipality_that_took_over_part_of_a_divided_one_says_so_in_the_year_it_happened(app, con):
    """Narvik got part of Tysfjord when Tysfjord was divided (1 January after its last year): the profile says
    'Fra 2020 fikk Narvik en del av Tysfjord', never that Narvik 'belonged to' Tysfjord or that it was divided in
    2024; and since both survey rounds compared and both grasrot years compared are after the division, it adds
    no caveat to them."""
    (last,), = con.sql("SELECT DISTINCT gyldig_til FROM kommune_historikk WHERE kode = '1850'").fetchall()
    year = last + 1
    text = texts(app(kommune="1806"))
    assert f"Fra {year} fikk Narvik en del av Tysfjord (1850), som ble delt mellom Narvik og Hamarøy." in text
    assert f"Tysfjord (1850) ble delt i {year} mellom Narvik (1806) og Hamarøy (1875)." in text
    assert "hørte Narvik til" not in text and "delt i 2024" not in text and "delingen i 2024" not in text
    assert "Svaret fra 2021 gjelder hele" not in text, "Narvik answered for itself in 2021"
    assert "påvirker sammenligningen" not in text, "2023 and 2024 are both after the division"
    # grant recipients filed under Tysfjord's number are counted in one part; the page says which
    assert "som står under Tysfjord (1850) i filene fra før" in text


def test_searching_the_norwegian_part_of_a_two_language_name_finds_today_s_municipality(app, con):
    (name, short), = con.sql("SELECT kommunenavn, kommunenavn_kort FROM kommune WHERE kommunenummer = '5025'"
                             ).fetchall()
    assert short != name.split(" - ")[0], "the mirror's Røros is no longer 'Rosse - Røros': pick another"
    at = app()
    for asked in (short, name.split(" - ")[0], short.upper()):
        at.text_input(key="profil_sok").input(asked).run()
        assert at.title[0].value == official_name(name)
        assert not [i.value for i in at.info if "tidligere kommunenavn" in i.value], asked  # it is today's name
    assert f"{short} har " in texts(at) and f"{name.split(' - ')[0]} har" not in texts(at)


def test_one_word_for_a_missing_answer_in_each_round_of_the_policy_table(app, con):
    """'Ikke svart' where one municipality was asked and did not answer; 'Ukjent' where the round is worked out from
    several former municipalities and not all answered: the same word in the status and in the measures."""
    def column(code: str, runde: int) -> list[str]:
        answers = app(kommune=code).table[1].value
        return answers[str(runde)].tolist()

    (alone, r1), = con.sql("SELECT kommunenummer, runde FROM frivillighetspolitikk WHERE status = 'ukjent' "
                           "AND antall_forgjengere = 1 ORDER BY 1, 2 LIMIT 1").fetchall()
    (merged, r2), = con.sql("SELECT kommunenummer, runde FROM frivillighetspolitikk WHERE status = 'ukjent' "
                            "AND antall_forgjengere > 1 AND koordinator IS NULL ORDER BY 1, 2 LIMIT 1").fetchall()
    one, several = column(alone, r1), column(merged, r2)
    assert one[0] == "Ikke svart" and "Ukjent" not in one, one
    assert several[0] == several[2] == "Ukjent" and "Ikke svart" not in several, several


def _grasrot_profile(now: float, before: float) -> profil.Profile:
    key = pl.DataFrame({"indikator": ["grasrot_kr_per_innbygger"], "aar": [2024], "kommune": [now],
                        "forrige_aar": [2023], "kommune_forrige": [before]})
    return profil.Profile(code="0000", info={"kommunenavn_kort": "A"}, key=key, rounds=pl.DataFrame(), shares={},
                          categories=pl.DataFrame(), grasrot=pl.DataFrame(), orgs=pl.DataFrame(),
                          centres=pl.DataFrame(), history=pl.DataFrame())


def test_a_change_that_rounds_to_nothing_is_called_unchanged():
    def line(now: float, before: float) -> str:
        return profil.changes(_grasrot_profile(now, before))[0].replace("\u00a0", " ")

    assert line(90.2, 90.0) == "**Grasrotandelen:** 90 kr per innbygger i 2024, mot 90 kr i 2023 (uendret)."
    assert line(1004, 1000).endswith("mot 1 000 kr i 2023 (+0,4 %).")  # the amounts shown differ: say how much
    assert line(99, 90).endswith("(+10 %).")
