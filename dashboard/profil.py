"""The municipality profile: which municipality a URL or search means, and everything the page says about it.

No Streamlit here: the page (pages/kommuneprofil.py) renders what these functions return.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import polars as pl
import segno
import streamlit as st

from dashboard import db, figures_profil, queries, queries_profil
from dashboard.format import (
    SMALL_BASE,
    and_list,
    fmt_change,
    fmt_date,
    fmt_int,
    fmt_nok_short,
    fmt_num,
    fmt_orgnr,
    fmt_pct,
    fmt_value,
    md_escape,
    nobreak,
    official_name,
    register_case,
    size_group_words,
)
from dashboard.labels import APP_TITLE
from dashboard.oversikt import SHARE_HISTORY
from dashboard.theme import STATUS_LABELS

PAGE_PATH = "kommuneprofil"
#: Beside the "Skriv ut" button: what prints, and the way without the button, on a computer and on a touch device.
PRINT_HINT = ("Profilen skrives ut på ett A4-ark, med lenke og QR-kode tilbake hit. Du kan også bruke nettleserens "
              "utskrift: Ctrl + P (⌘ + P på Mac), eller Del-menyen og «Skriv ut» på nettbrett og mobil.")
MEASURES = {
    "koordinator": "frivillighetskoordinator",
    "frivillighetsraad": "frivillighetsråd eller -forum",
    "samarbeidsplattform": "lokal samarbeidsplattform med frivilligheten",
    "gratis_lokaler": "gratis lokaler for lag og foreninger",
    "tilskuddsordning": "tilskuddsordning for lag og foreninger",
}
ANSWERS = {"ja": "Ja", "nei": "Nei", "delvis": "Delvis", "vet_ikke": "Vet ikke", "under_arbeid": "Under arbeid",
           "ukjent": "Ikke svart", None: "Ikke svart"}


# ---- which municipality -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Resolution:
    """What a `kommune` value from a URL or a search leads to."""

    code: str | None
    note: str | None = None
    alternatives: tuple[tuple[str, str], ...] = ()
    message: str | None = None


def normalise_code(raw: str) -> str | None:
    """'301' → '0301', '1508' → '1508'; None when the text is not 1–4 digits."""
    s = raw.strip()
    return s.zfill(4) if re.fullmatch(r"\d{1,4}", s) else None


def resolve(raw: str | None, known: Mapping[str, str]) -> Resolution:
    """A URL value → today's municipality: a 2024 number as it is; an old number or an exact (old) name to
    today's municipality with the largest share, other successors as alternatives and the note on the change;
    anything else → a friendly message."""
    if raw is None or not raw.strip():
        return Resolution(None)
    code = normalise_code(raw)
    if code in known:
        return Resolution(code)
    if code is None and not re.fullmatch(r"[\w .'\-]{2,40}", raw.strip()):
        return Resolution(None, message="Lenken inneholder ikke et gyldig kommunenummer. Velg en kommune i lista.")
    hits = queries_profil.search(code or raw)
    exact = hits.filter(pl.col("rang").is_in([0, 2] if code else [1, 3]))
    if exact.is_empty():
        what = f"nummer «{md_escape(raw, 12)}»" if code else f"navnet «{md_escape(raw, 40)}»"
        return Resolution(None, message=f"Fant ingen kommune med {what}. Velg en kommune i lista, eller søk "
                                        "på navn eller nummer, også gamle.")
    return _from_hits(exact, asked=raw)


def search(text: str, known: Mapping[str, str]) -> Resolution:
    """Free-text search (name or number, also old ones) → the best match, the others as alternatives."""
    text = text.strip()
    if not text:
        return Resolution(None)
    code = normalise_code(text)
    if code in known:
        return Resolution(code)
    hits = queries_profil.search(code or text[:40])
    if hits.is_empty():
        return Resolution(None, message=f"Fant ingen kommune som passer «{md_escape(text, 40)}». Prøv et annet "
                                        "navn eller et kommunenummer.")
    return _from_hits(hits, asked=text)


def _from_hits(hits: pl.DataFrame, asked: str) -> Resolution:
    """The best hit as today's municipality; a note when it was found by a former number or name."""
    best = hits.row(0, named=True)
    others = tuple((r["kommunenummer"], r["kommunenavn_kort"]) for r in hits.slice(1, 8).iter_rows(named=True))
    # the notes on mergers and splits carry the names as registered: written as in running text (en dash)
    merknad = md_escape(official_name(best["merknad"])) if best["merknad"] else ""
    if best["rang"] == 2:
        code = normalise_code(asked) or asked
        old = queries.kommune_lookup(code).row(0, named=True)
        note = (f"Kommunenummer {code} var {md_escape(official_name(old['navn']))} ({validity(old)}) "
                f"og er ikke i bruk lenger. {merknad}")
    elif best["rang"] == 3:
        note = f"«{md_escape(asked, 40)}» er et tidligere kommunenavn. {merknad}"
    elif best["rang"] >= 4 and best["treff"]:
        note = f"Treff på tidligere kommuner: {md_escape(official_name(best['treff']))}."
    else:
        note = ""
    if others and best["rang"] in (2, 3) and best["vekt"] < 1:  # a divided municipality: which part is shown
        shown = f"Viser {md_escape(best['kommunenavn_kort'])} ({best['kommunenummer']})"
        tied = hits.slice(1).filter((pl.col("rang") == best["rang"]) & (pl.col("vekt") == best["vekt"]))
        if tied.height:  # 'the largest part' would not be true
            note += f" {shown}, som fikk en like stor del som {md_escape(and_list(tied['kommunenavn_kort'].to_list()))}."
        else:
            note += f" {shown}, som fikk den største delen."
    return Resolution(best["kommunenummer"], note=note.strip() or None, alternatives=others)


