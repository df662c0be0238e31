"""The app's stylesheet (constant CSS, no data), including the print stylesheet for meeting mode."""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
/* calmer, statistics-office look */
h1, h2, h3, h4 { letter-spacing: -0.01em; }
[data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; }
[data-testid="stCaptionContainer"] { color: #52606D; }
.block-container { padding-top: 3.5rem; max-width: 1200px; }
@media (max-width: 640px) {
  .block-container { padding-left: 0.8rem; padding-right: 0.8rem; }
  h1 { font-size: 1.7rem; }
}
/* print / meeting mode: one A4 page, no navigation or controls */
@page { size: A4 portrait; margin: 10mm; }
@media print {
  header, footer, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stHeader"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], .stDownloadButton, .stButton,
  [data-testid="stExpander"], [data-testid="stSelectbox"], [data-testid="stTextInput"],
  .no-print, iframe[title="streamlit_analytics"] { display: none !important; }
  .print-only { display: block !important; }
  .block-container { padding: 0 !important; max-width: 100% !important; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
.print-only { display: none; }
</style>
"""


def apply() -> None:
    """Inject the stylesheet once per run."""
    st.html(CSS)
