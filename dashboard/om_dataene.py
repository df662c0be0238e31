"""Tables the «Om dataene» page shows, in Norwegian: the loaded files and what the ETL corrected or rejected."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.format import fmt_date, map_strings, md_escape
from dashboard.labels import DEVIATIONS, KINDS, norsk


def sources_table(src: pl.DataFrame) -> pl.DataFrame:
    """One row per loaded file for the screen: title, producer, file, licence (Norwegian), retrieved (dd.mm.yyyy),
    rows, kind ('ekte', 'syntetisk', 'blandet'), sha256, url."""
    return src.select(
        "title", "producer", "file",
        map_strings(src["licence"], norsk),
        pl.col("retrieved").cast(pl.Date).dt.strftime("%d.%m.%Y"),
        "rows",
        pl.col("kind").replace_strict(KINDS, default=pl.col("kind"), return_dtype=pl.String),
        "sha256", "url",
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
