"""Tilskudd: where the money from grasrotandelen and momskompensasjon goes — per place, per inhabitant, per
category, over time — the largest recipients, and the national totals against the published figures.

The choices and headline figures sit above six tabs (`?visning=<tab>` in the URL); only the open tab is drawn."""

import streamlit as st

from dashboard import boot, components, queries, state, tilskudd
from dashboard import queries_tilskudd as qt

boot.guard()

st.title("Tilskudd")
st.markdown("Hvor går pengene fra **grasrotandelen** (Norsk Tipping) og **momskompensasjonen** (Lotteri- og "
            "stiftelsestilsynet)? Velg ordning, sted og år. Alle tall er i dagens 357 kommuner og 15 fylker.")

c1, c2, c3, c4 = st.columns([1.2, 1.4, 1.6, 0.8])
ordning = tilskudd.choose_scheme(c1)
place = tilskudd.choose_place(queries.kommuner(), queries.fylker(), c2, c3)
aar = tilskudd.choose_year(ordning, qt.years(ordning), c4)
view = tilskudd.page_view(ordning, place, aar)
st.caption(view.about)
HEAD_OFFICE_ICON = ":material/apartment:"

# messages that come and go with the selection sit in slots, so the charts below keep their place
components.message(view.place_note, icon=HEAD_OFFICE_ICON)
for col, card in zip(st.columns(len(view.cards)), view.cards, strict=True):
    components.metric_card(col, card, delta_color="off")
components.message(view.status_message, kind="info", icon=":material/info:")


# ---- the sections, one tab each ------------------------------------------------------------------------------
# Lazy tabs bound to the URL (?visning=...): only the open tab is drawn, so a changed year redraws only its charts.
# Every tab that shows momskompensasjon per place carries the head-office explanation (in full or as a reminder).

def over_time() -> None:
    components.message(view.place_reminder, icon=HEAD_OFFICE_ICON)
    for row in (view.time_charts[:2], view.time_charts[2:]):
        for col, chart in zip(st.columns(2, gap="large"), row, strict=False):
            with col:
                components.figure(**chart.kwargs())


def by_category() -> None:
    st.markdown(view.category_intro)
    components.message(view.place_reminder, icon=HEAD_OFFICE_ICON)
    components.message(view.group_message, kind="info", icon=":material/info:")
    for col, chart in zip(st.columns(2, gap="large"), view.group_charts, strict=False):
        with col:
            components.figure(**chart.kwargs())


def by_county() -> None:
    components.message(view.per_place_caveat, icon=HEAD_OFFICE_ICON)  # momskompensasjon: every figure is per place
    components.figure(**view.ranking[0].kwargs())


def by_municipality() -> None:
    components.message(view.per_place_caveat, icon=HEAD_OFFICE_ICON)
    components.figure(**view.ranking[1].kwargs())
    link_slot = components.slot()
    if not place.fylke:
        link_slot.page_link("pages/kart.py", label="Se alle kommunene på kartet", icon=":material/map:",
                            query_params=tilskudd.map_link(ordning, aar))


def largest_recipients() -> None:
    components.message((view.place_reminder or tilskudd.NATIONAL_NOTE) if view.note else None,
                       icon=HEAD_OFFICE_ICON)
    components.data_table(**view.recipients.kwargs())


def national_totals() -> None:
    st.markdown(tilskudd.TOTALS_INTRO + "\n\n" + "\n".join(view.status_lines))
    components.data_table(**view.totals.kwargs())


SECTIONS = {"Utviklingen": over_time, "Kategorier": by_category, "Fylker": by_county, "Kommuner": by_municipality,
            "Mottakere": largest_recipients, "Landstall": national_totals}
state.match_loosely("visning", list(SECTIONS))  # ?visning=kommuner
for tab, (name, draw) in zip(st.tabs(list(SECTIONS), key="visning", bind="query-params"), SECTIONS.items(),
                             strict=True):
    if tab.open:
        with tab:
            components.hidden_heading(name, key="fane")  # the charts' titles are level 3
            draw()
