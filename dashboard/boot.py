"""Start-up guard for page scripts.

Streamlit still has its legacy multipage mode: before `st.navigation` has run once in a server process, a
`pages/` folder next to app.py makes the very first request run the page script on its own (no banner, no
navigation). Every page calls `guard()` first: in that case it switches the process to `st.navigation` mode
and reruns, so app.py runs and serves the same page (url paths equal the file names, so the page is found).
"""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_run = threading.local()  # one script run at a time per session thread


def entered_via_app() -> None:
    """Called by app.py just before it runs the page: this run went through the navigation."""
    _run.via_app = True


def guard() -> None:
    """Rerun through app.py if Streamlit ran this page script directly in its legacy mode.

    The process-wide flag is switched off by the first such run; sessions that started in legacy mode while
    it was still on (several first visits at once) are caught by the per-run marker that app.py sets."""
    via_app = getattr(_run, "via_app", False)
    _run.via_app = False
    if PagesManager.uses_pages_directory or not via_app:
        PagesManager.uses_pages_directory = False
        st.rerun()
