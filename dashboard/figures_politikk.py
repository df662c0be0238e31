"""Figure, map, table and text builders for the Frivillighetspolitikk page. Pure: no Streamlit here.

Inputs are the DataFrames of `dashboard.queries_politikk` (shares as fractions 0–1).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
import pydeck as pdk

from dashboard import figures, maps
from dashboard.format import (
    and_list,
    citation,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_period,
    map_strings,
    official_name,
    size_group_words,
)
from dashboard.theme import (
    CATEGORICAL,
    MUTED,
    POLICY_SERIES_COLOURS,
    PUBLISHED_EDGE,
    STATUS_COLOURS,
    STATUS_LABELS,
    norwegian_percent,
)

STATUS_ORDER = tuple(STATUS_COLOURS)

#: The three series of the trend chart: legend name, colour, line dash (None: markers only), marker symbol.
SERIES: dict[str, tuple[str, str, str | None, str]] = {
    "undersokelse_2024_grenser": ("Kommuneundersøkelsen (omregnet til dagens 357 kommuner)",
                                  POLICY_SERIES_COLOURS["undersokelse_2024_grenser"], "solid", "circle"),
    "undersokelse_runde": ("Kommuneundersøkelsen (kommunene slik de var i rundens år)",
                           POLICY_SERIES_COLOURS["undersokelse_runde"], "dash", "circle-open"),
    "publisert": ("Publisert (Frivillighet Norge)", POLICY_SERIES_COLOURS["publisert"], None, "diamond"),
}

MEASURE_ANSWERS = {"ja": "ja", "nei": "nei", "delvis": "delvis", "vet_ikke": "vet ikke"}

POLICY_GROUPS = {True: ("Med vedtatt politikk", CATEGORICAL[0]),
                 False: ("Uten vedtatt politikk (nei, under arbeid, vet ikke)", CATEGORICAL[1])}


#: The page's views, one tab each (bound to the URL as ?visning=; the first is the default).
TABS = ("Utviklingen", "Fylker", "Kommunestørrelse", "Kart og kommuner", "Tiltak")
#: The tabs of the old ?fordeling= links, before every view got its tab.
OLD_TAB_LINKS = {"Etter fylke": "Fylker", "Etter kommunestørrelse": "Kommunestørrelse"}


# ---- small helpers ---------------------------------------------------------------------------------------

def status_label(status: str | None) -> str:
    """'under_arbeid' → 'Under arbeid'; None → 'Ukjent (ikke svart)'."""
    return STATUS_LABELS.get(status or "ukjent", str(status))


def wrap(text: str, width: int = 24) -> str:
    """Break a long axis label into lines for narrow screens ('<br>' between lines)."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _share_of(n: int | None, total: int | None) -> str:
    return f"{fmt_int(n)} av {fmt_int(total)}"


# ---- headline --------------------------------------------------------------------------------------------

def headline_text(h: Mapping) -> str:
    """Two or three sentences for the headline of a round (a row of `queries_politikk.headline`): a round held
    in another municipal division (2019: 422 municipalities) is told in its own division first."""
    r = h["runde"]
    harmonised = h["runde_antall_kommuner"] != h["antall_kommuner"] or h["runde_ja"] != h["ja"]
    if harmonised:
        text = (f"I kommuneundersøkelsen {r} svarte **{fmt_int(h['runde_ja'])} av de "
                f"{fmt_int(h['runde_antall_kommuner'])} kommunene** landet hadde da "
                f"({fmt_pct(h['runde_andel_ja_alle'])}), at de hadde vedtatt en "
                f"frivillighetspolitikk; {fmt_int(h['runde_svart'])} kommuner svarte (svarprosent "
                f"{fmt_pct(h['runde_svarprosent'])}), og av dem hadde {fmt_pct(h['runde_andel_ja_svarte'])} "
                "politikk.\n\n"
                f"Regnet om til dagens {fmt_int(h['antall_kommuner'])} kommuner er det **{fmt_int(h['ja'])}** "
                f"({fmt_pct(h['andel_ja_alle'])}){_harmonisation(h)}. {fmt_int(h['ukjent'])} av dagens kommuner "
                "er ført som «ukjent», ikke som «nei», fordi kommunen (eller en av kommunene den ble laget av) "
                "ikke svarte. ")
    else:
        text = (f"I kommuneundersøkelsen {r} svarte **{_share_of(h['ja'], h['antall_kommuner'])} kommuner** "
                f"({fmt_pct(h['andel_ja_alle'])}) at de har vedtatt en frivillighetspolitikk. "
                f"{fmt_int(h['svart'])} kommuner svarte (svarprosent {fmt_pct(h['svarprosent'])}); av dem hadde "
                f"{fmt_pct(h['andel_ja_svarte'])} politikk. {fmt_int(h['ukjent'])} kommuner svarte ikke – de er "
                "ført som «ukjent», ikke som «nei». ")
    return text + population_sentence(h)


