"""Frivillighetsstatistikk: entry point. Navigation, the synthetic-data banner, the footer."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import boot, components, db, embed, state, style, theme  # noqa: F401 - theme: the plotly template
from dashboard.labels import APP_TITLE

st.set_page_config(page_title=APP_TITLE, page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide", menu_items={"About": "Frivillighetsstatistikk: frivillige organisasjoner og "
                                                       "kommunal frivillighetspolitikk i Norge."})
style.apply()
st.logo(str(Path(__file__).parent / "static" / "logo.svg"), size="large")

PAGES = [
    st.Page("pages/oversikt.py", title="Oversikt", icon=":material/dashboard:", default=True),
    st.Page("pages/kart.py", title="Kart", icon=":material/map:", url_path="kart"),
    st.Page("pages/frivillighetspolitikk.py", title="Frivillighetspolitikk", icon=":material/handshake:",
            url_path="frivillighetspolitikk"),
    st.Page("pages/tilskudd.py", title="Tilskudd", icon=":material/payments:", url_path="tilskudd"),
    st.Page("pages/kommuneprofil.py", title="Kommuneprofil", icon=":material/location_city:",
            url_path="kommuneprofil"),
    st.Page("pages/om_dataene.py", title="Om dataene", icon=":material/info:", url_path="om_dataene"),
]

figur = embed.requested()  # ?figur=<key>: one figure alone, for embedding in articles
page = st.navigation(PAGES, position="hidden" if figur else "top")
# the browser tab, bookmarks and history name the page (a page may name itself more precisely, as the profile does)
st.set_page_config(page_title=f"{page.title} – {APP_TITLE}" if page.url_path else APP_TITLE)
state.restore(page.url_path)
try:
    db.handle()
except db.DatabaseMissing as exc:
    st.error(f"Dashbordet har ingen data ennå. {exc}")
    st.stop()
if figur:
    embed.show(figur)  # stops the script
components.synthetic_banner()
boot.entered_via_app()
try:
    page.run()
except Exception as exc:  # a fault in a page: a message in bokmål instead of Streamlit's English error box
    components.page_failed(exc)
components.footer()
