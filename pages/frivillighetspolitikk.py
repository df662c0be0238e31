"""Frivillighetspolitikk: which municipalities have an adopted volunteer policy, over time, by county and size,
on a map, and which measures go with it. URL: aar (survey round), kommune (highlighted), visning (the open tab)."""


import streamlit as st

from dashboard import boot, components, maps, state
from dashboard import figures_politikk as fp
from dashboard import queries_politikk as qp
from dashboard.format import fmt_int, fmt_pct

boot.guard()

SRC = (qp.SURVEY,)
SRC_TREND = (qp.SURVEY, qp.PUBLISHED)

st.title("Frivillighets\u00adpolitikk i kommunene")  # soft hyphen: the long word breaks well on phones
st.markdown("Har kommunen vedtatt en lokal frivillighetspolitikk – en plan for hvordan den vil samarbeide med "
            "lag og foreninger? Tallene kommer fra kommuneundersøkelsen, der kommunene svarer selv, og fra "
            "Frivillighet Norges publiserte opptellinger.")

# ---- 1. widgets bound to the URL --------------------------------------------------------------------------
rounds = [str(r) for r in qp.rounds()]
latest = rounds[-1]
raw_round = state.get("aar")
if raw_round is not None and raw_round not in rounds:
    state.drop_invalid("aar", fp.invalid_round_message(raw_round, rounds))
kommuner = qp.municipality_list()
names = fp.chooser_labels(kommuner)
raw_kommune = state.get("kommune")
if raw_kommune is not None and raw_kommune not in names:
    former = qp.former_code(raw_kommune)
    successor = fp.single_successor(former)
    if successor in names:  # a former number with one successor today: show that one
        state.set("kommune", successor)
        st.info(fp.replaced_municipality_message(raw_kommune, former), icon=":material/info:")
    else:
        state.drop_invalid("kommune", fp.invalid_municipality_message(raw_kommune, former))

c1, c2 = st.columns([1, 2])
aar = int(state.choose("aar", rounds, latest, label="Runde av kommuneundersøkelsen", container=c1,
                       help="Kommuneundersøkelsen er gjennomført i 2019, 2021 og 2024."))
kommune = state.choose("kommune", ["", *names], "", label="Marker en kommune (valgfritt)", container=c2,
                       format_func=lambda k: names.get(k, "Ingen kommune valgt"),
                       help="Skriv for å søke. Kommunen markeres på kartet og får en egen oppsummering.") or None

# ---- 2. headline -----------------------------------------------------------------------------------------
h = qp.headline(aar).row(0, named=True)
st.header(f"Status i {aar}")
m = st.columns(4)
components.headline(m[0], "Kommuner med politikk", f"{fmt_int(h['ja'])} av {fmt_int(h['antall_kommuner'])}",
                    help="Kommuner som svarte «ja, vedtatt», i dagens kommuneinndeling (357 kommuner).")
components.headline(m[1], "Andel av alle kommuner", fmt_pct(h["andel_ja_alle"]),
                    help="Kommuner som ikke svarte, er med i nevneren, men regnes ikke som «nei».")
components.headline(m[2], "Andel av dem som svarte", fmt_pct(h["andel_ja_svarte"]),
                    delta=f"svarprosent {fmt_pct(h['svarprosent'])}", delta_color="off",
                    help=f"{fmt_int(h['ja'])} av {fmt_int(h['svart'])} kommuner som svarte. Svarprosent: "
                         f"{fmt_int(h['svart'])} av {fmt_int(h['antall_kommuner'])} kommuner svarte på spørsmålet.")
components.headline(m[3], "Andel av befolkningen", fp.population_share(h),
                    help=fp.population_help(h, aar))
cards_note = components.slot()  # a slot: the charts below keep their place in rounds with and without the note
if note := fp.cards_note(h):
    cards_note.caption(note)
st.markdown(fp.headline_text(h))

# ---- 3. the chosen municipality ---------------------------------------------------------------------------
status_df = qp.municipalities(aar)
chosen_slot = components.slot()  # a slot: the sections below keep their place whether or not one is chosen
if kommune:
    with chosen_slot.container(border=True):
        st.markdown(f"### {names[kommune]}")
        group = qp.size_group(aar, kommune)
        st.markdown(fp.municipality_text(qp.municipality_rounds(kommune), group.row(0, named=True)
                                         if group.height else None, aar))
        similar = fp.similar_with_policy(status_df, kommune)
        with st.expander(fp.similar_label(aar, similar)):
            st.markdown("Hva har lignende kommuner gjort? Tiltakene slik kommunene selv har svart.")
            components.table(similar, formats={"kommunenummer": "text"}, key="lignende")
            components.downloads(similar, f"Lignende kommuner med frivillighetspolitikk {aar}", *SRC,
                                 key="lignende")

# ---- 4. the views: lazy tabs bound to the URL (?visning=...); only the open one is computed and drawn -------
state.follow_renamed("fordeling", "visning", fp.OLD_TAB_LINKS)  # links shared before the page had these tabs
state.match_loosely("visning", fp.TABS)  # ?visning=kart-og-kommuner
tabs = dict(zip(fp.TABS, st.tabs(fp.TABS, key="visning", bind="query-params"), strict=True))

