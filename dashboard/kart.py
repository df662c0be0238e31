"""Everything the map page shows for one indicator, level and year: deck, legend, summary, table, sources."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
import pydeck as pdk
import streamlit as st

from dashboard import db, map_drawing, map_files, maps, queries, tilskudd
from dashboard import queries_tilskudd as qt
from dashboard.format import (
    MAX_NAMED,
    SMALL_BASE,
    and_list,
    fmt_date,
    fmt_of,
    fmt_value,
    nobreak,
    round_half_up,
    tied_first,
    tied_phrase,
    value_step,
)
from dashboard.theme import STATUS_LABELS


@dataclass(frozen=True)
class MapView:
    """A rendered-to-be map: title, deck, legend, text summary, note, sources and the table behind it."""

    title: str
    deck: pdk.Deck
    legend: list[maps.LegendItem]
    legend_title: str
    summary: str
    note: str | None
    sources: tuple[str, ...]
    table: pl.DataFrame
    formats: dict[str, str]
    download: pl.DataFrame | None = None  # the table with full column names (None: the table itself)
    drawing: str | None = None  # the same map as a static SVG (map_drawing), shown until deck.gl has drawn
    legend_note: str | None = None  # under the legend: that its classes are those of every year
    #: a share's counts and bases per table row (components.styled): a small base shows as '5 av 19'
    counts: dict[str, tuple[list[int | None], list[int | None]]] = field(default_factory=dict)

    def download_table(self) -> pl.DataFrame:
        """The data behind the map for CSV/Excel: the indicator's full name as the value column's header."""
        return self.table if self.download is None else self.download


def formatter(unit: str, decimals: int) -> Callable[[float], str]:
    """A value formatter for an indicator's unit (format.fmt_value)."""
    return lambda v: fmt_value(v, unit, decimals)


def with_unit(fmt: Callable[[float], str], unit: str) -> Callable[[float], str]:
    """The formatter for a sentence: kroner get ' kr' ('høyest i Flakstad (10 315 kr)'); other units are in the
    indicator's name or the value ('12,3 %')."""
    return (lambda v: f"{fmt(v)}\u00a0kr") if unit.startswith("kr") else fmt


def as_shown(values: pl.DataFrame, unit: str, decimals: int) -> pl.DataFrame:
    """The values rounded as the map shows them (half away from zero, as the formatters), so an area's colour,
    its legend band and its tooltip agree (25,7 % shown as '26 %' is not coloured as '15 – 25 %'); the table and
    download keep the values."""
    digits = decimals + (2 if unit == "andel" else 0)
    shown = [round_half_up(v, digits) for v in values["verdi"].to_list()]
    return values.with_columns(pl.Series("verdi", shown, dtype=pl.Float64))


def _small(row: dict) -> bool:
    """True for a share whose base (`nevner`) is under SMALL_BASE: it is named with its count ('5 av 19')."""
    return row.get("nevner") is not None and row.get("teller") is not None and row["nevner"] < SMALL_BASE


def _extreme(word: str, ranked: pl.DataFrame, fmt, level_word: str) -> tuple[str, bool]:
    """'høyest i A (v)'; areas tied on the shown value all named: 'høyest i A og B (v)', 'høyest (v) i tolv fylker'.
    When one of them is a share of fewer than SMALL_BASE, they carry their counts: 'lavest i Leka (26,3 %, 5 av
    19)', 'høyest, 100 %, i Oslo (1 av 1) og Vestfold (6 av 6)'; and whether it names such a count."""
    shown = [fmt(v) for v in ranked["verdi"].to_list()]  # ranked: the ties come first
    tied = tied_first(ranked["navn"].to_list(), shown)
    rows = {r["navn"]: r for r in ranked.head(len(tied)).iter_rows(named=True)}
    if len(tied) > MAX_NAMED or not any(_small(rows[n]) for n in tied):
        return tied_phrase(word, tied, shown[0], level_word), False
    # a tie names every area's count, as the policy page does: 'i Troms (0 av 21) og Finnmark (0 av 18)'
    count = {n: fmt_of(int(r["teller"]), int(r["nevner"])) for n, r in rows.items()
             if r.get("teller") is not None and r.get("nevner") is not None}
    if len(tied) == 1:
        return f"{word} i {tied[0]} ({shown[0]}, {count[tied[0]]})", True
    return f"{word}, {shown[0]}, i " + and_list([f"{n} ({count[n]})" if n in count else n for n in tied]), True


