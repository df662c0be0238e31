"""Pure helpers shared by the parsers: text decoding, Norwegian numbers, municipality codes, column maps."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal

from etl.errors import SourceError

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007']+")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # ASCII digits only: "٣٠١" is not a number here


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252; returns (text, encoding used)."""
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise SourceError(file, f"not UTF-8 (byte {exc.start}) and not Windows-1252 either",
                              expected="UTF-8 text") from exc
    if not text.strip():  # nothing, or only whitespace or a byte-order mark
        raise SourceError(file, "file is empty")
    return text, encoding


def _number_text(value: str) -> str | None:
    """Norwegian number text → plain '-1234.5' text (None for blank); spaces, NBSP, 'kr' and U+2212 allowed."""
    text = _SPACES.sub("", value).replace("kr", "").replace("\u2212", "-")
    if text in {"", "-", "."}:
        return None
    if "," in text:
        if text.count(",") > 1:
            raise ValueError(f"not a number: {value!r}")
        text = text.replace(".", "").replace(",", ".")
    if not _NUMBER.match(text):
        raise ValueError(f"not a number: {value!r}")
    return text


def parse_nok(value: object) -> float | None:
    """A Norwegian-formatted amount ('12 345,50', '12\u00a0345', '-1 000', 1234) as float; '' and None are None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"not a number: {value!r}")
        return float(value)
    text = _number_text(str(value))
    return None if text is None else float(text)


def parse_int(value: object) -> int | None:
    """A whole number written the Norwegian way ('1 234', '1234', 1234.0); fractions raise."""
    number = parse_nok(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def normalise_kommunenummer(value: object) -> str | None:
    """A municipality number as a 4-digit string: 301 → '0301', '0301' → '0301', ' 301.0 ' → '0301'."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a municipality number: {value!r}")
    if isinstance(value, float):
        if not value.is_integer():  # also NaN and ±inf
            raise ValueError(f"not a municipality number: {value!r}")
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text == "":
        return None
    if not (text.isascii() and text.isdigit()) or not 3 <= len(text) <= 4:
        raise ValueError(f"not a municipality number: {value!r}")
    return text.zfill(4)


def fold(text: str) -> str:
    """Header text folded for matching: case, accents kept, whitespace and punctuation collapsed."""
    text = unicodedata.normalize("NFC", str(text)).strip().casefold()
    return re.sub(r"[\s_]+", " ", text)


def map_columns(header: Iterable[object], column_map: Mapping[str, str], file: str,
                *, optional: Iterable[str] = ()) -> dict[str, int]:
    """Match a header row to stable names: {stable name: column index}; missing required columns raise."""
    folded = [fold(h) if h is not None else "" for h in header]
    found: dict[str, int] = {}
    for source_name, stable in column_map.items():
        key = fold(source_name)
        if key in folded and stable not in found:
            found[stable] = folded.index(key)
    required = [s for s in dict.fromkeys(column_map.values()) if s not in set(optional)]
    missing = [s for s in required if s not in found]
    if missing:
        wanted = {s: [k for k, v in column_map.items() if v == s] for s in missing}
        raise SourceError(file, f"missing column(s) {', '.join(repr(w[0]) for w in wanted.values())}",
                          row=None, column=", ".join(missing),
                          expected=f"a header with {', '.join(repr(w[0]) for w in wanted.values())}; "
                                   f"found {[str(h) for h in header]}")
    return found


def parse_nok_decimal(value: object) -> Decimal | None:
    """A Norwegian-formatted amount as an exact Decimal ('12 345,50' → Decimal('12345.50')); '' and None are None.

    Same formats as `parse_nok` (space, NBSP or no thousands separator; decimal comma, or a decimal point when
    there is no comma), but no float on the way: sums of many amounts stay exact to the øre.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a number: {value!r}")
        return Decimal(repr(value))  # the shortest text that round-trips: 0.1 → Decimal('0.1')
    text = _number_text(str(value))
    return None if text is None else Decimal(text)