def known_municipalities() -> dict[str, str]:
    """Today's 357 municipalities: number → name."""
    return dict(queries.kommuner().select("kommunenummer", "kommunenavn").iter_rows())


def option_label(known: Mapping[str, str]):
    """The picker's label for a number: 'Ålesund (1508)', 'Rosse – Røros (5025)' (the official name, as the
    page's title writes it: either language finds it)."""
    return lambda code: f"{official_name(known.get(code, code))} ({code})"


# ---- the profile -----------------------------------------------------------------------------------------

@dataclass
class Profile:
    """Everything the profile shows about one municipality (data only)."""

    code: str
    info: dict
    key: pl.DataFrame
    rounds: pl.DataFrame
    shares: dict
    categories: pl.DataFrame
    grasrot: pl.DataFrame
    orgs: pl.DataFrame
    centres: pl.DataFrame
    history: pl.DataFrame
    snapshot: str | None = None
    splits: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def name(self) -> str:
        """The short name ('Trondheim', not 'Trondheim - Tråante')."""
        return self.info["kommunenavn_kort"]

    @property
    def full_name(self) -> str:
        """The official name ('Trondheim – Tråante'), its two languages joined by an en dash."""
        return official_name(self.info["kommunenavn"])

    @property
    def county_full_name(self) -> str:
        """The county's official name ('Trøndelag – Trööndelage')."""
        return official_name(self.info["fylkesnavn"])

    @property
    def own_county(self) -> bool:
        """True where the municipality is its county too (Oslo): the county's figures are the municipality's."""
        return self.info.get("fylke_antall_kommuner") == 1

    @property
    def county(self) -> str | None:
        """The county's short name to compare with; None where the municipality is its county (Oslo), so that no
        column or bar repeats the municipality's own figures."""
        return None if self.own_county else self.info["fylkesnavn_kort"]

    def key_row(self, indikator: str) -> dict | None:
        """One key-figure row by indicator key."""
        d = self.key.filter(pl.col("indikator") == indikator)
        return d.row(0, named=True) if d.height else None


def load(code: str) -> Profile:
    """Query everything the profile needs for a (valid, 2024) municipality number."""
    info = queries_profil.kommune(code)
    if info is None:
        raise ValueError(f"ukjent kommune: {code!r}")
    rounds = queries_profil.policy_rounds(code)
    latest = int(rounds["runde"].max()) if rounds.height else None
    return Profile(
        code=code, info=info, key=queries_profil.key_figures(code), rounds=rounds,
        shares=queries_profil.policy_shares(code, latest) if latest else {},
        categories=queries_profil.org_categories(code), grasrot=queries_profil.grasrot_compare(code),
        orgs=queries_profil.org_change(code), centres=queries_profil.volunteer_centres(code),
        history=queries_profil.history_notes(code), snapshot=queries.snapshot_date("frivillighetsregisteret"),
        splits=queries_profil.splits(code),
    )


def page_title(name: str | None) -> str:
    """The browser tab's title (also bookmarks, history and the default file name of a printed PDF):
    'Ålesund – Kommuneprofil – Frivillighetsstatistikk'; without a municipality 'Kommuneprofil – …'."""
    return " – ".join([*([name] if name else []), "Kommuneprofil", APP_TITLE])


def subtitle(p: Profile) -> str:
    """'Kommune i Møre og Romsdal · 68 309 innbyggere 1. januar 2026 · størrelsesgruppe 50 000 og over · nr. 1508':
    the latest population (the one the figures per 1 000 divide by); the size group is the one of 1.1.2024."""
    i = p.info
    people = (f"{fmt_int(i['folketall_siste'])} innbyggere 1. januar {i['folketall_siste_aar']}"
              if i.get("folketall_siste") is not None else f"{fmt_int(i['folketall_2024'])} innbyggere 1. januar 2024")
    where = "Kommune og fylke" if p.own_county else f"Kommune i {p.county_full_name}"
    return (f"{where} · {people} · størrelsesgruppe {nobreak(i['storrelsesgruppe'].lower())} "
            f"(etter folketallet 1. januar 2024) · kommunenummer {i['kommunenummer']}")


def similar_note(p: Profile) -> str:
    """What 'Lignende kommuner' in the key table means: the median of the size group (the share, for policy)."""
    text = (f"Lignende kommuner: medianen for de {p.info['gruppe_antall_kommuner']} "
            f"{size_group_words(p.info['storrelsesgruppe'])} (for frivillighetspolitikk: andelen av dem som har "
            "vedtatt).")
    if p.own_county:
        return (text + f" Landet: tallet for hele landet. {p.name} er både kommune og fylke, så fylkets tall er "
                "kommunens og står ikke i en egen kolonne.")
    return text + " Fylket og landet: tallet for hele fylket og hele landet."


def validity(r: Mapping) -> str:
    """When a former number was in use, as far as the loaded change lists tell: '2020–2023', or 'til og med 2019'
    for a number already in use when the lists begin (it did not begin in that year)."""
    if r["gyldig_fra"] <= queries.code_list_start():
        return f"til og med {r['gyldig_til']}"
    return f"{r['gyldig_fra']}–{r['gyldig_til']}"