if tabs["Utviklingen"].open:
    with tabs["Utviklingen"]:
        trend = qp.trend()
        components.figure(
            components.cached_figure("trend", (aar,), lambda: fp.trend_figure(trend, chosen=aar)),
            fp.trend_table(trend), formats={"andel": "pct"},
            title="Andel kommuner med vedtatt frivillighetspolitikk",
            summary=fp.trend_summary(trend), sources=SRC_TREND, key="trend",
            note=("Linjer med prikker: kommuneundersøkelsen. Ruter uten linje: tall publisert av Frivillighet "
                  "Norge (egne opptellinger, ikke undersøkelsen): " + fp.published_citations(trend)),
        )

for label, nivaa, title, what in (
        ("Fylker", "fylke", f"Status for frivillighetspolitikk per fylke, {aar}", "fylke"),
        ("Kommunestørrelse", "storrelsesgruppe", f"Status etter antall innbyggere i kommunen, {aar}",
         "storrelsesgruppe")):
    if not tabs[label].open:
        continue
    with tabs[label]:
        by = qp.status_by(aar, nivaa)
        components.figure(
            components.cached_figure("status", (aar, nivaa), lambda by=by: fp.status_figure(by)),
            fp.status_table(by, group_label=nivaa), formats=fp.SHARE_FORMATS,
            title=title, summary=fp.status_summary(by, what=what), sources=SRC, key=f"status_{nivaa}",
            note="Dagens kommuneinndeling. Andeler av alle kommuner i gruppen; «ukjent» = svarte ikke.")

if tabs["Fylker"].open:  # the published county table (2024 only) beside the survey
    with tabs["Fylker"]:
        st.markdown("### Frivillighet Norges fylketabell og undersøkelsen")
        comparison = qp.county_comparison(aar)
        if comparison.is_empty():
            st.markdown(f"Frivillighet Norge har publisert tall per fylke bare for juli 2024. Velg runde 2024 for "
                        f"å se dem ved siden av kommuneundersøkelsen (valgt runde: {aar}).")
        else:
            st.markdown(fp.comparison_note(comparison))
            st.caption(fp.COMPARISON_CAPTION)
            components.table(fp.comparison_table(comparison), key="sammenligning",
                             height=fp.table_height(comparison.height))
            explanations = fp.comparison_explanations(comparison)
            if explanations:
                with st.expander(f"Hvorfor tallene avviker ({fmt_int(len(explanations))} fylker)"):
                    for county, text in explanations:
                        st.markdown(f"**{county}.** {text}")
            components.source_line(*SRC_TREND, note=f"Publisert tabell: {comparison['kilde'][0]}")
            components.downloads(fp.comparison_table(comparison, full=True),
                                 "Frivillighet Norges fylketabell 2024 og undersøkelsen", *SRC_TREND,
                                 key="sammenligning")

if tabs["Kart og kommuner"].open:
    with tabs["Kart og kommuner"]:
        st.markdown(f"### Status i hver kommune, {aar}")
        st.html(maps.legend_html(fp.status_legend(status_df), "Har kommunen vedtatt frivillighetspolitikk?"))
        map_col, side_col = st.columns([3, 2], gap="medium")
        summary = fp.map_summary(status_df, aar, kommune)
        components.deck_map(map_col, qp.status_deck(aar, kommune), qp.status_drawing(aar, kommune), key="kart",
                            alt=f"Kart: status i hver kommune, {aar}")
        with side_col:
            st.markdown(summary)
            components.screen_hint("Hold musepekeren over (eller trykk på) en kommune for navn, status og fylke. "
                                   "Velg en kommune øverst på siden for å markere den.", key="kart")
        st.markdown("**Alle kommuner** – klikk på en kolonneoverskrift for å sortere.")
        components.table(fp.municipality_table(status_df), formats={"vedtaksaar": "year"}, height=380,
                         key="kommuner")
        components.source_line(qp.SURVEY, qp.BORDERS, note="Kart: Kartverkets kommunegrenser 2024. Tidligere "
                               "runder er omregnet til dagens kommuner.")
        components.downloads(fp.municipality_table(status_df, full=True), f"Frivillighetspolitikk per kommune {aar}",
                             *SRC, key="kommuner")

if tabs["Tiltak"].open:
    with tabs["Tiltak"]:
        tiltak = qp.measures(aar)
        components.figure(
            components.cached_figure("tiltak", (aar,), lambda: fp.measures_figure(tiltak)), fp.measures_table(tiltak),
            formats=fp.SHARE_FORMATS,
            title=f"Andel kommuner med hvert tiltak, {aar}", summary=fp.measures_summary(tiltak, aar), sources=SRC,
            key="tiltak",
            note=("Blant kommunene som svarte på spørsmålet om politikk, i kommuneinndelingen i rundens år. "
                  "Gratis lokaler: bare «ja» er telt, ikke «delvis»."),
        )

# ---- 5. method -------------------------------------------------------------------------------------------
st.header("Om tallene")
st.markdown(fp.method_note(qp.headline(int(rounds[0])).row(0, named=True)))
