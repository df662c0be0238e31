"""The overview's headline cards: latest value, change since the previous year or round, and a sparkline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.format import (
    SMALL_BASE,
    and_list,
    fmt_change,
    fmt_date,
    fmt_int,
    fmt_nok_short,
    fmt_num,
    fmt_pct,
    fmt_period,
    map_strings,
    round_half_up,
)
from dashboard.queries_tilskudd import PUBLISHERS, status_of


@dataclass(frozen=True)
class Card:
    """One headline figure: `delta` is a change over time (shown with an arrow), `comparison` a value beside it."""

    label: str
    value: str
    delta: str | None
    spark: list[float]
    help: str
    delta_color: str = "normal"  # "off": grey, for a change that is not an official figure
    #: a value to compare with, not a change ('Hele landet: 146 kr'): shown as plain text, without an arrow
    comparison: str | None = None
    #: the index in `spark` of the card's year, marked with a dot (None: the last)
    spark_at: int | None = None


def _last_two(df: pl.DataFrame, col: str) -> tuple[dict, dict | None]:
    d = df.drop_nulls(col).sort("aar")
    last = d.row(-1, named=True)
    prev = d.row(-2, named=True) if d.height > 1 else None
    return last, prev


#: What the register's history is: Frivillighetsregisteret lists the organisations registered today, with the date
#: each was first registered; those deleted since are gone. Earlier years are counted from that date.
_DELETED = "Organisasjoner som er slettet fra registeret siden, er ikke med: registeret har ingen historikk"
REGISTER_HISTORY = ("Tallene for tidligere år er dagens organisasjoner, talt fra året de ble registrert. "
                    f"{_DELETED}, så antallet tidligere år er for lavt, og veksten ser større ut enn den var.")
#: The same for a share of the registered organisations over time (grasrot recipients): its base is too low in
#: earlier years, the share too high, and the fall steeper than it was.
SHARE_HISTORY = ("De registrerte organisasjonene (nevneren) er dagens organisasjoner, talt fra året de ble "
                 f"registrert. {_DELETED}, så nevneren er for lav tidligere år, andelen for høy, og nedgangen ser "
                 "større ut enn den var.")


def org_cards(orgs: pl.DataFrame, snapshot: str | None) -> list[Card]:
    """Cards for registered organisations (the change: those registered in the last year) and organisations per
    1 000 inhabitants."""
    last, prev = _last_two(orgs, "antall")
    as_of = f"per {fmt_date(snapshot)}" if snapshot else str(last["aar"])
    until = partial_year(snapshot, last["aar"])
    so_far = f" fram til {until}{last['aar']}" if until else ""
    delta = (f"{fmt_change(last['antall'] - prev['antall'])} nye i {last['aar']}"
             + (f" (til {until})" if until else "")) if prev else None
    per_last, per_prev = _last_two(orgs, "per_1000")
    # the change of the values as shown (12,9 and 12,7: +0,2), not of the unrounded ones (+0,3)
    per_delta = (f"{fmt_change(round_half_up(per_last['per_1000'], 1) - round_half_up(per_prev['per_1000'], 1), 1)}"
                 f" siden {per_prev['aar']}" if per_prev else None)
    return [
        Card("Registrerte organisasjoner", fmt_int(last["antall"]), delta,
             [float(v) for v in orgs["antall"].to_list()],
             f"Organisasjoner i Frivillighetsregisteret {as_of}. Endringen er organisasjonene som ble registrert i "
             f"{last['aar']}{so_far} og fortsatt er med. Trenden viser hvor mange av dagens organisasjoner som var registrert "
             "ved hvert årsskifte siden registeret åpnet i 2009; slettede organisasjoner er ikke med."),
        Card("Per 1\u00a0000 innbyggere", fmt_num(per_last["per_1000"], 1), per_delta,
             [float(v) for v in orgs["per_1000"].to_list()],
             "Registrerte organisasjoner per 1\u00a0000 innbyggere (folketall 1. januar året etter). For tidligere år: "
             "dagens organisasjoner etter året de ble registrert (slettede er ikke med)."),
    ]


def partial_year(snapshot: str | None, year: int) -> str | None:
    """'30.9.' when the register's snapshot ends `year` before its last day, else None."""
    if not snapshot:
        return None
    day = dt.date.fromisoformat(snapshot[:10])
    return f"{day.day}.{day.month}." if day.year == year and (day.month, day.day) != (12, 31) else None


