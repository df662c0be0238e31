"""What the «Om dataene» page shows, in Norwegian: the loaded files, what the ETL corrected or rejected, the
columns of a view and how to embed a figure."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from urllib.parse import urlencode

import polars as pl

from dashboard.downloads import PERCENT_NOTE, SHARE_NOTE, csv_number, headers, is_share, is_year
from dashboard.format import fmt_date, map_strings, md_escape
from dashboard.labels import DEVIATIONS, KINDS, norsk


def sources_table(src: pl.DataFrame) -> pl.DataFrame:
    """One row per loaded file for the screen: title, kind ('ekte', 'syntetisk', 'blandet'), retrieved
    (dd.mm.yyyy), producer, licence (Norwegian), rows, file, sha256, url: what a reader looks for first (real or
    test data, and how fresh) in view beside the title before the table scrolls sideways. The files of a source
    follow each other in file-name order (2019 before 2020), each title with its file where a source has several
    (six rows of «Grasrotandelen: utbetalt per mottaker» would look like duplicates)."""
    src = (src.with_row_index("_order").with_columns(pl.col("_order").min().over("source_id"))
           .sort("_order", "file", maintain_order=True))
    shared = pl.col("title").count().over("title") > 1
    return src.select(
        pl.when(shared).then(pl.concat_str("title", pl.lit(" – "), "file")).otherwise("title").alias("title"),
        pl.col("kind").replace_strict(KINDS, default=pl.col("kind"), return_dtype=pl.String),
        pl.col("retrieved").cast(pl.Date).dt.strftime("%d.%m.%Y"),
        "producer",
        map_strings(src["licence"], norsk),
        "rows", "file", "sha256", "url",
    )


def date_notes(src: pl.DataFrame, population_year: int | None) -> list[str]:
    """Warnings for files whose figures are newer than the date they are said to be retrieved: population on
    1 January `population_year` in a file retrieved before that day (a mirror's snapshot date older than its
    files). The date under the figures would mislead a reader who compares it with the figures."""
    if population_year is None:
        return []
    first_day = dt.date(population_year, 1, 1)
    notes = []
    for row in src.filter(pl.col("source_id") == "befolkning").iter_rows(named=True):
        retrieved = row["retrieved"]
        if isinstance(retrieved, dt.date) and retrieved < first_day:
            notes.append(f"**{md_escape(row['title'])}**: folketallene gjelder til og med 1.\u00a0januar "
                         f"{population_year}, men filen er oppgitt hentet {fmt_date(retrieved)}. Datoen er fra "
                         "kopien av kildene dashbordet leser, ikke fra nedlastingen hos SSB. Tallene er riktige; "
                         "det er bare «hentet»-datoen under figurene som er for tidlig for folketallene.")
    return notes


def deviations_table(dev: pl.DataFrame, src: pl.DataFrame) -> pl.DataFrame:
    """Corrected, rejected and ignored rows per source and kind: kilde (the source's title), avvik (in words),
    behandling ('Rettet', 'Avvist', 'Ignorert'), antall."""
    titles = dict(src.select("source_id", "title").unique("source_id", keep="first").iter_rows())
    return dev.select(
        pl.col("source_id").replace_strict(titles, default=pl.col("source_id"), return_dtype=pl.String)
        .alias("kilde"),
        pl.col("code").replace_strict(DEVIATIONS, default=pl.col("code").str.replace_all("_", " "),
                                      return_dtype=pl.String).alias("avvik"),
        pl.col("action").str.to_titlecase().alias("behandling"),
        "antall",
    )


def _type_word(dtype: pl.DataType, column: str, percent: frozenset[str]) -> str:
    """A column's kind in words a reader knows: 'tekst', 'heltall', 'år', 'desimaltall', 'andel, 0–1', …"""
    if column in percent:
        return "andel" + PERCENT_NOTE
    if is_share(dtype, column):
        return "andel" + SHARE_NOTE
    if dtype == pl.Boolean:
        return "ja/nei"
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return "dato"
    if dtype.is_integer():
        return "år" if is_year(column) else "heltall"
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return "desimaltall"
    if isinstance(dtype, pl.List):
        return "liste"
    return "tekst"


def _example(values: pl.Series) -> str:
    """The first value of a column as the CSV file writes it (at most 60 characters), '' when every value is
    missing."""
    present = values.drop_nulls()
    if present.is_empty():
        return ""
    v = present[0]
    if isinstance(v, bool):
        text = "ja" if v else "nei"
    elif isinstance(v, float | Decimal):
        text = csv_number(v)
    else:
        text = str(v)
    return text if len(text) <= 60 else text[:59] + "…"


def columns_table(data: pl.DataFrame, percent: frozenset[str] = frozenset()) -> pl.DataFrame:
    """One row per column of a view's download: kolonne (the name in the database), overskrift (the header in
    the CSV file), type (in words) and eksempel (the first value; register text, shown only as table data);
    `percent`: its shares in per cent (downloads.percent_columns)."""
    return pl.DataFrame({
        "kolonne": data.columns,
        "overskrift": headers(data, csv=True, percent=percent),
        "type": [_type_word(t, c, percent) for c, t in data.schema.items()],
        "eksempel": [_example(data[c]) for c in data.columns],
    }, schema={"kolonne": pl.String, "overskrift": pl.String, "type": pl.String, "eksempel": pl.String})


def embed_snippets(base: str, figures: dict[str, str], params: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """For each embeddable figure (key → name), its name and the HTML that shows it in an article: an iframe of
    `base/?figur=<key>&embed=true` with the example parameters it needs (params by key)."""
    out = []
    for key, name in figures.items():
        query = urlencode({"figur": key, **params.get(key, {}), "embed": "true"})
        out.append((name, f'<iframe src="{base}/?{query}" width="100%" height="640" style="border:0" '
                          f'title="{html.escape(name)}" loading="lazy"></iframe>'))
    return out
