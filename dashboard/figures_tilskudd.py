"""Pure figure builders for the grant-scheme page: DataFrame in, plotly figure out (no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from dashboard import figures
from dashboard.format import (
    MAX_NAMED,
    SMALL_BASE,
    and_list,
    count_words,
    fmt_int,
    fmt_nok,
    fmt_nok_short,
    fmt_num,
    fmt_pct,
    name_key,
    tied_first,
    tied_phrase,
)
from dashboard.theme import CATEGORICAL, HIGHLIGHT, MUTED, TEXT

APPLIED_COLOUR = "#9ECAE1"


def money_scale(values: list[float | None]) -> tuple[float, str]:
    """The divisor and axis unit for amounts: millions from 1 mill. kr, else thousands."""
    top = max((abs(v) for v in values if v is not None), default=0)
    return (1e6, "mill. kr") if top >= 1e6 else (1e3, "1\u00a0000 kr")


def amount_by_year(df: pl.DataFrame, *, height: int = 320, unofficial: Sequence[int] = (),
                   unofficial_applied: Sequence[int] | None = None) -> go.Figure:
    """Amount paid per year as bars, with the amount applied for beside it when the data has one (moms).

    df: aar, utbetalt, sokt (may be all null). Hover shows the exact amount in Norwegian format. The years in
    `unofficial` (national totals without a published figure) are lighter and hatched, with a legend entry
    saying so, as on the overview (figures.unofficial_marks); the applied-for bars by their own status,
    `unofficial_applied` (default: the same years).
    """
    d = df.sort("aar")
    years = d["aar"].to_list()
    has_applied = d["sokt"].null_count() < d.height
    divisor, unit = money_scale(d["utbetalt"].to_list() + (d["sokt"].to_list() if has_applied else []))
    fig = go.Figure()
    applied = unofficial if unofficial_applied is None else unofficial_applied
    series = ([("sokt", "Søkt", APPLIED_COLOUR, applied)] if has_applied else []) + [
        ("utbetalt", "Utbetalt", CATEGORICAL[0], unofficial)]
    for col, name, colour, off in series:
        values = d[col].to_list()
        marker, suffix = figures.unofficial_marks(years, off, colour)
        fig.add_trace(go.Bar(
            x=years, y=[None if v is None else v / divisor for v in values], name=name, marker=marker,
            customdata=[[fmt_nok(v), s] for v, s in zip(values, suffix, strict=True)], offsetgroup=col,
            showlegend=has_applied, hovertemplate=f"{name} %{{x}}: %{{customdata[0]}}%{{customdata[1]}}<extra></extra>",
        ))
    figures.key_hatched_series(fig)
    hatched = figures.unofficial_legend(fig, years, [*unofficial, *(applied if has_applied else [])],
                                        offsetgroup="utbetalt")
    fig.update_layout(barmode="group", hovermode="closest")
    fig.update_xaxes(dtick=1, tickformat="d")
    return figures._layout(fig, y_title=unit, height=height, legend=has_applied or hatched)


def place_vs_country(df: pl.DataFrame, *, y: str, y_title: str, percent: bool = False, height: int = 320) -> go.Figure:
    """The chosen place as a thick orange line and the country as a dashed blue line (solid when it is the place).

    df: aar, navn, nivaa, er_valgt and the value column y (rows of the place and of the country).
    """
    d = df.drop_nulls(y).sort("aar")
    if d.is_empty():
        return figures.empty_figure("Ingen tall for dette valget")
    fig = go.Figure()
    hover = "%{y:.1%}" if percent else "%{y:,.0f}\u00a0kr"
    chosen = d.filter(pl.col("er_valgt") & (pl.col("nivaa") != "land"))
    country = d.filter(pl.col("nivaa") == "land")
    country_style = (CATEGORICAL[0], 2.5, "dash") if chosen.height else (CATEGORICAL[0], 3.5, "solid")
    # the thinner, dashed country line is drawn over the place's thick one, so both show where they coincide
    for part, colour, width, dash, rank in ((chosen, HIGHLIGHT, 3.5, "solid", 1), (country, *country_style, 2)):
        if part.is_empty():
            continue
        fig.add_trace(go.Scatter(
            x=part["aar"].to_list(), y=part[y].to_list(), name=part["navn"][0], mode="lines+markers",
            line={"color": colour, "width": width, "dash": dash}, marker={"size": 7}, legendrank=rank,
            hovertemplate=f"%{{fullData.name}}: {hover}<extra></extra>",
        ))
    fig.update_xaxes(dtick=1, tickformat="d")
    return figures._layout(fig, y_title=y_title, percent=percent, legend=True, height=height)


def counts_by_year(df: pl.DataFrame, *, y: str = "mottakere", y_title: str = "Mottakere", height: int = 320) -> go.Figure:
    """Bars of a count per year (e.g. recipients)."""
    return figures.bars_by_year(df, y=y, y_title=y_title, height=height)


def reference_line(fig: go.Figure, x: float, text: str, x_max: float | None = None) -> None:
    """A dashed vertical reference line (e.g. the country's value) with its label above the plot, drawn over the
    bars: beneath them it was hidden inside every bar longer than the country's value.

    The label ends at the line when the line is in the right part of the axis (x_max), so it is not cut off.
    """
    anchor = "right" if x_max and x > 0.55 * x_max else "center"
    fig.update_layout(
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "layer": "above",
                 "line": {"color": MUTED, "dash": "dash", "width": 2}}],
        annotations=[{"x": x, "y": 1, "xref": "x", "yref": "paper", "text": text, "showarrow": False,
                      "xanchor": anchor, "yanchor": "bottom", "font": {"color": MUTED, "size": 12}}])


def ranked_money(df: pl.DataFrame, *, category: str, value: str = "utbetalt", height: int | None = None) -> go.Figure:
    """Horizontal bars of amounts, largest on top, scaled to millions or thousands with exact hover amounts."""
    d = df.drop_nulls(value).sort(value)
    divisor, unit = money_scale(d[value].to_list())
    fig = go.Figure(go.Bar(
        x=[v / divisor for v in d[value].to_list()], y=d[category].to_list(), orientation="h",
        marker_color=CATEGORICAL[0], customdata=[fmt_nok(v) for v in d[value].to_list()],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    ))
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(automargin=True)
    return figures._layout(fig, x_title=unit, height=height or max(150, 26 * d.height + 80), legend=False)


#: The colour of a bar whose share rests on fewer than SMALL_BASE (shown with its count, below the others).
SMALL_BASE_COLOUR = "#BDBDBD"


def share_order(df: pl.DataFrame, *, category: str, value: str, base: str | None = None) -> pl.DataFrame:
    """The rows of a share chart and its summary in one order, top first: shares with a base of at least
    SMALL_BASE by value (ties by name), then those with a smaller base (column `_liten`), by value and name."""
    d = df.drop_nulls(value).with_columns(
        (pl.col(base).fill_null(0) < SMALL_BASE if base else pl.lit(False)).alias("_liten"))
    return d.sort(["_liten", value, category], descending=[False, True, False])


def small_base_note(word: str) -> str:
    """The note under a share chart with grey bars: what they are, and why they are counts."""
    return (f"Grå stolper: færre enn {SMALL_BASE} {word}, vist med antallet («1 av 1»). Med så få flytter én mer "
            "eller mindre andelen mye, så de er nederst og ikke med i sammenligningen.")


def ranked_share(df: pl.DataFrame, *, category: str, value: str, reference: float | None = None,
                 reference_label: str = "Hele landet", height: int | None = None, base: str | None = None,
                 count: str | None = None, base_word: str = "") -> go.Figure:
    """Horizontal bars of shares (0–1), largest on top (ties by name), with an optional dashed reference line.

    With `base` (the number the share is of) and `count` (the part of it), a share of fewer than SMALL_BASE is
    drawn grey below the others with its count on the bar ('1 av 1'), as the profile writes a small base: one
    more or less would move it a lot (share_order)."""
    d = share_order(df, category=category, value=value, base=base).reverse()  # plotly draws the first row lowest
    small = d["_liten"].to_list()
    values = d[value].to_list()
    counts = list(zip(d[count].to_list(), d[base].to_list(), strict=True)) if base and count else [None] * d.height
    hover = [f"{fmt_pct(v)}" + (f", {fmt_int(c[0])} av {fmt_int(c[1])} {base_word}".rstrip() if c else "")
             + (" (få: andelen sier lite)" if s else "") for v, c, s in zip(values, counts, small, strict=True)]
    fig = go.Figure(go.Bar(
        x=values, y=d[category].to_list(), orientation="h",
        marker_color=[SMALL_BASE_COLOUR if s else CATEGORICAL[0] for s in small],
        text=[f"{fmt_int(c[0])} av {fmt_int(c[1])}" if s and c else "" for c, s in zip(counts, small, strict=True)],
        # inside a long bar ('1 av 1' at 100 % would run off the plot), beside a short one ('0 av 4')
        textposition=["inside" if v > 0.5 else "outside" for v in values], cliponaxis=False,
        textfont={"size": 12, "color": TEXT}, insidetextanchor="end",
        hovertext=hover, hovertemplate="%{y}: %{hovertext}<extra></extra>",
    ))
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(tickformat=".0%")
    figures._layout(fig, height=height or max(260, 24 * d.height + 60), legend=False)
    if reference is not None:
        reference_line(fig, reference, f"{reference_label}: {fmt_pct(reference)}",
                       x_max=max(max(values, default=0) or 0, reference))
    fig.update_yaxes(automargin=True)
    return fig


#: A bar longer than this many times the next longest is cut at the axis end (its value is written on it).
OUTLIER_FACTOR = 4.0


def axis_cap(values: list[float | None]) -> float | None:
    """The axis end that keeps outliers from flattening the other bars, or None when there is no outlier.

    Looks at the three largest values only: the first one more than OUTLIER_FACTOR × the next is an outlier (with
    any larger ones); the axis then ends 35 % past the largest bar that is kept.
    """
    v = sorted((x for x in values if x is not None), reverse=True)
    for i in range(min(3, len(v) - 1)):
        if v[i + 1] > 0 and v[i] > OUTLIER_FACTOR * v[i + 1]:
            return v[i + 1] * 1.35
    return None


def ranked_per_inhabitant(df: pl.DataFrame, *, highlight: str | None = None, reference: float | None = None,
                          height: int | None = None, count_word: str | None = None) -> go.Figure:
    """NOK per inhabitant per area (label column `navn_kort`), highest on top, the chosen area in orange.

    Each bar carries its value; a dashed line marks the country's value when given. Extreme outliers are cut (see
    axis_cap) so the other bars stay readable: drawn to the axis end with a break ('//') at the cap, their full
    value written on the bar (cut_note says so in words). With
    `count_word` ('mottakere'), an area with 1 to SMALL_BASE - 1 of them (column `mottakere`) is grey, with the
    count beside its value ('2 985 · 7 mottakere'): one more or less moves its figure a lot (few_recipients).
    """
    # lowest first (plotly draws the first bar lowest): places with the same value top to bottom by name, as the
    # summary beside the chart names them
    d = df.drop_nulls("kr_per_innbygger").sort(["kr_per_innbygger", "navn_kort"], descending=[False, True])
    values = d["kr_per_innbygger"].to_list()
    cap = axis_cap(values)
    counts = d["mottakere"].to_list() if count_word else [None] * d.height
    small = [n is not None and 0 < n < SMALL_BASE for n in counts]  # no recipients: 0 kr, nothing to weigh
    colours = [HIGHLIGHT if k == highlight else SMALL_BASE_COLOUR if f else CATEGORICAL[0]
               for k, f in zip(d["kode"].to_list(), small, strict=True)]
    cut = [cap is not None and v > cap for v in values]
    few = [f" · {_count(n, count_word)}" if f else "" for n, f in zip(counts, small, strict=True)]
    people = d["folketall"].to_list() if "folketall" in d.columns else [None] * d.height
    hover = [f"{fmt_num(v, 0)}\u00a0kr per innbygger ({fmt_nok_short(u)}"
             + (f", {_count(n, count_word)}" if count_word and n is not None else "")
             + (f", {fmt_int(p)} innbyggere" if p else "") + ")"
             for v, u, n, p in zip(values, d["utbetalt"].to_list(), counts, people, strict=True)]
    # room for the longest bar's value ('2 985 · 7 mottakere' needs more, on a phone too)
    longest = few[values.index(max(values))] if values and not cap else ""
    top = max(cap or (max(values) if values else 0), reference or 0) * (1.8 if longest else 1.2)
    # a cut bar runs to the axis end, broken by a white gap at the cap: it is longer than the axis shows
    fig = go.Figure(go.Bar(
        x=[top if c else v for v, c in zip(values, cut, strict=True)], y=d["navn_kort"].to_list(), orientation="h",
        marker_color=colours,
        text=[f"{fmt_num(v, 0)}\u00a0kr{w}" if c else "" for v, c, w in zip(values, cut, few, strict=True)],
        textposition="inside", insidetextanchor="end", cliponaxis=False, textfont={"size": 12},
        hovertext=hover, hovertemplate="%{y}: %{hovertext}<extra></extra>",
    ))
    if reference is not None:
        reference_line(fig, reference, f"Hele landet: {fmt_num(reference, 0)}\u00a0kr", x_max=top)
    if cap:  # (after the reference line, which sets the shapes anew)
        dx = top * 0.012
        fig.update_layout(shapes=[*fig.layout.shapes, *(
            {"type": "path", "xref": "x", "yref": "y", "line": {"color": "white", "width": 3}, "layer": "above",
             "path": f"M {cap + k * 2.2 * dx - dx},{i - 0.55} L {cap + k * 2.2 * dx + dx},{i + 0.55}"}
            for i, c in enumerate(cut) if c for k in (0, 1))])
    # the values beside the bars are annotations on a white ground, so the dashed country line never runs
    # through a number (bar text has no background); a cut bar keeps its value inside
    # (set in one go: each add_annotation validates all the earlier ones again, 0.1 s for 35 municipalities)
    fig.update_layout(annotations=[*fig.layout.annotations, *(
        {"x": v, "y": name, "xref": "x", "yref": "y", "text": fmt_num(v, 0) + w, "showarrow": False,
         "xanchor": "left", "xshift": 2, "bgcolor": "white", "borderpad": 1, "font": {"size": 12, "color": TEXT}}
        for name, v, c, w in zip(d["navn_kort"].to_list(), values, cut, few, strict=True) if not c)])
    fig.update_xaxes(range=[0, top])
    fig.update_layout(hovermode="closest", uniformtext={"minsize": 10, "mode": "show"})
    fig.update_yaxes(automargin=True)
    return figures._layout(fig, x_title="Kr per innbygger", height=height or max(260, 22 * d.height + 90),
                           legend=False)


def cut_note(df: pl.DataFrame) -> str:
    """The sentence under a ranking whose outliers ranked_per_inhabitant cuts: ' Stolpen for Oslo er brutt (//) så
    de andre kan leses; verdien står i stolpen.' ('' when none is cut)."""
    d = df.drop_nulls("kr_per_innbygger").sort("kr_per_innbygger", descending=True)
    cap = axis_cap(d["kr_per_innbygger"].to_list())
    if cap is None:
        return ""
    names = d.filter(pl.col("kr_per_innbygger") > cap)["navn_kort"].to_list()
    one = len(names) == 1
    return (f" {'Stolpen' if one else 'Stolpene'} for {and_list(names)} er {'brutt' if one else 'brutte'} (//) så "
            f"de andre kan leses; {'verdien står i stolpen' if one else 'verdiene står i stolpene'}.")