def describe_register(orgs: pl.DataFrame, snapshot: str | None) -> str:
    """'Av de 72 800 organisasjonene i registeret per 30. september 2025 var 17 165 registrert ved utgangen av
    2009.': the register's series said as what it is (today's organisations by year of registration)."""
    d = orgs.drop_nulls("antall").sort("aar")
    if d.height == 0:
        return "Ingen tall for registrerte organisasjoner."
    first, last = d.row(0, named=True), d.row(-1, named=True)
    as_of = f"per {fmt_date(snapshot)}" if snapshot else f"i {last['aar']}"
    text = f"Det er {fmt_int(last['antall'])} organisasjoner i registeret {as_of}."
    if d.height > 1:
        text = (f"Av de {fmt_int(last['antall'])} organisasjonene i registeret {as_of} var "
                f"{fmt_int(first['antall'])} registrert ved utgangen av {first['aar']}.")
    return text


def policy_card(rounds: pl.DataFrame) -> Card:
    """Card for municipalities with an adopted volunteer policy in the latest survey round."""
    last, prev = _last_two(rounds, "ja")
    delta = f"{fmt_change(last['ja'] - prev['ja'])} kommuner siden {prev['aar']}" if prev else None
    return Card(f"Kommuner med politikk {last['aar']}",
                f"{fmt_int(last['ja'])} av {fmt_int(last['antall_kommuner'])}",
                delta, [float(v) for v in rounds["andel_ja_alle"].to_list()],
                f"Kommuner som har vedtatt en lokal frivillighetspolitikk ({fmt_pct(last['andel_ja_alle'], 0)} av alle), "
                f"etter kommuneundersøkelsen {last['aar']}. "
                f"{fmt_pct(last['svarprosent'], 0)} svarte; kommuner som ikke svarte telles ikke som nei.")


def grasrot_card(grasrot: pl.DataFrame, totals: pl.DataFrame | None = None) -> Card:
    """Card for grasrotandelen paid out in the latest year; `totals` (queries_tilskudd.totals) says whether that
    year's national total is published: if not, the change line says so ('· landstall ikke publisert')."""
    last, prev = _last_two(grasrot, "belop")
    change = (last["belop"] - prev["belop"]) / prev["belop"] if prev and prev["belop"] else None
    delta = f"{fmt_change(change * 100, 1)}\u00a0% fra {prev['aar']}" if change is not None else None
    status = status_of(totals, last["aar"]) if totals is not None else None
    help_text = f"Utbetalt til {fmt_int(last['mottakere'])} mottakere i {last['aar']}."
    official = status is None or status.startswith("publisert")
    if not official:
        delta = (f"{delta} · " if delta else "") + "landstall ikke publisert"
        help_text += (f" Norsk Tipping har ikke publisert et landstall for {last['aar']}: tallet her er summen av "
                      "mottakerlistene, ikke et offisielt landstall. Se fanen «Landstall» på siden Tilskudd.")
    return Card(f"Grasrotandelen {last['aar']}", fmt_nok_short(last["belop"]), delta,
                [float(v) for v in grasrot["belop"].to_list()], help_text, "normal" if official else "off")


def unofficial_years(totals: pl.DataFrame, column: str = "status") -> list[int]:
    """The years whose national total is not published, from queries_tilskudd.totals: of the amount paid (status
    'interpolert' or 'antatt'), or with column 'status_søkt' of the amount applied for (also 'avledet': derived,
    and 'ikke oppgitt': the source does not give it)."""
    if column not in totals.columns:
        return []
    return sorted(int(y) for y, s in totals.select("aar", column).iter_rows()
                  if s is not None and not str(s).startswith("publisert"))


#: What the status of the amount applied for means, in words (queries_tilskudd.totals `status_søkt`).
APPLIED_STATUS = {
    "publisert": "Publisert",
    "avledet": "Regnet ut, ikke publisert",
    "ikke oppgitt": "Ikke oppgitt i kilden",
    "interpolert": "Ikke publisert (anslag mellom to år)",
    "antatt": "Ikke publisert (anslag)",
}


