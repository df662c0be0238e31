"""Embed mode: `?figur=<key>` shows one figure alone, with title, summary, source, test-data note and a link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from page_helpers import choropleth, drawings, highlighted
from streamlit.testing.v1 import AppTest

from dashboard import embed, figures

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture()
def app(mirror_db, monkeypatch):
    """Run the app with query parameters (and optionally on a page) against the mirror database."""
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))

    def run(page: str | None = None, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=180)
        if page:
            at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    return run


def _markdown(at: AppTest) -> list[str]:
    """The markdown texts on the page, without the app's stylesheet (style.apply)."""
    return [m.value for m in at.markdown if not m.value.startswith("<style>")]


def _link(at: AppTest) -> str:
    links = [m for m in _markdown(at) if m.startswith("[Se hele siden")]
    assert len(links) == 1
    return re.search(r"\]\((.*)\)$", links[0]).group(1)


def _is_alone(at: AppTest) -> None:
    """Only the embedded figure: no page title, no big banner, no footer; the test-data note is there."""
    assert not at.exception
    assert not at.title, "a page ran in embed mode"
    notes = [w.value for w in at.warning if "Testdata" in w.value]
    assert len(notes) == 1 and len(notes[0]) < 90, "embed mode shows a one-line test-data warning, not the banner"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Kilde: ") for c in captions)
    assert not any(c.startswith("Frivillighetsstatistikk · Data hentet") for c in captions)


def test_registry_has_the_promised_figures():
    assert {"politikk-andel", "organisasjoner", "grasrot", "kart", "profil-nokkeltall", "profil-grasrot"} <= set(
        embed.keys())


@pytest.mark.parametrize(("key", "title", "path"), [
    ("politikk-andel", "## Andel kommuner med vedtatt frivillighetspolitikk", "/frivillighetspolitikk"),
    ("organisasjoner", "## Registrerte frivillige organisasjoner", "/"),
    ("grasrot", "## Grasrotandelen, utbetalt per år", "/tilskudd"),
])
def test_national_figures_alone(app, key, title, path):
    at = app(figur=key, embed="true")
    _is_alone(at)
    assert _markdown(at)[0] == title
    assert len(at.get("plotly_chart")) == 1
    assert len(at.expander) == 1  # the table alternative
    assert _link(at).endswith(path)


def test_grasrot_embed_hatches_the_years_without_a_published_total(app, mirror_db):
    """The chart a journalist pastes into an article says on the chart itself which years are not official."""
    con = duckdb.connect(str(mirror_db), read_only=True)
    unpublished = {y for (y,) in con.execute("SELECT aar FROM tilskudd_totaler WHERE ordning = 'grasrotandel' "
                                             "AND status NOT LIKE 'publisert%'").fetchall()}
    con.close()
    assert unpublished
    at = app(figur="grasrot", embed="true")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = spec["data"][0]
    assert {x for x, s in zip(bars["x"], bars["marker"]["pattern"]["shape"], strict=True) if s} == unpublished
    assert spec["layout"]["showlegend"] and [t["name"] for t in spec["data"][1:]] == [figures.UNOFFICIAL_LEGEND]
    assert any("Skraverte stolper: Norsk Tipping har ikke publisert et landstall" in c.value for c in at.caption)


def test_map_with_its_parameters(app):
    at = app(figur="kart", indikator="grasrot_kr_per_innbygger", aar="2022", nivaa="kommune", kommune="1508")
    _is_alone(at)
    assert _markdown(at)[0] == "## Grasrotandelen, kroner per innbygger, 2022"
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = json.loads(decks[0].proto.json)
    assert len(choropleth(spec)["data"]["features"]) == 357
    assert highlighted(spec) == ["1508"]
    (_, drawing), = drawings(at)  # an article's reader sees the map before deck.gl has drawn, and prints it
    assert "<title>Kart: Grasrotandelen" in drawing and 'stroke="#D55E00"' in drawing
    link = _link(at)
    assert "/kart?" in link and "aar=2022" in link and "indikator=grasrot_kr_per_innbygger" in link