#: The singular of the words for recipients: '1 mottaker', '1 søker'.
_ONE = {"mottakere": "mottaker", "søkere": "søker"}


def _count(n: int, word: str) -> str:
    """'7 mottakere', '1 mottaker'."""
    return f"{fmt_int(n)} {_ONE.get(word, word) if n == 1 else word}"


def few_recipients(df: pl.DataFrame, *, count_word: str, level_word: str) -> str:
    """The small-numbers sentence under a ranking per inhabitant whose areas (df: the ones drawn) include some
    with 1 to SMALL_BASE - 1 recipients (grey bars; none is 0 kr, nothing to weigh), naming the top one of them with its count and
    inhabitants; '' when there are none."""
    d = df.drop_nulls("kr_per_innbygger").sort("kr_per_innbygger", descending=True)
    few = d.filter((pl.col("mottakere") > 0) & (pl.col("mottakere") < SMALL_BASE))
    if few.is_empty():
        return ""
    first = few.row(0, named=True)
    name = first.get("navn_kort") or first["navn"]
    people = f" ({fmt_int(first['folketall'])} innbyggere)" if first.get("folketall") else ""
    share = (f"{fmt_int(few.height)} av de {fmt_int(d.height)} {level_word}" if few.height < d.height
             else f"alle de {fmt_int(d.height)} {level_word}")
    return (f"Små tall: {share} har bare 1–{SMALL_BASE - 1} {count_word} (grå stolper, med antallet). Der kan én "
            f"{_ONE.get(count_word, count_word)} mer eller mindre flytte kronene per innbygger mye: {name}{people} fikk "
            f"{fmt_num(first['kr_per_innbygger'], 0)}\u00a0kr per innbygger, {fmt_nok_short(first['utbetalt'])} "
            f"til {_count(first['mottakere'], count_word)}."
            f" Innbyggere, beløp og {count_word} står i tabellen.")


