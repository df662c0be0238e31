"""Momskompensasjon (Lotteri- og stiftelsestilsynet): VAT compensation applied for and paid per organisation."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import duckdb
import fastexcel
import polars as pl

from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import SourceMeta
from etl.parsing import fold, map_columns, normalise_kommunenummer
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table
from etl.sources._grants import (
    AMOUNT,
    Note,
    amount,
    check_total,
    is_total_row,
    log_notes,
    normalise_orgnr,
    year_from_name,
)

META = SourceMeta.load(__file__)

COLUMNS = {"Organisasjonsnummer": "orgnr", "Orgnr": "orgnr", "Organisasjon": "navn",
           "Organisasjonsnavn": "navn", "Ordning": "ordning", "Søkt beløp": "sokt", "Utbetalt beløp": "utbetalt",
           "Kommunenummer": "kommunenummer"}
OPTIONAL = ["ordning", "sokt", "kommunenummer"]
SCHEMA = {"aar": pl.Int32, "rad": pl.Int32, "orgnr": pl.String, "navn": pl.String, "ordning": pl.String,
          "sokt": AMOUNT, "utbetalt": AMOUNT, "kommunenummer": pl.String}
HEADERS = {"orgnr": "Organisasjonsnummer", "sokt": "Søkt beløp", "utbetalt": "Utbetalt beløp",
           "kommunenummer": "Kommunenummer"}
#: How far down the sheet the header row is looked for (title rows above it vary from year to year).
HEADER_SEARCH_ROWS = 30


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy every momskompensasjon-YYYY.xlsx from the mirror (no download address)."""
    return fetch_files(META, ctx)


def sheet_name(sheets: list[str], year: int, file: str) -> str:
    """The sheet 'Utbetalinger YYYY' (case and spacing ignored); a missing sheet raises, naming those found."""
    wanted = f"utbetalinger {year}"
    for name in sheets:
        if fold(name) == wanted:
            return name
    raise SourceError(file, f"no sheet 'Utbetalinger {year}'", expected=f"a sheet named 'Utbetalinger {year}'; "
                                                                         f"found {sheets}")