def cards_note(h: Mapping) -> str | None:
    """Under the cards of a round held in another municipal division: which division the cards are in."""
    if h["runde_antall_kommuner"] == h["antall_kommuner"] and h["runde_ja"] == h["ja"]:
        return None
    return (f"Kortene er regnet om til dagens {fmt_int(h['antall_kommuner'])} kommuner. Teksten under gir også tallene "
            f"for kommunene slik de var i {h['runde']} ({fmt_int(h['runde_antall_kommuner'])} kommuner).")


def _harmonisation(h: Mapping) -> str:
    """How the round was carried over to today's municipalities: ': en sammenslått kommune …; en delt …'."""
    how = []
    if h.get("sammenslatte"):
        how.append("en sammenslått kommune regnes med når minst én av de gamle kommunene hadde politikk")
    if h.get("delte"):
        how.append("en kommune som er delt siden, gir svaret sitt til hver av de nye")
    return ": " + "; ".join(how) if how else ""


def population_share(h: Mapping) -> str:
    """The share of the population living under a policy: '66,9 %', or a range '21–32 %' when merged
    municipalities are counted whole although only some of their parts had a policy."""
    if h.get("ja_delvis"):
        return f"{fmt_num(h['andel_befolkning_ja_minst'] * 100, 0)}–{fmt_pct(h['andel_befolkning_ja'], 0)}"
    return fmt_pct(h["andel_befolkning_ja"])


def population_help(h: Mapping, aar: int) -> str:
    """The help text of the population card."""
    text = f"Andelen av befolkningen (1. januar {aar}) som bor i en kommune med vedtatt politikk."
    if h.get("ja_delvis"):
        text += (f" Et spenn: {fmt_int(h['ja_delvis'])} sammenslåtte kommuner der bare noen av de gamle kommunene "
                 "hadde politikk, er regnet med i den høyeste verdien og ikke i den laveste.")
    return text


def population_sentence(h: Mapping) -> str:
    """How many lived in a municipality with a policy, and why it is a range where it is one."""
    if not h.get("ja_delvis"):
        return f"{population_share(h)} av befolkningen bodde i en kommune med vedtatt politikk."
    n = h["ja_delvis"]
    return (f"Mellom {fmt_pct(h['andel_befolkning_ja_minst'], 0)} og {fmt_pct(h['andel_befolkning_ja'], 0)} av "
            f"befolkningen bodde i en kommune med vedtatt politikk: i {fmt_int(n)} av dagens kommuner hadde "
            "bare noen av de gamle kommunene politikk, og folketallene vi har, gjelder dagens kommuner.")


# ---- trend -----------------------------------------------------------------------------------------------

def _hover(row: Mapping) -> str:
    kind = row["kilde_type"]
    share = fmt_pct(row["andel"])
    count = (_share_of(row["kommuner_med_politikk"], row["antall_kommuner"]) + " kommuner"
             if row["kommuner_med_politikk"] is not None else "antall ikke publisert")
    if kind == "publisert":
        how = "oppgitt andel" if row["andel_oppgitt"] else "andel regnet ut fra antallet"
        return (f"<b>Publisert (Frivillighet Norge), {fmt_period(row['per'])}</b><br>{share} ({how}); {count}"
                f"<br><i>Kilde: {wrap(row['kilde'], 60)}</i>")
    where = ("omregnet til dagens 357 kommuner" if kind == "undersokelse_2024_grenser"
             else "kommunene slik de var i rundens år")
    return f"<b>Kommuneundersøkelsen {row['aar']}</b> ({where})<br>{share}: {count} svarte ja"