# ---- text summaries (screen readers, print) ------------------------------------------------------------

def describe_amounts(df: pl.DataFrame, *, what: str, place: str) -> str:
    """'Utbetalt grasrotandel til mottakere i X økte fra A i 2019 til B i 2024.' (+ applied for, when present)."""
    d = df.drop_nulls("utbetalt").sort("aar")
    if d.is_empty():
        return f"Ingen utbetalinger av {what} i {place}."
    first, last = d.row(0, named=True), d.row(-1, named=True)
    text = f"Utbetalt {what} til mottakere i {place}"
    if d.height == 1:
        text += f" var {fmt_nok_short(last['utbetalt'])} i {last['aar']}."
    else:
        verb = "økte" if last["utbetalt"] > first["utbetalt"] else ("sank" if last["utbetalt"] < first["utbetalt"]
                                                                  else "var uendret")
        text += (f" {verb} fra {fmt_nok_short(first['utbetalt'])} i {first['aar']} til "
                 f"{fmt_nok_short(last['utbetalt'])} i {last['aar']}.")
    if last.get("sokt"):
        text += (f" I {last['aar']} ble det søkt om {fmt_nok_short(last['sokt'])}, og "
                 f"{fmt_pct(last['utbetalt'] / last['sokt'], 0)} av det ble utbetalt.")
    return text


