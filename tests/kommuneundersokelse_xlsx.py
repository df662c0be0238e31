"""Writes small survey-tool exports (.xlsx, sheet 'Svar', header on row 1) for the survey tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Respondent-ID", "Innsendt", "Kommunenummer", "Kommune",
          "Har kommunen en vedtatt frivillighetspolitikk?", "Vedtaksår",
          "Har kommunen en frivillighetskoordinator?", "Har kommunen et frivillighetsråd eller -forum?",
          "Har kommunen en lokal samarbeidsplattform med frivilligheten?",
          "Gir kommunen gratis lokaler til lag og foreninger?",
          "Har kommunen tilskuddsordning for lag og foreninger?", "Antall frivilligsentraler i kommunen",
          "Kommentar"]


def answer(rid: int, when: str, kode: object, navn: str, politikk: object, *, vedtak: int | None = None,
           koordinator: str = "Ja", raad: str = "Nei", plattform: str = "Nei", lokaler: str = "Delvis",
           tilskudd: str = "Ja", sentraler: int | None = 1, kommentar: str | None = None) -> list:
    """One response row in the export's column order; `when` is 'YYYY-MM-DD HH:MM'."""
    return [rid, dt.datetime.fromisoformat(when), kode, navn, politikk, vedtak, koordinator, raad, plattform,
            lokaler, tilskudd, sentraler, kommentar]


def write_export(path: Path, rows: list[list], header: list[str] | None = None, sheet: str = "Svar") -> Path:
    """Write rows ([] = a blank row) under the header; string municipality codes are stored as text cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
        if r:
            ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd hh:mm:ss"
            if isinstance(r[2], str):
                ws.cell(row=ws.max_row, column=3).number_format = "@"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
