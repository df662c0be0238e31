"""Kart: a choropleth of the 357 municipalities (or 15 counties) for a chosen indicator and year, with a table."""

import streamlit as st

from dashboard import boot, components, maps, queries, state
from dashboard.format import md_escape
from dashboard.kart import cached_view

boot.guard()

st.title("Kart")
st.markdown("Velg et tall og et år. Kartet viser dagens 357 kommuner eller 15 fylker; tabellen under kan "
            "sorteres og lastes ned.")

options, names = queries.map_indicator_options()
c1, c2, c3 = st.columns([3, 1.2, 1])
if state.get("indikator") and state.get("indikator") not in options:
    state.drop_invalid("indikator", f"Fant ikke tallet «{md_escape(state.get('indikator'), 40)}». Viser "
                                    "organisasjoner per 1\u00a0000 innbyggere i stedet.")
indikator = state.choose("indikator", options, "org_per_1000", label="Tall", format_func=names.get, container=c1)
if state.get("nivaa") and state.get("nivaa") not in state.NIVAAER:
    state.drop_invalid("nivaa", f"Fant ikke nivået «{md_escape(state.get('nivaa'), 20)}». Viser kommunene.")
nivaa = state.choose("nivaa", list(state.NIVAAER), "kommune", label="Nivå", format_func=state.NIVAAER.get,
                     container=c2)
indikator = queries.indicator_for_level(indikator, nivaa)
years = [str(y) for y in queries.indicator_years(indikator, nivaa)]
if state.get("aar") and state.get("aar") not in years:
    state.drop_invalid("aar", f"Det finnes ikke tall for «{md_escape(state.get('aar'), 12)}» for dette tallet. "
                              "Viser siste år.")
aar = int(state.choose("aar", years, years[0], label="År", container=c3))

view = cached_view(indikator, nivaa, aar, highlight=state.get("kommune"))
st.markdown(f"## {view.title}")
# momskompensasjon per place: the head-office caveat comes before the map (in a slot: the map keeps its place
# and its WebGL context)
components.message(view.note, icon=":material/info:")
st.html(maps.legend_html(view.legend, view.legend_title, view.legend_note))
map_col, side_col = st.columns([3, 2], gap="medium")
components.deck_map(map_col, view.deck, view.drawing, key="kart", alt=f"Kart: {view.title}")
with side_col:
    st.markdown(view.summary)
    components.screen_hint("Hold musepekeren over (eller trykk på) et område for navn og verdi. Bruk + og − for å "
                           "zoome.", key="kart")
components.source_line(*view.sources)

st.markdown(f"## Tabell: {view.title}")
components.table(view.table, formats=view.formats, counts=view.counts, key="kart_tabell", height=420)
components.downloads(view.download_table(), view.title, *view.sources, key="kart")