def describe_place_vs_country(df: pl.DataFrame, *, y: str, aar: int, what: str, sentence: str,
                              percent: bool = False) -> str:
    """The chosen place's value in a year, and the country's beside it: `sentence` with {aar}, {verdi} and {sted},
    e.g. 'I {aar} ble det utbetalt {verdi} grasrotandel per innbygger i {sted}' gives 'I 2024 ble det utbetalt
    95 kr grasrotandel per innbygger i Bergen, mot 146 kr i hele landet.' (`what` names the figure when there is
    none)."""
    d = df.filter(pl.col("aar") == aar)
    chosen = d.filter(pl.col("er_valgt"))
    country = d.filter(pl.col("nivaa") == "land")
    if chosen.is_empty() or chosen[y][0] is None:
        return f"Ingen tall for {what} i {aar}."

    def f(v: float | None) -> str:
        return fmt_pct(v) if percent else f"{fmt_num(v, 0)}\u00a0kr"

    national = chosen["nivaa"][0] == "land"
    text = sentence.format(aar=aar, verdi=f(chosen[y][0]), sted="hele landet" if national else chosen["navn"][0])
    if not national and country.height and country[y][0] is not None:
        text += f", mot {f(country[y][0])} i hele landet"
    return text + "."


def describe_counts(df: pl.DataFrame, *, y: str = "mottakere", what: str, place: str) -> str:
    """'Antall mottakere i X økte fra A i 2019 til B i 2024.'"""
    d = df.drop_nulls(y).sort("aar")
    if d.is_empty():
        return f"Ingen tall for {what} i {place}."
    first, last = d.row(0, named=True), d.row(-1, named=True)
    if d.height == 1:
        return f"{what.capitalize()} i {place} var {fmt_int(last[y])} i {last['aar']}."
    if first[y] == last[y]:
        return f"{what.capitalize()} i {place} var {fmt_int(last[y])} både i {first['aar']} og i {last['aar']}."
    verb = "økte" if last[y] > first[y] else "sank"
    text = (f"{what.capitalize()} i {place} {verb} fra {fmt_int(first[y])} i {first['aar']} til "
            f"{fmt_int(last[y])} i {last['aar']}.")
    return text + _turn(d, y, first[y], last[y])


