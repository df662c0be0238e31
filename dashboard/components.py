"""Building blocks every page uses: banners, source lines, downloads, a figure with its table and summary."""

from __future__ import annotations

import base64
import contextlib
import functools
import logging
import os
import re
from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import db, figures, maps, queries, style
from dashboard.downloads import Provenance, to_csv, to_xlsx
from dashboard.format import (
    SMALL_BASE,
    delta_direction,
    fmt_date,
    fmt_int,
    fmt_nok,
    fmt_nok_short,
    fmt_num,
    fmt_of,
    fmt_orgnr,
    fmt_pct,
    md_escape,
    register_case,
)
from dashboard.labels import label

_LOG = logging.getLogger(__name__)

PLOTLY_CONFIG = {"displaylogo": False, "locale": "no", "locales": {"no": {"dictionary": style.PLOTLY_DICTIONARY}},
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"], "toImageButtonOptions": {"format": "png", "scale": 2}}


def slug(text: str) -> str:
    """A file-name-safe slug of at most 60 characters: 'Kr per innbygger 2024' → 'kr-per-innbygger-2024'; a long
    title is shortened between words and keeps its year."""
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    if len("-".join(words)) > 60:  # shortened between words, keeping a year at the end ('…-grasrotandel-2024')
        tail = words.pop() if words[-1].isdigit() else ""
        keep: list[str] = []
        for w in words:
            if len("-".join([*keep, w, tail]).strip("-")) > 60:
                break
            keep.append(w)
        if keep:
            words = [*keep, tail] if tail else keep
    return "-".join(words)[:60].strip("-") or "data"


def synthetic_banner() -> None:
    """A warning on every page while any loaded source is synthetic (test data, not statistics)."""
    syn = queries.synthetic_sources()
    if syn.is_empty():
        return
    with st.container(key="synthetic_banner"):
        st.warning(
            f"**Testdata – ikke offisiell statistikk.** {syn.height} av kildene er syntetiske: oppdiktede "
            "organisasjoner, beløp og svar i offisielt format. Kommuner, grenser og folketall er ekte, og det er "
            "også landstall merket «publisert»; de andre landstallene er anslag. Se «Om dataene».",
            icon=":material/science:",
        )


def headline(container, label: str, value: str, *, delta: str | None = None, delta_color: str = "normal",
             help: str | None = None, spark: list[float] | None = None, key: str | None = None,
             comparison: str | None = None, spark_at: int | None = None) -> None:
    """A headline figure in a bordered box: label (with its help), value, change, a comparison and an optional
    trend line (its dot on the value at index `spark_at`: the card's year; default the last).

    Built from st.markdown only. Streamlit loads st.metric, st.image and the charts as separate scripts and
    shows them together once the last one (plotly, 4.7 MB) has loaded; markdown is shown as soon as it
    arrives, so the headline figures are the first thing the reader sees. `delta` is a change over time, with an
    arrow by its sign: delta_color 'normal' colours it as written (green up, red down), 'off' leaves it grey.
    `comparison` is a value beside it, not a change ('Hele landet: 146 kr'): plain text, never an arrow, so a
    place below the country does not read as a fall."""
    arrow = delta_direction(delta)
    with container.container(border=True, key=f"kort-{key or slug(label)}"):
        st.markdown(md_escape(label), help=help)
        body = [md_escape(value)]
        if delta:
            colour = {"up": "green", "down": "red"}.get(arrow, "gray") if delta_color == "normal" else "gray"
            symbol = {"up": "↑ ", "down": "↓ "}.get(arrow, "")
            body.append(f":{colour}[{symbol}{md_escape(delta)}]")
        if comparison:
            body.append(md_escape(comparison))
        description = f"Trendgraf for {label.lower()}, {len(spark)} år" if spark else ""
        svg = figures.sparkline_svg(spark, description, highlight=spark_at) if spark else ""
        if svg:
            body.append(svg_markdown(svg, description))
        st.markdown("\n\n".join(body))


def svg_markdown(svg: str, alt: str) -> str:
    """An SVG document as a markdown image (a data URI) with alt text: shown as soon as it arrives, unlike
    st.image, and kept whole (st.markdown and st.html drop inline SVG)."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"![{md_escape(alt)}]({uri})"


def deck_map(container, deck, drawing: str | None, *, key: str, alt: str) -> None:
    """A deck.gl map (st.pydeck_chart, keyed `key`, maps.MAP_HEIGHT tall) over a static drawing of the same map
    (map_drawing), both in the box `deckmap-{key}` (style.py lays the drawing beneath the canvas): the reader sees the drawing as soon as
    it arrives, the interactive map covers it once deck.gl has drawn, and print shows the drawing. The map
    carries `alt`, a short name («Kart: {title}»); the drawing has none, so a screen reader does not meet the map twice."""
    # Streamlit names the map's full-screen button «Fullskjerm: {alt}»: a description there would be read out with
    # the button. The description is the visible text beside or under the map, next in reading order.
    box = container.container(key=f"deckmap-{key}")
    if drawing:
        box.markdown(svg_markdown(drawing, ""))
    box.pydeck_chart(deck, height=maps.MAP_HEIGHT, key=key, alt=alt)


def screen_hint(text: str, *, key: str) -> None:
    """A caption on how to use something on screen (hover, zoom), left out of print."""
    st.container(key=f"no-print-hint-{key}").caption(text)


def metric_card(container, card, *, delta_color: str | None = None) -> None:
    """A headline card (`oversikt.Card` or alike: label, value, delta, spark, help, perhaps delta_color and
    comparison) as a `headline` box."""
    colour = delta_color or getattr(card, "delta_color", "normal")
    headline(container, card.label, card.value, delta=card.delta, delta_color=colour, help=card.help,
             spark=card.spark, comparison=getattr(card, "comparison", None),
             spark_at=getattr(card, "spark_at", None))


def cached_figure(name: str, key: tuple, build: Callable[[], go.Figure]) -> go.Figure:
    """The figure `build()` makes, built once per (name, key) and database file: key must hold everything the
    figure depends on besides the database (the selection). Building a plotly figure costs 20-60 ms."""
    return _cached_figure(name, key, db.current_fingerprint(), build)


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_figure(name: str, key: tuple, fingerprint: tuple, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()  # _build: not part of the cache key (a new lambda every run)


def slot():
    """A place on the page that is always there, for something shown only sometimes: write to it, or not.

    Streamlit's browser side matches the parts of a page between runs by their position. A message that comes
    and goes with a selection shifts everything after it, and every chart in the columns below is then drawn
    anew (8 charts on Tilskudd for a change of year). In a slot, it shifts nothing."""
    return st.container()


def hidden_heading(text: str, *, key: str) -> None:
    """A level 2 heading read by screen readers but not shown: a tab's name over its charts (level 3)."""
    with st.container(key=f"sr-only-{key}"):
        st.markdown(f"## {text}")


def message(text: str | None, *, kind: str = "warning", icon: str | None = None) -> None:
    """An st.warning (or st.info: kind) shown only when there is a text, in a slot (see slot): the page keeps
    its structure whether or not it is shown."""
    place = slot()
    if text:
        getattr(place, kind)(text, icon=icon)


def source_text(infos: list[queries.SourceInfo], note: str | None = None) -> str:
    """'Kilde: producer, «title»; … Hentet date.' (synthetic sources flagged; a date per source when they differ),
    and the note on a line of its own ('Merk: …')."""
    dates = {i.retrieved for i in infos}
    parts = []
    for i in infos:
        text = f"{i.producer}, «{i.title}»" + ("" if len(dates) == 1 else f", hentet {i.retrieved}")
        if i.figures_dated:  # newer figures than the copy's date: both dates, where one compares them
            text += f" (folketall til og med {i.figures_dated})"
        parts.append(text + (" – syntetiske testdata" if i.synthetic else ""))
    caption = "Kilde: " + "; ".join(parts) + (f". Hentet {next(iter(dates))}." if len(dates) == 1 else ".")
    if not parts:
        caption = "Kilde: ukjent."
    if note:
        caption += f"  \nMerk: {note}"
    return caption


def source_line(*source_ids: str, note: str | None = None) -> None:
    """The source line under a figure (source_text): producers, titles, date, synthetic sources flagged."""
    st.caption(source_text(queries.source_info(*source_ids), note))


#: Defers building a download's bytes until the button is clicked (tests replace it to build at once).
lazy = functools.partial
#: Table alternatives under charts are built when the reader opens them (tests turn this off to see them all).
LAZY_TABLES = True


def downloads(df: pl.DataFrame, title: str, *source_ids: str, key: str, percent: frozenset[str] = frozenset()) -> None:
    """CSV and XLSX download buttons for the data behind a figure or table (`percent`: its shares given in per
    cent, 0–100, rather than as fractions: downloads.percent_columns)."""
    prov = queries.provenance(title, *source_ids)
    name = slug(title)
    # side by side, also on a phone (columns would stack); hidden when printing
    row = st.container(horizontal=True, gap="small", key=f"no-print-dl_{key}")
    # both files are built only when their button is clicked (the CSV cost ~5 % of a page's run, the workbook ~20 ms)
    row.download_button("CSV", lazy(to_csv, df, prov, percent), file_name=f"{name}.csv", mime="text/csv",
                       key=f"csv_{key}", icon=":material/download:", on_click="ignore",
                       help=f"Last ned tallene som CSV: {title}")
    row.download_button("Excel", lazy(to_xlsx, df, prov, "Data", percent), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"xlsx_{key}", icon=":material/download:", on_click="ignore",
                       help=f"Last ned tallene som Excel-fil: {title}")


def _cell_formatter(spec: str | None, dtype: pl.DataType):
    """A function value → Norwegian display text for one column (None: leave as is)."""
    if spec == "orgnr":
        return fmt_orgnr
    if spec == "register_name":  # a name as the register writes it, in normal case on screen (downloads keep it)
        return register_case
    if dtype == pl.Boolean:  # words, not a checkbox: an empty box would read as «nei» where there is no answer
        return lambda v: "–" if v is None else ("Ja" if v else "Nei")
    if spec == "text" or dtype == pl.String:
        return None
    if spec and spec.startswith("pct"):
        decimals = int(spec[3:] or 1)
        return lambda v: fmt_pct(v, decimals)
    if spec == "nok":
        return fmt_nok
    if spec == "nok_short":  # an estimate: '743 mill. kr', not to the krone
        return fmt_nok_short
    if spec and spec.startswith("num"):
        decimals = int(spec[3:] or 0)
        return lambda v: fmt_num(v, decimals)
    if spec == "year":
        return lambda v: "" if v is None else str(int(v))
    if dtype.is_integer():
        return fmt_int
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return lambda v: fmt_num(v, 1)
    return None


#: Formats of columns that mean the same on every page: years as plain numbers, whole kroner without decimals.
DEFAULT_FORMATS = {"aar": "year", "runde": "year", "belop": "num0", "utbetalt": "num0", "sokt": "num0"}


#: A table at least this wide keeps its first column in view when scrolled sideways on a phone, if that column
#: names the place (a short text: the row's label).
PIN_MIN_COLUMNS = 4
NAME_COLUMNS = frozenset({"kommunenavn", "fylkesnavn", "navn", "sted"})


def pinned_columns(df: pl.DataFrame) -> list[str]:
    """The column of a wide table that stays in view when it is scrolled sideways: its first, if a place name."""
    first = df.columns[0] if df.width else None
    return [first] if df.width >= PIN_MIN_COLUMNS and first in NAME_COLUMNS else []


#: Text columns that get room for their usual text (Streamlit otherwise sizes a column by its first rows, and a
#: category or a source is cut off mid-word): pixels, or Streamlit's "large" (400 px). An organisation's name or a
#: category fits 230 px, which still leaves a phone room beside a pinned name.
TEXT_WIDTHS = {"navn": 230, "kategori": 230, "gruppenavn": 230, "kilde": "large", "merknad": "large",
               "forklaring": "large"}

#: The height of a row of st.dataframe (and of its header), in pixels.
ROW_PX = 35

#: A table with at most this many rows is shown whole (no inner scrolling: it prints, and nothing is half-hidden).
WHOLE_ROWS = 20


#: The text colour of a share shown as its count, 'k av n', as its base is small (the grey of the share charts).
SMALL_BASE_TEXT = "color: #6B6B6B"
#: The text colour of a pinned column (the row's name): the table draws it at 60 % opacity, which turns the page's
#: text colour into a grey that reads as disabled (4.1:1 on white); black comes out as #666 (5.7:1).
PINNED_TEXT = "color: #000000"


def styled(df: pl.DataFrame, formats: dict[str, str] | None = None,
           counts: dict[str, tuple[list[int | None], list[int | None]]] | None = None):
    """A pandas Styler of df with Norwegian display text per column (`table`'s formats); `counts` maps a share
    column to the counts and bases it is of, one per row: a row whose base is under SMALL_BASE shows its count,
    '1 av 1', in grey, and sorts by its share."""
    formats = {**DEFAULT_FORMATS, **(formats or {})}
    fmt = {}
    for col, dtype in df.schema.items():
        f = _cell_formatter(formats.get(col), dtype)
        if f is not None:
            fmt[col] = (lambda g: (lambda v: "–" if v is None or v != v else g(v)))(f)
    styler = df.to_pandas().style
    if fmt:
        styler = styler.format(fmt)
    for col, (ks, ns) in (counts or {}).items():
        rows = [i for i, (k, n) in enumerate(zip(ks, ns, strict=True))
                if k is not None and n is not None and 0 < n < SMALL_BASE]
        for i in rows:
            styler = styler.format(lambda _v, k=ks[i], n=ns[i]: fmt_of(k, n), subset=(styler.index[[i]], [col]))
        if rows:
            styler = styler.map(lambda _v: SMALL_BASE_TEXT, subset=(styler.index[rows], [col]))
    return styler


def table(df: pl.DataFrame, *, formats: dict[str, str] | None = None, height: int | str = "auto",
          key: str | None = None, static: bool = False,
          counts: dict[str, tuple[list[int | None], list[int | None]]] | None = None) -> None:
    """A sortable table with Norwegian headers and Norwegian number formatting (sorting uses the numbers).

    formats maps a column to 'text', 'num0'/'num1'/'num2', 'pct'/'pct0'/'pct1', 'nok', 'nok_short'
    (an estimate in millions), 'year', 'orgnr'
    ('851 240 004') or 'register_name' (format.register_case);
    other numeric columns get integers with thousands separators or one decimal. counts: see `styled` (a share of
    a small base shown as its count).
    static=True gives a plain HTML table instead (small tables: prints, and screen readers read it as a table);
    st.table renders cells as markdown, so never pass register text to a static table.
    """
    styler = styled(df, formats, counts)
    if static:
        st.table(styler.relabel_index([label(c) for c in df.columns], axis="columns"), hide_index=True)
        return
    pinned = set(pinned_columns(df))
    if pinned:
        styler = styler.map(lambda _v: PINNED_TEXT, subset=list(pinned))
    config = {col: st.column_config.Column(label(col), pinned=col in pinned or None,
                                           width=TEXT_WIDTHS.get(col) if df.schema[col] == pl.String else None)
              for col in df.columns}
    if height == "auto" and df.height <= WHOLE_ROWS:
        height = "content"
    # a table that scrolls inside its box would print only the rows in view: it is left out of print, with a note
    whole = height == "content" or (isinstance(height, int) and height >= ROW_PX * (df.height + 1) + 3)
    scrolls = key is not None and not whole
    # on a phone only two or three columns are in view; on a wider screen the page script shows the hint when the
    # table is wider than its box (style._WIDE_TABLES)
    if key is not None and df.width >= PIN_MIN_COLUMNS:
        with st.container(key=f"phone-only-sveip-{key}"):
            st.caption(":material/swipe: Tabellen er bredere enn skjermen: sveip eller rull sidelengs i den for "
                       "å se alle kolonnene.")
    with st.container(key=f"no-print-tabell-{key}") if scrolls else contextlib.nullcontext():
        st.dataframe(styler, hide_index=True, column_config=config, height=height, key=key,
                     placeholder="–")  # empty cells: the styler's "–" is not used for nulls
        if scrolls:  # only some rows are in view: how many there are
            st.caption(f"{fmt_int(df.height)} rader – rull i tabellen for å se alle.")
    if scrolls:
        with st.container(key=f"print-only-tabell-{key}"):
            st.caption(f"Tabellen har {fmt_int(df.height)} rader og er ikke med på utskriften – "
                       "se den på nettsiden.")


def figure(fig: go.Figure | None, data: pl.DataFrame, *, title: str, summary: str, sources: tuple[str, ...],
           key: str, note: str | None = None, formats: dict[str, str] | None = None, level: int = 3,
           svg: str | None = None, svg_narrow: str | None = None, download_title: str | None = None) -> None:
    """A chart with its title (heading `level`), a text summary, a table alternative, its source line and downloads
    (titled and named `download_title`, default the title: a profile's files name the municipality).

    svg: a static SVG drawing of the data, shown instead of an interactive chart `fig` (on screen and in print,
    in a container keyed "svg_<key>"): it arrives with the run and costs the browser almost nothing to draw.
    svg_narrow: another layout of it for narrow columns (phone, tablet): the stylesheet shows one of the two by the
    width of the column it stands in.
    """
    st.markdown(f"{'#' * level} {title}")
    if svg is None:
        st.plotly_chart(fig, config=PLOTLY_CONFIG, key=f"fig_{key}")
    else:
        alt = f"{title}. {summary}"
        with st.container(key=f"svgbox_{key}"):  # the stylesheet picks a layout by this box's width
            with st.container(key=f"svg_{key}" if svg_narrow is None else f"svg_wide_{key}"):
                st.markdown(svg_markdown(svg, alt))
            if svg_narrow is not None:
                with st.container(key=f"svg_narrow_{key}"):
                    st.markdown(svg_markdown(svg_narrow, alt))
    st.markdown(summary)
    # built only when the reader opens it (a rerun): formatting every hidden table cost a third of a page's run
    alternative = st.expander("Vis tallene som tabell", key=f"tabell_{key}", on_change="rerun")
    if alternative.open or not LAZY_TABLES:
        with alternative:
            table(data, formats=formats, key=f"alt_{key}")
    source_line(*sources, note=note)
    downloads(data, download_title or title, *sources, key=key)


def page_failed(exc: Exception) -> None:
    """After an unexpected error in a page: log it with its traceback and tell the reader in bokmål (no details:
    the dashboard is public). With FRIVILLIG_RAISE_ERRORS set (the tests) the error is raised again."""
    if os.environ.get("FRIVILLIG_RAISE_ERRORS"):
        raise exc
    _LOG.error("page failed", exc_info=exc)
    st.error("Noe gikk galt da siden skulle vises. Last siden inn på nytt, eller prøv igjen litt senere. "
             "Feilen er logget.", icon=":material/error:")


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


def data_table(data: pl.DataFrame, *, title: str, summary: str, sources: tuple[str, ...], key: str,
               note: str | None = None, formats: dict[str, str] | None = None, height: int | str = "auto") -> None:
    """A table shown as the figure itself: title (a level 3 heading), text summary, the table, its source line and
    downloads."""
    st.markdown(f"### {title}")
    st.markdown(summary)
    table(data, formats=formats, key=f"tbl_{key}", height=height)
    source_line(*sources, note=note)
    downloads(data, title, *sources, key=key)
