"""Oversikt: the national picture in a minute — headline figures with change and trend, then by county."""

import streamlit as st

from dashboard import boot, components, figures, oversikt, queries
from dashboard import queries_tilskudd as qt

boot.guard()

st.title("Frivillighet i Norge")
st.markdown("Frivillige organisasjoner, kommunenes frivillighetspolitikk og pengene fra grasrotandelen og "
            "momskompensasjonen, i dagens 357 kommuner og 15 fylker.")

orgs = queries.org_series()
rounds = queries.policy_rounds()
grasrot = queries.grasrot_series()
moms = queries.moms_series()
grasrot_totals, moms_totals = qt.totals(qt.GRASROT), qt.totals(qt.MOMS)
snapshot = queries.snapshot_date("frivillighetsregisteret")
cards = [*oversikt.org_cards(orgs, snapshot),
         oversikt.policy_card(rounds), oversikt.grasrot_card(grasrot, grasrot_totals)]
for col, card in zip(st.columns(len(cards)), cards, strict=True):
    components.metric_card(col, card)

st.caption(oversikt.since_last_build(queries.headline_changes()))

st.header("Utviklingen")
left, right = st.columns(2, gap="large")
with left:
    components.figure(
        components.cached_figure("org", (), lambda: figures.line_trend(orgs, x="aar", y="antall",
                                                                        y_title="Organisasjoner", height=300)),
        orgs.select("aar", "antall", "nye", "per_1000"),
        title="Registrerte frivillige organisasjoner",
        summary=oversikt.describe_register(orgs, snapshot),
        sources=("frivillighetsregisteret", "enhetsregisteret"), key="org",
        note=f"{oversikt.REGISTER_HISTORY} Siste år gjelder per datouttaket.")
    unofficial = oversikt.unofficial_years(grasrot_totals)
    components.figure(
        components.cached_figure("grasrot", (), lambda: figures.bars_by_year(
            grasrot, y="belop", y_title="Utbetalt", money=True, hover_format=",.1f", unofficial=unofficial)),
        oversikt.with_status(grasrot.select("aar", "belop", "mottakere", "givere"), grasrot_totals),
        title="Grasrotandelen, utbetalt per år",
        summary=figures.describe_trend(grasrot, x="aar", y="belop", what="grasrotandelen", unit=" mill. kr",
                                       scale=1e-6),
        sources=("grasrotandel", "tilskudd_totaler"), key="grasrot",
        note=oversikt.unofficial_note(unofficial, qt.GRASROT))
with right:
    timeline = queries.policy_timeline()
    components.figure(
        components.cached_figure("politikk", (), lambda: figures.policy_timeline(rounds, timeline, height=300)),
        oversikt.timeline_table(timeline),
        title="Andel kommuner med vedtatt frivillighetspolitikk",
        summary=figures.describe_trend(rounds, x="aar", y="andel_ja_alle", what="andelen kommuner med politikk "
                                       "i kommuneundersøkelsen", percent=True),
        sources=("kommuneundersokelse", "publiserte_tall"), key="politikk",
        formats={"andel": "pct"})
    unofficial = oversikt.unofficial_years(moms_totals)
    applied = oversikt.unofficial_years(moms_totals, "status_søkt")
    components.figure(
        components.cached_figure("moms", (), lambda: figures.paid_and_applied(moms, unofficial=unofficial,
                                                                              unofficial_applied=applied)),
        oversikt.moms_download(moms, moms_totals),
        title="Momskompensasjon, søkt og utbetalt",
        summary=figures.describe_trend(moms, x="aar", y="utbetalt", what="utbetalt momskompensasjon",
                                       unit=" mill. kr", scale=1e-6),
        sources=("momskompensasjon", "tilskudd_totaler"), key="moms",
        formats={"andel_oslo": "pct"}, note=oversikt.unofficial_note(unofficial, qt.MOMS, applied, moms_totals))

st.header("Fylkene")
years = oversikt.latest_years(orgs, rounds, grasrot)
counties = queries.county_overview(*years)
st.markdown(oversikt.county_intro(*years))
county_table = oversikt.county_table(counties, years)
components.table(county_table.data, formats=county_table.formats, counts=county_table.counts, key="fylker")
components.source_line("frivillighetsregisteret", "kommuneundersokelse", "grasrotandel", "befolkning",
                       note=county_table.note)
components.downloads(oversikt.county_download(counties), "Nøkkeltall per fylke", "frivillighetsregisteret",
                     "kommuneundersokelse", "grasrotandel", "befolkning", key="fylker")
