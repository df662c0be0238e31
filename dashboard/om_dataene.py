"""Tables the «Om dataene» page shows, in Norwegian: the loaded files and what the ETL corrected or rejected."""

from __future__ import annotations

import polars as pl

from dashboard.format import map_strings
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
