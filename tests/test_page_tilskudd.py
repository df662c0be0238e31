"""The Tilskudd page in AppTest on the mirror database: the national totals of the issue as a reader sees them,
the head-office explanation beside every per-place momskompensasjon figure, URL-bound choices and tabs (only the
open tab is drawn), friendly messages for bad URL values, and register names shown only as table text."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest
from page_helpers import cards, shown, source_under
from streamlit.testing.v1 import AppTest

from dashboard import components, figures, oversikt, tilskudd
from dashboard.format import SMALL_BASE, and_list, register_case
from dashboard.queries_tilskudd import GRASROT, MOMS, PUBLISHERS
from etl.config import ROOT

NBSP = "\u00a0"
HEAD_OFFICE = "hovedkontoret"
#: The page's tabs (`?visning=<label>`), the default first.
TABS = ["Utviklingen", "Kategorier", "Fylker", "Kommuner", "Mottakere", "Landstall"]


def _app(db, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("FRIVILLIG_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/tilskudd.py")
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str):
    """The headline card whose label starts with the given text."""
    return next(c for c in cards(at).values() if c.label.startswith(label))


def charts(at: AppTest) -> list[dict]:
    """The plotly specs on the page, in order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    """All markdown, captions, warnings and infos of the page as one text."""
    return "\n".join(str(e.value) for kind in (at.markdown, at.caption, at.warning, at.info, at.subheader)
                     for e in kind)


def hatching(spec: dict) -> tuple[set[int], list[str]]:
    """The years of a chart's bars that are drawn hatched, and the chart's legend entries."""
    years: set[int] = set()
    for trace in spec["data"]:
        shapes = trace.get("marker", {}).get("pattern", {}).get("shape")
        if isinstance(shapes, list):
            years |= {x for x, shape in zip(trace["x"], shapes, strict=True) if shape}
    shown = spec["layout"].get("showlegend", True)
    return years, [t["name"] for t in spec["data"] if shown and t.get("showlegend", True) and t.get("name")]


