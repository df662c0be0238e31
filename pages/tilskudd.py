"""Tilskudd: where the money from grasrotandelen and momskompensasjon goes — per place, per inhabitant, per
category, over time — the largest recipients, and the national totals against the published figures."""

import streamlit as st

from dashboard import boot, components, queries, tilskudd
from dashboard import queries_tilskudd as qt

boot.guard()

st.title("Tilskudd")
st.markdown("Hvor går pengene fra **grasrotandelen** (Norsk Tipping) og **momskompensasjonen** (Lotteri- og "
            "stiftelsestilsynet)? Velg ordning, sted og år. Alle tall er i dagens 357 kommuner og 15 fylker.")

texts = qt.texts()
c1, c2, c3, c4 = st.columns([1.2, 1.4, 1.6, 0.8])
ordning = tilskudd.choose_scheme(c1)
place = tilskudd.choose_place(queries.kommuner(), queries.fylker(), c2, c3)
aar = tilskudd.choose_year(ordning, qt.years(ordning), c4)
moms = ordning == qt.MOMS
st.caption(texts.get("momskompensasjon_om" if moms else "grasrotandelen_om", ""))

series = qt.series(ordning, place.nivaa, place.kode)
totals = qt.totals(ordning)
groups = qt.by_group(ordning, place.nivaa, place.kode, aar)
counties = qt.ranking(ordning, "fylke", aar)
note = tilskudd.head_office_note(ordning, aar, series, groups, counties, fallback=texts.get("momskompensasjon_sted"))
place_note = note if place.per_place else None

if place_note:
    st.warning(place_note, icon=":material/apartment:")
cards = tilskudd.cards(ordning, series, place, aar, totals)
for col, card in zip(st.columns(len(cards)), cards, strict=True):
    col.metric(card.label, card.value, card.delta, help=card.help, chart_data=card.spark or None, chart_type="line",
               border=True, delta_color="off")
status = tilskudd.status_of(totals, aar)
if place.nivaa == "land" and status in ("interpolert", "antatt"):
    st.info(f"Landstallet for {aar} har status «{status}»: {tilskudd.STATUS_TEXT[status][1]} Se «Landstall» "
            "nederst på siden.", icon=":material/info:")

st.subheader("Utviklingen")
if place_note:
    st.warning(place_note, icon=":material/apartment:")
charts = tilskudd.time_charts(ordning, series, place, aar, place_note)
for row in (charts[:2], charts[2:]):
    for col, chart in zip(st.columns(2, gap="large"), row, strict=False):
        with col:
            components.figure(**chart.kwargs())

st.subheader("Etter kategori")
st.markdown("Organisasjonene er gruppert etter hovedkategorien sin i Frivillighetsregisteret (ICNPO-gruppe)."
            + ("" if moms else " " + texts.get("andel_registrerte_om", "")))
if place_note:
    st.warning(place_note, icon=":material/apartment:")
group_charts = tilskudd.group_charts(ordning, groups, series, place, aar, place_note)
if not group_charts:
    st.info(f"Ingen mottakere i {place.navn} i {aar}.", icon=":material/info:")
for col, chart in zip(st.columns(2, gap="large"), group_charts, strict=False):
    with col:
        components.figure(**chart.kwargs())

st.subheader("Fylker og kommuner")
if moms:
    st.warning(note, icon=":material/apartment:")
views = tilskudd.ranking_views(ordning, counties, qt.ranking(ordning, "kommune", aar, place.fylke), place, aar,
                               tilskudd.value_in(series, aar, "kr_per_innbygger", country=True))
for col, view in zip(st.columns(2, gap="large"), views, strict=True):
    with col:
        components.figure(**view.kwargs())
if not place.fylke:
    st.page_link("pages/kart.py", label="Se alle kommunene på kartet", icon=":material/map:",
                 query_params=tilskudd.map_link(ordning, aar))

st.subheader("Største mottakere")
if moms:
    st.warning(place_note or tilskudd.NATIONAL_NOTE, icon=":material/apartment:")
recipients = qt.largest_recipients(ordning, place.nivaa, place.kode, aar)
components.data_table(**tilskudd.recipients_table(ordning, recipients, place, aar,
                                                  tilskudd.value_in(series, aar, "utbetalt"), place_note).kwargs())

st.subheader("Landstall: publisert og beregnet")
st.markdown("Landstallene på siden er summen av filene. Her er de sammenlignet med tallene som er publisert. "
            "**Status** sier hvor landstallet kommer fra:\n\n" + "\n".join(tilskudd.status_lines(totals)))
components.data_table(**tilskudd.totals_table(ordning, totals).kwargs())
