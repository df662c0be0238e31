"""Om dataene: every source with licence, date and checksum; methodology; corrections; downloads of every view."""


from pathlib import Path

import streamlit as st

from dashboard import boot, components, queries
from dashboard.format import fmt_date, fmt_int
from dashboard.labels import view_title
from dashboard.om_dataene import date_notes, deviations_table, sources_table

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
st.markdown("Alle offentlige visninger i databasen, som CSV eller Excel. Kolonnene er beskrevet i "
            "`sql/README.md` i kildekoden.")
views = queries.public_views()
chosen = st.selectbox("Visning", views, index=views.index("kommune") if "kommune" in views else 0,
                      format_func=view_title)
data = queries.view_data(chosen)
st.caption(f"{fmt_int(data.height)} rader, {fmt_int(data.width)} kolonner.")
components.downloads(data, chosen, *src["source_id"].unique().to_list(), key="view")
info = queries.build_info()
st.caption(f"Database bygd {fmt_date(info.get('built_at'))}. Kontrollsum for kildefilene: "
           f"{str(info.get('input_hash', ''))[:12]} (den samme når databasen bygges av de samme filene).")