def unpublished_years(db, scheme: str) -> list[int]:
    """The years whose national total is not published, as the database says."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [y for (y,) in con.execute("SELECT aar FROM tilskudd_totaler WHERE ordning = ? AND status NOT LIKE "
                                          "'publisert%' ORDER BY aar", [scheme]).fetchall()]
    finally:
        con.close()


def head_office_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if HEAD_OFFICE in w.value]


def drawn_tabs(at: AppTest) -> list[str]:
    """The labels of the tabs with content (the open one: a closed tab is sent empty)."""
    assert [t.label for t in at.tabs] == TABS
    return [t.label for t in at.tabs if t.children]


def headings(at: AppTest) -> list[str]:
    """The titles of the charts and tables drawn (components.figure and data_table write them as '### …')."""
    return [m.value[4:] for m in at.markdown if m.value.startswith("### ")]


@pytest.mark.parametrize("visning", ["Landstall", "landstall"])
def test_national_grasrot_totals_as_readers_see_them(mirror_db, monkeypatch, visning):
    at = _app(mirror_db, monkeypatch, visning=visning)
    assert drawn_tabs(at) == ["Landstall"]
    assert at.query_params["visning"] in ("Landstall", ["Landstall"])  # the link to share names the tab exactly
    assert metric(at, "Utbetalt 2024").value == f"810{NBSP}mill.{NBSP}kr"
    totals = shown(at.dataframe[-1]).set_index("aar")
    assert totals.loc["2019", "publisert_utbetalt"] == f"698{NBSP}265{NBSP}345{NBSP}kr"
    assert totals.loc["2023", "publisert_utbetalt"] == f"794{NBSP}000{NBSP}000{NBSP}kr"
    assert totals.loc["2021", "status_utbetalt"] == "Ikke publisert (anslag mellom to år)"
    # a year without a published total has nothing under "Publisert": its estimate stands in a column of its own
    assert totals.loc["2021", "publisert_utbetalt"] == "–"
    # an estimate is not shown to the krone (742 666 667 kr would claim a precision it does not have)
    assert totals.loc["2021", "anslag_ikke_publisert"] == f"743{NBSP}mill.{NBSP}kr"
    assert totals.loc["2019", "anslag_ikke_publisert"] == "–"
    assert totals.loc["2024", "status_utbetalt"] == "Ikke publisert (anslag)"
    headers = [c["label"] for c in json.loads(at.dataframe[-1].proto.columns).values() if "label" in c]
    assert "Anslag (ikke publisert)" in headers and "Summen av mottakerlistene" in headers
    page = texts(at)
    # the status column explained in words, and the unpublished 2024 total said plainly at the top: who has not
    # published it, what the amount is, how to quote it; no build jargon anywhere
    assert "**Publisert, avrundet** (2020)" in page
    assert "**Ikke publisert (anslag)** (2024): Norsk Tipping har ikke publisert et landstall ennå." in page
    assert any(i.value == f"Norsk Tipping har ikke publisert et landstall for 2024. 810{NBSP}mill.{NBSP}kr er summen "
               "av mottakerlistene: siter det som det, ikke som et offisielt landstall. Se fanen «Landstall»."
               for i in at.info)
    assert not [h for h in [page, *headers] if "kalibrering" in h.lower() or "filene" in h.lower()]
    assert "(se fanen «Landstall»)" in metric(at, "Utbetalt 2024").help
    assert not head_office_warnings(at)  # grasrot: no head-office caveat


def test_year_choice_shows_the_year_total(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, aar="2019")
    paid = metric(at, "Utbetalt 2019")
    assert paid.value == f"698{NBSP}mill.{NBSP}kr"
    assert f"698{NBSP}265{NBSP}345{NBSP}kr" in paid.help
    at = _app(mirror_db, monkeypatch, aar="2023")
    assert f"794{NBSP}000{NBSP}000{NBSP}kr" in metric(at, "Utbetalt 2023").help


def test_moms_2018_national(mirror_db, monkeypatch):
    moms_2018 = {"indikator": "moms_kr_per_innbygger", "aar": "2018"}
    at = _app(mirror_db, monkeypatch, **moms_2018, visning="Fylker")
    assert drawn_tabs(at) == ["Fylker"]
    assert metric(at, "Utbetalt 2018").value == f"1{NBSP}420{NBSP}mill.{NBSP}kr"
    assert metric(at, "Andel til mottakere i Oslo").value == f"55{NBSP}%"
    # counties and municipalities are per place even when the country is chosen: explained there, for that year
    assert len(head_office_warnings(at)) == 1
    assert "I 2018 gikk 55" in head_office_warnings(at)[0]
    # the largest recipients are placed by their head office too: said in their tab
    at = _app(mirror_db, monkeypatch, **moms_2018, visning="Mottakere")
    assert drawn_tabs(at) == ["Mottakere"]
    assert len(head_office_warnings(at)) == 1 and "sentralledd" in head_office_warnings(at)[0]


def test_moms_for_a_municipality_always_carries_the_head_office_explanation(mirror_db, monkeypatch):
    in_tab, unexplained = {}, []
    for tab in TABS:
        at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", kommune="4601", aar="2023", visning=tab)
        assert drawn_tabs(at) == [tab]
        top, *in_tab[tab] = head_office_warnings(at)
        assert "I 2023 gikk 55" in top  # before the headline figures, above the tabs
        # in page order: every metric, chart and table of moms per place comes after the explanation in its tab
        warned, section = False, "top"
        for node in at.main:
            kind = "card" if "-kort-" in (getattr(node.proto, "id", "") or "") else getattr(node, "type", None)
            if kind == "tab":
                warned, section = False, node.label
            elif kind == "warning" and HEAD_OFFICE in node.value:
                warned = True
            elif kind in ("card", "plotly_chart", "dataframe") and not warned and section != "Landstall":
                unexplained.append((section, kind))
        if tab == "Kommuner":
            assert at.selectbox(key="w_fylke").value == "46" and at.selectbox(key="w_kommune").value == "4601"
            # the per-municipality figure is there, Bergen highlighted, and its source line repeats the caveat
            municipal = next(s for s in charts(at)
                             if "Bergen" in (s["data"][0].get("y") or []) and len(s["data"][0]["y"]) == 43)
            bergen = municipal["data"][0]["y"].index("Bergen")
            assert municipal["data"][0]["marker"]["color"][bergen] == "#D55E00"
            assert any("hovedkontoret ligger" in c.value for c in at.caption)
            assert "kroner per innbygger per kommune i Vestland, 2023" in texts(at)
    assert unexplained == []
    # the full explanation stands above the cards; each tab showing moms per place repeats it in one line
    for tab in ("Utviklingen", "Kategorier", "Fylker", "Kommuner", "Mottakere"):
        assert len(in_tab[tab]) == 1 and in_tab[tab][0].startswith("Husk:"), tab


def test_changing_scheme_updates_the_url_and_the_figures(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, kommune="4601")
    assert [t["name"] for t in charts(at)[0]["data"]] == ["Utbetalt"]
    at.selectbox(key="w_ordning").set_value("momskompensasjon").run()
    assert not at.exception
    assert at.query_params["indikator"] == "moms_kr_per_innbygger"
    assert [t["name"] for t in charts(at)[0]["data"]] == ["Søkt", "Utbetalt"]
    assert head_office_warnings(at)


@pytest.mark.parametrize(("ordning", "scheme", "indikator"), [
    ("momskompensasjon", "momskompensasjon", "moms_kr_per_innbygger"),
    ("Moms", "momskompensasjon", "moms_kr_per_innbygger"),
    ("grasrotandelen", "grasrotandel", "grasrot_kr_per_innbygger")])
def test_a_link_naming_the_scheme_by_its_label_opens_it(mirror_db, monkeypatch, ordning, scheme, indikator):
    """?ordning= is what a journalist writes after reading the select's label «Ordning»: it opens that scheme,
    and the link then carries the page's own parameter instead."""
    at = _app(mirror_db, monkeypatch, ordning=ordning)
    assert at.selectbox(key="w_ordning").value == scheme
    assert at.query_params["indikator"] == indikator and "ordning" not in at.query_params
    assert ("Søkt" in [t["name"] for t in charts(at)[0]["data"]]) == (scheme == "momskompensasjon")  # moms: applied


