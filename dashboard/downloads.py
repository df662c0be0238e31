"""Downloads of the data behind a figure: CSV and XLSX with Norwegian headers and the source inside."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
import xlsxwriter

from dashboard.labels import label


@dataclass(frozen=True)
class Provenance:
    """What a download says about its data: title, source, licence, retrieval date and a synthetic flag."""

    title: str
    source: str
    licence: str
    retrieved: str
    url: str = ""
    synthetic: bool = False

    def lines(self) -> list[str]:
        """The provenance as 'Key: value' lines, Norwegian."""
        out = [f"Tittel: {self.title}", f"Kilde: {self.source}", f"Lisens: {self.licence}",
               f"Hentet: {self.retrieved}"]
        if self.url:
            out.append(f"Adresse: {self.url}")
        if self.synthetic:
            out.append("Merk: syntetiske testdata, ikke offisiell statistikk")
        out.append("Laget av: Frivillighetsstatistikk")
        return out


#: A share in a CSV file is a fraction (0.153); its header says so, as a spreadsheet shows no percent sign.
SHARE_NOTE = ", 0–1 (1 = 100 %)"


#: A CSV file's header where the screen's would contradict the note ('Svarprosent, 0–1').
CSV_LABELS = {"svarprosent": "Svarandel"}


def is_share(dtype: pl.DataType, column: str) -> bool:
    """True for a column of shares as fractions 0–1 (andel…, …_andel, svarprosent; also a header written out,
    'Andel organisasjoner som …'): shown as percentages."""
    name = column.casefold()
    return (dtype.is_float() or isinstance(dtype, pl.Decimal)) and (
        name.startswith("andel") or name.endswith("_andel") or name == "svarprosent")


#: The header note of a share given in per cent (the policy views' `andel_*`), in every file.
PERCENT_NOTE = ", i prosent (0–100)"


def headers(df: pl.DataFrame, *, csv: bool = False, percent: frozenset[str] = frozenset()) -> list[str]:
    """Norwegian column headers; in a CSV file a share's header says it is a fraction (SHARE_NOTE); a share in
    per cent (a column in `percent`) says so in every file (PERCENT_NOTE)."""
    return [label(c) + (", 0–100" if "prosent" in label(c) else PERCENT_NOTE) if c in percent
            else CSV_LABELS.get(c, label(c)) + SHARE_NOTE if csv and is_share(t, c) else label(c)
            for c, t in df.schema.items()]


def percent_columns(view: str, columns: list[str]) -> frozenset[str]:
    """The columns of a public view that give a share in per cent, 0–100, not as a fraction: every share of the
    policy views (`frivillighetspolitikk_*`, `publisert_frivillighetspolitikk*`; sql/README.md says 'per cent')."""
    if not view.startswith(("frivillighetspolitikk", "publisert_frivillighetspolitikk")):
        return frozenset()
    return frozenset(c for c in columns if is_share(pl.Float64, c))


#: First characters that make a spreadsheet read a cell as a formula (also after spaces, and in full width).
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def is_formula_like(text: str) -> bool:
    """True for text a spreadsheet would take for a formula ('=HYPERLINK(…)', '+47…', '@SUM', ' =1+1')."""
    return text.lstrip(" \u00a0")[:1] in FORMULA_START


def csv_number(v: float | Decimal) -> str:
    """A decimal number as the CSV file writes it: decimal comma, no thousands separator ('11,8834')."""
    text = f"{v:.6f}".rstrip("0").rstrip(".") if isinstance(v, float) else format(v, "f")
    return text.replace(".", ",")


def _csv_cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nei"
    if isinstance(v, int):
        return str(v)  # a number, also when negative: never neutralised as if it were a formula
    if isinstance(v, float | Decimal):
        return csv_number(v)
    text = str(v)
    formula = is_formula_like(text)
    if formula or any(ch in text for ch in ';"\n\r'):
        # quote, and neutralise spreadsheet formulas from register text with a leading apostrophe
        text = '"' + ("'" + text if formula else text).replace('"', '""') + '"'
    return text


def to_csv(df: pl.DataFrame, prov: Provenance, percent: frozenset[str] = frozenset()) -> bytes:
    """CSV as Norwegian Excel opens it: UTF-8 with BOM, ';' separated, decimal comma; source lines at the end
    (`percent`: shares given in per cent, headers)."""
    lines = [";".join(_csv_cell(h) for h in headers(df, csv=True, percent=percent))]
    lines += [";".join(_csv_cell(v) for v in row) for row in df.iter_rows()]
    lines.append("")
    lines += [_csv_cell(x) for x in prov.lines()]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def is_year(column: str) -> bool:
    """True for a column of years ('aar', 'runde', 'vedtaksaar', 'Vedtatt år', 'folketall_aar'): no thousands
    separator ('2019', never '2 019')."""
    name = column.casefold()
    return name in {"aar", "år", "runde", "vedtaksaar"} or name.endswith(("_aar", " år", "(år)"))


def _num_format(dtype: pl.DataType, column: str) -> str | None:
    """Excel number format (stored in Excel's US pattern language; Norwegian Excel shows '1 234,5')."""
    if is_year(column) or column.endswith("nummer") or column in {"kode", "orgnr"}:
        return None
    if dtype.is_integer():
        return "#,##0"
    if is_share(dtype, column):
        return "0.0%"
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return "#,##0.0"
    return None


def _row_format(unit: str | None, values: list) -> str:
    """The number format of a row in a table with one unit per row (an 'enhet' column): a share as per cent,
    whole numbers (counts, kroner) without decimals, others with one."""
    if unit and unit.startswith("andel"):
        return "0.0%"
    numbers = [float(v) for v in values if isinstance(v, int | float | Decimal) and not isinstance(v, bool)]
    return "#,##0" if all(x.is_integer() for x in numbers) else "#,##0.0"


def to_xlsx(df: pl.DataFrame, prov: Provenance, sheet: str = "Data", percent: frozenset[str] = frozenset()) -> bytes:
    """XLSX with a header row, Norwegian headers and number formats, and a 'Kilde' sheet plus source rows
    (`percent`: shares given in per cent: numbers with one decimal, not formatted as per cent of 1)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet[:31])
    bold = wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    formats = {}
    for i, (col, dtype) in enumerate(df.schema.items()):
        fmt = "#,##0.0" if col in percent else _num_format(dtype, col)
        formats[i] = wb.add_format({"num_format": fmt}) if fmt else None
    for j, h in enumerate(headers(df, percent=percent)):
        ws.write_string(0, j, h, bold)
    unit_col = df.columns.index("enhet") if "enhet" in df.columns else None
    row_formats: dict[str, object] = {}
    for r, row in enumerate(df.iter_rows(), start=1):
        if unit_col is not None:  # one unit per row: the row's unit decides, not the column
            spec = _row_format(row[unit_col], [v for j, v in enumerate(row) if formats[j] is not None])
            row_format = row_formats.setdefault(spec, wb.add_format({"num_format": spec}))
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_string(r, j, "ja" if v else "nei")
            elif isinstance(v, int | float | Decimal):
                ws.write_number(r, j, float(v), row_format if unit_col is not None and formats[j] else formats[j])
            else:
                ws.write_string(r, j, str(v))  # always a text cell: never a formula or a link
    for j, h in enumerate(headers(df, percent=percent)):
        ws.set_column(j, j, max(10, min(50, len(h) + 2)))
    ws.freeze_panes(1, 0)
    start = df.height + 2
    for k, line in enumerate(prov.lines()):
        ws.write_string(start + k, 0, line)
    meta = wb.add_worksheet("Kilde")
    for k, line in enumerate(prov.lines()):
        key, _, value = line.partition(": ")
        meta.write_string(k, 0, key, bold)
        meta.write_string(k, 1, value)
    meta.set_column(0, 0, 14)
    meta.set_column(1, 1, 90)
    wb.close()
    return buf.getvalue()