def first_row(data: bytes, sheet: str) -> int:
    """Spreadsheet row number of the first row calamine returns (its first cell with a value); 1 if unknown."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            book = z.read("xl/workbook.xml").decode("utf-8")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
            rid = re.search(rf'<sheet\b[^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', book)
            target = re.search(rf'<Relationship\b[^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) \
                or re.search(rf'<Relationship\b[^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
            path = target.group(1).lstrip("/")
            xml = z.read(path if path.startswith("xl/") else f"xl/{path}").decode("utf-8")
        m = re.search(r'<c\b[^>]*\br="[A-Z]+(\d+)"[^>]*>\s*<(?:v|is)\b', xml)
        return int(m.group(1)) if m else 1
    except (KeyError, AttributeError, zipfile.BadZipFile, UnicodeDecodeError):
        return 1


def read_sheet(data: bytes, year: int, file: str) -> tuple[pl.DataFrame, int]:
    """xlsx bytes → (every cell of the year's sheet as text, spreadsheet row number of its first row)."""
    try:
        sheets = fastexcel.read_excel(data).sheet_names
    except Exception as exc:  # calamine raises its own error types for files that are not spreadsheets
        raise SourceError(file, f"not a readable .xlsx file ({exc.__class__.__name__}: {str(exc).splitlines()[0]}"
                                "); truncated, or another format saved as .xlsx?",
                          expected="an Excel workbook (.xlsx)") from exc
    sheet = sheet_name(list(sheets), year, file)
    try:
        df = pl.read_excel(data, sheet_name=sheet, engine="calamine", has_header=False, drop_empty_rows=False,
                           read_options={"header_row": None, "dtypes": "string"})
    except pl.exceptions.NoDataError as exc:
        raise SourceError(file, f"the sheet '{sheet}' is empty",
                          expected="title rows, a header row and one row per payment") from exc
    return df, first_row(data, sheet)


def find_header(cells: pl.DataFrame, file: str) -> int:
    """Index (0-based, in the sheet frame) of the header row: the first with 'Organisasjonsnummer' and 'Utbetalt beløp'."""
    for i, rec in enumerate(cells.head(HEADER_SEARCH_ROWS).iter_rows()):
        folded = {fold(c) for c in rec if c is not None}
        if "utbetalt beløp" in folded and ({"organisasjonsnummer", "orgnr"} & folded):
            return i
    raise SourceError(file, f"no header row in the first {HEADER_SEARCH_ROWS} rows",
                      expected="a row with 'Organisasjonsnummer', 'Organisasjon', 'Ordning', 'Søkt beløp', "
                               "'Utbetalt beløp', 'Kommunenummer'")


def parse(data: bytes, file: str, year: int) -> tuple[pl.DataFrame, list[Note]]:
    """xlsx bytes of one year → (DataFrame of payments, notes); title rows skipped, total rows checked."""
    cells, top = read_sheet(data, year, file)
    at = find_header(cells, file)
    header = list(cells.row(at))
    cols = map_columns(header, COLUMNS, file, optional=OPTIONAL)
    rows: list[dict] = []
    notes: list[Note] = []
    paid, sought = Decimal(0), Decimal(0)
    for i, rec in enumerate(cells.slice(at + 1).iter_rows(), start=at + 1):
        n = top + i
        if all(c is None or not str(c).strip() for c in rec):
            continue
        row = _row(rec, cols, file, n)
        if row["orgnr"] is None:
            if not is_total_row(list(rec)):
                raise SourceError(file, "row without organisasjonsnummer", row=n, column=HEADERS["orgnr"],
                                  expected="a 9-digit organisation number, or a total row labelled 'Sum'")
            check_total(file, n, HEADERS["utbetalt"], row["utbetalt"], paid, len(rows))
            check_total(file, n, HEADERS["sokt"], row["sokt"], sought, len(rows))
            notes.append(Note("total_row", "ignorert", "total row (checked against the rows above it; not a "
                                                       "recipient)", row=n))
            continue
        paid += row["utbetalt"] or 0
        sought += row["sokt"] or 0
        rows.append({"aar": year, "rad": n, **row})
    return pl.DataFrame(rows, schema=SCHEMA), notes


def _row(rec: tuple, cols: dict[str, int], file: str, n: int) -> dict:
    """One sheet row (cells as text) → typed fields; a value that cannot be read raises with its row and column."""
    out: dict = {}
    for key, conv in (("orgnr", normalise_orgnr), ("kommunenummer", normalise_kommunenummer),
                      ("sokt", amount), ("utbetalt", amount)):
        try:
            out[key] = conv(rec[cols[key]]) if key in cols else None
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n, column=HEADERS[key]) from exc
    for key in ("navn", "ordning"):
        value = rec[cols[key]] if key in cols else None
        out[key] = str(value).strip() or None if value is not None else None
    return out


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """At least one payment; paid amount present and non-negative; amounts in whole øre."""
    if df.is_empty():
        raise SourceError(file, "no payment rows")
    for col in ("utbetalt", "sokt"):
        bad = df.filter(pl.col(col) < 0) if col == "sokt" else df.filter(pl.col(col).is_null() | (pl.col(col) < 0))
        if bad.height:
            raise SourceError(file, f"missing or negative amount {bad[col][0]!r}", row=int(bad["rad"][0]),
                              column=HEADERS[col], expected="an amount ≥ 0")
    return df


def duplicates(df: pl.DataFrame) -> list[Note]:
    """Notes for an organisation listed more than once under the same ordning in one year's file (added together
    in the views; one organisation under both models, forenklet and dokumentert, is normal and not noted)."""
    dup = df.filter(pl.struct("orgnr", "ordning").is_duplicated())
    return [Note("duplicate_orgnr", "rettet", "organisation listed more than once under the same ordning: its "
                 "rows are added together", row=int(r["rad"]), column=HEADERS["orgnr"], value=r["orgnr"])
            for r in dup.iter_rows(named=True)]


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_momskompensasjon (one row per payment row of every year's file, with the file it came from)."""
    frames, counts = [], {}
    for raw in sorted(files, key=lambda f: f.name):
        file = label(raw)
        year = year_from_name(raw.name, "momskompensasjon", file)
        df, notes = parse(read_bytes(raw), file, year)
        df = validate(df, file)
        log_notes(log, META.id, file, notes + duplicates(df))
        frames.append(df.with_columns(pl.lit(file).alias("fil")))
        counts[raw.name] = df.height
    years = [int(f["aar"][0]) for f in frames]
    if len(years) != len(set(years)):
        raise SourceError("grants/momskompensasjon-*.xlsx", f"two files for the same year: {sorted(years)}")
    write_table(con, "src_momskompensasjon", pl.concat(frames).sort("aar", "rad"))
    return counts