def test_an_unknown_scheme_in_the_link_is_dropped():
    from dashboard.tilskudd import scheme_from_ordning

    assert scheme_from_ordning("lotteri") is None and scheme_from_ordning("") is None
    assert scheme_from_ordning("grasrot") == "grasrotandel" and scheme_from_ordning("MOMS") == "momskompensasjon"


def test_cached_figures_are_the_same_on_every_rerun(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, fylke="46", visning="Kommuner")
    first = [c.proto.spec for c in at.get("plotly_chart")]
    at.run()
    assert [c.proto.spec for c in at.get("plotly_chart")] == first
    assert "kroner per innbygger per kommune i Vestland" in texts(at)


def test_county_choice_clears_the_municipality(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, kommune="4601")
    at.selectbox(key="w_fylke").set_value("03").run()
    assert not at.exception
    assert at.query_params["fylke"] == "03" and "kommune" not in at.query_params
    assert metric(at, "Utbetalt").help.startswith("Grasrotandelen utbetalt til mottakere i Oslo")
    at.selectbox(key="w_kommune").set_value("0301").run()
    assert at.query_params["kommune"] == "0301"


CATEGORY_AND_RANKING_TITLES = ("per kategori", "per fylke", "kommunene med flest kroner", "De største mottakerne",
                               "landstall, publisert")