def _turn(d: pl.DataFrame, y: str, first: float, last: float) -> str:
    """' Lavest var det 31 400 i 2020.' when a year between the ends lies below (or above) both, so that the
    sentence from the first to the last year does not hide a fall and a rise; else ''."""
    low, high = d.row(d[y].arg_min(), named=True), d.row(d[y].arg_max(), named=True)
    if low[y] < min(first, last):
        return f" Lavest var det {fmt_int(low[y])} i {low['aar']}."
    if high[y] > max(first, last):
        return f" Høyest var det {fmt_int(high[y])} i {high['aar']}."
    return ""


def describe_groups(df: pl.DataFrame, *, place: str, aar: int) -> str:
    """'Kultur og fritid fikk mest i X i 2023: A (B % av beløpet). 14 kategorigrupper fikk penger.'"""
    d = df.drop_nulls("utbetalt").sort("utbetalt", descending=True)
    if d.is_empty() or not d["utbetalt"][0]:
        return f"Ingen utbetalinger i {place} i {aar}."
    top = d.row(0, named=True)
    share = f" ({fmt_pct(top['andel_av_beløpet'], 0)} av beløpet)" if top.get("andel_av_beløpet") is not None else ""
    groups = "Bare denne kategorigruppen" if d.height == 1 else f"{d.height} kategorigrupper"
    return (f"{top['gruppenavn']} fikk mest i {place} i {aar}: {fmt_nok_short(top['utbetalt'])}{share}. "
            f"{groups} fikk penger.")


