"""The grant-scheme page's choices (scheme, place, year) and everything it shows, built from query results.

Widgets bind to the URL: the scheme to `indikator` (grasrot_*/moms_* indicator keys, so the map page shows the
same scheme), the municipality to `kommune`, the county to `fylke` (this page only; a municipality implies its
county), the year to `aar`. The builders are pure (query results in, charts, tables and texts out);
`page_view` runs the queries and builders for one choice and keeps the result per database file, so a warm rerun
only renders (the figures are never changed after they are built); each tab's figures are built the first time
that tab is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import db, queries, state
from dashboard import figures_tilskudd as ft
from dashboard import queries_tilskudd as qt
from dashboard.figures import bar_ranked, bars_by_year
from dashboard.format import (
    SMALL_BASE,
    and_list,
    fmt_change,
    fmt_int,
    fmt_nok,
    fmt_nok_short,
    fmt_num,
    fmt_of,
    fmt_pct,
    md_escape,
    nobreak,
    official_name,
)
from dashboard.oversikt import (
    APPLIED_STATUS,
    SHARE_HISTORY,
    Card,
    unofficial_note,
    unofficial_years,
    with_status,
)
from dashboard.queries_tilskudd import GRASROT, MOMS, ORDNINGER, PUBLISHERS, SOURCES, SOURCES_ICNPO, status_of


@dataclass(frozen=True)
class Scheme:
    """How the page names a scheme."""

    key: str
    label: str
    what: str
    indikator: str


SCHEMES = {
    GRASROT: Scheme(GRASROT, "Grasrotandelen", "grasrotandel", "grasrot_kr_per_innbygger"),
    MOMS: Scheme(MOMS, "Momskompensasjon", "momskompensasjon", "moms_kr_per_innbygger"),
}

#: What the status of a national total paid means, in words a journalist can quote: label (the table's «Status,
#: utbetalt») and meaning; {utgiver} is who would publish the total (queries_tilskudd.PUBLISHERS). The status is
#: about the amount paid only: what else a source published is in the row's merknad.
STATUS_TEXT = {
    "publisert": ("Publisert", "landstallet for utbetalt beløp er hentet fra en offentlig kilde (se kolonnene "
                               "Kilde og Merknad)."),
    "publisert (avrundet)": ("Publisert, avrundet", "kilden oppgir bare et avrundet tall (hele millioner), så summen "
                                                    "av mottakerlistene kan avvike med opptil 500\u00a0000\u00a0kr."),
    "interpolert": ("Ikke publisert (anslag mellom to år)",
                    "{utgiver} har ikke publisert et landstall. Tallene på siden er summen av mottakerlistene og kan "
                    "siteres som det, men ikke som et offisielt landstall. Anslaget i tabellen er regnet ut mellom "
                    "to år med publiserte landstall. Det er ikke et uavhengig tall: at listene stemmer med det, er "
                    "ingen kontroll av listene."),
    "antatt": ("Ikke publisert (anslag)",
               "{utgiver} har ikke publisert et landstall ennå. Tallene på siden er summen av mottakerlistene og kan "
               "siteres som det, men ikke som et offisielt landstall. Anslaget i tabellen har ingen offentlig kilde. "
               "Det er ikke et uavhengig tall: at listene stemmer med det, er ingen kontroll av listene."),
}


@dataclass(frozen=True)
class Place:
    """The chosen place: the country, a county or a municipality (2024 division)."""

    nivaa: str
    kode: str
    navn: str
    fylke: str | None = None
    kommune: str | None = None
    fylkesnavn: str | None = None

    @property
    def per_place(self) -> bool:
        """True for a county or municipality (figures that show where head offices are, for moms)."""
        return self.nivaa != "land"


LAND = Place("land", "0", "hele landet")


@dataclass(frozen=True)
class Chart:
    """A chart with what components.figure needs around it."""

    fig: go.Figure
    data: pl.DataFrame
    title: str
    summary: str
    sources: tuple[str, ...]
    key: str
    note: str | None = None
    formats: dict[str, str] = field(default_factory=dict)

    def kwargs(self) -> dict:
        """Keyword arguments for components.figure."""
        return {"fig": self.fig, "data": self.data, "title": self.title, "summary": self.summary,
                "sources": self.sources, "key": self.key, "note": self.note, "formats": self.formats}


@dataclass(frozen=True)
class Table:
    """A table with its title, summary, sources and formats (for components.data_table)."""

    data: pl.DataFrame
    title: str
    summary: str
    sources: tuple[str, ...]
    key: str
    note: str | None = None
    formats: dict[str, str] = field(default_factory=dict)

    def kwargs(self) -> dict:
        """Keyword arguments for components.data_table."""
        return {"data": self.data, "title": self.title, "summary": self.summary, "sources": self.sources,
                "key": self.key, "note": self.note, "formats": self.formats}


MONEY = {"utbetalt": "num0", "sokt": "num0",  # the headers say «(kr)»
         "kr_per_innbygger": "num0", "andel_registrerte_mottar": "pct",
         "andel_av_søkt_utbetalt": "pct", "andel_av_landet": "pct", "andel_av_beløpet": "pct", "andel_oslo": "pct",
         "kode": "text", "kommunenummer": "text", "fylkesnummer": "text"}
TOP_MUNICIPALITIES = 20
SHORT_NOTE = "Momskompensasjon per sted viser hvor hovedkontoret ligger."


# ---- choices (Streamlit widgets bound to the URL) -----------------------------------------------------------

def scheme_from_indikator(value: str | None) -> str | None:
    """The scheme an indicator key belongs to ('grasrot_…' → grasrotandel, 'moms_…' → momskompensasjon)."""
    if not value:
        return None
    if value.startswith("grasrot"):
        return GRASROT
    if value.startswith("moms"):
        return MOMS
    return None


def _select(container, label: str, options: list[str], current: str, key: str, on_change: Callable[[], None],
            format_func: Callable[[str], str], help: str | None = None) -> str:
    st.session_state[key] = current
    return container.selectbox(label, options, key=key, format_func=format_func, on_change=on_change, help=help)


def scheme_from_ordning(value: str | None) -> str | None:
    """The scheme a hand-written ?ordning= names, loosely ('moms', 'Grasrotandelen', 'momskompensasjon'); or None."""
    loose = state.loose(value or "")
    for scheme in SCHEMES.values():
        if loose and any(state.loose(name).startswith(loose) for name in (scheme.key, scheme.label)):
            return scheme.key
    return None


def choose_scheme(container) -> str:
    """The scheme select, bound to `indikator`; an unknown indicator key gives a message and is removed. A link
    that names the scheme as ?ordning= (the select's label) opens it, with `indikator` in the link instead."""
    if (ordning := state.get("ordning")) is not None:
        st.query_params.pop("ordning", None)
        if scheme := scheme_from_ordning(ordning):
            state.set("indikator", SCHEMES[scheme].indikator)
    raw = state.get("indikator")
    scheme = scheme_from_indikator(raw)
    if raw and scheme is None:
        known = {queries.POLICY_STATUS, *queries.indicators()["indikator"].to_list()}
        if raw not in known:
            state.drop_invalid("indikator", f"Fant ikke tallet «{md_escape(raw, 40)}». Viser grasrotandelen.")

    def _changed() -> None:
        state.set("indikator", SCHEMES[st.session_state["w_ordning"]].indikator)

    return _select(container, "Ordning", list(ORDNINGER), scheme or GRASROT, "w_ordning", _changed,
                   lambda k: SCHEMES[k].label)


def choose_place(kommuner: pl.DataFrame, fylker: pl.DataFrame, c_fylke, c_kommune) -> Place:
    """County and municipality selects; `kommune` in the URL wins and implies its county. The lists show the
    official names ('Trøndelag – Trööndelage'); titles and text the Norwegian short form ('Trøndelag')."""
    county_of = dict(kommuner.select("kommunenummer", "fylkesnummer").iter_rows())
    k_names = dict(kommuner.select("kommunenummer", "kommunenavn_kort").iter_rows())
    f_names = dict(fylker.select("fylkesnummer", "fylkesnavn_kort").iter_rows())
    k_official = {k: official_name(v) for k, v in kommuner.select("kommunenummer", "kommunenavn").iter_rows()}
    f_official = {k: official_name(v) for k, v in fylker.select("fylkesnummer", "fylkesnavn").iter_rows()}
    k, f = state.get("kommune"), state.get("fylke")
    if k and k not in county_of:
        state.drop_invalid("kommune", f"Fant ingen kommune med nummer «{md_escape(k, 12)}» (dagens kommuner, fire "
                                      "sifre). Viser hele landet.")
        k = None
    if f and f not in f_names:
        state.drop_invalid("fylke", f"Fant ikke fylket «{md_escape(f, 12)}» (dagens fylker, to sifre). Viser hele "
                                    "landet.")
        f = None
    if k:
        f = county_of[k]

    def _county_changed() -> None:
        new = st.session_state["w_fylke"]
        state.set("fylke", None if new == "0" else new)
        state.set("kommune", None)

    def _municipality_changed() -> None:
        new = st.session_state["w_kommune"]
        state.set("kommune", new or None)
        state.set("fylke", None if new else f)

    _select(c_fylke, "Fylke", ["0", *f_names], f or "0", "w_fylke", _county_changed,
            lambda c: "Hele landet" if c == "0" else f_official[c])
    options = [c for c in k_names if f is None or county_of[c] == f]
    _select(c_kommune, "Kommune", ["", *options], k or "", "w_kommune", _municipality_changed,
            lambda c: (k_official[c] if f else f"{k_official[c]} ({f_names[county_of[c]]})") if c
            else ("Alle kommuner i fylket" if f else "Ingen (hele landet)"),
            help="Skriv for å søke. Velg et fylke først for å se bare kommunene der.")
    if k:
        return Place("kommune", k, k_names[k], fylke=f, kommune=k, fylkesnavn=f_names[f])
    if f:
        return Place("fylke", f, f_names[f], fylke=f, fylkesnavn=f_names[f])
    return LAND


def choose_year(scheme: str, years: list[int], container) -> int:
    """The year select (years of the scheme, newest first), bound to `aar`; other years give a message."""
    options = [str(y) for y in years]
    raw = state.get("aar")
    if raw and raw not in options:
        state.drop_invalid("aar", f"{SCHEMES[scheme].label} har tall for {years[-1]}–{years[0]}, ikke for "
                                  f"«{md_escape(raw, 12)}». Viser {years[0]}.")
    return int(state.choose("aar", options, options[0], label="År", container=container))


# ---- texts --------------------------------------------------------------------------------------------------

def head_office_note(scheme: str, aar: int, *frames: pl.DataFrame, fallback: str | None = None) -> str | None:
    """The head-office explanation for moms per place (None for grasrot).

    Taken from the first `merknad` of the year in the frames (it names the year's Oslo share: place rows of
    series, groups or rankings), else the fallback text.
    """
    if scheme != MOMS:
        return None
    for df in frames:
        if "merknad" not in df.columns:
            continue
        notes = (df.filter(pl.col("aar") == aar) if "aar" in df.columns else df)["merknad"].drop_nulls()
        if notes.len():
            return notes[0]
    return fallback or ("Momskompensasjonen registreres der organisasjonens hovedkontor ligger. Tall per kommune og "
                        "fylke viser derfor hvor hovedkontorene ligger, ikke hvor aktiviteten foregår.")


#: One line that repeats the head-office caveat in each later section of a page about momskompensasjon per place.
HEAD_OFFICE_REMINDER = ("Husk: momskompensasjon per sted viser hvor hovedkontoret er registrert, ikke hvor pengene "
                        "brukes (se merknaden øverst).")
NATIONAL_NOTE = ("Mange av de største mottakerne er landsdekkende organisasjoner (sentralledd). Kommunen i tabellen "
                 "er der hovedkontoret er registrert, ikke der pengene brukes.")


def value_in(series: pl.DataFrame, aar: int, column: str, *, country: bool = False) -> float | None:
    """One value of the chosen place (or of the country) in a year."""
    row = series.filter((pl.col("nivaa") == "land" if country else pl.col("er_valgt")) & (pl.col("aar") == aar))
    return row[column][0] if row.height else None


def status_lines(scheme: str, totals: pl.DataFrame) -> list[str]:
    """One markdown line per status used in the totals: label, meaning and the years with it."""
    lines = []
    for status, (label, meaning) in STATUS_TEXT.items():
        years = totals.filter(pl.col("status") == status)["aar"].to_list()
        if years:
            lines.append(f"- **{label}** ({', '.join(str(y) for y in years)}): "
                         f"{meaning.format(utgiver=PUBLISHERS[scheme])}")
    return lines


def status_message(scheme: str, aar: int, status: str | None, amount: float | None) -> str | None:
    """The message above the tabs when the country's total of the chosen year is not published (else None):
    who has not published it, what the amount on the page is, and how it may be quoted."""
    if status is None or status.startswith("publisert") or amount is None:
        return None
    return (f"{PUBLISHERS[scheme]} har ikke publisert et landstall for {aar}. {fmt_nok_short(amount)} er summen av "
            "mottakerlistene: siter det som det, ikke som et offisielt landstall. Se fanen «Landstall».")


#: The Landstall tab's introduction (the status lines follow it).
TOTALS_INTRO = ("Tallene på siden er summen av mottakerlistene. Her er de sammenlignet med landstallene som er "
                "publisert. Hva kilden har publisert ut over utbetalt beløp (antall mottakere, søkt beløp), står "
                "med kildens ord i kolonnen **Merknad**. **Status** gjelder bare utbetalt beløp og sier om det "
                "finnes et publisert landstall for året:")
#: Under the national count of recipients per year: what it is, and where what was published stands.
COUNTED_NOTE = ("Antallet er talt i mottakerlistene og er ikke et publisert landstall: hva kildene har publisert om "
                "antall mottakere, står i fanen «Landstall».")
#: Why the VAT scheme's count of recipients is far below the organisations that get money.
APPLICANTS = ("Landsdekkende organisasjoner (sentralledd) søker for lokallagene sine, så langt flere organisasjoner "
              "får del i pengene enn det er søkere i utbetalingslistene.")


# ---- headline figures ---------------------------------------------------------------------------------------

def cards(scheme: str, series: pl.DataFrame, place: Place, aar: int, totals: pl.DataFrame) -> list[Card]:
    """Headline figures for the place and year: amount, recipients, NOK per inhabitant, and a share."""
    mine = series.filter(pl.col("er_valgt")).sort("aar")
    country = series.filter(pl.col("nivaa") == "land")
    row = mine.filter(pl.col("aar") == aar)
    if row.is_empty():
        return []
    r = row.row(0, named=True)
    prev = mine.filter(pl.col("aar") == aar - 1)
    p = prev.row(0, named=True) if prev.height else None
    c = country.filter(pl.col("aar") == aar).row(0, named=True)
    where = "hele landet" if place.nivaa == "land" else place.navn
    status = status_of(totals, aar)
    paid_help = f"{SCHEMES[scheme].label} utbetalt til mottakere i {where} i {aar}: {fmt_nok(r['utbetalt'])}."
    if place.nivaa == "land" and status:
        paid_help += (f" Status for landstallet: {STATUS_TEXT[status][0].lower()} (se fanen «Landstall»)."
                      if status.startswith("publisert") else
                      f" {PUBLISHERS[scheme]} har ikke publisert et landstall for {aar}; beløpet er summen av "
                      "mottakerlistene (se fanen «Landstall»).")
    change = (r["utbetalt"] - p["utbetalt"]) / p["utbetalt"] if p and p["utbetalt"] else None

    def national_value(text: str) -> str | None:
        return None if place.nivaa == "land" else f"Hele landet: {text}"

    at = mine["aar"].to_list().index(aar)  # the sparklines' dot: the chosen year, not the last
    out = [
        Card(f"Utbetalt {aar}", fmt_nok_short(r["utbetalt"]),
             f"{fmt_change(change * 100, 1)}\u00a0% fra {aar - 1}" if change is not None else None,
             _spark(mine, "utbetalt"), paid_help, spark_at=at),
        Card(f"{RECIPIENTS[scheme]} {aar}", fmt_int(r["mottakere"]),
             f"{fmt_change(r['mottakere'] - p['mottakere'])} fra {aar - 1}" if p else None,
             _spark(mine, "mottakere"),
             applicants_help(place, aar, r["mottakere"], totals) if scheme == MOMS else
             f"Organisasjoner i {where} som fikk {SCHEMES[scheme].what} i {aar}.", spark_at=at),
        # the country's value is a comparison, not a change: plain text beside the value, never an arrow
        Card(f"Kr per innbygger {aar}", f"{fmt_num(r['kr_per_innbygger'], 0)}\u00a0kr", None,
             _spark(mine, "kr_per_innbygger"),
             f"Utbetalt delt på folketallet 1. januar {aar}. Hele landet: {fmt_num(c['kr_per_innbygger'], 0)}\u00a0kr.",
             comparison=national_value(f"{fmt_num(c['kr_per_innbygger'], 0)}\u00a0kr"), spark_at=at),
    ]
    if scheme == GRASROT:
        out.append(share_card(r, c, where, aar, mine, at, national_value(fmt_pct(c["andel_registrerte_mottar"]))))
    elif place.nivaa == "land":
        # no sparkline: the share barely moves, and a small chart would blow tiny changes up
        out.append(Card(f"Andel til mottakere i Oslo {aar}", fmt_pct(r["andel_oslo"], 0), None, [],
                        "Andelen av pengene som gikk til organisasjoner registrert i Oslo, der de fleste "
                        "landsdekkende organisasjonene (sentralledd) har hovedkontor."))
    else:
        out.append(Card(f"Andel av landet {aar}", fmt_pct(r["andel_av_landet"]), None,
                        _spark(mine, "andel_av_landet"),
                        f"{place.navn}s andel av all momskompensasjon i {aar}. Viser hvor hovedkontorene ligger.",
                        spark_at=at))
    return out


def share_card(r: dict, c: dict, where: str, aar: int, mine: pl.DataFrame, at: int, comparison: str | None) -> Card:
    """The grasrot share card: the share of registered organisations that receive, or with fewer than SMALL_BASE
    registered the count ('2 av 3') and no trend line (one organisation moves such a share by many points)."""
    label = f"Andel registrerte som mottar {aar}"
    what = (f"Mottakere delt på organisasjoner registrert i Frivillighetsregisteret i {where} ved utgangen av "
            f"{aar}. Hele landet: {fmt_pct(c['andel_registrerte_mottar'])}. {SHARE_HISTORY}")
    n = r["registrerte"]
    if n is not None and n < SMALL_BASE and r["andel_registrerte_mottar"] is not None:
        return Card(label, fmt_of(int(r["mottakere"] or 0), int(n)), None, [],
                    f"Små tall: {fmt_of(int(r['mottakere'] or 0), int(n))} registrerte organisasjoner i {where} "
                    f"mottok grasrotandel i {aar} ({fmt_pct(r['andel_registrerte_mottar'])}). Med færre enn "
                    f"{SMALL_BASE} registrerte viser vi antallet, ikke andelen: én organisasjon mer eller mindre gir "
                    f"store utslag. {what}", comparison=comparison)
    return Card(label, fmt_pct(r["andel_registrerte_mottar"]), None, _spark(mine, "andel_registrerte_mottar"), what,
                comparison=comparison, spark_at=at)


def counts_named(scheme: str, df: pl.DataFrame) -> pl.DataFrame:
    """A frame for a table or download with its count of recipients named for the scheme: the VAT scheme's
    `mottakere` are applicants paid (`søkere_utbetalt`)."""
    return df.rename({"mottakere": "søkere_utbetalt"}) if scheme == MOMS and "mottakere" in df.columns else df


#: What the count of recipients is called: the VAT scheme's lists count applicants (a national umbrella
#: organisation applies for its local branches), not the organisations that get a share.
RECIPIENTS = {GRASROT: "Mottakere", MOMS: "Søkere som fikk utbetalt"}
#: The sources that place a recipient in a municipality (its registered address; see sql/views/40_grants.sql).
PLACED_BY = ("frivillighetsregisteret", "enhetsregisteret")
#: The same count in a sentence or beside a bar ('7 mottakere', '3 søkere').
COUNT_WORDS = {GRASROT: "mottakere", MOMS: "søkere"}


def published_organisations(totals: pl.DataFrame, aar: int) -> tuple[int, int, int | None] | None:
    """The number of organisations a source published as getting a share (local branches included), for the
    year or else the latest year that has one: (year, organisations, applicants in that year's lists)."""
    if "publisert_organisasjoner" not in totals.columns:
        return None
    known = totals.drop_nulls("publisert_organisasjoner").sort("aar")
    if known.is_empty():
        return None
    same = known.filter(pl.col("aar") == aar)
    row = (same if same.height else known.tail(1)).row(0, named=True)
    return row["aar"], row["publisert_organisasjoner"], row["mottakere_i_filene"]


def applicants_help(place: Place, aar: int, count: int, totals: pl.DataFrame) -> str:
    """The help of the VAT scheme's count card: what is counted (applicants paid, from the payment lists), why it
    is far below the organisations that get a share, and the number a source published for a year."""
    if place.nivaa != "land":
        return (f"Søkere registrert i {place.navn} som fikk utbetalt momskompensasjon i {aar}: {fmt_int(count)}, "
                f"talt i utbetalingslistene. {APPLICANTS} Et sentralledd søker for lokallag i hele landet og er "
                "registrert der hovedkontoret ligger.")
    text = (f"Organisasjoner som søkte og fikk utbetalt momskompensasjon i {aar}: {fmt_int(count)}, talt i "
            f"utbetalingslistene. {APPLICANTS}")
    published = published_organisations(totals, aar)
    if published:
        year, orgs, applicants = published
        text += (f" For {year} oppgir {PUBLISHERS[MOMS]} at {fmt_int(orgs)} organisasjoner, lokallag medregnet, "
                 "fikk momskompensasjon" + (f", mot {fmt_int(applicants)} søkere i listene." if applicants else "."))
    return text


def _spark(df: pl.DataFrame, col: str) -> list[float]:
    return [float(v) if v is not None else 0.0 for v in df[col].to_list()]


# ---- charts -------------------------------------------------------------------------------------------------

def time_charts(scheme: str, series: pl.DataFrame, place: Place, aar: int, note: str | None,
                totals: pl.DataFrame) -> list[Chart]:
    """Over time: amount (and applied for), NOK per inhabitant vs the country, recipients, a share vs the country.

    For the country, the amount bars of the years without a published national total (`totals`: the amount paid
    by its status, the amount applied for by its own) are hatched with the overview's note and legend entry, and
    the download carries each year's statuses. The count of recipients is not: the totals' status is the amount's,
    and a count is never a published figure. A county's or municipality's bars are not either: no one publishes a
    total per place, so every year of a place is the sum of the recipient lists alike, and hatching some years
    would make the others look official."""
    s = SCHEMES[scheme]
    where = "hele landet" if place.nivaa == "land" else place.navn
    mine = series.filter(pl.col("er_valgt")).sort("aar")
    both = series.sort("aar")
    national = place.nivaa == "land"
    # a place's recipients are placed by the registers' address (the list's municipality where they lack one);
    # `own`: the figures that divide by no population
    placed = () if national else PLACED_BY
    src, own = (*SOURCES[scheme], *placed), (scheme, *placed)
    short = SHORT_NOTE if note else None
    unofficial = unofficial_years(totals) if national else []
    applied = unofficial_years(totals, "status_søkt") if national and scheme == MOMS else []
    amount_note = unofficial_note(unofficial, scheme, applied, totals) or short

    def per_year(df: pl.DataFrame) -> pl.DataFrame:
        return counts_named(scheme, with_status(df, totals) if national else df)

    amount_cols = ["aar", "utbetalt", *(["sokt", "andel_av_søkt_utbetalt"] if scheme == MOMS else []), "mottakere",
                   *(["givere"] if scheme == GRASROT else [])]
    charts = [
        Chart(ft.amount_by_year(mine, unofficial=unofficial, unofficial_applied=applied),
              per_year(mine.select(amount_cols)),
              f"{s.label}: {'søkt og utbetalt' if scheme == MOMS else 'utbetalt'} per år, {where}",
              ft.describe_amounts(mine, what=s.what, place=where), (*own, "tilskudd_totaler"), f"{scheme}_belop",
              amount_note, MONEY),
        Chart(ft.place_vs_country(both, y="kr_per_innbygger", y_title="Kr per innbygger"),
              both.select("navn", "aar", "utbetalt", "folketall", "kr_per_innbygger"),
              f"Kroner per innbygger, {where}" + (" og hele landet" if place.per_place else ""),
              ft.describe_place_vs_country(both, y="kr_per_innbygger", aar=aar, what="kroner per innbygger",
                                           sentence=f"I {{aar}} ble det utbetalt {{verdi}} {s.what} per innbygger "
                                                    "i {sted}"),
              src, f"{scheme}_per_innbygger", short, MONEY),
        # the counts are never hatched: the totals' status is about the amount paid, and no year's count is a
        # published national figure (what was published about recipients is in the Landstall tab's Merknad)
        Chart(bars_by_year(mine, y="mottakere", y_title="Søkere" if scheme == MOMS else "Mottakere"),
              counts_named(scheme, mine.select("aar", "mottakere")), f"{RECIPIENTS[scheme]} per år, {where}",
              ft.describe_counts(mine, what="antall søkere som fikk utbetalt" if scheme == MOMS
                                 else "antall mottakere", place=where),
              own, f"{scheme}_mottakere",
              " ".join(t for t in (short, COUNTED_NOTE if national else None, APPLICANTS if scheme == MOMS else None)
                       if t) or None, MONEY),
    ]
    if scheme == GRASROT:
        charts.append(Chart(
            ft.place_vs_country(both, y="andel_registrerte_mottar", y_title="Andel som mottar", percent=True),
            both.select("navn", "aar", "mottakere", "registrerte", "andel_registrerte_mottar"),
            "Andel av de registrerte organisasjonene som mottar grasrotandel",
            ft.describe_place_vs_country(both, y="andel_registrerte_mottar", aar=aar,
                                         what="andelen registrerte organisasjoner som mottar grasrotandel",
                                         sentence="I {aar} mottok {verdi} av de registrerte organisasjonene i "
                                                  "{sted} grasrotandel", percent=True),
            tuple(dict.fromkeys((*own, "frivillighetsregisteret"))), f"{scheme}_andel", SHARE_HISTORY, MONEY))
    else:
        charts.append(Chart(
            ft.place_vs_country(both, y="andel_av_søkt_utbetalt", y_title="Andel av søkt beløp", percent=True),
            both.select("navn", "aar", "sokt", "utbetalt", "andel_av_søkt_utbetalt"),
            "Andel av søkt beløp som ble utbetalt",
            ft.describe_place_vs_country(both, y="andel_av_søkt_utbetalt", aar=aar,
                                         what="andelen av søkt beløp som ble utbetalt",
                                         sentence="I {aar} ble {verdi} av det søkte beløpet utbetalt i {sted}",
                                         percent=True)
            + " Rammen dekker ikke alle søknadene, så alle får avkortet beløpet.",
            own, f"{scheme}_avkorting", short, MONEY))
    return charts


def group_charts(scheme: str, groups: pl.DataFrame, series: pl.DataFrame, place: Place, aar: int,
                 note: str | None) -> list[Chart]:
    """By ICNPO category group: amount paid, and (grasrot) the share of registered organisations that receive.

    Shares of fewer than SMALL_BASE (registered organisations; for the Oslo share, applicants) are grey, below
    the others and written as counts, as the profile does (figures_tilskudd.ranked_share)."""
    where = "hele landet" if place.nivaa == "land" else place.navn
    if groups.height < 2:  # no recipients, or all in one category: said in words (group_message), not as one bar
        return []
    src = SOURCES_ICNPO[scheme]
    cols = ["gruppenavn", "utbetalt", *(["sokt"] if scheme == MOMS else []), "mottakere", "andel_av_beløpet",
            *(["registrerte", "andel_registrerte_mottar"] if scheme == GRASROT else [])]
    charts = [Chart(ft.ranked_money(groups, category="gruppenavn"), counts_named(scheme, groups.select(cols)),
                    f"Utbetalt per kategori (ICNPO-gruppe), {where} {aar}",
                    ft.describe_groups(groups, place=where, aar=aar), src, f"{scheme}_icnpo",
                    SHORT_NOTE if note else None, MONEY)]
    if scheme == GRASROT:
        ref = value_in(series, aar, "andel_registrerte_mottar")
        small = groups.filter(pl.col("registrerte").fill_null(0) < SMALL_BASE).drop_nulls("andel_registrerte_mottar")
        charts.append(Chart(
            ft.ranked_share(groups, category="gruppenavn", value="andel_registrerte_mottar", reference=ref,
                            reference_label="Hele landet" if place.nivaa == "land" else place.navn,
                            base="registrerte", count="mottakere", base_word="registrerte mottar"),
            groups.select("gruppenavn", "mottakere", "registrerte", "andel_registrerte_mottar"),
            f"Andel av de registrerte organisasjonene som mottar grasrotandel, per kategori, {where} {aar}",
            ft.describe_group_shares(groups, place=where, aar=aar), src, f"{scheme}_icnpo_andel",
            " ".join(["Mottakere som ikke finnes i registrene, har ingen kategori og er ikke med.",
                      *([ft.small_base_note("registrerte organisasjoner")] if small.height else []),
                      SHARE_HISTORY]), MONEY))
    elif place.nivaa == "land":
        small = groups.filter(pl.col("mottakere") < SMALL_BASE).drop_nulls("andel_oslo")
        charts.append(Chart(
            ft.ranked_share(groups, category="gruppenavn", value="andel_oslo",
                            reference=value_in(series, aar, "andel_oslo"), reference_label="Alle",
                            base="mottakere", count="mottakere_oslo", base_word="søkere i Oslo"),
            counts_named(scheme, groups.select("gruppenavn", "utbetalt", "andel_oslo", "mottakere", "mottakere_oslo")
                         ).rename({"mottakere_oslo": "søkere_i_oslo"}),
            f"Andel av pengene som gikk til mottakere i Oslo, per kategori, {aar}",
            ft.describe_oslo_shares(groups, aar=aar), src, f"{scheme}_icnpo_oslo",
            " ".join(["Oslo-andelen viser omtrent hvor mye som går til landsdekkende organisasjoner (sentralledd).",
                      *([ft.small_base_note("søkere")] if small.height else [])]), MONEY))
    else:
        charts.append(Chart(
            bar_ranked(groups, category="gruppenavn", value="mottakere", value_title="Søkere",
                       hover_format=",.0f"),
            counts_named(scheme, groups.select("gruppenavn", "mottakere", "utbetalt")),
            f"Søkere som fikk utbetalt, per kategori (ICNPO-gruppe), {where} {aar}",
            ft.describe_counts_by_group(groups, place=where, aar=aar, what="søkere som fikk utbetalt"), src,
            f"{scheme}_icnpo_mottakere", f"{SHORT_NOTE} {APPLICANTS}", MONEY))
    return charts


def group_message(groups: pl.DataFrame, place: Place, aar: int) -> str | None:
    """The words instead of the category charts when there is at most one category (else None)."""
    where = "hele landet" if place.nivaa == "land" else place.navn
    if groups.is_empty():
        return f"Ingen mottakere i {where} i {aar}."
    if groups.height == 1:
        g = groups.row(0, named=True)
        return (f"Alle de {fmt_int(g['mottakere'])} mottakerne i {where} i {aar} er i kategorien "
                f"{md_escape(g['gruppenavn'].lower())} ({fmt_nok_short(g['utbetalt'])}).")
    return None


def ranking_views(scheme: str, counties: pl.DataFrame, municipalities: pl.DataFrame, in_county: bool, place: Place,
                  aar: int, country_value: float | None) -> list[Chart]:
    """NOK per inhabitant per county, and per municipality: all of the chosen county, else the top 20."""
    s = SCHEMES[scheme]
    src = (*SOURCES[scheme], *PLACED_BY)
    note = SHORT_NOTE if scheme == MOMS else None
    word = COUNT_WORDS[scheme]

    def ranked(df: pl.DataFrame, highlight: str | None) -> go.Figure:
        return ft.ranked_per_inhabitant(df, highlight=highlight, reference=country_value, count_word=word)

    def small(df: pl.DataFrame, level_word: str) -> str:
        text = ft.few_recipients(df, count_word=word, level_word=level_word)
        return f" {text}" if text else ""

    out = [Chart(
        ranked(counties, place.fylke),
        counts_named(scheme, counties.select("navn", "kr_per_innbygger", "utbetalt", "mottakere", "folketall", "kode")
                     .rename({"kode": "fylkesnummer", "navn": "fylkesnavn"})),
        f"{s.label}, kroner per innbygger per fylke, {aar}",
        ft.describe_ranking(counties, aar=aar, level_word="fylker", highlight=place.fylke)
        + ft.cut_note(counties) + small(counties, "fylkene"),
        src, f"{scheme}_fylker", note, MONEY)]
    table = counts_named(scheme, municipalities.select("navn", "fylkesnavn", "kr_per_innbygger", "utbetalt",
                                                       "mottakere", "folketall", "kode")
                         .rename({"kode": "kommunenummer", "navn": "kommunenavn"}))
    if in_county:  # `municipalities` are the chosen county's (see municipal_ranking)
        out.append(Chart(
            ranked(municipalities, place.kommune),
            table.drop("fylkesnavn"), f"{s.label}, kroner per innbygger per kommune i {place.fylkesnavn}, {aar}",
            ft.describe_ranking(municipalities, aar=aar, level_word="kommuner", highlight=place.kommune)
            + ft.cut_note(municipalities) + small(municipalities, "kommunene"),
            src, f"{scheme}_kommuner", note, MONEY))
    else:  # the country, or a county that is one municipality (Oslo): the top of all municipalities
        top = municipalities.head(TOP_MUNICIPALITIES)
        out.append(Chart(
            ranked(top, place.kommune),
            table.head(TOP_MUNICIPALITIES),
            f"{s.label}: de {TOP_MUNICIPALITIES} kommunene med flest kroner per innbygger, {aar}",
            ft.describe_ranking(municipalities, aar=aar, level_word="kommuner", highlight=place.kommune)
            + ft.cut_note(top) + small(top, "kommunene i figuren")
            + (f" {place.fylkesnavn} er én kommune, så den er sammenlignet med alle kommunene i landet."
               if place.fylke else " Velg et fylke for å se alle kommunene der, eller se alle kommunene på kartet."),
            src, f"{scheme}_kommuner", note, MONEY))
    return out


def map_link(scheme: str, aar: int) -> dict[str, str]:
    """Query parameters that open the map page on the scheme's NOK per inhabitant for every municipality."""
    return {"indikator": SCHEMES[scheme].indikator, "nivaa": "kommune", "aar": str(aar)}


def totals_table(scheme: str, totals: pl.DataFrame) -> Table:
    """National totals per year: the published amount paid (or the estimate, in a column of its own), the
    recipient lists' sum, the difference, the status in words; for momskompensasjon the amount applied for with
    its own status and the organisations a source published; what else was published, in the source's words."""
    is_published = pl.col("status").str.starts_with("publisert")
    # a figure that is not published is not shown under "Publisert …": the estimates stand in a column of their
    # own, the totals file's applied-for amounts only where they are published, its recipient counts never (the
    # merknad says what was published); the lists' agreement only where there is a published figure to agree with
    labelled = totals.with_columns(
        pl.when(~is_published).then(pl.col("publisert_utbetalt")).alias("anslag_ikke_publisert"),
        pl.when(is_published).then(pl.col("publisert_utbetalt")).alias("publisert_utbetalt"),
        pl.when(pl.col("status_søkt") == "publisert").then(pl.col("oppgitt_søkt")).alias("publisert_søkt"),
        pl.when(is_published).then(pl.col("filene_stemmer")).alias("filene_stemmer"),
        pl.col("status").replace_strict({k: v[0] for k, v in STATUS_TEXT.items()}, default=pl.col("status"))
        .alias("status_utbetalt"),
        pl.col("status_søkt").replace_strict(APPLIED_STATUS, default=pl.col("status_søkt")),
    )
    cols = ["aar", "status_utbetalt", "publisert_utbetalt", "anslag_ikke_publisert", "utbetalt_ifølge_filene",
            "differanse",
            *(["status_søkt", "publisert_søkt", "søkt_ifølge_filene"] if scheme == MOMS else []),
            "mottakere_i_filene", *(["publisert_organisasjoner"] if scheme == MOMS else []),
            "filene_stemmer", "kilde", "merknad"]
    data = labelled.select(cols)
    if scheme == MOMS:
        data = data.rename({"mottakere_i_filene": "søkere_i_listene"})
    return Table(data, f"{SCHEMES[scheme].label}: landstall, publisert og summert fra mottakerlistene",
                 totals_summary(scheme, totals), (scheme, "tilskudd_totaler"), f"{scheme}_totaler", None,
                 {"publisert_utbetalt": "nok", "anslag_ikke_publisert": "nok_short", "utbetalt_ifølge_filene": "nok",
                  "differanse": "nok", "publisert_søkt": "nok", "søkt_ifølge_filene": "nok", "kilde": "text",
                  "merknad": "text"})


def totals_summary(scheme: str, totals: pl.DataFrame) -> str:
    """The Landstall table's summary: which years have a published amount paid, whether the lists agree with it
    (and that for the other years the comparison checks nothing), the amount applied for by its own status, and
    for momskompensasjon that applicants are not organisations (with the count a source published)."""
    is_published = pl.col("status").str.starts_with("publisert")
    published = totals.filter(is_published)
    unpublished = totals.filter(~is_published)["aar"].to_list()
    text = (f"{SCHEMES[scheme].label}: publiserte landstall for utbetalt beløp finnes for "
            f"{_years(published['aar'].to_list()) or 'ingen år'}. ")
    if unpublished:
        text += (f"For {_years(unpublished)} har {PUBLISHERS[scheme]} ikke publisert et landstall; der viser "
                 "tabellen summen av mottakerlistene og et anslag. ")
    agree = published["filene_stemmer"].drop_nulls()
    if agree.len():
        rounded = published.filter(pl.col("status") == "publisert (avrundet)")["aar"].to_list()
        text += (("Summen av mottakerlistene stemmer med det publiserte landstallet alle årene det finnes"
                  + (f" ({_years(rounded)}: innenfor avrundingen). " if rounded else ". ")) if agree.all()
                 else f"Summen av mottakerlistene avviker fra det publiserte landstallet i {(~agree).sum()} år. ")
    if unpublished:
        text += ("For årene uten publisert landstall er sammenligningen ingen kontroll: anslaget er ikke et "
                 "uavhengig tall, og testdataene er laget slik at listene summerer til det. ")
    if scheme == MOMS:
        by = {k: _years([y for y, v in totals.select("aar", "status_søkt").iter_rows() if v == k])
              for k in ("publisert", "avledet", "ikke oppgitt")}
        if by["publisert"]:
            text += f"Søkt beløp er publisert for {by['publisert']}. "
        if by["avledet"]:
            text += f"For {by['avledet']} er søkt beløp bare regnet ut, ikke publisert. "
        if by["ikke oppgitt"]:
            text += f"For {by['ikke oppgitt']} oppgir ikke kilden søkt beløp. "
        text += f"Søkerne i listene er ikke antallet organisasjoner som får penger. {APPLICANTS}"
        known = published_organisations(totals, int(totals["aar"].max())) if totals.height else None
        if known:
            year, orgs, applicants = known
            text += (f" For {year} oppgir {PUBLISHERS[MOMS]} {fmt_int(orgs)} organisasjoner, lokallag medregnet"
                     + (f", mot {fmt_int(applicants)} søkere i listene." if applicants else "."))
    return text.strip()


def _years(years: list[int]) -> str:
    return and_list([str(y) for y in sorted(years)])


def recipients_table(scheme: str, recipients: pl.DataFrame, place: Place, aar: int, total: float | None,
                     note: str | None) -> Table:
    """The largest recipients: name (register text, shown only as table data), category, place and amount."""
    where = "hele landet" if place.nivaa == "land" else place.navn
    # name and amount first: on a phone the table scrolls sideways
    cols = ["navn", "utbetalt", "kategori", *([] if place.nivaa == "kommune" else ["kommunenavn"]),
            *(["sokt", "ordning"] if scheme == MOMS else ["givere"]), "gruppenavn", "orgnr", "i_registrene"]
    # the VAT scheme's 'ordning' is its calculation model, not the scheme the page's «Ordning» chooses
    return Table(recipients.select(cols).rename({"ordning": "beregningsmodell"}, strict=False), f"De største mottakerne av {SCHEMES[scheme].what}, {where} {aar}",
                 ft.describe_recipients(recipients, place=where, aar=aar, total=total,
                                        national=place.nivaa == "land"),
                 (scheme, "frivillighetsregisteret", "enhetsregisteret"), f"{scheme}_mottakere_liste",
                 SHORT_NOTE if note else None, {"orgnr": "orgnr", "navn": "register_name", **MONEY})


# ---- the whole page for one choice (built once per database file, then shared) -------------------------------

@dataclass(frozen=True)
class PageView:
    """Everything the page shows for a scheme, place and year, in page order. The tabs' charts and tables are
    built when the page first asks for them (and kept, as the view is), so a new year builds only the open tab."""

    about: str
    category_intro: str
    note: str | None
    place_note: str | None
    cards: list[Card]
    #: instead of the category charts when there is at most one category
    group_message: str | None
    #: the message above the tabs when the country's total of the year is not published
    status_message: str | None
    status_lines: list[str]
    #: builders of the tabs' content: time_charts, group_charts, ranking, recipients, totals
    builders: dict[str, Callable[[], object]] = field(repr=False, compare=False)

    @property
    def place_reminder(self) -> str | None:
        """The head-office caveat again, in one line, for the sections after the first full one."""
        return HEAD_OFFICE_REMINDER if self.place_note else None

    @property
    def per_place_caveat(self) -> str | None:
        """The caveat for a tab whose figures are all per place: one line when it stands above the cards already,
        else in full (None for grasrotandelen)."""
        return self.place_reminder or self.note

    @functools.cached_property
    def time_charts(self) -> list[Chart]:
        return self.builders["time_charts"]()

    @functools.cached_property
    def group_charts(self) -> list[Chart]:
        return self.builders["group_charts"]()

    @functools.cached_property
    def ranking(self) -> list[Chart]:
        """By county, and by municipality."""
        return self.builders["ranking"]()

    @functools.cached_property
    def recipients(self) -> Table:
        return self.builders["recipients"]()

    @functools.cached_property
    def totals(self) -> Table:
        return self.builders["totals"]()


def municipal_ranking(scheme: str, aar: int, fylke: str | None) -> tuple[pl.DataFrame, bool]:
    """NOK per inhabitant for the municipalities of a county (and True), or of the country (and False) when none
    is chosen or the county is one municipality (Oslo: a ranking of one says nothing)."""
    within = qt.ranking(scheme, "kommune", aar, fylke)
    if fylke is None or within.height > 1:
        return within, fylke is not None
    return qt.ranking(scheme, "kommune", aar, None), False


def page_view(scheme: str, place: Place, aar: int) -> PageView:
    """The page's content for a choice; cached per database file (figures are built once, never changed)."""
    return _page_view(scheme, place.nivaa, place.kode, place.navn, place.fylke, place.kommune, place.fylkesnavn, aar,
                      db.current_fingerprint())


@st.cache_resource(max_entries=128, show_spinner=False)
def _page_view(scheme: str, nivaa: str, kode: str, navn: str, fylke: str | None, kommune: str | None,
               fylkesnavn: str | None, aar: int, fingerprint: tuple) -> PageView:
    place = Place(nivaa, kode, navn, fylke=fylke, kommune=kommune, fylkesnavn=fylkesnavn)
    texts = {k: nobreak(v) for k, v in qt.texts().items()}  # texts from the database: no breaks in '7 %'
    series = qt.series(scheme, nivaa, kode)
    totals = qt.totals(scheme)
    groups = qt.by_group(scheme, nivaa, kode, aar)
    counties = qt.ranking(scheme, "fylke", aar)
    note = head_office_note(scheme, aar, series, groups, counties, fallback=texts.get("momskompensasjon_sted"))
    note = nobreak(note) if note else None
    place_note = note if place.per_place else None
    status = status_of(totals, aar)
    intro = "Organisasjonene er gruppert etter hovedkategorien sin i Frivillighetsregisteret (ICNPO-gruppe)."
    return PageView(
        about=texts.get("momskompensasjon_om" if scheme == MOMS else "grasrotandelen_om", ""),
        category_intro=intro + ("" if scheme == MOMS else " " + texts.get("andel_registrerte_om", "")),
        note=note, place_note=place_note,
        cards=cards(scheme, series, place, aar, totals),
        group_message=group_message(groups, place, aar),
        status_message=status_message(scheme, aar, status, value_in(series, aar, "utbetalt"))
        if nivaa == "land" else None,
        status_lines=status_lines(scheme, totals),
        builders={
            "time_charts": lambda: time_charts(scheme, series, place, aar, place_note, totals),
            "group_charts": lambda: group_charts(scheme, groups, series, place, aar, place_note),
            "ranking": lambda: ranking_views(scheme, counties, *municipal_ranking(scheme, aar, fylke), place, aar,
                                             value_in(series, aar, "kr_per_innbygger", country=True)),
            "recipients": lambda: recipients_table(scheme, qt.largest_recipients(scheme, nivaa, kode, aar), place,
                                                   aar, value_in(series, aar, "utbetalt"), place_note),
            "totals": lambda: totals_table(scheme, totals),
        },
    )
