"""Frivillighetsstatistikk: entry point. Navigation, the synthetic-data banner, the footer."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


@st.cache_resource(show_spinner=False)
def _import_once() -> bool:
    """Import the libraries and every dashboard module in one thread, the first time any reader arrives.

    Several first visits after a restart run this script in parallel threads. Without this, one thread could
    see a module another thread was still importing (plotly reads pandas from sys.modules: 'partially
    initialized module pandas has no attribute Series'); cache_resource lets one thread import while the
    others wait.
    """
    import importlib
    import pkgutil

    import dashboard
    for name in ("pandas", "polars", "duckdb", "plotly.graph_objects", "pydeck"):
        importlib.import_module(name)
    for mod in pkgutil.iter_modules(dashboard.__path__):
        importlib.import_module(f"dashboard.{mod.name}")
    return True


_import_once()

from dashboard import boot, components, db, embed, state, style, theme  # noqa: E402, F401 - theme: the plotly template

st.set_page_config(page_title="Frivillighetsstatistikk", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide", menu_items={"About": "Frivillighetsstatistikk: frivillige organisasjoner og "
                                                       "kommunal frivillighetspolitikk i Norge."})
style.apply()

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
page.run()
components.footer()