def _groups(names: list[str]) -> list[str]:
    """Category names in a sentence: lower case, and in «» when there are several ('«kultur og fritid» og
    «helse»': the names have 'og' in them)."""
    return [n.lower() for n in names] if len(names) == 1 else [f"«{n.lower()}»" for n in names]


def _share_extremes(d: pl.DataFrame, value: str) -> str | None:
    """'høyest i a (50 %) og lavest i b (10 %)' over the rows of share_order with a base of SMALL_BASE or more,
    ties on the shown value named together ('høyest i «a» og «b» (100 %)'); None when there are none."""
    solid = d.filter(~pl.col("_liten"))
    if solid.is_empty():
        return None
    names = solid["gruppenavn"].to_list()
    shown = [fmt_pct(v, 0) for v in solid[value].to_list()]
    if solid.height > 1 and shown[0] == shown[-1]:
        return f"{shown[0]} i alle kategorigruppene"
    high = tied_phrase("høyest", _groups(tied_first(names, shown)), shown[0], "kategorigrupper")
    if solid.height == 1:
        return high
    low = _groups(tied_first(names[::-1], shown[::-1]))
    return f"{high} og {tied_phrase('lavest', low, shown[-1], 'kategorigrupper')}"


def _small_bases(d: pl.DataFrame, count: str, base: str, base_word: str) -> str:
    """' Andre (1 av 1) og utdanning og forskning (0 av 4) har færre enn 20 mottakere …': the rows of share_order
    with a small base, as counts ('' when there are none)."""
    small = d.filter(pl.col("_liten"))
    if small.is_empty():
        return ""
    if small.height > MAX_NAMED:
        who = f"{count_words(small.height).capitalize()} kategorigrupper"
    else:
        who = and_list([f"{r['gruppenavn'].lower()} ({fmt_int(r[count])} av {fmt_int(r[base])})"
                        for r in small.iter_rows(named=True)])
        who = who[:1].upper() + who[1:]
    return (f" {who} har færre enn {SMALL_BASE} {base_word} og er vist i grått nederst, med antallet: så få sier "
            "lite om andelen.")


