"""Om dataene: every source with licence, date and checksum; methodology; corrections; downloads of every view."""


from pathlib import Path

import streamlit as st

from dashboard import boot, components, embed, queries
from dashboard.downloads import percent_columns
from dashboard.format import fmt_date, fmt_int
from dashboard.labels import view_title
from dashboard.om_dataene import columns_table, date_notes, deviations_table, embed_snippets, sources_table

boot.guard()

st.title("Om dataene")
st.markdown("Hvor tallene kommer fra, hvordan de er bearbeidet, og hvordan du laster dem ned.")

st.header("Kilder")
src = queries.sources()
st.markdown(f"Databasen bygger på **{src.height} filer** fra **{src['source_id'].n_unique()} kilder**. "
            "*Ekte* betyr offentlige data; *syntetisk* betyr testdata i offisielt format.")
sources = sources_table(src)
components.table(sources, formats={"sha256": "text"}, key="sources")
components.downloads(sources, "Kilder", *src["source_id"].unique().to_list(), key="sources")  # as on the screen
for note in date_notes(src, queries.latest_population_year()):
    st.info(note, icon=":material/event_busy:")

st.header("Metode")
st.markdown(Path(__file__).parent.parent.joinpath("dashboard", "content", "metode.md").read_text(encoding="utf-8"))

st.header("Rettede og avviste rader")
dev = queries.deviations_summary()
if dev.is_empty():
    st.markdown("Ingen rader ble rettet eller avvist i siste bygg.")
else:
    components.table(deviations_table(dev, src), key="avvik")

st.header("Last ned data")
st.markdown("Alle offentlige visninger i databasen, som CSV eller Excel. CSV-filene er semikolonseparerte (UTF-8) "
            "med desimalkomma; en andel er en brøk fra 0 til 1 der overskriften ikke sier «i prosent»; kilde og lisens "
            "står under tallene, etter en tom linje. "
            "Excel-filene har kilden i arket «Kilde». Tabellen under den valgte visningen viser kolonnene.")
views = queries.public_views()
chosen = st.selectbox("Visning", views, index=views.index("kommune") if "kommune" in views else 0,
                      format_func=view_title)
data = queries.view_data(chosen)
st.caption(f"{fmt_int(data.height)} rader, {fmt_int(data.width)} kolonner.")
percent = percent_columns(chosen, data.columns)
components.downloads(data, chosen, *src["source_id"].unique().to_list(), key="view", percent=percent)
st.markdown(f"**Kolonnene i «{view_title(chosen)}»**")
components.table(columns_table(data, percent), key="view_columns")
st.caption("Hele beskrivelsen av databasen (på engelsk) står i `sql/README.md` i kildekoden.")
info = queries.build_info()
st.caption(f"Database bygd {fmt_date(info.get('built_at'))}. Kontrollsum for kildefilene: "
           f"{str(info.get('input_hash', ''))[:12]} (den samme når databasen bygges av de samme filene).")

st.header("Bygg inn en figur")
st.markdown("En figur kan vises alene på en annen nettside, for eksempel i en nyhetssak, med kilden og "
            "merknadene under. Lim inn HTML-koden; figuren oppdateres når dataene gjør det.")
code = st.expander("HTML-kode for figurene", key="embed_code", on_change="rerun")
if code.open:  # built when opened: the code blocks' script costs the page's first view about 0.6 s
    with code:
        for name, snippet in embed_snippets(embed.public_base(), embed.names(), embed.EXAMPLE_PARAMS):
            st.markdown(f"**{name}**")
            st.code(snippet, language="html", wrap_lines=True)