def summarise(values: pl.DataFrame, name: str, aar: int, fmt, level_word: str) -> str:
    """'Høyest: X (v), lavest: Y (v), median v.' over the areas with a value; a share of fewer than SMALL_BASE
    (columns teller, nevner) is named with its count, and the text says why."""
    d = values.drop_nulls("verdi").sort("verdi", descending=True)
    if d.is_empty():
        return f"Ingen tall for {name.lower()} i {aar}."
    median = d["verdi"].median()
    missing = values.height - d.height
    (high, few_high), (low, few_low) = (_extreme("høyest", d, fmt, level_word),
                                        _extreme("lavest", d.reverse(), fmt, level_word))
    text = f"{name} i {aar}: {high}, {low}; medianen for {d.height} {level_word} er {fmt(median)}."
    if few_high or few_low:
        text += (f" Små tall: der andelen bygger på færre enn {SMALL_BASE}, står antallet ved siden av; med så få "
                 "gir én mer eller mindre store utslag.")
    if missing:
        text += f" {missing} {level_word} mangler tall."
    return text


#: Register indicators counted at the end of the year, and the one counted over the year.
STOCKS = frozenset({"org_per_1000", "org_antall", "frivilligsentraler"})
FLOWS = frozenset({"org_nye"})
#: Shares whose base is the register's stock at the end of the year (grasrot recipients per registered one).
OF_STOCK = frozenset({"grasrot_andel_mottar"})


def snapshot_note(indicator: str, aar: int, snapshot: str | None) -> str:
    """' Tallene for 2025 gjelder per 30. september 2025 …' when the year is the register's snapshot year (the
    year is not over: its figures are those of the day the data was taken out); for a stock of an earlier year,
    that it counts today's organisations (the register has no history), and for a share of that stock, that the
    share is too high for it; else ''."""
    if not snapshot:
        return ""
    if indicator in STOCKS and aar < int(snapshot[:4]):
        return (f" Tallene for {aar} er dagens organisasjoner som var registrert ved utgangen av {aar}; "
                "organisasjoner som er slettet siden, er ikke med.")
    if indicator in OF_STOCK and aar < int(snapshot[:4]):
        return (f" De registrerte organisasjonene for {aar} er dagens organisasjoner som var registrert ved "
                f"utgangen av {aar}; organisasjoner som er slettet siden, er ikke med. Andelen er derfor for høy, "
                "mer jo tidligere året er, og nedgangen over tid ser større ut enn den var.")
    if int(snapshot[:4]) != aar:
        return ""
    if indicator in STOCKS:
        return f" Tallene for {aar} gjelder per {fmt_date(snapshot)} (datouttaket), ikke ved utgangen av året."
    if indicator in FLOWS:
        return f" For {aar} gjelder tallene registreringer fram til {fmt_date(snapshot)} (datouttaket)."
    return ""


def marked_text(areas: list[maps.Area]) -> str:
    """' X er markert med en oransje ring.' for the highlighted area ('kant' where boundaries are drawn)."""
    marked = [a.name for a in areas if a.highlight]
    if not marked:
        return ""
    how = "oransje kant" if maps.draws_outlines(len(areas)) else "en oransje ring"
    return f" {marked[0]} er markert med {how}."


#: The colour classes of an indicator's map are set by its values in its latest years at the level, and kept for
#: every year, so maps of two years can be compared. The latest five: set by all 17 years of a rising series
#: (organisations per 1 000 since 2009), today's map had 13 of 15 counties in its top class.
CLASS_YEARS = 5


@dataclass(frozen=True)
class Classes:
    """An indicator's colour classes at a level: breaks, narrowest class, the years that set them, first band's start."""

    breaks: list[float]
    width: float
    years: list[int]
    lowest: float | None = None  # a count's 0: its first band reads '0' or '0 – 4', not 'under 1'
    quantiles: bool = False  # the breaks are quantiles (each colour about as many areas), not gaps between values


def is_count(unit: str, decimals: int) -> bool:
    """Whether an indicator is a whole count (organisations, centres, inhabitants), not a rate or a share."""
    return decimals == 0 and unit != "andel" and "per " not in unit


def colour_classes(indicator: str, nivaa: str, unit: str, decimals: int) -> Classes:
    """The classes of an indicator's maps at a level, the same for every year (CLASS_YEARS, maps.class_breaks)."""
    pool = as_shown(queries.indicator_recent_values(indicator, nivaa, CLASS_YEARS), unit, decimals)
    values = pool["verdi"].to_list()
    count = is_count(unit, decimals)
    width = maps.min_class_width(values, value_step(unit, decimals), exact=count)
    lowest = 0.0 if count and values and min(values) == 0 else None
    return Classes(maps.class_breaks(values, min_width=width), width, sorted(set(pool["aar"].to_list())), lowest,
                   maps.mostly_close(values, width) is None)