def trend_figure(df: pl.DataFrame, chosen: int | None = None, height: int = 400) -> go.Figure:
    """Survey rounds as lines with dots (own and today's borders) and published figures as lone diamonds."""
    fig = go.Figure()
    for kind, (name, colour, dash, symbol) in SERIES.items():
        g = df.filter(pl.col("kilde_type") == kind).sort("tidspunkt")
        if g.is_empty():
            continue
        lines = dash is not None
        fig.add_trace(go.Scatter(
            x=g["tidspunkt"].to_list(), y=g["andel"].to_list(), name=name,
            mode="lines+markers" if lines else "markers",
            line={"color": colour, "width": 3, "dash": dash} if lines else None,
            marker={"symbol": symbol, "size": 9 if lines else 13, "color": colour,
                    "line": {"width": 2 if lines else 1, "color": colour if lines else PUBLISHED_EDGE}},
            text=[_hover(r) for r in g.iter_rows(named=True)], hovertemplate="%{text}<extra></extra>",
        ))
    if chosen is not None:
        at = df.filter((pl.col("kilde_type") == "undersokelse_runde") & (pl.col("aar") == chosen))
        if at.height:
            fig.add_vline(x=at["tidspunkt"][0], line={"color": MUTED, "width": 1, "dash": "dot"},
                          annotation_text=f"Valgt runde: {chosen}", annotation_position="top left",
                          annotation_font={"size": 12, "color": MUTED})
    years = df["aar"] if df.height else pl.Series([2016, 2024])
    top = float(df["andel"].max() or 0.3) if df.height else 0.3
    fig.update_xaxes(tickvals=list(range(int(years.min()), int(years.max()) + 1)), tickformat="d",
                     range=[int(years.min()) - 0.2, int(years.max()) + 1.1])
    fig.update_yaxes(tickformat=".0%", range=[0, top * 1.25], title="Andel av alle kommuner")
    fig.update_layout(hovermode="closest", height=height, template="frivillig", showlegend=True,
                      legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return norwegian_percent(fig)


def trend_table(df: pl.DataFrame) -> pl.DataFrame:
    """The trend's points as a table: serie, periode, kommuner_med_politikk, antall_kommuner, andel, kilde, merknad
    (why a published share is not the count divided by the total, and similar notes)."""
    names = {k: v[0] for k, v in SERIES.items()}
    rows = [{
        "serie": names.get(r["kilde_type"], r["kilde_type"]),
        "periode": fmt_period(r["per"]) if r["kilde_type"] == "publisert" else str(r["aar"]),
        "kommuner_med_politikk": r["kommuner_med_politikk"],
        "antall_kommuner": r["antall_kommuner"],
        "andel": r["andel"],
        "kilde": r["kilde"],
        "merknad": r.get("merknad"),
    } for r in df.sort(["tidspunkt", "kilde_type"]).iter_rows(named=True)]
    schema = {"serie": pl.String, "periode": pl.String, "kommuner_med_politikk": pl.Int64,
              "antall_kommuner": pl.Int64, "andel": pl.Float64, "kilde": pl.String, "merknad": pl.String}
    return pl.DataFrame(rows, schema=schema)


def trend_summary(df: pl.DataFrame) -> str:
    """A text summary of the trend: survey first and last round, harmonised change, published first and last."""
    parts = []
    own = df.filter(pl.col("kilde_type") == "undersokelse_runde").sort("aar")
    if own.height:
        a, b = own.row(0, named=True), own.row(-1, named=True)
        parts.append(f"Ifølge kommuneundersøkelsen hadde {fmt_pct(a['andel'])} av kommunene vedtatt "
                     f"frivillighetspolitikk i {a['aar']} ({_share_of(a['kommuner_med_politikk'], a['antall_kommuner'])}"
                     f") og {fmt_pct(b['andel'])} i {b['aar']} "
                     f"({_share_of(b['kommuner_med_politikk'], b['antall_kommuner'])}).")
    harm = df.filter(pl.col("kilde_type") == "undersokelse_2024_grenser").sort("aar")
    if harm.height > 1:
        a, b = harm.row(0, named=True), harm.row(-1, named=True)
        parts.append(f"Omregnet til dagens 357 kommuner gikk andelen fra {fmt_pct(a['andel'])} i {a['aar']} "
                     f"til {fmt_pct(b['andel'])} i {b['aar']}.")
    pub = df.filter(pl.col("kilde_type") == "publisert").sort("tidspunkt")
    if pub.height:
        a, b = pub.row(0, named=True), pub.row(-1, named=True)
        parts.append(f"Frivillighet Norges publiserte tall (rutene) går fra {fmt_pct(a['andel'])} "
                     f"({fmt_period(a['per'])}) til {fmt_pct(b['andel'])} ({fmt_period(b['per'])}); de er "
                     "egne opptellinger, ikke resultater fra undersøkelsen.")
    return " ".join(parts) or "Ingen tall om frivillighetspolitikk."


def published_citations(df: pl.DataFrame) -> str:
    """The citations of the published figures, one per period: 'juli 2024: radionordkapp.no …; …'."""
    pub = df.filter(pl.col("kilde_type") == "publisert").sort("tidspunkt")
    return "; ".join(f"{fmt_period(r['per'])}: {citation(r['kilde'])}" for r in pub.iter_rows(named=True))


# ---- status by county and size group ---------------------------------------------------------------------

def status_figure(df: pl.DataFrame) -> go.Figure:
    """100 % stacked status bars per group (a `status_by` frame), in the frame's display order, each group named
    with its number of municipalities ('Oslo (1)', 'Innlandet (46)'): a full bar of one is not a full bar of 46."""
    d = df.sort(["rekkefolge"]).with_columns(
        (pl.col("navn") + " (" + pl.col("antall_kommuner").cast(pl.String) + ")").alias("navn"))
    order = d["navn"].unique(maintain_order=True).to_list()
    return figures.status_bars(d, category="navn", status="status", count="antall", order=order)


def status_table(df: pl.DataFrame, *, group_label: str = "navn") -> pl.DataFrame:
    """One row per group: the group (column `group_label`), antall_kommuner, municipalities per status (columns
    named by the status labels), andel_ja_alle, andel_ja_svarte, svarprosent (fractions)."""
    wide = (df.sort("rekkefolge")
            .pivot(on="status", index=["rekkefolge", "navn", "antall_kommuner", "andel_ja_alle",
                                        "andel_ja_svarte", "svarprosent"], values="antall")
            .sort("rekkefolge"))
    for s in STATUS_ORDER:
        if s not in wide.columns:
            wide = wide.with_columns(pl.lit(0).alias(s))
    out = wide.select("navn", "antall_kommuner", *STATUS_ORDER, "andel_ja_alle", "andel_ja_svarte", "svarprosent")
    return out.rename({"navn": group_label, **{k: STATUS_LABELS[k] for k in STATUS_ORDER}})


def status_summary(df: pl.DataFrame, *, what: str) -> str:
    """Where the share with a policy is highest and lowest (what: 'fylke' or 'storrelsesgruppe')."""
    t = status_table(df)
    if t.is_empty():
        return "Ingen tall."
    ja = STATUS_LABELS["ja"]
    by = t.sort(["andel_ja_alle", "antall_kommuner"], descending=[True, True])
    plural = "fylker" if what == "fylke" else "størrelsesgrupper"

    def end(word: str, share: float) -> str:
        """'høyest i A (50 %, 3 av 6)', or for a tie 'høyest, 100 %, i A (6 av 6) og B (1 av 1)'."""
        rows = list(by.filter(pl.col("andel_ja_alle") == share).iter_rows(named=True))
        where = [(f"i {r['navn']}" if what == "fylke" else f"blant {size_group_words(r['navn'])}",
                  _share_of(r[ja], r["antall_kommuner"])) for r in rows]
        if len(where) == 1:
            return f"{word} {where[0][0]} ({fmt_pct(share, 0)}, {where[0][1]})"
        if len(where) > 3:
            return f"{word}, {fmt_pct(share, 0)}, i {fmt_int(len(where))} {plural}"
        names = [f"{w.removeprefix('i ') if i else w} ({n})" for i, (w, n) in enumerate(where)]
        return f"{word}, {fmt_pct(share, 0)}, " + and_list(names)

    high = end("høyest", by["andel_ja_alle"][0])
    text = (f"Andelen kommuner med vedtatt politikk er {high}{',' if ' og ' in high else ''} og "
            f"{end('lavest', by['andel_ja_alle'][-1])}.")
    unknown = int(t[STATUS_LABELS["ukjent"]].sum())
    text += (f" {fmt_int(unknown)} kommuner svarte ikke; de er vist i grått som «ukjent» og er ikke regnet som "
             "«nei».")
    return text


# ---- the published county table (July 2024) -----------------------------------------------------------

#: The published county table's headers on screen (the download keeps the long ones).
SHORT_HEADERS = {"publisert: med politikk": "publisert", "undersøkelsen: med politikk": "undersøkelsen",
                 "publisert: antall kommuner": "kommuner (publisert)", "kommuner 1. januar 2024": "kommuner 2024"}
COMPARISON_CAPTION = ("«Publisert» og «undersøkelsen»: antall kommuner med vedtatt frivillighetspolitikk i "
                      "Frivillighet Norges tabell og i kommuneundersøkelsen 2024. «Avvik»: det som ikke stemmer "
                      "mellom tabellen og fylket i dag – antallet med politikk, kommuneantallet eller begge.")


def _discrepancy() -> pl.Expr:
    """What differs between the published row and the county today: '–', 'med politikk', 'kommuneantall', 'begge'."""
    ja, n = pl.col("differanse_ja") != 0, pl.col("differanse_kommuner") != 0
    return (pl.when(ja & n).then(pl.lit("begge")).when(ja).then(pl.lit("med politikk"))
            .when(n).then(pl.lit("kommuneantall")).otherwise(pl.lit("–")).alias("avvik"))


def comparison_table(df: pl.DataFrame, *, full: bool = False) -> pl.DataFrame:
    """The published county table beside the survey: one row per county, with what differs ('Avvik').

    The display keeps the numbers and a short ja/nei; `full` (downloads) adds shares, explanation and citation.
    """
    # the two counts compared first, then the totals; on screen under short headers (COMPARISON_CAPTION says what
    # they count), so that a phone shows the county, both counts and what differs before scrolling sideways
    out = df.select(
        pl.col("fylkesnavn"),
        pl.col("publisert_med_politikk").alias("publisert: med politikk"),
        pl.col("undersokelse_ja").alias("undersøkelsen: med politikk"),
        _discrepancy(),
        pl.col("publisert_antall_kommuner").alias("publisert: antall kommuner"),
        pl.col("antall_kommuner").alias("kommuner 1. januar 2024"),
    )
    if not full:
        return out.rename(SHORT_HEADERS)
    return out.with_columns(df["publisert_andel"].alias("andel_publisert"),
                            df["undersokelse_svart"].alias("undersøkelsen: svarte"),
                            df["forklaring"], df["kilde"])


def comparison_note(df: pl.DataFrame) -> str:
    """The plain-language note above the published county table: denominators, totals, which counties differ."""
    pub_n = int(df["publisert_antall_kommuner"].sum())
    pub_ja = int(df["publisert_med_politikk"].sum())
    real_n = int(df["antall_kommuner"].sum())
    survey_ja = int(df["undersokelse_ja"].sum())
    differ = df.filter(~pl.col("stemmer"))["fylkesnavn"].to_list()
    text = (f"Frivillighet Norge publiserte i juli 2024 en tabell over kommuner med vedtatt frivillighetspolitikk "
            f"per fylke. Den er gjengitt her **slik den ble publisert**, ved siden av kommuneundersøkelsen 2024. "
            f"Kommuneantallene i tabellen summerer til {fmt_int(pub_n)}, mens Norge hadde {fmt_int(real_n)} "
            "kommuner 1. januar 2024: tabellen fordeler kommunene på fylkene på en annen måte enn dagens "
            "inndeling, så andelene i den er regnet med andre nevnere enn fylkenes faktiske kommuneantall. "
            f"For hele landet er antallet med vedtatt politikk {fmt_int(pub_ja)} i tabellen og "
            f"{fmt_int(survey_ja)} i undersøkelsen.")
    over = df.filter(pl.col("publisert_med_politikk") > pl.col("antall_kommuner"))
    for r in over.iter_rows(named=True):
        text += (f" **{r['fylkesnavn']}** har {fmt_int(r['publisert_med_politikk'])} kommuner med politikk i "
                 f"tabellen, men fylket har bare {fmt_int(r['antall_kommuner'])} kommuner.")
    if differ:
        text += (f" Tallene avviker i {len(differ)} av {df.height} fylker: {', '.join(differ)} "
                 "(se forklaringen under tabellen).")
    return text


def comparison_explanations(df: pl.DataFrame) -> list[tuple[str, str]]:
    """(county, explanation) for every county where the published table and the survey differ."""
    return [(r["fylkesnavn"], r["forklaring"]) for r in df.filter(~pl.col("stemmer")).iter_rows(named=True)]


# ---- map -------------------------------------------------------------------------------------------------

def _context(row: Mapping) -> str:
    parts = [row["fylkesnavn"] or ""]
    if row.get("status") == "ja" and row.get("vedtaksaar"):
        parts.append(f"vedtatt {row['vedtaksaar']}")
    return " · ".join(p for p in parts if p)


def status_areas(df: pl.DataFrame, geometries: Mapping[str, dict], highlight: str | None = None) -> list[maps.Area]:
    """One map area per municipality, coloured by status ('ukjent' grey); the highlighted one drawn last.

    The tooltip's context line is the county, and the adoption year for municipalities with a policy.
    """
    rows = [{"kode": r["kommunenummer"], "navn": r["kommunenavn"], "fylkesnavn": _context(r),
             "status": r["status"] or "ukjent"}
            for r in df.iter_rows(named=True) if r["kommunenummer"] in geometries]
    return sorted(maps.status_areas(rows, dict(geometries), highlight=highlight), key=lambda a: a.highlight)


def status_map(df: pl.DataFrame, geometries: Mapping[str, dict], highlight: str | None = None,
               height: int = maps.MAP_HEIGHT) -> pdk.Deck:
    """The status map: a pydeck choropleth without tiles (tooltip: name, status, county)."""
    view = maps.view_for_bounds(**maps.NORWAY, height_px=height)
    return maps.choropleth(status_areas(df, geometries, highlight), view=view, value_label="Status", height=height)


def status_legend(df: pl.DataFrame) -> list[maps.LegendItem]:
    """Legend entries for the status map, with the number of municipalities per status."""
    counts = dict(df.group_by("status").len().iter_rows())
    return [maps.LegendItem(colour, f"{status_label(s)} ({fmt_int(counts.get(s, 0))})")
            for s, colour in STATUS_COLOURS.items()]


def is_merged(r: Mapping) -> bool:
    """True for a round row computed from several former municipalities' answers (harmonised, with answers)."""
    return bool(r.get("harmonisert") and r.get("forgjengere"))


def status_word(r: Mapping) -> str:
    """A municipality's status in a round in words, lower case: 'ja, vedtatt', 'ukjent (ikke svart)'; a merged
    municipality's unknown is plain 'ukjent' (some of its former municipalities did answer)."""
    if (r["status"] or "ukjent") == "ukjent" and is_merged(r):
        return "ukjent"
    return status_label(r["status"]).lower()


def map_summary(df: pl.DataFrame, runde: int, highlight: str | None = None) -> str:
    """A text summary of the status map for screen readers and print."""
    counts = dict(df.group_by("status").len().iter_rows())
    parts = ", ".join(f"{status_label(s).lower()}: {fmt_int(counts.get(s, 0))}" for s in STATUS_ORDER)
    text = f"Kartet viser status for {fmt_int(df.height)} kommuner i runden {runde} ({parts})."
    if highlight:
        row = df.filter(pl.col("kommunenummer") == highlight)
        if row.height:
            r = row.row(0, named=True)
            text += f" {r['kommunenavn']} er markert med en oransje ring: {status_word(r)}."
    return text


def municipality_table(df: pl.DataFrame, *, full: bool = False) -> pl.DataFrame:
    """The status table under the map: kommunenavn, fylkesnavn, status (label), vedtaksaar.

    Earlier rounds add the predecessors' answers (`forgjengere`). With `full` (downloads) also the number,
    size group and the measures.
    """
    harmonised = df["harmonisert"].any() if df.height else False
    out = df.with_columns(map_strings(df["status"], status_label),
                          pl.col("forgjengere").alias("svar_fra_kommunene_i_runden"))
    cols = ["kommunenavn", "fylkesnavn", "status", "vedtaksaar"]
    if harmonised:
        cols.append("svar_fra_kommunene_i_runden")
    if not full:
        return out.select(cols)
    out = out.with_columns(pl.col("vedtaksaar").cast(pl.String))  # a year: no thousands spaces in Excel
    measures = {"koordinator": "koordinator", "frivillighetsraad": "frivillighetsråd",
                "samarbeidsplattform": "samarbeidsplattform", "gratis_lokaler": "gratis_lokaler",
                "tilskuddsordning": "tilskuddsordning"}
    out = out.with_columns(pl.col(m).cast(pl.String)
                           .replace_strict(MEASURE_ANSWERS, default=None, return_dtype=pl.String).alias(a)
                           for m, a in measures.items())
    return out.select("kommunenummer", *cols, "storrelsesgruppe", *measures.values(), "antall_frivilligsentraler")


# ---- measures -------------------------------------------------------------------------------------------

def measures_figure(df: pl.DataFrame, height: int | None = None) -> go.Figure:
    """Grouped horizontal bars: share with each measure, municipalities with and without a policy."""
    d = df.with_columns(
        map_strings(df["tiltak_navn"], lambda t: wrap(t, 22)).alias("_navn"),
        pl.col("har_politikk").cast(pl.String).alias("_gruppe"))
    counts = {k: int(v) for k, v in d.group_by("har_politikk").agg(pl.col("antall").max()).iter_rows()}
    labels = {str(k).lower(): f"{name} (n = {fmt_int(counts.get(k))})" for k, (name, _) in POLICY_GROUPS.items()}
    colours = {str(k).lower(): c for k, (_, c) in POLICY_GROUPS.items()}
    n = d["tiltak"].n_unique()
    fig = figures.bar_grouped(d, category="_navn", value="andel_ja", series="_gruppe", percent=True,
                              colours=colours, labels=labels, horizontal=True, order=["true", "false"],
                              value_title="Andel kommuner som svarte ja", height=height or 120 + 62 * n)
    fig.update_xaxes(range=[0, 1])
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
    return fig


def measures_table(df: pl.DataFrame) -> pl.DataFrame:
    """One row per measure: tiltak_navn, andel_med_politikk, andel_uten_politikk, and the counts."""
    def side(flag: bool, suffix: str) -> pl.DataFrame:
        return df.filter(pl.col("har_politikk") == flag).select(
            "tiltak", "tiltak_navn", pl.col("andel_ja").alias(f"andel_{suffix}"),
            pl.col("antall_ja").alias(f"{suffix}: ja"), pl.col("antall").alias(f"{suffix}: kommuner"))

    out = side(True, "med_politikk").join(side(False, "uten_politikk").drop("tiltak_navn"), on="tiltak",
                                           how="full", coalesce=True, maintain_order="left")
    out = out.select(pl.col("tiltak_navn").alias("tiltak"), "andel_med_politikk", "med_politikk: ja",
                     "med_politikk: kommuner", "andel_uten_politikk", "uten_politikk: ja", "uten_politikk: kommuner")
    return out


def measures_summary(df: pl.DataFrame, runde: int) -> str:
    """Which measures differ most between municipalities with and without a policy, in words."""
    t = measures_table(df)
    if t.is_empty():
        return "Ingen svar om tiltak i denne runden."
    t = t.with_columns((pl.col("andel_med_politikk") - pl.col("andel_uten_politikk")).alias("_gap"))
    big = t.sort("_gap", descending=True).row(0, named=True)
    small = t.sort("_gap").row(0, named=True)
    more = int((t["_gap"] > 0).sum())
    which = ("alle" if more == t.height else f"{fmt_int(more)} av {fmt_int(t.height)}") + " tiltakene"
    return (f"I {runde} var {which} vanligere i kommuner med vedtatt frivillighetspolitikk enn i kommuner uten. "
            "Størst er "
            f"forskjellen for {big['tiltak'].lower()}: {fmt_pct(big['andel_med_politikk'], 0)} mot "
            f"{fmt_pct(big['andel_uten_politikk'], 0)}. Minst er den for {small['tiltak'].lower()} "
            f"({fmt_pct(small['andel_med_politikk'], 0)} mot {fmt_pct(small['andel_uten_politikk'], 0)}). "
            "Sammenhengen sier ikke hva som er årsak og virkning.")


# ---- one municipality -----------------------------------------------------------------------------------

def municipality_text(rounds: pl.DataFrame, group: Mapping | None, runde: int) -> str:
    """What the page says about the chosen municipality: status in the round, in every round, and its size group."""
    if rounds.is_empty():
        return "Ingen svar fra denne kommunen."
    name = rounds["kommunenavn"][0]
    now = rounds.filter(pl.col("runde") == runde)
    lines = []
    if now.height:
        r = now.row(0, named=True)
        status = r["status"] or "ukjent"
        merged = is_merged(r)
        if status == "ja":
            # 'vedtok … i 2024' when adopted in the round's year, else 'hadde i 2024 (vedtatt 2019)'
            if r["vedtaksaar"] and int(r["vedtaksaar"]) == int(runde):
                lines.append(f"**{name}** vedtok frivillighetspolitikk i {runde}.")
            else:
                year = f" (vedtatt {r['vedtaksaar']})" if r["vedtaksaar"] else ""
                lines.append(f"**{name}** hadde vedtatt frivillighetspolitikk i {runde}{year}.")
        elif status == "ukjent" and merged:
            lines.append(f"**{name}** har ukjent status i {runde}: ikke alle kommunene som i dag er {name}, svarte, "
                         "og ingen av dem svarte ja eller under arbeid. Ukjent betyr ikke «nei».")
        elif status == "ukjent":
            lines.append(f"**{name}** svarte ikke på spørsmålet i {runde}. Status er ukjent – det betyr ikke «nei».")
        elif merged:
            lines.append(f"**{name}** har status «{status_label(status).lower()}» i {runde}, regnet ut fra svarene "
                         f"til kommunene som i dag er {name}.")
        else:
            lines.append(f"**{name}** svarte «{status_label(status).lower()}» i {runde}.")
        if merged:
            lines.append(f"Runden brukte kommunene slik de var da. Svar fra kommunene som i dag er {name}: "
                         f"{r['forgjengere']}.")
    history = " · ".join(f"{x['runde']}: {status_word(x)}" for x in rounds.iter_rows(named=True))
    lines.append(f"Alle runder (dagens kommuneinndeling): {history}.")
    if group:
        lines.append(f"Lignende kommuner: blant {size_group_words(group['navn'])} hadde "
                     f"{_share_of(group['ja'], group['antall_kommuner'])} ({fmt_pct(group['andel_ja_alle'])}) "
                     f"vedtatt politikk i {runde}.")
    return "\n\n".join(lines)


def similar_with_policy(df: pl.DataFrame, kommunenummer: str) -> pl.DataFrame:
    """Municipalities in the same size group as the chosen one that had a policy in the round, with measures."""
    me = df.filter(pl.col("kommunenummer") == kommunenummer)
    if me.is_empty():
        return municipality_table(df.clear(), full=True)
    group = me["storrelsesgruppe_kode"][0]
    same = df.filter((pl.col("storrelsesgruppe_kode") == group) & (pl.col("status") == "ja")
                     & (pl.col("kommunenummer") != kommunenummer))
    return municipality_table(same, full=True).drop("status", "storrelsesgruppe", "svar_fra_kommunene_i_runden",
                                                    strict=False)


def similar_label(aar: int, similar: pl.DataFrame) -> str:
    """The heading of the list from similar_with_policy: the chosen municipality is not in it ('andre')."""
    n = similar.height
    return f"{fmt_int(n)} {'annen kommune' if n == 1 else 'andre kommuner'} av samme størrelse med vedtatt politikk i {aar}"


# ---- messages about invalid URL values -------------------------------------------------------------------

def _shown(raw: str) -> str:
    """A URL value safe to echo in Markdown (letters, digits, spaces and dashes only), else a neutral word."""
    return f"«{raw}»" if re.fullmatch(r"[0-9A-Za-zÆØÅæøå \-]{1,20}", raw) else "verdien i lenken"


def invalid_round_message(raw: str, rounds: list[str]) -> str:
    """The friendly message for an `aar` that is not a survey round."""
    return (f"{_shown(raw)} er ikke en runde av kommuneundersøkelsen. Rundene er {', '.join(rounds[:-1])} og "
            f"{rounds[-1]}. Viser den siste runden, {rounds[-1]}.")


def chooser_labels(kommuner: pl.DataFrame) -> dict[str, str]:
    """Number → the municipality's official name as in running text ('Rosse – Røros'), for the picker: either
    language finds it."""
    return {k: official_name(v) for k, v in kommuner.select("kommunenummer", "kommunenavn").iter_rows()}


def single_successor(former: pl.DataFrame) -> str | None:
    """The one municipality a former number lies in today (None when unknown or split between several)."""
    codes = former["kommunenummer_2024"].unique().to_list() if former.height else []
    return codes[0] if len(codes) == 1 else None


def replaced_municipality_message(raw: str, former: pl.DataFrame) -> str:
    """The note when a former number from the URL is shown as today's municipality (single successor)."""
    r = former.row(0, named=True)
    return (f"Kommunenummer {_shown(raw)} ({r['navn']}) gjelder ikke lenger. Viser {r['kommunenummer_2024']} "
            f"{r['kommunenavn_2024']}, der kommunen ligger i dag.")


def invalid_municipality_message(raw: str, former: pl.DataFrame) -> str:
    """The friendly message for a `kommune` that is not a municipality today (naming its successor if known)."""
    if former.height:
        r = former.row(0, named=True)
        now = ", ".join(f"{x['kommunenummer_2024']} {x['kommunenavn_2024']}" for x in former.iter_rows(named=True))
        return (f"Kommunenummer {_shown(raw)} ({r['navn']}) gjelder ikke lenger. I dag ligger kommunen i {now}. "
                "Velg kommunen i listen for å markere den.")
    return f"Fant ingen kommune med nummer {_shown(raw)}. Velg kommunen i listen for å markere den."


def method_note(first: Mapping) -> str:
    """The short methodology note; `first` is the headline row of the first round (own and today's borders)."""
    return f"""\
- **Egenrapportert.** Kommuneundersøkelsen spør kommunene selv om de har vedtatt en frivillighetspolitikk og
  hvilke tiltak de har. Svarene er ikke kontrollert mot politiske vedtak. **I denne versjonen av dashbordet er
  undersøkelsen syntetiske testdata** i det offisielle formatet, kalibrert slik at antallet «ja» stemmer med
  Frivillighet Norges publiserte tall.
- **Ikke svart er ikke «nei».** En kommune som ikke har svart, er ført som «ukjent (ikke svart)» og vises i
  grått. Andelen med politikk vises både av alle kommuner (de som ikke svarte, teller som «ikke ja») og av
  kommunene som svarte, med svarprosenten ved siden av. Den sanne andelen ligger trolig mellom de to.
- **Tidligere runder i dagens kommuner.** Hver runde bruker kommunene slik de var det året. For å kunne
  sammenligne er svarene også regnet om til dagens 357 kommuner: en kommune har politikk hvis **minst én** av
  kommunene den består av svarte ja; ellers «under arbeid» hvis én av dem svarte det; ellers «ukjent» hvis én av
  dem ikke svarte; ellers «vet ikke» hvis én svarte det; og «nei» bare når alle svarte nei. Derfor er tallet
  for {first['runde']} lavere i dagens inndeling ({_share_of(first['ja'], first['antall_kommuner'])}) enn i
  rundens egen ({_share_of(first['runde_ja'], first['runde_antall_kommuner'])}): flere sammenslåtte kommuner
  med politikk teller som én.
- **Andelen av befolkningen** er folketallet 1. januar i kommunene med politikk, delt på landets. Folketallene
  gjelder dagens kommuner; for en sammenslått kommune der bare noen av de gamle kommunene hadde politikk, vet vi
  ikke hvor mange som bodde i de delene. For slike runder vises andelen derfor som et spenn: fra kommunene der
  alle de gamle kommunene hadde politikk, til kommunene der minst én hadde det.
- **Publiserte tall** er Frivillighet Norges egne opptellinger, med kilde for hvert tall. De er laget på andre
  tidspunkt og på en annen måte enn undersøkelsen, og vises derfor som egne punkter (ruter), ikke som en
  fortsettelse av linjene. Fylketabellen fra juli 2024 er gjengitt slik den ble publisert.
- **Tiltakene** er telt blant kommunene som svarte på spørsmålet om politikk, i kommuneinndelingen i rundens år.
  At kommuner med politikk oftere har et tiltak, sier ikke hva som er årsak og virkning.
"""


#: Table formats (components.table) for the share columns of this page's tables.
SHARE_FORMATS = {c: "pct" for c in ("andel", "andel_ja_alle", "andel_ja_svarte", "svarprosent", "andel_med_politikk",
                                    "andel_uten_politikk", "andel_publisert")}


def table_height(rows: int) -> int:
    """Pixel height that shows a table's header and all its rows without an inner scrollbar."""
    return 35 * (rows + 1) + 3
