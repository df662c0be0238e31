"""Shared by the Brønnøysund sources: organisation numbers, dates, gzip detection and a streaming JSON scanner
that locates a bad record in a big dump (used only after DuckDB refused the file, to name record and field)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from etl.errors import SourceError

ORGNR = re.compile(r"^\d{9}$")
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


def is_orgnr(value: object) -> bool:
    """True for a 9-digit organisation number string ('912345678')."""
    return isinstance(value, str) and bool(ORGNR.match(value))


def orgnr_checksum_ok(orgnr: str) -> bool:
    """Modulus-11 check digit of a 9-digit organisation number."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    rest = sum(int(d) * w for d, w in zip(orgnr[:8], weights, strict=True)) % 11
    check = 0 if rest == 0 else 11 - rest
    return check != 10 and check == int(orgnr[8])


def parse_date(value: object) -> dt.date | None:
    """An ISO date 'YYYY-MM-DD' (or the date part of a timestamp) → date; anything else raises ValueError."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    if not text:
        return None
    return dt.date.fromisoformat(text[:10])


def is_gzip(path: Path) -> bool:
    """True if a file starts with the gzip magic bytes."""
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_text(path: Path) -> io.TextIOBase:
    """Open a file as UTF-8 text, decompressing it if it is gzipped."""
    if is_gzip(path):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")


def not_utf8(file: str, exc: UnicodeDecodeError, row: int | None = None) -> SourceError:
    """The error for a file that is not UTF-8 (brreg writes UTF-8; a re-saved copy may be Windows-1252)."""
    return SourceError(file, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} cannot be decoded): "
                             "a copy re-saved in another encoding, e.g. Windows-1252? Download it again",
                       row=row, expected="UTF-8 text, as Brønnøysundregistrene publish it")


def gunzip_bytes(data: bytes, file: str) -> bytes:
    """Bytes of a possibly gzipped file, decompressed; a truncated or corrupt gzip raises SourceError."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise SourceError(file, f"the gzip file is truncated or corrupt ({exc}); download it again",
                          expected="a complete gzip file") from exc


#: Expected JSON kinds of the fields the loader reads: name → ("text" | "bool" | "object", nested spec or None).
#: "text" accepts any scalar (DuckDB casts numbers to VARCHAR); "bool" accepts true/false or "true"/"false".
FieldSpec = Mapping[str, tuple[str, "FieldSpec | None"]]
_EXPECTED = {"text": "text or a number", "bool": "true or false", "object": "an object"}


def _kind_ok(value: object, kind: str) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "bool":
        return isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in {"true", "false"})
    return not isinstance(value, dict | list)


def check_fields(rec: object, spec: FieldSpec, prefix: str = "") -> tuple[str, str] | None:
    """First field of a record whose JSON kind differs from the spec: (field path, expected), or None."""
    if not isinstance(rec, dict):
        return (prefix.rstrip(".") or "(record)", "an object")
    for name, (kind, nested) in spec.items():
        value = rec.get(name)
        if value is None:
            continue
        if not _kind_ok(value, kind):
            return (prefix + name, _EXPECTED[kind])
        if nested is not None:
            bad = check_fields(value, nested, prefix + name + ".")
            if bad:
                return bad
    return None


class _Reader:
    """Keeps a text buffer over a stream, refilled so that at least one chunk lies ahead of the cursor."""

    def __init__(self, fh: io.TextIOBase, file: str) -> None:
        self.fh, self.file = fh, file
        self.buf, self.pos, self.line, self.eof = "", 0, 1, False

    def fill(self) -> None:
        if self.eof or len(self.buf) - self.pos >= _CHUNK:
            return
        try:
            chunk = self.fh.read(_CHUNK)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise SourceError(self.file, f"the gzip file is truncated or corrupt near line {self.line} "
                                         f"({exc}); download it again", row=self.line,
                              expected="a complete gzip file") from exc
        except UnicodeDecodeError as exc:
            raise not_utf8(self.file, exc, row=self.line + self.buf.count("\n", self.pos)) from exc
        self.line += self.buf.count("\n", 0, self.pos)
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        self.eof = not chunk

    def skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at the end)."""
        while True:
            self.fill()
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""

    def current_line(self) -> int:
        return self.line + self.buf.count("\n", 0, self.pos)


def scan_json_records(path: Path, file: str, spec: FieldSpec | None = None) -> Iterator[tuple[int, int, dict]]:
    """Stream a JSON array (or JSON lines) file → (record number, line, record); bad JSON raises SourceError
    naming the record and line, and (with spec) a field of the wrong type names the field too."""
    dec = json.JSONDecoder()
    with open_text(path) as fh:
        r = _Reader(fh, file)
        first = r.skip_ws()
        array = first == "["
        if array:
            r.pos += 1
        n = 0
        while True:
            c = r.skip_ws()
            if c == "":
                if array:
                    raise SourceError(file, f"the JSON array is not closed after record {n} (truncated file?)",
                                      row=r.current_line(), expected="']' at the end")
                return
            if array and c == "]":
                return
            if array and n > 0:
                if c != ",":
                    raise SourceError(file, f"expected ',' or ']' after record {n}", row=r.current_line())
                r.pos += 1
                r.skip_ws()
            n += 1
            line = r.current_line()
            try:
                rec, end = dec.raw_decode(r.buf, r.pos)
            except json.JSONDecodeError as exc:
                raise SourceError(file, f"record {n} (line {line}) is not valid JSON: {exc.msg}",
                                  row=line) from exc
            r.pos = end
            if spec is not None:
                bad = check_fields(rec, spec)
                if bad:
                    raise SourceError(file, f"record {n} (line {line}, organisasjonsnummer "
                                            f"{rec.get('organisasjonsnummer') if isinstance(rec, dict) else None})"
                                            f" has a value of the wrong type", row=line, column=bad[0],
                                      expected=bad[1])
            yield n, line, rec