#: Why quantile classes differ in width (under the legend).
QUANTILES_NOTE = "Grensene deler områdene i grupper av omtrent like mange, derfor er klassene ulikt brede."


def classes_note(classes: Classes, years: list[int]) -> str | None:
    """Under the legend: the classes are the same in every year, and which years set them; that quantile classes
    hold about as many areas each (None for one year and classes that are not quantiles)."""
    why = f" {QUANTILES_NOTE}" if classes.quantiles and len(classes.breaks) >= 2 else ""
    if len(years) < 2 or not classes.years:
        return why.strip() or None
    span = f"{classes.years[0]}–{classes.years[-1]}" if len(classes.years) > 1 else str(classes.years[0])
    if set(classes.years) >= set(years):
        return f"Samme fargeinndeling for alle år ({span}), så kartene kan sammenlignes fra år til år.{why}"
    return (f"Samme fargeinndeling for alle år, satt etter tallene for {span}, så kartene kan sammenlignes fra år "
            f"til år.{why}")


def close_note(values: pl.DataFrame, classes: Classes, fmt: Callable[[float], str], level_word: str) -> str:
    """' Forskjellene er små: 14 av 15 fylker ligger mellom …' when most areas are closer than a class width."""
    vals = values["verdi"].drop_nulls().to_list()
    group = maps.close_group(vals, classes.width)
    if not group or group[0] < maps.CLOSE_SHARE * len(vals):
        return ""
    n, lo, hi = group
    text = f" Forskjellene er små: {n} av {len(vals)} {level_word} ligger mellom {fmt(lo)} og {fmt(hi)}"
    cuts = [fmt(b) for b in classes.breaks if lo < b <= hi]
    if not cuts:
        return text + " og har samme farge på kartet."
    where = f"Fargegrensen ved {cuts[0]} går" if len(cuts) == 1 else f"Fargegrensene ved {and_list(cuts)} går"
    return f"{text}. {where} mellom dem, så ulik farge betyr her en liten forskjell."


def crowded_note(values: pl.DataFrame, classes: Classes, legend: list[maps.LegendItem], aar: int,
                 level_word: str) -> str:
    """' Med fargeinndelingen for alle år har 355 av 357 kommuner samme farge i 2009 (under 13,0).' or ''."""
    vals = values["verdi"].drop_nulls().to_list()
    if not classes.breaks or not vals:
        return ""
    counts = Counter(maps.classify(v, classes.breaks) for v in vals)
    cls, n = counts.most_common(1)[0]
    if n < maps.CLOSE_SHARE * len(vals):
        return ""
    who = f"alle {n} {level_word}" if n == len(vals) else f"{n} av {len(vals)} {level_word}"
    return f" Med fargeinndelingen for alle år har {who} samme farge i {aar} ({legend[cls].label})."


def national_drawing(areas: list[maps.Area], nivaa: str, title: str) -> str:
    """The static drawing (map_drawing) of a national map of a level's areas, in the view the deck gets
    (maps.view_for_bounds of Norway, maps.MAP_HEIGHT tall); the level's paths are cached."""
    frame = map_drawing.frame_of(maps.view_for_bounds(**maps.NORWAY), maps.MAP_HEIGHT)
    return map_drawing.drawing_svg(areas, queries.drawing_paths(nivaa, frame), frame, title=title)


@st.cache_resource(show_spinner=False, max_entries=48)
def _cached_view(indicator: str, nivaa: str, aar: int, highlight: str | None, fingerprint: tuple) -> MapView:
    return indicator_view(indicator, nivaa, aar, highlight=highlight)


def cached_view(indicator: str, nivaa: str, aar: int, *, highlight: str | None = None) -> MapView:
    """indicator_view, built once per selection and database file (a map view is about 0.5 MB: 48 are kept);
    its areas' file (map_files) is there when the browser asks for it."""
    code = highlight if highlight and re.fullmatch(r"\d{4}", highlight) else None  # the address's, unchecked
    view = _cached_view(indicator, nivaa, aar, code, db.current_fingerprint())
    map_files.ensure(view.deck)
    return view


