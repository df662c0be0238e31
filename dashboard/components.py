"""Building blocks every page uses: banners, source lines, downloads, a figure with its table and summary."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.downloads import Provenance, to_csv, to_xlsx
from dashboard.format import fmt_date
from dashboard.labels import label

PLOTLY_CONFIG = {"displaylogo": False, "locale": "no", "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


def slug(text: str) -> str:
    """A file-name-safe slug: 'Kr per innbygger 2024' → 'kr-per-innbygger-2024'."""
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "data"


def synthetic_banner() -> None:
    """A warning on every page while any loaded source is synthetic (test data, not statistics)."""
    syn = queries.synthetic_sources()
    if syn.is_empty():
        return
    names = ", ".join(syn["title"].to_list())
    st.warning(
        f"**Testdata – ikke offisiell statistikk.** Disse kildene er syntetiske (oppdiktede organisasjoner og "
        f"beløp i offisielt format, kalibrert mot publiserte totaler): {names}. "
        "Kommuner, grenser, folketall og publiserte tall er ekte. Se «Om dataene».",
        icon=":material/science:",
    )


def source_line(*source_ids: str, note: str | None = None) -> None:
    """'Kilde: producer (title), hentet date' under a figure; flags synthetic sources."""
    parts = []
    for info in queries.source_info(*source_ids):
        text = f"{info.producer} ({info.title}), hentet {info.retrieved}"
        if info.synthetic:
            text += " – syntetiske testdata"
        parts.append(text)
    caption = "Kilde: " + "; ".join(parts) if parts else "Kilde: ukjent"
    if note:
        caption += f". {note}"
    st.caption(caption)


def downloads(df: pl.DataFrame, title: str, *source_ids: str, key: str) -> None:
    """CSV and XLSX download buttons for the data behind a figure or table."""
    prov = queries.provenance(title, *source_ids)
    name = slug(title)
    c1, c2, _ = st.columns([1, 1, 3], gap="small")
    c1.download_button("Last ned CSV", to_csv(df, prov), file_name=f"{name}.csv", mime="text/csv",
                       key=f"csv_{key}", icon=":material/download:", on_click="ignore")
    c2.download_button("Last ned Excel", to_xlsx(df, prov), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"xlsx_{key}", icon=":material/download:", on_click="ignore")


def table(df: pl.DataFrame, *, formats: dict[str, str] | None = None, height: int | str = "auto",
          key: str | None = None) -> None:
    """A sortable table with Norwegian headers; formats maps column → printf format for number columns."""
    config = {}
    for col in df.columns:
        fmt = (formats or {}).get(col)
        if fmt == "text":
            config[col] = st.column_config.TextColumn(label(col))
        elif fmt:
            config[col] = st.column_config.NumberColumn(label(col), format=fmt)
        else:
            config[col] = st.column_config.Column(label(col))
    st.dataframe(df, hide_index=True, column_config=config, height=height, key=key)


def figure(fig: go.Figure, data: pl.DataFrame, *, title: str, summary: str, sources: tuple[str, ...],
           key: str, note: str | None = None, formats: dict[str, str] | None = None) -> None:
    """A chart with its title, a text summary, a table alternative, its source line and downloads."""
    st.markdown(f"#### {title}")
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=f"fig_{key}")
    st.markdown(summary)
    with st.expander("Vis tallene som tabell"):
        table(data, formats=formats)
    source_line(*sources, note=note)
    downloads(data, title, *sources, key=key)


def footer() -> None:
    """The sources-and-freshness line at the bottom of every page."""
    info = queries.build_info()
    src = queries.sources()
    newest = src["retrieved"].max() if src.height else None
    st.divider()
    st.caption(
        f"Frivillighetsstatistikk · Data hentet {fmt_date(newest)} · Database bygd "
        f"{fmt_date(info.get('built_at'))} · {src['source_id'].n_unique()} kilder, {src.height} filer · "
        "Kode og metode: se «Om dataene»."
    )


def provenance_for(title: str, *source_ids: str) -> Provenance:
    """Provenance of a download (shortcut for pages)."""
    return queries.provenance(title, *source_ids)