def describe_group_shares(df: pl.DataFrame, *, place: str, aar: int) -> str:
    """Highest and lowest share of registered organisations that receive money, per category group (groups of
    fewer than SMALL_BASE registered organisations apart, as counts)."""
    d = share_order(df, category="gruppenavn", value="andel_registrerte_mottar", base="registrerte")
    if d.is_empty():
        return f"Ingen tall for andelen som mottar i {place} i {aar}."
    extremes = _share_extremes(d, "andel_registrerte_mottar")
    text = (f"Andelen registrerte organisasjoner som mottok grasrotandel i {place} i {aar} var {extremes}."
            if extremes else f"Ingen kategorigruppe i {place} har {SMALL_BASE} registrerte organisasjoner eller flere "
                             f"i {aar}.")
    return text + _small_bases(d, "mottakere", "registrerte", "registrerte organisasjoner")


def describe_oslo_shares(df: pl.DataFrame, *, aar: int) -> str:
    """Which category groups had most and least of their momskompensasjon paid to recipients in Oslo (groups of
    fewer than SMALL_BASE recipients apart, as counts of their recipients in Oslo: df has mottakere_oslo)."""
    d = share_order(df, category="gruppenavn", value="andel_oslo", base="mottakere")
    if d.is_empty():
        return f"Ingen tall for Oslo-andelen i {aar}."
    extremes = _share_extremes(d, "andel_oslo")
    text = (f"Andelen av momskompensasjonen i {aar} som gikk til mottakere registrert i Oslo, var {extremes}."
            if extremes else f"Ingen kategorigruppe har {SMALL_BASE} mottakere eller flere i {aar}.")
    return text + _small_bases(d, "mottakere_oslo", "mottakere", "søkere")


def describe_counts_by_group(df: pl.DataFrame, *, place: str, aar: int, what: str = "mottakere") -> str:
    """'Kultur og fritid hadde flest mottakere i X i 2023: 95 av 100.' (groups with the same count named
    together: '«Helse» og «kultur og fritid» hadde flest …: 3 hver, av 8 i alt.')."""
    d = df.drop_nulls("mottakere").sort(["mottakere", "gruppenavn"], descending=[True, False])
    if d.is_empty():
        return f"Ingen {what} i {place} i {aar}."
    top = tied_first(d["gruppenavn"].to_list(), [str(v) for v in d["mottakere"].to_list()])
    n, total = fmt_int(d["mottakere"][0]), fmt_int(d["mottakere"].sum())
    if len(top) == 1:
        return f"{top[0]} hadde flest {what} i {place} i {aar}: {n} av {total}."
    if len(top) == d.height:
        return f"Alle de {count_words(d.height)} kategorigruppene hadde like mange {what} i {place} i {aar}: {n}."
    if len(top) > MAX_NAMED:
        who = f"{count_words(len(top)).capitalize()} kategorigrupper"
    else:
        who = and_list(_groups(top))
        who = who[:2].upper() + who[2:]  # '«Helse» og «kultur og fritid»'
    return f"{who} hadde flest {what} i {place} i {aar}: {n} hver, av {total} i alt."


#: 'fylker' → 'fylkene': the level word in the definite plural ('blant de 15 fylkene').
_DEFINITE = {"fylker": "fylkene", "kommuner": "kommunene"}


