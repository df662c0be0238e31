"""Start-up guard for page scripts.

Streamlit still has its legacy multipage mode: before `st.navigation` has run once in a server process, a
`pages/` folder next to app.py makes the very first request run the page script on its own (no banner, no
navigation). Every page calls `guard()` first: in that case it switches the process to `st.navigation` mode
and reruns, so app.py runs and serves the same page (url paths equal the file names, so the page is found).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def guard() -> None:
    """Rerun through app.py if Streamlit ran this page script directly in its legacy mode."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