def with_status(series: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """A yearly series (aar, …) with the status of each year's national total in words ('Publisert', 'Ikke
    publisert (anslag)'), for its download: of the amount paid, and (momskompensasjon) of the amount applied for."""
    from dashboard.tilskudd import STATUS_TEXT  # here: dashboard.tilskudd imports this module (Card)

    cols = [pl.col("status").replace_strict({k: v[0] for k, v in STATUS_TEXT.items()}, default=pl.col("status"))
            .alias("status_landstall")]
    if "status_søkt" in totals.columns and totals["status_søkt"].drop_nulls().len():
        cols.append(pl.col("status_søkt").replace_strict(APPLIED_STATUS, default=pl.col("status_søkt"))
                    .alias("status_søkt"))
    return series.join(totals.select("aar", *cols), on="aar", how="left")


def moms_download(moms: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """The overview's momskompensasjon per year for its table and download: amounts, applicants paid (not
    organisations: sentralledd apply for their local branches), the Oslo share, and the status of each year's
    amount paid and applied for."""
    return with_status(moms.select("aar", "sokt", "utbetalt", pl.col("mottakere").alias("søkere_utbetalt"),
                                   "andel_oslo"), totals)


def unofficial_note(years: list[int], scheme: str, applied: list[int] | None = None,
                    totals: pl.DataFrame | None = None) -> str | None:
    """The note under a chart of national totals per year whose unofficial years are hatched (None when every
    year is published): who has not published them, and what the bars of those years are instead; `applied`, the
    years whose amount applied for is not published although the amount paid is (`totals` says why: derived, or
    not given by the source)."""
    extra = sorted(set(applied or ()) - set(years))
    if not years and not extra:
        return None
    parts = []
    if years:
        parts.append(f"{PUBLISHERS[scheme]} har ikke publisert et landstall for {and_list([str(y) for y in years])}.")
    if extra:
        why = dict(totals.select("aar", "status_søkt").iter_rows()) if totals is not None else {}
        said = {"avledet": " (bare regnet ut)", "ikke oppgitt": " (ikke oppgitt i kilden)"}
        years_why = [str(y) + said.get(why.get(y), "") for y in extra]
        parts.append(f"Søkt beløp er ikke publisert for {and_list(years_why)}.")
    return ("Skraverte stolper: " + " ".join(parts) + " Tallene for de stolpene er regnet ut fra mottakerlistene og "
            "er ikke offisielle landstall.")


def since_last_build(changes: pl.DataFrame) -> str:
    """What changed in the headline figures since the previous build, as one Norwegian sentence."""
    if changes.is_empty() or changes["forrige_bygd"].null_count() == changes.height:
        return ("Endringene i kortene er fra året før (for frivillighetspolitikken: fra forrige runde av "
                "kommuneundersøkelsen). Tallene er lagt inn for første gang; etter neste oppdatering står det her "
                "hva som er endret i nøkkeltallene.")
    when = fmt_date(changes["forrige_bygd"].drop_nulls()[0])
    moved = changes.filter((pl.col("endring").fill_null(1) != 0) | (pl.col("aar") != pl.col("forrige_aar")))
    if moved.is_empty():
        return f"Ingen endringer i nøkkeltallene siden forrige oppdatering ({when})."
    parts = []
    for r in moved.iter_rows(named=True):
        money = r["nokkel"].endswith(("belop", "utbetalt"))
        value = fmt_nok_short(r["verdi"]) if money else fmt_num(r["verdi"], 2 if r["nokkel"] == "per_1000" else 0)
        if r["forrige_verdi"] is None:
            parts.append(f"{r['navn']}: {value} (ny)")
        elif r["aar"] != r["forrige_aar"]:
            parts.append(f"{r['navn']}: {value} for {r['aar']} (før: {r['forrige_aar']})")
        else:
            delta = fmt_nok_short(r["endring"]) if money else fmt_change(r["endring"], 2 if r["nokkel"] == "per_1000" else 0)
            parts.append(f"{r['navn']}: {value} ({delta})")
    return f"Endret siden forrige oppdatering ({when}): " + "; ".join(parts) + "."


def latest_years(orgs: pl.DataFrame, rounds: pl.DataFrame, grasrot: pl.DataFrame) -> tuple[int, int, int]:
    """The newest year of the register series, the survey rounds and grasrotandelen."""
    return int(orgs["aar"].max()), int(rounds["aar"].max()), int(grasrot["aar"].max())


def county_intro(org_year: int, policy_round: int, grasrot_year: int) -> str:
    """The sentence above the county table, naming the year of each column."""
    return (f"Organisasjoner per 1\u00a0000 innbyggere ({org_year}), andel kommuner med frivillighetspolitikk "
            f"({policy_round}) og grasrotandel per innbygger ({grasrot_year}). Andelen med politikk er av alle "
            "kommunene i fylket: en kommune som ikke svarte på undersøkelsen, er med i nevneren, men ikke regnet "
            "som «nei». Klikk på en kolonne for å sortere.")


@dataclass(frozen=True)
class CountyTable:
    """The county table for the screen: its data, column formats, the counts behind the policy share (a county
    of few municipalities shows '6 av 6', components.styled) and the note saying so (None: no such county)."""

    data: pl.DataFrame
    formats: dict[str, str]
    counts: dict[str, tuple[list[int | None], list[int | None]]]
    note: str | None


def county_table(counties: pl.DataFrame, years: tuple[int, int, int]) -> CountyTable:
    """The county table for the screen and its column formats, narrow enough not to scroll sideways at desktop
    width: the three figures the intro names first, each header with its year (on a phone they show before the
    table scrolls), then the context; the county number and the count of municipalities with a policy are left
    out (the share is shown, as a count where the county has few municipalities; the download has both). The
    population is the one the organisations are divided by, so a reader can redo the division. Counties by their
    short names, as in the charts."""
    org_year, policy_round, grasrot_year = years
    names = {"per_1000": f"Per 1\u00a0000 innbyggere {org_year}",
             "andel_politikk": f"Kommuner med politikk {policy_round}",
             "grasrot_kr_per_innbygger": f"Grasrot, kr per innbygger {grasrot_year}",
             "organisasjoner": f"Organisasjoner {org_year}"}
    year = counties["folketall_aar"].max()
    table = counties.select(pl.col("fylkesnavn_kort").alias("fylkesnavn"),
                            *[pl.col(c).alias(n) for c, n in names.items()],
                            pl.col("folketall").alias(f"Folketall 1.1.{year}"), "antall_kommuner")
    formats = {names["per_1000"]: "num1", names["andel_politikk"]: "pct0", names["grasrot_kr_per_innbygger"]: "num0",
               names["organisasjoner"]: "num0"}
    counts = {names["andel_politikk"]: (counties["kommuner_med_politikk"].to_list(),
                                        counties["antall_kommuner"].to_list())}
    return CountyTable(table, formats, counts, county_small_base_note(counties))


def county_small_base_note(counties: pl.DataFrame) -> str | None:
    """The note under the county table when a county has fewer than SMALL_BASE municipalities (Oslo has one): its
    share with a policy is shown as a count, as one municipality moves it by 100 / n points; None if none has."""
    few = (counties.filter(pl.col("antall_kommuner") < SMALL_BASE, pl.col("kommuner_med_politikk").is_not_null())
           .sort("antall_kommuner", "fylkesnavn_kort"))
    if few.is_empty():
        return None
    named = [f"{n} ({'én kommune' if k == 1 else fmt_int(k)})"
             for n, k in zip(few["fylkesnavn_kort"], few["antall_kommuner"], strict=True)]
    largest, smallest = 100 / few["antall_kommuner"].max(), 100 / few["antall_kommuner"].min()
    step = fmt_num(largest) if round(largest) == round(smallest) else f"{fmt_num(largest)}–{fmt_num(smallest)}"
    return (f"Andelen med politikk er vist med antallet kommuner, i grått, der fylket har færre enn {SMALL_BASE}: "
            f"{and_list(named)}. Der flytter én kommune andelen med {step} prosentpoeng.")


def county_download(counties: pl.DataFrame) -> pl.DataFrame:
    """The county table's download: every figure with its year, and the population the figures per 1 000 divide
    by (and its year), not a second population of another year beside it. Counties by the names on the screen
    (the short form, 'Trøndelag'), beside their numbers."""
    if "fylkesnavn_kort" in counties.columns:
        counties = counties.with_columns(pl.col("fylkesnavn_kort").alias("fylkesnavn"))
    return counties.drop("folketall_2024", "fylkesnavn_kort", strict=False)


#: What each kind of point in the policy time series is, in words (table and download headers).
TIMELINE_KINDS = {
    "undersokelse_runde": "Kommuneundersøkelsen (kommunene slik de var i rundens år)",
    "undersokelse_2024_grenser": "Kommuneundersøkelsen (omregnet til dagens 357 kommuner)",
    "publisert": "Publisert (Frivillighet Norge)",
}


def timeline_table(timeline: pl.DataFrame) -> pl.DataFrame:
    """The policy time series (`queries.policy_timeline`) as a table: periode ('juli 2019'), serie (in words),
    kommuner_med_politikk, antall_kommuner, andel, kilde, merknad."""
    return timeline.select(
        map_strings(timeline["per"], fmt_period).alias("periode"),
        pl.col("kilde_type").replace_strict(TIMELINE_KINDS, default=pl.col("kilde_type"), return_dtype=pl.String)
        .alias("serie"),
        "kommuner_med_politikk", "antall_kommuner", "andel", "kilde", "merknad",
    )
