"""Embed mode: `?figur=<key>` shows one figure alone (for news articles), inside Streamlit's `?embed=true`.

app.py calls `requested()` before the page runs; when a figure is asked for, `show()` renders only that figure
with its title, summary, table alternative, source line, a synthetic-data note and a link to the full page, and
stops the script. Every figure key maps to a render function here; the parameters it reads are validated the same
way the full page validates them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from dashboard import components, figures, figures_profil, maps, oversikt, profil, queries, state
from dashboard import queries_tilskudd as qt
from dashboard.kart import cached_view

PARAM = "figur"


@dataclass(frozen=True)
class Link:
    """Where the full page of an embedded figure is: url path and the query parameters it needs."""

    path: str
    params: dict[str, str]


@dataclass(frozen=True)
class EmbedFigure:
    """One embeddable figure: key (used in the URL), a Norwegian name, and its render function."""

    key: str
    name: str
    render: Callable[[], Link | None]


def requested() -> str | None:
    """The figure key asked for in the URL, or None (normal page view)."""
    value = st.query_params.get(PARAM)
    return value.strip() if isinstance(value, str) and value.strip() else None


def public_base() -> str:
    """The app's public address (FRIVILLIG_PUBLIC_URL, else the browser's scheme and host)."""
    try:
        browser = st.context.url
    except Exception:  # no browser context (tests, bare mode)
        browser = None
    return profil.base_url(os.environ.get("FRIVILLIG_PUBLIC_URL"), browser)


# ---- national figures ---------------------------------------------------------------------------------------

def _politikk_andel() -> Link:
    rounds = queries.policy_rounds()
    timeline = queries.policy_timeline()
    components.figure(
        figures.policy_timeline(rounds, timeline.filter(timeline["kilde_type"] == "publisert"), height=320),
        oversikt.timeline_table(timeline),
        title="Andel kommuner med vedtatt frivillighetspolitikk",
        summary=figures.describe_trend(rounds, x="aar", y="andel_ja_alle", what="andelen kommuner med politikk "
                                       "i kommuneundersøkelsen", percent=True),
        sources=("kommuneundersokelse", "publiserte_tall"), key="embed_politikk", formats={"andel": "pct"},
        level=2)
    return Link("frivillighetspolitikk", {})


def _organisasjoner() -> Link:
    orgs = queries.org_series()
    components.figure(
        figures.line_trend(orgs, x="aar", y="antall", y_title="Organisasjoner", height=320),
        orgs.select("aar", "antall", "nye", "per_1000"),
        title="Registrerte frivillige organisasjoner",
        summary=oversikt.describe_register(orgs, queries.snapshot_date("frivillighetsregisteret")),
        sources=("frivillighetsregisteret", "enhetsregisteret"), key="embed_org",
        note=f"{oversikt.REGISTER_HISTORY} Siste år gjelder per datouttaket.", level=2)
    return Link("", {})


def _grasrot() -> Link:
    grasrot = queries.grasrot_series()
    totals = qt.totals(qt.GRASROT)
    unofficial = oversikt.unofficial_years(totals)  # hatched and explained, as on the overview
    components.figure(
        figures.bars_by_year(grasrot, y="belop", y_title="Utbetalt", money=True, hover_format=",.1f",
                             unofficial=unofficial),
        oversikt.with_status(grasrot.select("aar", "belop", "mottakere", "givere"), totals),
        title="Grasrotandelen, utbetalt per år",
        summary=figures.describe_trend(grasrot.with_columns(grasrot["belop"] / 1e6), x="aar", y="belop",
                                       what="grasrotandelen", unit=" mill. kr"),
        sources=("grasrotandel", "tilskudd_totaler"), key="embed_grasrot",
        note=oversikt.unofficial_note(unofficial, qt.GRASROT), level=2)
    return Link("tilskudd", {})


def _valid(name: str, options: list[str], default: str, what: str) -> str:
    """A URL value if it is one of the options, else the default with a short note."""
    value = state.get(name)
    if value is None:
        return default
    if value in options:
        return value
    st.caption(f"Ukjent {what} i lenken; viser {default} i stedet.")
    return default


def _kart() -> Link:
    options, names = queries.map_indicator_options()
    indikator = _valid("indikator", options, "org_per_1000", "tall")
    nivaa = _valid("nivaa", list(state.NIVAAER), "kommune", "nivå")
    indikator = queries.indicator_for_level(indikator, nivaa)
    years = [str(y) for y in queries.indicator_years(indikator, nivaa)]
    aar = int(_valid("aar", years, years[0], "år"))
    kommune = state.get("kommune")
    highlight = kommune if kommune and re.fullmatch(r"\d{4}", kommune) else None
    view = cached_view(indikator, nivaa, aar, highlight=highlight)
    st.markdown(f"## {view.title}")
    components.deck_map(st, view.deck, view.drawing, key="embed_kart", alt=f"Kart: {view.title}")
    st.html(maps.legend_html(view.legend, view.legend_title, view.legend_note))
    st.markdown(view.summary)
    if view.note:
        st.caption(view.note)
    with st.expander("Vis tallene som tabell"):
        components.table(view.table, formats=view.formats, key="embed_kart_tabell", height=320)
    components.source_line(*view.sources)
    components.downloads(view.download_table(), view.title, *view.sources, key="embed_kart")
    params = {"indikator": indikator, "nivaa": nivaa, "aar": str(aar)}
    if highlight:
        params["kommune"] = highlight
    return Link("kart", params)


# ---- municipality figures -----------------------------------------------------------------------------------

def _profile(key: str) -> profil.Profile | None:
    """The profile of the `kommune` in the URL (old numbers lead to today's municipality), or None with a message."""
    known = profil.known_municipalities()
    res = profil.resolve(state.get("kommune"), known)
    if res.code is None:
        st.info(res.message or f"Denne figuren trenger en kommune i lenken, for eksempel `?figur={key}"
                "&kommune=0301`.", icon=":material/info:")
        return None
    if res.note:
        st.caption(res.note)
    return profil.load(res.code)


def _profil_nokkeltall() -> Link | None:
    p = _profile("profil-nokkeltall")
    if p is None:
        return None
    components.figure(
        figures_profil.key_comparison(p.key, kommune=p.name, fylke=p.county),
        profil.key_table(p)[1], title=profil.comparison_title(p),
        summary=figures_profil.describe_key(p.key, kommune=p.name, county=not p.own_county),
        sources=("frivillighetsregisteret", "grasrotandel", "befolkning"), key="embed_nokkeltall",
        note=f"Lignende kommuner: median for de {p.info['gruppe_antall_kommuner']} kommunene med "
             f"{p.info['storrelsesgruppe']} innbyggere.", level=2)
    return Link(profil.PAGE_PATH, {"kommune": p.code})


def _profil_grasrot() -> Link | None:
    p = _profile("profil-grasrot")
    if p is None:
        return None
    data = p.grasrot.select("aar", "sted", "kr_per_innbygger", "belop", "mottakere", "andel_registrerte_mottar")
    components.figure(
        figures_profil.grasrot_lines(p.grasrot), data,
        title=f"Grasrotandelen i {p.name}, kroner per innbygger",
        summary=figures_profil.describe_grasrot(p.grasrot, kommune=p.name),
        sources=("grasrotandel", "befolkning"), key="embed_profil_grasrot", note=profil.grasrot_note(p),
        formats={"andel_registrerte_mottar": "pct", "kr_per_innbygger": "num0"}, level=2)
    return Link(profil.PAGE_PATH, {"kommune": p.code})


REGISTRY: dict[str, EmbedFigure] = {f.key: f for f in (
    EmbedFigure("politikk-andel", "Andel kommuner med frivillighetspolitikk over tid", _politikk_andel),
    EmbedFigure("organisasjoner", "Registrerte frivillige organisasjoner per år", _organisasjoner),
    EmbedFigure("grasrot", "Grasrotandelen per år", _grasrot),
    EmbedFigure("kart", "Kart (med indikator, aar, nivaa og kommune fra lenken)", _kart),
    EmbedFigure("profil-nokkeltall", "Nøkkeltall for en kommune (med kommune fra lenken)", _profil_nokkeltall),
    EmbedFigure("profil-grasrot", "Grasrotandelen i en kommune over tid (med kommune fra lenken)", _profil_grasrot),
)}


def synthetic_note() -> None:
    """A one-line warning while any source is synthetic (the full banner is too big for an embedded figure, and
    a grey caption is easily lost in an article)."""
    syn = queries.synthetic_sources()
    if not syn.is_empty():
        st.warning("**Testdata – ikke offisiell statistikk.** Noen av kildene er syntetiske.", icon=":material/science:")


def show(key: str) -> None:
    """Render only the figure `key` (or a friendly message for an unknown key), then stop the script."""
    fig = REGISTRY.get(key)
    if fig is None:
        st.markdown("## Fant ikke figuren")
        names = "\n".join(f"- `{k}`: {f.name}" for k, f in REGISTRY.items())
        st.info(f"Figuren «{profil.md_escape(key, 40)}» finnes ikke. Disse figurene kan bygges inn:\n\n{names}",
                icon=":material/info:")
        st.markdown(f"[Gå til Frivillighetsstatistikk]({public_base()}/)")
        st.stop()
    synthetic_note()
    link = fig.render()
    if link is not None:
        url = profil.page_url(public_base(), link.path, link.params)
        st.markdown(f"[Se hele siden på Frivillighetsstatistikk]({url})")
    st.stop()


#: The parameters each figure needs in an example link (Om dataene shows the HTML to embed it).
EXAMPLE_PARAMS: dict[str, dict[str, str]] = {"kart": {"indikator": "org_per_1000", "nivaa": "kommune"},
                                             "profil-nokkeltall": {"kommune": "0301"},
                                             "profil-grasrot": {"kommune": "0301"}}


def names() -> dict[str, str]:
    """The embeddable figures: key → Norwegian name."""
    return {k: f.name for k, f in REGISTRY.items()}


def keys() -> list[str]:
    """The embeddable figure keys."""
    return list(REGISTRY)