def _span(first: int, last: int) -> str:
    """'til og med 2019' (a span from when the change lists begin: it may have begun earlier) or 'fra 2020 til
    2023'."""
    return f"til og med {last}" if first <= queries.code_list_start() else f"fra {first} til {last}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def history_note(p: Profile) -> str | None:
    """The former municipalities behind today's one, period by period, in plain sentences (or None): 'Narvik
    (1806) består av det som til og med 2019 var Narvik (1805), Ballangen (1854) og en del av Tysfjord (1850).'
    A municipality that only got a new number says so ('hadde tidligere kommunenummer 0137 (til og med 2019)
    og 3018 (2020–2023)'). Names are their Norwegian forms, as everywhere in running text."""
    h = p.history
    if h.is_empty():
        return None
    me = f"{p.name} ({p.code})"
    periods = list(h.group_by("gyldig_fra", "gyldig_til", maintain_order=True))
    if h["vekt"].min() == 1 and all(rows.height == 1 for _, rows in periods):  # new numbers or names only
        numbers = [f"{r['kode']} ({validity(r)})" for r in h.iter_rows(named=True) if r["kode"] != p.code]
        text = [f"{me} hadde tidligere kommunenummer {and_list(numbers)}."] if numbers else []
        for r in h.iter_rows(named=True):
            if r["navn_kort"].lower() != p.name.lower():
                when = _span(r["gyldig_fra"], r["gyldig_til"])
                text.append(f"{_capital(when)} het kommunen {r['navn_kort']}." if numbers else
                            f"{me} het {when} {r['navn_kort']}.")
        return " ".join(text) or None
    said = []
    for (first, last), rows in periods:
        parts = [("en del av " if r["vekt"] < 1 else "") + f"{r['navn_kort']} ({r['kode']})"
                 for r in rows.sort("vekt", descending=True, maintain_order=True).iter_rows(named=True)]
        said.append(f"{_span(first, last)} var {and_list(parts)}")
    text = f"{me} består av det som {', og '.join(said)}."
    for s in _splits(p):
        text += f" {s['navn_kort']} ({s['kode']}) ble delt i {s['delt_aar']} mellom {_parts(s, codes=True)}."
    return text


def _splits(p: Profile) -> list[dict]:
    """The former municipalities divided with a part in this one (queries_profil.splits), oldest first."""
    return list(p.splits.iter_rows(named=True)) if p.splits.height else []


def _parts(split: Mapping, *, codes: bool = False) -> str:
    """The municipalities a divided one became: 'Narvik og Hamarøy' ('Narvik (1806) og Hamarøy (1875)')."""
    return and_list([r["navn"] + (f" ({r['kommunenummer']})" if codes else "") for r in split["etterfolgere"]])


def split_event(p: Profile, split: Mapping) -> str:
    """What a division did to this municipality, the right way round, with the division's year from the data:
    'Fra 2020 fikk Narvik en del av Tysfjord (1850), som ble delt mellom Narvik og Hamarøy.' (it took over a part)
    or 'Fra 2020 til 2023 var Haram en del av Ålesund (1507), som ble delt i 2024 i Ålesund og Haram.' (it was a
    part of the divided municipality, and is one of what is left)."""
    old = f"{split['navn_kort']} ({split['kode']})"
    if split["var_del_av"]:
        when = _capital(_span(split["gyldig_fra"], split["gyldig_til"]))
        return f"{when} var {p.name} en del av {old}, som ble delt i {split['delt_aar']} i {_parts(split)}."
    return f"Fra {split['delt_aar']} fikk {p.name} en del av {old}, som ble delt mellom {_parts(split)}."


def split_note(p: Profile) -> str | None:
    """A caveat on the grasrot figures of the years before a division that gave this municipality a part (or None
    when there is no such division, or no figure from before it): what happened, how those years' figures were
    placed in today's municipality, and that they are not quite comparable with the later ones."""
    years = p.grasrot.filter(pl.col("nivaa") == "kommune")["aar"] if p.grasrot.height else pl.Series([], dtype=pl.Int32)
    first = years.min() if len(years) else None
    notes = []
    for s in _splits(p):
        if first is None or first >= s["delt_aar"]:
            continue  # every figure shown is from after the division
        year, old = s["delt_aar"], f"{s['navn_kort']} ({s['kode']})"
        text = split_event(p, s)
        if s["folketall_fordelt"]:
            text += (f" Folketallet før {year} er beregnet: {fmt_pct(s['vekt'], 0)} av folketallet i hele {old}, "
                     "den andelen kommunen fikk ved delingen.")
        where = p.name if s["plassert_i"] == p.code else s["plassert_i_navn"]
        text += (f" Grasrotmottakere som ikke finnes i registrene, og som står under {old} i filene fra "
                 f"før {year}, er talt med i {where}. Tallene før og etter {year} er derfor ikke helt "
                 "sammenlignbare.")
        notes.append(text)
    return " ".join(notes) if notes else None


def grasrot_note(p: Profile) -> str:
    """The note under the grasrot chart, whose table and download have the share of registered organisations
    that receive for every year: the register has no history (and the split caveat, if any)."""
    share = f"Andelen registrerte som mottar (i tabellen og nedlastingen): {SHARE_HISTORY}"
    split = split_note(p)
    return f"{split} {share}" if split else share


def _year_label(p: Profile, aar: int, indikator: str, *, short: bool = True) -> str:
    """The year of a figure; a register figure of the snapshot year is '30.9.2025' ('per 30. september 2025')."""
    if indikator.startswith("org") or indikator == "frivilligsentraler":
        last = p.orgs["aar"].max() if p.orgs.height else None
        if aar == last and p.snapshot:
            if not short:
                return f"per {fmt_date(p.snapshot)}"
            d = dt.date.fromisoformat(p.snapshot[:10])
            return f"{d.day}.{d.month}.{d.year}"
        return str(aar) if short else f"ved utgangen av {aar}"
    return str(aar)