def test_without_a_tab_in_the_url_only_the_time_charts_are_drawn(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch)
    assert drawn_tabs(at) == ["Utviklingen"]
    assert "visning" not in at.query_params  # the default tab is not written to the address
    titles = headings(at)
    assert titles == ["Grasrotandelen: utbetalt per år, hele landet", "Kroner per innbygger, hele landet",
                      "Mottakere per år, hele landet",
                      "Andel av de registrerte organisasjonene som mottar grasrotandel"]
    assert len(charts(at)) == len(titles)  # one plotly chart per time chart, none from the closed tabs
    assert not [t for t in titles if any(c in t for c in CATEGORY_AND_RANKING_TITLES)]
    # the recipients and totals tables are in closed tabs (the tables under the charts are their data)
    assert not [d for d in at.dataframe if {"orgnr", "status_utbetalt"} & set(d.value.columns)]
    assert all(not t.children for t in at.tabs[1:])


def test_the_category_tab_from_a_link_draws_the_category_charts_with_the_head_office_note(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", kommune="0301", aar="2023",
              visning="Kategorier")
    assert drawn_tabs(at) == ["Kategorier"]
    assert at.query_params["visning"] == "Kategorier"
    assert headings(at) == ["Utbetalt per kategori (ICNPO-gruppe), Oslo 2023",
                            "Søkere som fikk utbetalt, per kategori (ICNPO-gruppe), Oslo 2023"]
    assert len(charts(at)) == 2
    tab = at.tabs[TABS.index("Kategorier")]
    assert tab.markdown[0].value == "## Kategorier"  # the tab's name, for screen readers (hidden_heading)
    assert "ICNPO-gruppe" in tab.markdown[1].value  # the intro line, and the caveat before the charts
    assert [w.value for w in tab.warning if HEAD_OFFICE in w.value] == [tilskudd.HEAD_OFFICE_REMINDER]
    assert any("I 2023 gikk 55" in w for w in head_office_warnings(at))  # the full note above the tabs
    # another year keeps the tab open and in the address
    at.selectbox(key="w_aar").set_value("2022").run()
    assert not at.exception
    assert drawn_tabs(at) == ["Kategorier"] and at.query_params["visning"] == "Kategorier"
    assert headings(at)[0] == "Utbetalt per kategori (ICNPO-gruppe), Oslo 2022"


def test_an_unknown_tab_in_the_url_shows_the_first_tab(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, visning="foo")
    assert drawn_tabs(at) == ["Utviklingen"]
    assert "visning" not in at.query_params
    assert len(charts(at)) == 4


@pytest.mark.parametrize(("params", "message"), [
    ({"kommune": "9999"}, "Fant ingen kommune med nummer «9999»"),
    ({"fylke": "99"}, "Fant ikke fylket «99»"),
    ({"aar": "2018"}, "Grasrotandelen har tall for 2019–2024"),
    ({"indikator": "tull"}, "Fant ikke tallet «tull»"),
])
def test_invalid_url_values_give_a_friendly_message_and_are_removed(mirror_db, monkeypatch, params, message):
    at = _app(mirror_db, monkeypatch, **params)
    assert any(message in i.value for i in at.info)
    (name,) = params
    shown = at.query_params.get(name)  # absent, or the value shown instead (a default written to the address)
    assert params[name] not in ([] if shown is None else [shown] if isinstance(shown, str) else shown)
    assert metric(at, "Utbetalt 2024")  # falls back to the country's latest year


def test_other_pages_indicator_keeps_the_url(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, indikator="org_per_1000")
    assert at.selectbox(key="w_ordning").value == "grasrotandel"
    assert at.query_params["indikator"] == "org_per_1000"
    assert not any("Fant ikke tallet" in i.value for i in at.info)


