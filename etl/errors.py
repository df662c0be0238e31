"""Errors that name the file, row and column, and the log of rows the ETL corrected or rejected."""

from __future__ import annotations

from dataclasses import dataclass, field


class SourceError(Exception):
    """A source file that cannot be loaded: names file, row (1-based, as a spreadsheet shows it) and column."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.expected = file, row, column, expected
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        text = ", ".join(where) + f": {message}"
        if expected:
            text += f" (expected {expected})"
        self.message = message
        super().__init__(text)


class CheckFailed(Exception):
    """One or more SQL data checks returned bad rows."""


@dataclass(frozen=True)
class Deviation:
    """One row the ETL corrected, rejected or ignored, kept for the `_avvik` table."""

    source_id: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str  # machine code, e.g. unknown_municipality, duplicate, total_row
    action: str  # 'rettet' (corrected), 'avvist' (rejected), 'ignorert' (ignored)
    message: str


@dataclass
class BuildLog:
    """Collects deviations during a build; they land in `_avvik` and in the CLI summary."""

    deviations: list[Deviation] = field(default_factory=list)

    def add(
        self,
        source_id: str,
        file: str,
        code: str,
        action: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        """Record one corrected/rejected/ignored row."""
        if action not in {"rettet", "avvist", "ignorert"}:
            raise ValueError(f"unknown action {action!r}")
        self.deviations.append(
            Deviation(source_id, file, row, column, None if value is None else str(value), code, action, message)
        )