def policy_sentence(p: Profile) -> str:
    """'Ålesund vedtok frivillighetspolitikk i 2024, ifølge kommuneundersøkelsen samme år.' (each year said once)
    and the measures the municipality reports."""
    if p.rounds.is_empty():
        return f"Vi har ingen svar fra {p.name} om frivillighetspolitikk."
    r = p.rounds.row(0, named=True)
    runde, name = r["runde"], p.name
    status = r["status"]
    if status == "ja" and r["vedtaksaar"] == runde:
        first = f"{name} vedtok frivillighetspolitikk i {runde}, ifølge kommuneundersøkelsen samme år."
    elif status == "ja" and r["vedtaksaar"]:
        first = f"{name} har frivillighetspolitikk, vedtatt i {r['vedtaksaar']}, ifølge kommuneundersøkelsen {runde}."
    elif status == "ja":
        first = f"{name} har vedtatt frivillighetspolitikk, ifølge kommuneundersøkelsen {runde}."
    elif status == "under_arbeid":
        first = f"{name} arbeider med en frivillighetspolitikk, men har ikke vedtatt den (kommuneundersøkelsen {runde})."
    elif status == "nei":
        first = f"{name} har ikke vedtatt frivillighetspolitikk (kommuneundersøkelsen {runde})."
    elif status == "vet_ikke":
        first = f"{name} svarte «vet ikke» på om kommunen har frivillighetspolitikk (kommuneundersøkelsen {runde})."
    else:
        first = (f"Vi vet ikke om {name} har frivillighetspolitikk: kommunen svarte ikke i kommuneundersøkelsen "
                 f"{runde}.")
    has = [MEASURES[m] for m in MEASURES if r[m] == "ja"]
    partly = [MEASURES[m] for m in MEASURES if r[m] == "delvis"]
    lacks = [MEASURES[m] for m in MEASURES if r[m] == "nei"]
    items = has + [f"delvis {m}" for m in partly]  # one list: "A, B og delvis C", never "A og B, delvis C"
    text = first
    if items:
        text += " Kommunen har " + and_list(items)
        text += (", men " + _neither(lacks) + ".") if lacks else "."
    elif lacks:
        text += " Kommunen har " + _neither(lacks) + "."
    return text


def _neither(items: list[str]) -> str:
    """'ikke A'; 'verken A eller B'; 'verken A, B eller C'."""
    return f"ikke {items[0]}" if len(items) == 1 else "verken " + ", ".join(items[:-1]) + " eller " + items[-1]


def sentences(p: Profile) -> list[str]:
    """Plain Norwegian sentences for the top of the profile: policy, volunteer centres, organisations, grasrot."""
    out = [policy_sentence(p)]
    n = p.centres.height
    survey = p.rounds.row(0, named=True)["antall_frivilligsentraler"] if p.rounds.height else None
    centre = ("Kommunen har ingen frivilligsentral i Frivillighetsregisteret" if n == 0 else
              f"Kommunen har {n} frivilligsentral{'er' if n != 1 else ''} i Frivillighetsregisteret")
    if survey is not None and survey != n:
        centre += f" (i kommuneundersøkelsen oppga kommunen {survey})"
    out.append(centre + ".")
    org = p.key_row("org_antall")
    per = p.key_row("org_per_1000")
    if org and per:
        out.append(f"Det er {fmt_int(org['kommune'])} registrerte frivillige organisasjoner i {p.name} "
                   f"{_year_label(p, org['aar'], 'org_antall', short=False)}: {fmt_num(per['kommune'], 1)} per 1\u00a0000 innbyggere, "
                   f"mot {fmt_num(per['land'], 1)} i hele landet og {fmt_num(per['median_gruppe'], 1)} i lignende "
                   "kommuner.")
    g = p.key_row("grasrot_kr_per_innbygger")
    own = p.grasrot.filter((pl.col("nivaa") == "kommune") & (pl.col("aar") == (g["aar"] if g else -1)))
    if g and own.height:
        out.append(f"Lag og foreninger i {p.name} fikk {fmt_nok_short(own['belop'][0])} i grasrotandel i "
                   f"{g['aar']}, {fmt_num(g['kommune'])}\u00a0kr per innbygger (landet: {fmt_num(g['land'])}\u00a0kr).")
    return out


#: A share in the key figures' download: a fraction, as in every other download (downloads.SHARE_NOTE).
SHARE_UNIT = "andel, 0–1 (1 = 100 %)"


def _of(k: int, n: int, what: str = "") -> str:
    """'2 av 3', '1 av 6 kommuner'."""
    return f"{fmt_int(k)} av {fmt_int(n)}" + (f" {what}" if what else "")


def _grasrot_base(p: Profile, aar: int) -> tuple[int, int] | None:
    """The municipality's grasrot recipients and registered organisations in a year (the share's numerator and
    base), when the base is small."""
    own = p.grasrot.filter((pl.col("nivaa") == "kommune") & (pl.col("aar") == aar))
    if own.is_empty() or own["registrerte"][0] is None or own["registrerte"][0] >= SMALL_BASE:
        return None
    return int(own["mottakere"][0] or 0), int(own["registrerte"][0])