def indicator_view(indicator: str, nivaa: str, aar: int, *, highlight: str | None = None) -> MapView:
    """Build the map view for a numeric indicator, or policy status when indicator is POLICY_STATUS."""
    level_word = "fylker" if nivaa == "fylke" else "kommuner"
    geoms = queries.geometries(nivaa)
    view = maps.view_for_bounds(**maps.NORWAY)
    if indicator == queries.POLICY_STATUS:
        df = queries.policy_status(aar)
        areas = maps.status_areas(df.iter_rows(named=True), geoms, highlight=highlight)
        counts = df.group_by("status").len()
        parts = [f"{STATUS_LABELS[s]}: {n}" for s, n in sorted(counts.iter_rows(), key=lambda t: -t[1])]
        table = df.with_columns(pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")))
        return MapView(
            title=f"Frivillighetspolitikk i kommunene, {aar}",
            deck=map_files.frozen(maps.choropleth(areas, view=view, value_label="Status")),
            drawing=national_drawing(areas, nivaa, f"Kart: frivillighetspolitikk i kommunene, {aar}"),
            legend=maps.status_legend(), legend_title="Har kommunen vedtatt frivillighetspolitikk?",
            summary=f"Status i kommuneundersøkelsen {aar} (dagens kommuner): " + ", ".join(parts) + "."
            + marked_text(areas),
            note="Ukjent betyr at kommunen ikke svarte; det telles ikke som nei.",
            sources=("kommuneundersokelse",),
            table=table.select(pl.col("navn").alias("kommunenavn"), "status", "vedtaksaar", "fylkesnavn",
                               pl.col("kode").alias("kommunenummer")),
            formats={"kommunenummer": "text", "vedtaksaar": "year"},
        )
    meta = queries.indicators().filter(pl.col("indikator") == indicator).row(0, named=True)
    fmt = formatter(meta["enhet"], meta["desimaler"])
    df = queries.indicator_values(indicator, nivaa, aar)
    shown = as_shown(df, meta["enhet"], meta["desimaler"])
    classes = colour_classes(indicator, nivaa, meta["enhet"], meta["desimaler"])
    breaks = classes.breaks
    areas = maps.numeric_areas(shown.iter_rows(named=True), geoms, breaks, fmt,
                               highlight=highlight if nivaa == "kommune" else (highlight or "")[:2] or None)
    legend = maps.legend_numeric(breaks, fmt, with_missing=df["verdi"].null_count() > 0,
                                 step=value_step(meta["enhet"], meta["desimaler"]), lowest=classes.lowest)
    spread = close_note(shown, classes, with_unit(fmt, meta["enhet"]), level_word) \
        or crowded_note(shown, classes, legend, aar, level_word)
    sources = tuple(s for s in meta["kilder"].split(",") if s)
    # the head-office caveat of the year shown (its Oslo share), worded as on Tilskudd
    note = tilskudd.head_office_note(qt.MOMS, aar, qt.ranking(qt.MOMS, nivaa, aar)) if indicator.startswith("moms") \
        else None
    code_col = "fylkesnummer" if nivaa == "fylke" else "kommunenummer"
    name_col = "fylkesnavn" if nivaa == "fylke" else "kommunenavn"
    # name and value first: on a phone they are what shows before the table scrolls sideways; the value column
    # is headed by the unit (the title above names the indicator), so it is narrow enough to show its numbers
    unit = meta["enhet"][:1].upper() + meta["enhet"][1:]
    table = df.select(pl.col("navn").alias(name_col), pl.col("verdi").alias(unit),
                      *([] if nivaa == "fylke" else [pl.col("fylkesnavn")]), pl.col("kode").alias(code_col))
    fmt_spec = f"{'pct' if meta['enhet'] == 'andel' else 'num'}{meta['desimaler']}"
    return MapView(
        title=nobreak(f"{meta['navn']}, {aar}"),
        deck=map_files.frozen(maps.choropleth(areas, view=view, value_label=meta["navn"])),
        drawing=national_drawing(areas, nivaa, f"Kart: {meta['navn']}, {aar}"),
        legend=legend, legend_title=meta["navn"],
        legend_note=classes_note(classes, queries.indicator_years(indicator, nivaa)),
        summary=nobreak(summarise(shown, meta["navn"], aar, with_unit(fmt, meta["enhet"]), level_word) + spread + " "
                        + meta["beskrivelse"]
                        + snapshot_note(indicator, aar, queries.snapshot_date("frivillighetsregisteret"))
                        + marked_text(areas)),
        note=note, sources=sources, table=table,
        formats={code_col: "text", unit: fmt_spec, meta["navn"]: fmt_spec},
        download=table.rename({unit: meta["navn"]}),
        counts={unit: (_ints(df["teller"]), _ints(df["nevner"]))} if meta["enhet"] == "andel" else {},
    )


def _ints(values: pl.Series) -> list[int | None]:
    """A count column as whole numbers (None where missing)."""
    return values.cast(pl.Int64, strict=False).to_list()
