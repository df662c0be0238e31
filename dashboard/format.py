"""Norwegian number and date formatting: space as thousands separator, decimal comma (as babel's nb_NO)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
from babel.dates import format_date

LOCALE = "nb_NO"
MISSING = "–"

#: Plotly's separators setting for Norwegian: decimal comma, thin space for thousands.
PLOTLY_SEPARATORS = ", "


def and_list(items: list[str]) -> str:
    """'', 'A', 'A og B', 'A, B og C' (the ETL's reform notes have their own: etl.harmonise.and_list)."""
    return "" if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


#: Counts up to twelve in words, as Norwegian prose writes them ('fire kommuner').
NUMBER_WORDS = {2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "sju", 8: "åtte", 9: "ni", 10: "ti",
                11: "elleve", 12: "tolv"}
#: A ranking names at most this many places that share a value; more are counted ('høyest (0 kr) i fire kommuner').
MAX_NAMED = 3
#: A share of fewer than this many (organisations, municipalities, recipients) is shown as a count, 'k av n': one
#: more or less moves a share of 3 by 33 percentage points.
SMALL_BASE = 20


def fmt_of(k: int, n: int, what: str = "") -> str:
    """A count of a small base: '2 av 3', '1 av 6 kommuner' (no-break spaces in '5 av 19': one figure)."""
    return f"{fmt_int(k)}\u00a0av\u00a0{fmt_int(n)}" + (f" {what}" if what else "")


def count_words(n: int) -> str:
    """4 → 'fire', 12 → 'tolv', 93 → '93'."""
    return NUMBER_WORDS.get(n, fmt_int(n))


_NORWEGIAN_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "é": "e"})


def name_key(name: str) -> str:
    """A sort key for names in Norwegian alphabetical order (æ, ø, å after z)."""
    return name.lower().translate(_NORWEGIAN_ORDER)


def tied_first(names: list[str], shown: list[str]) -> list[str]:
    """The names that share the first shown value of a ranking (its ties: '0 kr' for all four), in Norwegian
    alphabetical order."""
    out = []
    for name, value in zip(names, shown, strict=True):
        if value != shown[0]:
            break
        out.append(name)
    return sorted(out, key=name_key)


def tied_phrase(word: str, names: list[str], value: str, plural: str) -> str:
    """'høyest i A (v)', 'høyest i A og B (v)', or past MAX_NAMED 'høyest (v) i fire kommuner' (plural: 'kommuner')."""
    if len(names) > MAX_NAMED:
        return f"{word} ({value}) i {count_words(len(names))} {plural}"
    return f"{word} i {and_list(names)} ({value})"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


#: Python's "1,234.5" → Norwegian "1 234,5" (no-break space, decimal comma, minus sign).
_NORWEGIAN_MARKS = str.maketrans({",": "\u00a0", ".": ",", "-": "−"})


def half_up(x: float | int | Decimal, decimals: int = 0) -> Decimal:
    """x rounded half away from zero, as SSB rounds: 128.5 → 129, 96.5 → 97, −2.5 → −3 (Python's round() rounds
    half to even: 128.5 → 128). Rounded from the shortest text of the float, so 0.285 is 0.285, not the
    0.28499999… a binary float holds."""
    d = x if isinstance(x, Decimal) else Decimal(int(x)) if isinstance(x, int) else Decimal(repr(float(x)))
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(x: float | None, decimals: int = 0) -> float | None:
    """half_up as a float (None stays None): the value the formatters below show, for colouring a map by it."""
    return None if _missing(x) else float(half_up(x, decimals))


def fmt_num(x: float | int | Decimal | None, decimals: int = 0) -> str:
    """1234567.8 → '1 234 568' (decimals=0) or '1 234 567,8' (decimals=1), half away from zero (half_up), a
    zero without sign; None → '–'.

    The same text as babel's nb_NO pattern '#,##0.0…' of the value rounded half up
    (tests/test_parsing_properties.py compares them), without babel's 0.1 ms per call: tables format every cell on
    every run."""
    if _missing(x):
        return MISSING
    value = half_up(x, max(decimals, 0))
    value = abs(value) if value.is_zero() else value  # −0,04 shown with one decimal is 0,0, not −0,0
    return f"{value:,.{max(decimals, 0)}f}".translate(_NORWEGIAN_MARKS)


def fmt_orgnr(orgnr: str | int | None) -> str:
    """An organisation number in groups of three, as Brønnøysund writes it: '851240004' → '851 240 004'
    (with no-break spaces); anything not nine digits is returned as it is."""
    if orgnr is None:
        return ""
    s = re.sub(r"\D", "", str(orgnr))
    return f"{s[:3]}\u00a0{s[3:6]}\u00a0{s[6:]}" if len(s) == 9 else str(orgnr)