def small_numbers_note(p: Profile) -> str | None:
    """A caveat under the key figures of a municipality with few organisations (Utsira: 4), or None."""
    org = p.key_row("org_antall")
    if not org or org["kommune"] is None or org["kommune"] >= SMALL_BASE:
        return None
    n = int(org["kommune"])
    people = p.info.get("folketall_siste") or p.info.get("folketall_2024")
    who = f"{fmt_int(n)} registrert{'e' if n != 1 else ''} organisasjon{'er' if n != 1 else ''}"
    if people:
        who += f" og {fmt_int(people)} innbyggere"
    return (f"Små tall: {p.name} har {who}, så én organisasjon mer eller mindre gir store utslag i andelene og "
            "tallene per innbygger.")


#: The key table's policy row: the municipality's own answer, and for the county, the country and similar
#: municipalities the share (or, of fewer than SMALL_BASE, the count) of their municipalities that have one.
POLICY_ROW = "Andel kommuner med vedtatt frivillighetspolitikk"
#: The municipality's policy status as a number in the download: unknown stays empty, never 'no'.
POLICY_CODE = {"ja": 1.0, "nei": 0.0, "under_arbeid": 0.0}


def key_table(p: Profile) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The key figures as a display table (text cells) and as a download table (first the municipality's and
    county's numbers, to join on; one unit per row in `enhet`; shares as fractions 0–1; 'lignende_kommuner_tall'
    says whether similar municipalities' figure is their median or, for the policy, the share that has one)."""
    rows, data = [], []
    ids = {"kommunenummer": p.code, "fylkesnummer": p.info["fylkesnummer"]}  # to join with other data
    for r in p.key.iter_rows(named=True):
        f = lambda v, r=r: fmt_value(v, r["enhet"], r["desimaler"])  # noqa: E731
        name = f"{figures_profil.SHORT_NAMES.get(r['indikator'], r['navn'])} ({_year_label(p, r['aar'], r['indikator'])})"
        own = f(r["kommune"])
        base = _grasrot_base(p, r["aar"]) if r["indikator"] == "grasrot_andel_mottar" else None
        if base and r["kommune"] is not None:
            own = f"{_of(*base)} ({fmt_pct(r['kommune'], 0)})"  # '2 av 3 (67 %)', not '66,7 %'
        rows.append({"Nøkkeltall": name, p.name: own, **({p.county: f(r["fylke"])} if p.county else {}),
                     "Hele landet": f(r["land"]), "Lignende kommuner": f(r["median_gruppe"])})
        data.append({**ids, "nøkkeltall": r["navn"], "enhet": SHARE_UNIT if r["enhet"] == "andel" else r["enhet"],
                     "aar": r["aar"],
                     **{k: (None if r[src] is None else float(r[src]))
                        for k, src in (("kommune", "kommune"), ("fylke", "fylke"), ("landet", "land"),
                                       ("lignende_kommuner", "median_gruppe"))},
                     "lignende_kommuner_tall": "median"})
    if p.rounds.height:
        r = p.rounds.row(0, named=True)
        s = p.shares
        # the row says 'vedtatt': the cell says only yes and since when ('Ja, siden 2019'; 'Ja, i 2024' read as the
        # survey's year), not 'Ja, vedtatt (2019)'
        status = "Ja" if r["status"] == "ja" else STATUS_LABELS.get(r["status"], r["status"])
        if r["status"] == "ja" and r["vedtaksaar"]:
            status += f", siden {r['vedtaksaar']}"

        def share(level: str) -> str:
            x = s.get(level)
            if not x:
                return "–"
            if x["antall_kommuner"] < SMALL_BASE:  # a county of 6: '1 av 6', not '17 %'
                return _of(x["ja"], x["antall_kommuner"])
            return fmt_pct(x["andel"], 0)  # the unit is in the row's label: a cell that fits a phone's column

        rows.append({"Nøkkeltall": f"{POLICY_ROW} ({r['runde']})", p.name: status,
                     **({p.county: share("fylke")} if p.county else {}), "Hele landet": share("land"),
                     "Lignende kommuner": share("storrelsesgruppe")})
        data.append({**ids, "nøkkeltall": "Andel kommuner med vedtatt frivillighetspolitikk",
                     "enhet": SHARE_UNIT + "; for kommunen: 1 = har vedtatt, 0 = har ikke (nei eller under "
                             "arbeid), tom = ukjent (svarte vet ikke eller svarte ikke)",
                     "aar": r["runde"], "kommune": POLICY_CODE.get(r["status"]),
                     **{k: (None if s.get(lv) is None else float(s[lv]["andel"]))
                        for k, lv in (("fylke", "fylke"), ("landet", "land"),
                                      ("lignende_kommuner", "storrelsesgruppe"))},
                     "lignende_kommuner_tall": "andel"})
    display = pl.DataFrame(rows) if rows else pl.DataFrame({"Nøkkeltall": []})
    return display, pl.DataFrame(data) if data else pl.DataFrame({"nøkkeltall": []})


def changes(p: Profile) -> list[str]:
    """'What changed': policy status and measures since the previous round, organisations since last year,
    grasrot since the year before."""
    out = []
    if p.rounds.height >= 2:
        new, old = p.rounds.row(0, named=True), p.rounds.row(1, named=True)
        a, b = _answer(old, "status").lower(), _answer(new, "status").lower()
        if old["status"] != new["status"]:
            out.append(f"**Frivillighetspolitikk:** {a} i {old['runde']}, {b} i {new['runde']}.")
        else:
            out.append(f"**Frivillighetspolitikk:** uendret ({b}) fra {old['runde']} til {new['runde']}.")
        got = [MEASURES[m] for m in MEASURES if new[m] == "ja" and old[m] in ("nei", "delvis")]
        lost = [MEASURES[m] for m in MEASURES if new[m] == "nei" and old[m] in ("ja", "delvis")]
        if got:
            out.append(f"**Nytt siden {old['runde']}:** " + and_list(got) + ".")
        if lost:
            out.append(f"**Ikke lenger (etter svaret i {new['runde']}):** " + and_list(lost) + ".")
        partly = [f"{MEASURES[m]} ({ANSWERS[old[m]].lower()} → delvis)" for m in MEASURES
                  if new[m] == "delvis" and old[m] in ("ja", "nei")]
        if partly:
            out.append(f"**Endret siden {old['runde']}:** " + and_list(partly) + ".")
        for s in _splits(p):  # a division between the two rounds: the older answer is the whole old municipality's
            if not (s["gyldig_fra"] <= old["runde"] <= s["gyldig_til"] and new["runde"] >= s["delt_aar"]):
                continue
            whole = f"{s['navn_kort']} ({s['kode']})"
            if old["antall_forgjengere"] == 1:
                out.append(f"*Svaret fra {old['runde']} gjelder hele {whole}, før delingen i {s['delt_aar']}.*")
            else:
                out.append(f"*Svaret fra {old['runde']} bygger også på svaret fra hele {whole}, før delingen i "
                           f"{s['delt_aar']}.*")
    if p.orgs.height >= 2:
        new, old = p.orgs.row(0, named=True), p.orgs.row(1, named=True)
        diff = new["antall"] - old["antall"]
        when = f"per {fmt_date(p.snapshot)}" if p.snapshot else str(new["aar"])
        # the register keeps no deleted organisations: the change is those registered since, still there
        count = f"{fmt_change(diff) if diff else 'ingen'} {'ny' if abs(diff) == 1 else 'nye'}"
        out.append(f"**Organisasjoner:** {count} i registeret siden utgangen av {old['aar']} "
                   f"({fmt_int(new['antall'])} {when}; slettede organisasjoner er ikke med i tallene).")
        if new["frivilligsentraler"] != old["frivilligsentraler"]:
            out.append(f"**Frivilligsentraler i registeret:** {fmt_int(old['frivilligsentraler'])} ved utgangen av "
                       f"{old['aar']}, {fmt_int(new['frivilligsentraler'])} nå.")
    g = p.key_row("grasrot_kr_per_innbygger")
    if g and g["kommune_forrige"] is not None and g["kommune"] is not None:
        now, before = fmt_num(g["kommune"]), fmt_num(g["kommune_forrige"])
        text = (f"**Grasrotandelen:** {now}\u00a0kr per innbygger i {g['aar']}, mot {before}\u00a0kr i "
                f"{g['forrige_aar']}{_relative_change(g['kommune'], g['kommune_forrige'], same=now == before)}.")
        for s in _splits(p) if split_note(p) else []:
            if g["forrige_aar"] < s["delt_aar"] <= g["aar"]:
                text += (f" Delingen av {s['navn_kort']} i {s['delt_aar']} påvirker sammenligningen (se merknaden ved "
                         "grafen for grasrotandelen).")
        out.append(text)
    return out


def _relative_change(now: float, before: float, *, same: bool) -> str:
    """' (+10 %)'; ' (uendret)' when the change rounds to 0 % and the amounts shown are the same; ' (+0,4 %)'
    when it rounds to 0 % but the amounts shown differ; '' without a base."""
    if not before:
        return ""
    pct = (now - before) / before * 100
    if fmt_num(abs(pct), 0) != "0":
        return f" ({fmt_change(pct, 0)}\u00a0%)"
    return " (uendret)" if same else f" ({fmt_change(pct, 1)}\u00a0%)"


def _merged(r: Mapping) -> bool:
    """True for a round worked out from the answers of several former municipalities (today's borders)."""
    return bool(r.get("harmonisert")) and (r.get("antall_forgjengere") or 0) > 1


def _answer(r: Mapping, key: str) -> str:
    """One answer of a round in words. A missing answer is 'Ikke svart' where one municipality was asked, and
    'Ukjent' where the round is worked out from several former ones and not all of them answered: one term per
    column, the same in the status and the measures."""
    v = r[key]
    if v in ("ukjent", None):
        return "Ukjent" if _merged(r) else "Ikke svart"
    return ANSWERS.get(v, str(v))


def policy_table(p: Profile) -> pl.DataFrame:
    """Policy status and measures per survey round (rounds as columns, newest first), Norwegian words."""
    if p.rounds.is_empty():
        return pl.DataFrame({"Spørsmål": []})
    labels = {"status": "Frivillighetspolitikk", "vedtaksaar": "Vedtatt år", **{
        m: MEASURES[m][0].upper() + MEASURES[m][1:] for m in MEASURES}, "antall_frivilligsentraler":
        "Frivilligsentraler (oppgitt)"}
    out: dict[str, list[str]] = {"Spørsmål": list(labels.values())}
    for r in p.rounds.iter_rows(named=True):
        col = []
        for key in labels:
            v = r[key]
            if key == "vedtaksaar":
                col.append(str(v) if v else "–")
            elif key == "antall_frivilligsentraler" and v is not None:
                col.append(fmt_int(v))
            else:
                col.append(_answer(r, key))
        out[str(r["runde"])] = col
    return pl.DataFrame(out)


def policy_long(p: Profile) -> pl.DataFrame:
    """The answers per round as a download table: one row per round, Norwegian headers and answers."""
    table = policy_table(p)
    if table.is_empty():
        return pl.DataFrame({"Runde": []})
    rounds = [c for c in table.columns if c != "Spørsmål"]
    out = {"Runde": [int(c) for c in rounds]}
    for i, question in enumerate(table["Spørsmål"]):
        cells = [table[c][i] for c in rounds]
        # the adoption year as a number (empty when none), as in the map's download
        out[question] = [int(v) if v.isdigit() else None for v in cells] if question == "Vedtatt år" else cells
    by_round = {r["runde"]: r for r in p.rounds.iter_rows(named=True)}
    out["Omregnet til dagens kommune"] = [bool(by_round[int(c)]["harmonisert"]) for c in rounds]
    out["Svar fra kommunene i runden"] = [official_name(f) if (f := by_round[int(c)]["forgjengere"]) else None
                                          for c in rounds]
    return pl.DataFrame(out)


def policy_note(p: Profile) -> str | None:
    """How earlier rounds were computed from the municipalities before today's borders, and whether the rounds
    gave different adoption years (or None)."""
    notes = []
    h = p.rounds.filter(pl.col("harmonisert") & pl.col("forgjengere").is_not_null())
    if not h.is_empty():
        parts = [f"{r['runde']}: {md_escape(official_name(r['forgjengere']))}"
                 for r in h.sort("runde").iter_rows(named=True)]
        text = ("Tidligere runder er regnet om til dagens kommune ut fra svarene til kommunene som lå her da: "
                + "; ".join(parts) + ". «Ikke svart» telles ikke som nei.")
        if "Ukjent" in policy_table(p).drop("Spørsmål").to_numpy():
            text += " «Ukjent»: ikke alle kommunene som lå her da, svarte, og svarene som kom, avgjør det ikke."
        notes.append(text)
    years = p.rounds.filter(pl.col("vedtaksaar").is_not_null()).sort("runde")
    if years["vedtaksaar"].n_unique() > 1:
        by_year = years.group_by("vedtaksaar", maintain_order=True).agg("runde", "harmonisert")
        given = and_list([f"{r['vedtaksaar']} ({'rundene' if len(r['runde']) > 1 else 'runden'} "
                       f"{and_list([str(x) for x in r['runde']])})" for r in by_year.iter_rows(named=True)])
        text = f"Svarene gir ulike vedtaksår: {given}. Årene er slik kommunen selv har svart."
        if years["harmonisert"].any():
            text += " I runder før en sammenslåing kan året gjelde en av kommunene som lå her da."
        notes.append(text)
    return " ".join(notes) or None


def centres_markdown(p: Profile, limit: int | None = None) -> tuple[str, int]:
    """The registered volunteer centres as an escaped markdown list with their postal town where it is not the
    municipality's name, in normal case (format.register_case; the download has them as registered), at most
    `limit`, or all when only one or two more would be left out (a printed profile cannot open the list), and how
    many were left out."""
    if p.centres.is_empty():
        return f"Ingen frivilligsentral i {md_escape(p.name)} er registrert i Frivillighetsregisteret.", 0
    shown = p.centres if limit is None or p.centres.height <= limit + 2 else p.centres.head(limit)
    since = _registered(p.centres)
    text = "\n".join(f"- {md_escape(register_case(r['navn']), 80)} ("
                     + (f"{md_escape(register_case(r['poststed']), 40)}, " if _elsewhere(r.get("poststed"), p.name)
                        else "")
                     + f"org.nr. {md_escape(fmt_orgnr(r['orgnr']), 14)}"
                     + (f", i registeret siden {since[r['orgnr']]})" if since.get(r["orgnr"]) else ")")
                     for r in shown.iter_rows(named=True))
    return text, p.centres.height - shown.height


def _elsewhere(town: str | None, municipality: str) -> bool:
    """Whether a centre's postal town is worth saying: known and not the municipality's own name ('ÅLESUND' in
    Ålesund says nothing; 'BRATTVÅG' does)."""
    return bool(town) and town.strip().casefold() != municipality.strip().casefold()


def _registered(centres: pl.DataFrame) -> dict[str, str]:
    """When each centre came into Frivillighetsregisteret: the year, or the date where two of the same name came
    in the same year (then the year would not tell them apart)."""
    out = {}
    for r in centres.iter_rows(named=True):
        when = r.get("registrert_i_frivillighetsregisteret")
        if when is None:
            continue
        same = centres.filter((pl.col("navn") == r["navn"]) & (pl.col("orgnr") != r["orgnr"])
                              & (pl.col("registrert_i_frivillighetsregisteret").dt.year() == when.year))
        out[r["orgnr"]] = fmt_date(when) if same.height else str(when.year)
    return out


def centres_note(p: Profile) -> str | None:
    """Why a name is listed more than once: 'To frivilligsentraler heter Ålesund Frivilligsentral: de er ulike
    organisasjoner i registeret, hver med sitt organisasjonsnummer.' (names escaped), or None."""
    if p.centres.is_empty():
        return None
    twice = p.centres.group_by("navn", maintain_order=True).len().filter(pl.col("len") > 1)
    if twice.is_empty():
        return None
    tail = ": de er ulike organisasjoner i registeret, hver med sitt organisasjonsnummer."
    if twice.height == 1:
        n = twice["len"][0]
        count = {2: "To", 3: "Tre", 4: "Fire"}.get(n, str(n))
        return f"{count} frivilligsentraler heter {md_escape(register_case(twice['navn'][0]), 80)}{tail}"
    names = "; ".join(f"{md_escape(register_case(r['navn']), 80)}: {r['len']}" for r in twice.iter_rows(named=True))
    return f"Noen frivilligsentraler har samme navn ({names}){tail}"


#: Every source the profile's figures name, in the order of the printed source list.
PRINT_SOURCES = ("befolkning", "enhetsregisteret", "frivillighetsregisteret", "icnpo", "grasrotandel",
                 "kommuneundersokelse", "grenser")


def print_sources(source_ids: tuple[str, ...] = PRINT_SOURCES) -> str:
    """The printed profile's sources in one paragraph, each once, by producer (on screen every figure has its
    own source line; on paper they would repeat and take a third of the page): 'Kilder, hentet 30. september
    2025: Statistisk sentralbyrå (SSB): Befolkning …; Brønnøysundregistrene: Enhetsregisteret … – syntetiske
    testdata, …'. The retrieval date is said once when all sources share it."""
    infos = sorted(queries.source_info(*source_ids), key=lambda i: source_ids.index(i.source_id)
                   if i.source_id in source_ids else len(source_ids))
    if not infos:
        return "Kilder: ukjent"
    dates = {i.retrieved for i in infos}
    by_producer: dict[str, list[str]] = {}
    for i in infos:
        text = md_escape(i.title) + ("" if len(dates) == 1 else f", hentet {i.retrieved}")
        by_producer.setdefault(i.producer, []).append(text + (" – syntetiske testdata" if i.synthetic else ""))
    lead = f"Kilder, hentet {next(iter(dates))}" if len(dates) == 1 else "Kilder"
    return lead + ": " + ". ".join(f"{md_escape(producer)}: {'; '.join(titles)}"
                                   for producer, titles in by_producer.items()) + "."


# ---- locator map, link and QR code ----------------------------------------------------------------------

def locator_alt(p: Profile) -> str:
    """The locator map's alt text: the county, its number of municipalities, and this one in orange (Oslo: the
    municipalities around it)."""
    i = p.info
    if p.own_county:
        return f"Kart over {p.name} og kommunene rundt i grått; {p.name} er markert i oransje."
    return (f"Kart over {p.county_full_name} med {i['fylke_antall_kommuner']} kommuner i grått; "
            f"{p.name} er markert i oransje.")


def locator_caption(p: Profile) -> str:
    """The words under the locator map."""
    if p.own_county:
        return f"{p.name} (oransje) og kommunene rundt. {p.name} er både kommune og fylke."
    return f"{p.name} (oransje) i {p.county_full_name}."


#: Around a municipality that is its own county (Oslo), the locator map shows this much more on each side, as
#: a share of its width and height: its neighbours, not one orange area alone.
AROUND = (1.4, 0.5)


def locator_svg(p: Profile) -> str:
    """The locator map as a static SVG (on screen and in print): the county's municipalities, this one in
    orange (an image, so it needs no WebGL and prints as shown); for Oslo, the municipalities around it. Drawn once
    per municipality and database."""
    i = p.info
    bbox = (i["min_lon"], i["min_lat"], i["max_lon"], i["max_lat"])
    if p.own_county:
        w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
        window = (bbox[0] - AROUND[0] * w, bbox[1] - AROUND[1] * h, bbox[2] + AROUND[0] * w, bbox[3] + AROUND[1] * h)
        return _locator_svg(p.code, None, window, f"{p.name} og kommunene rundt", db.current_fingerprint())
    return _locator_svg(p.code, i["fylkesnummer"], bbox, f"{p.name} i {p.county_full_name}", db.current_fingerprint())


@st.cache_resource(show_spinner=False, max_entries=64)
def _locator_svg(code: str, county: str | None, bbox: tuple, title: str, fingerprint: tuple) -> str:
    """The county's municipalities (or, with no county, every municipality in the box) on the locator map."""
    geoms = queries.geometries("kommune", simplified=False)
    areas = (queries_profil.county_municipalities(county) if county else queries_profil.municipalities_within(bbox))
    return figures_profil.locator_svg([(r["navn"], geoms[r["kode"]], r["kode"] == code)
                                       for r in areas.iter_rows(named=True) if r["kode"] in geoms], bbox, title=title)


_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$")
DEFAULT_BASE = "http://localhost:8501"


def base_url(configured: str | None, browser_url: str | None) -> str:
    """The app's public address: a configured one, else the browser's (scheme and host only), validated."""
    for candidate in (configured, browser_url):
        if not candidate:
            continue
        parts = urlsplit(candidate)
        if parts.scheme in ("http", "https") and _HOST.match(parts.netloc or ""):
            prefix = parts.path.rstrip("/") if configured and candidate == configured else ""
            if prefix and not re.fullmatch(r"(/[A-Za-z0-9_\-]+)*", prefix):
                prefix = ""
            return f"{parts.scheme}://{parts.netloc}{prefix}"
    return DEFAULT_BASE


def page_url(base: str, path: str, params: Mapping[str, str]) -> str:
    """An absolute link to a page with (already validated) query parameters."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base}/{path}" + (f"?{query}" if query else "")


def fmt_date_today() -> str:
    """Today's date in Norwegian ('23. november 2026'), for the printed page."""
    return fmt_date(dt.date.today())


@functools.lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """A QR code of the URL as an SVG document (dark modules, no border beyond the quiet zone); 7 ms, kept."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#1F2933", light="#FFFFFF")


def comparison_title(p: Profile) -> str:
    """'Ålesund sammenlignet med fylket, landet og lignende kommuner' (Oslo, its own county: without 'fylket')."""
    return f"{p.name} sammenlignet med {'' if p.own_county else 'fylket, '}landet og lignende kommuner"
