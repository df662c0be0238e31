"""Helpers shared by the grant-scheme sources (grasrotandel, momskompensasjon): year, orgnr, total rows, notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from etl.errors import BuildLog, SourceError
from etl.parsing import fold, parse_nok_decimal

#: Amounts are kept exact: kroner with two decimals (øre), summed as DECIMAL in DuckDB.
AMOUNT = pl.Decimal(18, 2)
MAX_AMOUNT = Decimal(10) ** 16
#: Labels of a total row (folded); a row with no organisasjonsnummer and one of these is a total, not a recipient.
TOTAL_LABELS = {"sum", "sum totalt", "totalt", "total", "i alt", "sum alle", "totalsum"}
_ORGNR = re.compile(r"^\d{9}$")
_ORGNR_SPACES = re.compile(r"[\s\u00a0]+")


@dataclass(frozen=True)
class Note:
    """A row the parser corrected or ignored, to be written to `_avvik` by the load step."""

    code: str
    action: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


def year_from_name(name: str, stem: str, file: str) -> int:
    """The year in a file name like 'grasrotandel-2019.csv' (stem 'grasrotandel'); other names raise."""
    m = re.search(rf"{re.escape(stem)}[-_ ](\d{{4}})\b", name, flags=re.IGNORECASE)
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise SourceError(file, "no year in the file name", expected=f"a name like '{stem}-2024' (the year it covers)")
    return int(m.group(1))


def normalise_orgnr(value: object) -> str | None:
    """An organisation number as 9 digits: 947062727, '947 062 727', 947062727.0 → '947062727'; '' → None."""
    if value is None:
        return None
    text = _ORGNR_SPACES.sub("", str(value))
    if text.endswith(".0"):
        text = text[:-2]
    if text == "":
        return None
    if not _ORGNR.match(text):
        raise ValueError(f"not an organisation number: {value!r}")
    return text


def amount(value: object) -> Decimal | None:
    """A Norwegian-formatted amount in kroner with at most two decimals (øre): '12 345,50' → Decimal('12345.50').

    More decimals ('45,005') or an amount beyond the database type (10^16 kr) raise ValueError, instead of being
    rounded or overflowing silently."""
    number = parse_nok_decimal(value)
    if number is None:
        return None
    if abs(number) >= MAX_AMOUNT:
        raise ValueError(f"amount too large: {value!r}")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(f"more than two decimals (kroner and øre): {value!r}")
    return number


def is_total_row(cells: list[object]) -> bool:
    """True when some text cell of a row is a total label ('Sum', 'Totalt', 'SUM:'): the row is not a recipient."""
    for cell in cells:
        if cell is None:
            continue
        text = fold(str(cell)).rstrip(":").strip()
        if text in TOTAL_LABELS:
            return True
    return False


def check_total(file: str, row: int, column: str, stated: Decimal | int | None,
                above: Decimal | int, n_rows: int) -> None:
    """Raise when a total row's figure differs from the sum of the rows above it (None: nothing stated)."""
    if stated is None or stated == above:
        return
    raise SourceError(file, f"the total row says {_fmt(stated)} but the {n_rows} rows above it add up to "
                            f"{_fmt(above)} (difference {_fmt(stated - above)}): the file is incomplete or "
                            "edited; fix or re-download it", row=row, column=column)


def _fmt(value: Decimal | int) -> str:
    """12345678.5 → '12 345 678,50' (for messages users read)."""
    q = Decimal(value).quantize(Decimal("0.01"))
    whole, _, frac = f"{abs(q):,.2f}".partition(".")
    return ("-" if q < 0 else "") + whole.replace(",", " ") + ("," + frac if frac != "00" else "")


def log_notes(log: BuildLog, source_id: str, file: str, notes: list[Note]) -> None:
    """Write the parser's notes to the build log (→ `_avvik`)."""
    for n in notes:
        log.add(source_id, file, n.code, n.action, n.message, row=n.row, column=n.column, value=n.value)