def fmt_int(x: float | int | None) -> str:
    """A count: 72800 → '72 800'."""
    return fmt_num(x, 0)


def fmt_pct(share: float | None, decimals: int = 1) -> str:
    """A share 0–1 as percent: 0.3012 → '30,1 %'."""
    if _missing(share):
        return MISSING
    # scaled as a decimal: 0.285 is 28,5 % and rounds to 29 %, where the float 0.285 * 100 is 28.4999…
    return f"{fmt_num(Decimal(repr(float(share))).scaleb(2), decimals)}\u00a0%"


def fmt_value(value: float | None, enhet: str, decimals: int) -> str:
    """An indicator value as text: shares as per cent, else a number with the indicator's decimals."""
    return fmt_pct(value, decimals) if enhet == "andel" else fmt_num(value, decimals)


def value_step(enhet: str, decimals: int) -> float:
    """The smallest difference fmt_value shows for an indicator: 0.1 for one decimal, 0.001 for a share in per
    cent with one decimal."""
    return 10.0 ** -(decimals + (2 if enhet == "andel" else 0))


def fmt_nok(x: float | int | None, decimals: int = 0) -> str:
    """An amount: 698265345 → '698 265 345 kr'."""
    return MISSING if _missing(x) else f"{fmt_num(x, decimals)}\u00a0kr"


def fmt_nok_short(x: float | int | None) -> str:
    """A large amount in millions, as the charts' axes: 26213000 → '26,2 mill. kr'; from 100 millions whole
    millions, 698265345 → '698 mill. kr', 1.42e9 → '1 420 mill. kr' (never 'mrd.' beside an axis in 'mill. kr')."""
    if _missing(x):
        return MISSING
    if abs(x) >= 1e6:
        return f"{fmt_num(x / 1e6, 0 if abs(x) >= 1e8 else 1)}\u00a0mill.\u00a0kr"
    return fmt_nok(x)


def fmt_change(x: float | int | None, decimals: int = 0, unit: str = "") -> str:
    """A signed change: 12 → '+12', -3.5 → '−3,5'; with a unit suffix."""
    if _missing(x):
        return MISSING
    sign = "+" if x > 0 else ""
    return f"{sign}{fmt_num(x, decimals)}{unit}"


_BREAKABLE = re.compile(r"(?<=\d) (?=\d{3}\b|%|kr\b|mill\.|mrd\.)|(?<=\bmill\.) (?=kr\b)|(?<=\bmrd\.) (?=kr\b)")


def nobreak(text: str) -> str:
    """Text with no-break spaces where a line must not break: inside a number ('2 000'), before its unit
    ('14,6 %', '810 kr', '698 mill. kr'). For texts from the database or labels; fmt_* already write them."""
    return _BREAKABLE.sub("\u00a0", text)


def size_group_words(group: str) -> str:
    """A size group in a sentence: '50 000 og over' → 'kommunene med 50 000 innbyggere eller flere',
    'Under 2 000' → 'kommunene med under 2 000 innbyggere' (no-break spaces in the numbers)."""
    g = nobreak(group[:1].lower() + group[1:])
    if g.endswith(" og over"):
        return f"kommunene med {g.removesuffix(' og over')} innbyggere eller flere"
    return f"kommunene med {g} innbyggere"


def citation(text: str) -> str:
    """A source reference as the page writes it: ISO dates in words and single quotes as «»
    ("vigga.no 2019-07-17, 'Kommunal frivillighetspolitikk'" → "vigga.no 17. juli 2019, «Kommunal
    frivillighetspolitikk»"); an apostrophe inside a word (Norge's) is left alone."""
    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: fmt_date(dt.date(*map(int, m.groups()))), text)
    for english, bokmal in _CITATION_WORDS.items():
        text = re.sub(rf"(?<!\w){english}(?!\w)", bokmal, text)
    return re.sub(r"(?<!\w)'([^']+)'(?!\w)", r"«\1»", text)


# the English notes in the published figures' source file (published/*.csv), as the page writes them
_CITATION_WORDS = {"press release": "pressemelding", "July": "juli", "undated": "udatert", r"c\.": "ca.",
                   "first national map": "første landsdekkende kart"}


def fmt_date(d: dt.date | str | None) -> str:
    """2025-09-30 → '30. september 2025'."""
    if d is None:
        return MISSING
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return format_date(d, format="long", locale=LOCALE)