def test_map_with_invalid_parameters_falls_back_politely(app):
    at = app(figur="kart", indikator="<script>", aar="1900", nivaa="xyz")
    _is_alone(at)
    captions = " ".join(c.value for c in at.caption)
    assert "Ukjent tall i lenken" in captions and "Ukjent år i lenken" in captions
    assert _markdown(at)[0].startswith("## Frivillige organisasjoner per 1\u00a0000 innbyggere")


def test_profile_key_figures_for_a_municipality(app):
    at = app("pages/kommuneprofil.py", figur="profil-nokkeltall", kommune="1508")
    _is_alone(at)
    assert _markdown(at)[0] == "## Ålesund sammenlignet med fylket, landet og lignende kommuner"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["y"] == ["Ålesund", "Møre og Romsdal", "Hele landet", "Lignende kommuner"]
    assert _link(at).endswith("/kommuneprofil?kommune=1508")


def test_profile_key_figures_for_oslo_do_not_compare_it_with_itself(app):
    """Oslo is its own county: the embedded comparison leaves the county out, in the title, chart and text."""
    at = app("pages/kommuneprofil.py", figur="profil-nokkeltall", kommune="0301")
    assert _markdown(at)[0] == "## Oslo sammenlignet med landet og lignende kommuner"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["y"] == ["Oslo", "Hele landet", "Lignende kommuner"]
    assert "fylket" not in _markdown(at)[1]


def test_profile_grasrot_follows_an_old_number(app):
    at = app(figur="profil-grasrot", kommune="1534")
    _is_alone(at)
    assert _markdown(at)[0] == "## Grasrotandelen i Haram, kroner per innbygger"
    assert any("Kommunenummer 1534 var Haram" in c.value for c in at.caption)
    assert _link(at).endswith("/kommuneprofil?kommune=1580")


@pytest.mark.parametrize("params", [{"figur": "profil-grasrot"}, {"figur": "profil-nokkeltall", "kommune": "9999"}])
def test_profile_figure_without_a_valid_municipality(app, params):
    at = app(**params)
    assert not at.exception and not at.title
    assert len(at.info) == 1 and not at.get("plotly_chart")


def test_unknown_figure_is_a_friendly_message(app):
    at = app(figur="<b>finnes-ikke</b>")
    assert not at.exception and not at.title
    assert _markdown(at)[0] == "## Fant ikke figuren"
    message = at.info[0].value
    assert "finnes ikke" in message and "<b>" not in message
    for key in embed.keys():
        assert f"`{key}`" in message


def test_without_figur_the_page_runs_normally(app):
    at = app()
    assert not at.exception
    assert at.title[0].value == "Frivillighet i Norge"


def test_om_dataene_gives_html_that_embeds_each_figure(app):
    """A journalist copies the HTML for a figure from «Om dataene»; the address in it shows that figure alone."""
    from urllib.parse import parse_qsl, urlsplit

    at = app("pages/om_dataene.py")
    assert not at.exception and not [c for c in at.code if c.value.startswith("<iframe ")], "built when opened"
    at.session_state["embed_code"] = True  # what the reader's click on the expander does
    at.run()
    snippets = [c.value for c in at.code if c.value.startswith("<iframe ")]
    assert len(snippets) == len(embed.keys())
    for key, snippet in zip(embed.keys(), snippets, strict=True):
        src = re.search(r'src="([^"]+)"', snippet).group(1)
        params = dict(parse_qsl(urlsplit(src).query))
        assert params.pop("figur") == key and params.pop("embed") == "true"
        figure = app(**{"figur": key, **params})
        _is_alone(figure)
        assert not [i.value for i in figure.info if "trenger en kommune" in i.value], key
        assert _link(figure)