@pytest.fixture()
def script_db(mirror_db, tmp_path):
    """A copy of the mirror database where Oslo's largest grasrot recipient of 2023 has a script as its name."""
    path = tmp_path / "xss.duckdb"
    shutil.copy(mirror_db, path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE stg_grasrot_mottaker SET navn = '<script>alert(1)</script>'
                   WHERE orgnr = (SELECT orgnr FROM stg_grasrot_mottaker WHERE aar = 2023 AND kommunenummer = '0301'
                                  ORDER BY belop DESC LIMIT 1)""")
    con.close()
    return path


def test_register_names_are_shown_as_table_text_only(script_db, monkeypatch):
    at = _app(script_db, monkeypatch, kommune="0301", aar="2023", visning="Mottakere")
    recipients = next(d for d in at.dataframe if "navn" in d.value.columns and "orgnr" in d.value.columns)
    assert recipients.value["navn"][0] == "<script>alert(1)</script>"
    assert shown(recipients)["navn"][0] == "<script>alert(1)</script>"
    assert "alert(1)" not in texts(at)  # never in markdown, captions or messages


def test_recipients_are_shown_in_normal_case_with_grouped_org_numbers(mirror_db, monkeypatch):
    """The register's capitals and bare digits are for the download; the screen reads 'Norges Røde Kors' and
    '864 139 442', as the profile writes them."""
    at = _app(mirror_db, monkeypatch, visning="Mottakere")
    recipients = next(d for d in at.dataframe if "navn" in d.value.columns and "orgnr" in d.value.columns)
    registered, cells = recipients.value, shown(recipients)
    assert any(n.isupper() for n in registered["navn"]), "the mirror's register writes names in capitals"
    assert list(cells["navn"]) == [register_case(n) for n in registered["navn"]]
    assert not any(n.isupper() for n in cells["navn"] if any(ch.isalpha() for ch in n))
    assert all(re.fullmatch(r"\d{9}", o) for o in registered["orgnr"])  # the data (and download) as registered
    assert all(re.fullmatch(r"\d{3}\u00a0\d{3}\u00a0\d{3}", o) for o in cells["orgnr"])


def test_each_figure_names_the_sources_it_uses(mirror_db, monkeypatch):
    """A count needs no population figures; a place's recipients are placed by the registers' addresses."""
    country = _app(mirror_db, monkeypatch, visning="Utviklingen")
    counts = source_under(country, "Mottakere per år, hele landet")
    assert "Norsk Tipping" in counts and "Befolkning" not in counts and "Enhetsregisteret" not in counts
    assert "Befolkning" in source_under(country, "Kroner per innbygger, hele landet")
    place = _app(mirror_db, monkeypatch, kommune="1508", visning="Utviklingen")
    counts = source_under(place, "Mottakere per år, Ålesund")
    assert "Enhetsregisteret" in counts and "Befolkning" not in counts
    ranking = _app(mirror_db, monkeypatch, visning="Fylker")
    title = next(m.value[4:] for m in ranking.markdown if m.value.startswith("### Grasrotandelen, kroner per"))
    assert "Enhetsregisteret" in source_under(ranking, title) and "Befolkning" in source_under(ranking, title)


def test_oslo_a_county_of_one_municipality_is_ranked_among_all_municipalities(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", kommune="0301", aar="2023",
              visning="Kommuner")
    (ranking,) = charts(at)
    assert len(ranking["data"][0]["y"]) == 20, "the top 20 of the country, not a ranking of one"
    text = texts(at)
    assert "Oslo er én kommune, så den er sammenlignet med alle kommunene i landet." in text
    assert "Blant de 1 kommunene" not in text and "Blant de 357 kommunene fikk" in text


def test_a_new_year_builds_only_the_open_tab_s_figures(mirror_db, monkeypatch):
    def not_now(*args, **kwargs):
        raise AssertionError("a closed tab's figures were built")

    for builder in ("group_charts", "ranking_views", "recipients_table", "totals_table"):
        monkeypatch.setattr(tilskudd, builder, not_now)
    at = _app(mirror_db, monkeypatch, aar="2020", kommune="1103")  # the default tab: Utviklingen
    assert len(at.get("plotly_chart")) == 4
    monkeypatch.undo()
    at = _app(mirror_db, monkeypatch, aar="2020", kommune="1103", visning="Fylker")  # the same view, cached
    assert len(at.get("plotly_chart")) == 1, "the tab's figures are built when it is opened"


@pytest.mark.parametrize(("scheme", "indikator"), [(GRASROT, "grasrot_kr_per_innbygger"),
                                                   (MOMS, "moms_kr_per_innbygger")])
def test_national_bars_hatch_the_years_without_a_published_total(mirror_db, monkeypatch, downloads, scheme,
                                                                 indikator):
    """The country's amounts per year: the unpublished years hatched, with the overview's legend entry and note,
    and the status of each year in the download. The count of recipients is never hatched: the status is the
    amount's, and no count is a published national figure."""
    years = unpublished_years(mirror_db, scheme)
    assert years, "the mirror has years without a published national total"
    at = _app(mirror_db, monkeypatch, indikator=indikator)
    amount, per_inhabitant, recipients, share = charts(at)
    paid = next(t for t in amount["data"] if t.get("name") == "Utbetalt")
    assert hatching({"data": [paid], "layout": {}})[0] == set(years), "the paid bars by the paid total's status"
    hatched, legend = hatching(amount)
    assert set(years) <= hatched and figures.UNOFFICIAL_LEGEND in legend
    assert hatching(recipients) == (set(), []), "a count is not official in the years whose amount is"
    assert any(tilskudd.COUNTED_NOTE in c.value for c in at.caption)
    assert hatching(per_inhabitant) == (set(), ["Hele landet"]) and not hatching(share)[0]  # lines: no bars
    note = (f"Skraverte stolper: {PUBLISHERS[scheme]} har ikke publisert et landstall for "
            f"{and_list([str(y) for y in years])}.")
    assert sum(note in c.value for c in at.caption) == 1, "the note under the amounts"
    title = "Grasrotandelen: utbetalt per år, hele landet" if scheme == GRASROT else \
        "Momskompensasjon: søkt og utbetalt per år, hele landet"
    csv = downloads[f"{components.slug(title)}.csv"]
    lines = csv.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    status = header.index("Status for landstallet (utbetalt)")
    assert next(line for line in lines if line.startswith(f"{years[-1]};")).split(";")[status].lower().count(
        "ikke publisert") == 1
    assert ("Status, søkt" in header) == (scheme == MOMS)


def test_a_municipality_s_bars_are_not_hatched(mirror_db, monkeypatch):
    """A place's figures are the sum of the recipient lists every year (no one publishes a total per place):
    none is hatched, and no note says so."""
    at = _app(mirror_db, monkeypatch, kommune="1508")
    for spec in charts(at):
        hatched, legend = hatching(spec)
        assert not hatched and figures.UNOFFICIAL_LEGEND not in legend
    assert not any("Skraverte stolper" in c.value for c in at.caption)


def test_cards_compare_with_the_country_in_plain_text_and_keep_arrows_for_changes(mirror_db, monkeypatch):
    """A place below the country must not read as «fell since last year»: the country's value stands beside the
    place's as plain text, and an arrow always means a change since the year before."""
    national = _app(mirror_db, monkeypatch)
    at = _app(mirror_db, monkeypatch, kommune="1508")
    for label in ("Kr per innbygger", "Andel registrerte som mottar"):
        card = metric(at, label)
        assert card.delta is None, f"{label}: no arrow for a comparison"
        assert card.comparison == f"Hele landet: {metric(national, label).value}"
        assert metric(national, label).comparison is None  # the country is not compared with itself
    year = at.selectbox(key="w_aar").value
    arrows = [c.delta for c in cards(at).values() if c.delta and c.delta[0] in "↑↓"]
    assert arrows and all(d.endswith(f"fra {int(year) - 1}") for d in arrows)


def test_the_summaries_and_notes_are_sentences(mirror_db, monkeypatch):
    """Natural bokmål: whole sentences with an object ('mottar grasrotandel'), and notes with their full stop."""
    at = _app(mirror_db, monkeypatch)
    year = at.selectbox(key="w_aar").value
    page = texts(at)
    per_inhabitant, share = metric(at, "Kr per innbygger").value, metric(at, "Andel registrerte").value
    assert f"I {year} ble det utbetalt {per_inhabitant} grasrotandel per innbygger i hele landet." in page
    assert f"I {year} mottok {share} av de registrerte organisasjonene i hele landet grasrotandel." in page
    assert ": Hele landet" not in page
    at = _app(mirror_db, monkeypatch, visning="Kategorier")
    assert "Andel av de registrerte organisasjonene som mottar grasrotandel, per kategori, hele landet" in texts(at)
    assert any("har ingen kategori og er ikke med." in c.value for c in at.caption)
    at = _app(mirror_db, monkeypatch, visning="Mottakere")
    (summary,) = [m.value for m in at.markdown if m.value.startswith("De ") and "største mottakerne" in m.value]
    assert "av alt som ble utbetalt det året." in summary and " der." not in summary
    at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", visning="Fylker")
    assert any(c.value.endswith("hovedkontoret ligger.") for c in at.caption)


def _db_rows(db, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_moms_landstall_shows_only_what_was_published(mirror_db, monkeypatch):
    """The totals file's status is the amount paid's: the applicants and the amount applied for it holds are not
    shown as published; what the regulator published stands in its words, and the organisations it counted beside
    the applicants in the lists."""
    at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", visning="Landstall")
    table = at.dataframe[-1]
    headers = [c["label"] for c in json.loads(table.proto.columns).values() if "label" in c]
    assert "Publisert antall mottakere" not in headers and "Søkere i listene" in headers
    assert "Status, utbetalt" in headers and "Status, søkt" in headers and "Merknad" in headers
    cells = shown(table).set_index("aar")
    ((orgs, applicants, merknad),) = _db_rows(mirror_db, "SELECT publisert_organisasjoner, filer_mottakere, merknad "
                                              "FROM tilskudd_totaler WHERE ordning = 'momskompensasjon' AND aar = 2018")
    assert cells.loc["2018", "status_utbetalt"] == "Publisert"
    assert cells.loc["2018", "status_søkt"] == "Regnet ut, ikke publisert" and cells.loc["2018", "publisert_søkt"] == "–"
    assert cells.loc["2018", "publisert_organisasjoner"] == f"{orgs:,}".replace(",", NBSP)
    assert cells.loc["2018", "søkere_i_listene"] == f"{applicants:,}".replace(",", NBSP)
    assert cells.loc["2018", "merknad"] == merknad
    assert cells.loc["2021", "filene_stemmer"] == "–"  # no published figure to agree with: not an empty «no» box
    assert cells.loc["2018", "filene_stemmer"] in ("Ja", "Nei")
    page = texts(at)
    assert "sammenligningen ingen kontroll" in page and "(eller anslaget) alle år" not in page
    assert "**Status** gjelder bare utbetalt beløp" in page


def test_moms_count_is_applicants_paid_with_the_published_organisations_beside_it(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", aar="2018")
    ((orgs, applicants),) = _db_rows(mirror_db, "SELECT publisert_organisasjoner, filer_mottakere FROM tilskudd_totaler "
                                     "WHERE ordning = 'momskompensasjon' AND aar = 2018")
    card = metric(at, "Søkere som fikk utbetalt 2018")
    assert card.value == f"{applicants:,}".replace(",", NBSP)
    assert "sentralledd" in card.help and f"{orgs:,}".replace(",", NBSP) + " organisasjoner" in card.help
    assert not [c for c in cards(at) if c.startswith("Mottakere")]
    assert "Søkere som fikk utbetalt per år, hele landet" in headings(at)
    assert any(tilskudd.APPLICANTS in c.value for c in at.caption)
    # the applied-for bars by their own status: 2018's amount applied for is derived, not published
    derived = {y for (y,) in _db_rows(mirror_db, "SELECT aar FROM tilskudd_totaler WHERE ordning = "
                                      "'momskompensasjon' AND status_sokt <> 'publisert'")}
    amount = charts(at)[0]
    applied = next(t for t in amount["data"] if t.get("name") == "Søkt")
    assert hatching({"data": [applied], "layout": {}})[0] == derived and 2018 in derived
    assert any("Søkt beløp er ikke publisert for 2018 (bare regnet ut)" in c.value for c in at.caption)


def test_the_grasrot_share_over_time_says_its_base_misses_deleted_organisations(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch)
    assert any(oversikt.SHARE_HISTORY in c.value for c in at.caption)
    assert oversikt.SHARE_HISTORY in metric(at, "Andel registrerte som mottar").help
    at = _app(mirror_db, monkeypatch, visning="Kategorier", aar="2019")
    assert any(oversikt.SHARE_HISTORY in c.value for c in at.caption)


def test_the_oslo_share_by_category_puts_small_bases_below_as_counts(mirror_db, monkeypatch):
    at = _app(mirror_db, monkeypatch, indikator="moms_kr_per_innbygger", aar="2024", visning="Kategorier")
    small = {g for (g,) in _db_rows(mirror_db, "SELECT gruppenavn FROM moms_icnpo WHERE nivaa = 'land' AND aar = 2024 "
                                    "AND mottakere < 20")}
    assert small, "the mirror has categories of few applicants"
    oslo = next(s for s in charts(at) if any("i Oslo" in (h or "") for h in s["data"][0].get("hovertext", [])))
    bars = oslo["data"][0]
    order = bars["y"][::-1]  # top down
    assert set(order[-len(small):]) == small, "the small bases are at the bottom"
    assert order[0] not in small
    (summary,) = [m.value for m in at.markdown if m.value.startswith("Andelen av momskompensasjonen")]
    assert f"høyest i {order[0].lower()} (" in summary and "færre enn 20 søkere" in summary
    assert any("Grå stolper: færre enn 20 søkere" in c.value for c in at.caption)


def test_a_small_municipality_share_card_gives_the_count(mirror_db, monkeypatch, con):
    """Utsira has a handful of registered organisations: the card says «k av n», as the profile does, not «66,7 %»."""
    at = _app(mirror_db, monkeypatch, kommune="1151")
    year = int(at.selectbox(key="w_aar").value)
    k, n = con.sql("SELECT mottakere, registrerte FROM grasrot_indikator WHERE nivaa = 'kommune' AND kode = '1151' "
                   "AND aar = ?", params=[year]).fetchall()[0]
    assert n < SMALL_BASE
    card = metric(at, f"Andel registrerte som mottar {year}")
    assert card.value == f"{k}{NBSP}av{NBSP}{n}" and card.spark_alt is None and card.help.startswith("Små tall")
    assert metric(at, f"Kr per innbygger {year}").comparison.startswith("Hele landet")


def test_the_national_municipal_ranking_says_when_its_top_rests_on_few_recipients(mirror_db, monkeypatch, con):
    """The top 20 per inhabitant are small places: the text under the chart counts those with few recipients."""
    at = _app(mirror_db, monkeypatch, visning="Kommuner")
    year = int(at.selectbox(key="w_aar").value)
    top = con.sql("SELECT navn, mottakere FROM grasrot_indikator WHERE nivaa = 'kommune' AND aar = ? "
                  "ORDER BY kr_per_innbygger DESC, navn LIMIT ?", params=[year, tilskudd.TOP_MUNICIPALITIES]).pl()
    few = top.filter((top["mottakere"] > 0) & (top["mottakere"] < SMALL_BASE)).height
    assert few  # the mirror's top has some; else this test checks nothing
    assert (f"Små tall: {few} av de {tilskudd.TOP_MUNICIPALITIES} kommunene i figuren har bare 1–{SMALL_BASE - 1} "
            "mottakere") in texts(at)