def delta_direction(delta: str | None) -> str:
    """The arrow for a change written by fmt_change: '+12 …' → 'up', '−3 …' → 'down', '0 …' or None → 'off'.

    Decided from the text as written, so the minus sign '−' counts (Streamlit's st.metric reads only an ASCII
    '-' as negative); components.headline picks the arrow and colour from it."""
    text = (delta or "").lstrip()
    if text.startswith(("−", "-")):
        return "down"
    if text.startswith("+"):
        return "up"
    return "off"


_SPACES = re.compile(r"[^\S\u00a0\u202f]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")


def md_escape(text: object, limit: int | None = None) -> str:
    """Text from data or a URL, made inert for st.markdown (every markdown/HTML character backslash-escaped)."""
    s = _SPACES.sub(" ", str(text)).strip()  # runs of spaces and line breaks; no-break spaces are kept
    if limit is not None and len(s) > limit:
        s = s[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def map_strings(series: pl.Series, f: Callable[[Any], str | None]) -> pl.Series:
    """f applied in Python to every non-null value of a series → a String series with the same name.

    Never polars' map_elements in the dashboard: polars runs a Python function on its own thread pool, whose
    threads then wait for the GIL while a Streamlit script thread holds the GIL and waits for that pool. Under
    20 concurrent sessions this deadlocked the whole server (tests/test_injection.py checks it stays out)."""
    return pl.Series(series.name, [None if v is None else f(v) for v in series.to_list()], dtype=pl.String)


MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")


def fmt_period(per: str) -> str:
    """A published period in words: '2019-07' → 'juli 2019', '2021-12-31' → '31.12.2021', '2016' → '2016'."""
    if len(per) == 10:
        return dt.date.fromisoformat(per).strftime("%d.%m.%Y")
    if len(per) == 7:
        return f"{MONTHS[int(per[5:7]) - 1]} {per[:4]}"
    return per


def period_position(per: str) -> float:
    """Where a period lies on a year axis: the middle of its month ('2019-07' → 2019.54), mid-year for a year."""
    month = int(per[5:7]) if len(per) >= 7 else 7
    return int(per[:4]) + (month - 0.5) / 12


def official_name(name: str) -> str:
    """An official name in two languages with an en dash between them, as in running text: 'Trøndelag -
    Trööndelage' (as registered) → 'Trøndelag – Trööndelage'."""
    return name.replace(" - ", " \u2013 ")


#: Words a register name writes in capitals that stay so in a name shown in normal case: legal forms and the
#: abbreviations of organisation names ('IL', 'KFUM'); any word without a vowel ('BK', 'NHF') or with a digit
#: ('4H') stays as well.
UPPER_WORDS = frozenset({"AS", "ASA", "SA", "BA", "DA", "ANS", "ENK", "NUF", "KFUM", "KFUK", "NTNUI", "UNICEF",
                         "IOGT", "NOAH", "LO", "MOT", "FAU", "SU", "UL", "IF", "IL", "IK", "TIF", "AIL", "AIK"})
#: Small words in lower case inside a name ('Mo i Rana', 'Lag og foreninger').
LOWER_WORDS = frozenset({"og", "i", "på", "for", "av", "til", "med", "om", "ved", "fra", "under", "over", "mot"})
_VOWELS = set("AEIOUYÆØÅÄÖÜ")


def register_case(name: str | None) -> str | None:
    """A name the register writes in capitals in normal case ('ÅLESUND FRIVILLIGSENTRAL' → 'Ålesund
    Frivilligsentral', 'MO I RANA' → 'Mo i Rana', 'SANDE IL' → 'Sande IL'); a name with a lower-case letter
    is left as it is (the organisation chose it)."""
    if not name or any(ch.islower() for ch in name):
        return name

    def part(p: str, first: bool) -> str:
        m = re.fullmatch(r"([^\w]*)(\w+)(.*)", p)
        if not m:
            return p
        lead, core, tail = m.groups()
        if tail.startswith("."):  # an abbreviation: 'ST.' → 'St.'
            return lead + core[:1] + core[1:].lower() + tail
        if core in UPPER_WORDS or not (_VOWELS & set(core)) or any(ch.isdigit() for ch in core):
            return p
        if not first and core.lower() in LOWER_WORDS:
            return p.lower()
        return lead + core[:1] + core[1:].lower() + tail

    def word(w: str, first: bool) -> str:
        return "-".join(part(p, first and j == 0) for j, p in enumerate(w.split("-")))

    words = name.split(" ")
    return " ".join(word(w, i == 0) for i, w in enumerate(words))