def _who(names: list[str], plural: str) -> str:
    """'Utsira', 'Kvitsøy og Utsira', or past MAX_NAMED 'fire kommuner'."""
    return and_list(names) if len(names) <= MAX_NAMED else f"{count_words(len(names))} {plural}"


def describe_ranking(df: pl.DataFrame, *, aar: int, level_word: str, highlight: str | None = None) -> str:
    """'Blant de 15 fylkene fikk A mest per innbygger i 2024 (x kr) og B minst (y kr). C fikk z kr og er nummer
    n av N.' Places with the same shown value share the place: '…, mens fire kommuner fikk minst (0 kr). Utsira
    fikk 0 kr og deler 20.–23. plass av 23 med Kvitsøy, Sokndal og Suldal.'"""
    d = df.drop_nulls("kr_per_innbygger")
    if d.is_empty():
        return f"Ingen tall per innbygger for {level_word} i {aar}."
    if "navn_kort" in d.columns:  # the names the chart beside the text uses
        d = d.with_columns(pl.coalesce("navn_kort", "navn").alias("navn"))
    d = d.sort(["kr_per_innbygger", "navn"], descending=[True, False])
    names = d["navn"].to_list()
    shown = [f"{fmt_num(v, 0)}\u00a0kr" for v in d["kr_per_innbygger"].to_list()]
    n = d.height
    top, low = tied_first(names, shown), tied_first(names[::-1], shown[::-1])
    if n == 1:
        text = f"{names[0]} fikk {shown[0]} per innbygger i {aar}."
    elif len(top) == n:
        text = f"Alle de {n} {_DEFINITE.get(level_word, level_word)} fikk {shown[0]} per innbygger i {aar}."
    else:
        text = (f"Blant de {n} {_DEFINITE.get(level_word, level_word)} fikk {_who(top, level_word)} mest per "
                f"innbygger i {aar} ({shown[0]})")
        text += (f" og {low[0]} minst ({shown[-1]})." if len(top) == 1 and len(low) == 1
                 else f", mens {_who(low, level_word)} fikk minst ({shown[-1]}).")
    codes = d["kode"].to_list()
    if highlight in codes and n > 1:
        i = codes.index(highlight)
        first, last = shown.index(shown[i]) + 1, n - shown[::-1].index(shown[i])
        text += f" {names[i]} fikk {shown[i]} og "
        if first == last:
            text += f"er nummer {first} av {n}."
        else:
            others = sorted((x for j, x in enumerate(names) if shown[j] == shown[i] and j != i), key=name_key)
            with_whom = (and_list(others) if len(others) <= MAX_NAMED
                         else f"{count_words(len(others))} andre {level_word}")
            text += f"deler {first}.–{last}. plass av {n} med {with_whom}."
    return text


def describe_recipients(df: pl.DataFrame, *, place: str, aar: int, total: float | None,
                        national: bool = False) -> str:
    """'De 25 største mottakerne i X i 2023 fikk til sammen A, B % av alt som gikk til mottakere i X.' (the
    country: '…, B % av alt som ble utbetalt det året'); no names."""
    if df.is_empty():
        return f"Ingen mottakere i {place} i {aar}."
    s = df["utbetalt"].sum()
    if df.height == 1:  # all there is: no share, no largest
        return f"Den eneste mottakeren i {place} i {aar} fikk {fmt_nok_short(s)}."
    if total and abs(total - s) < 1:  # the list holds every recipient of the place
        return (f"Alle de {df.height} mottakerne i {place} i {aar} fikk til sammen {fmt_nok_short(s)}. Den største "
                f"fikk {fmt_nok(df['utbetalt'].max())}.")
    text = f"De {df.height} største mottakerne i {place} i {aar} fikk til sammen {fmt_nok_short(s)}"
    if total:
        text += (f", {fmt_pct(s / total, 0)} av alt som ble utbetalt det året" if national
                 else f", {fmt_pct(s / total, 0)} av alt som gikk til mottakere i {place}")
    # names are register text (untrusted): never put them into markdown; the table shows them
    return text + f". Den største fikk {fmt_nok(df['utbetalt'].max())}."
