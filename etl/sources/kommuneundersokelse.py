"""Municipal survey on local volunteer policy: one .xlsx per round, municipality codes valid in the round's year.

Each round's question texts map to stable column names through `[rounds.YYYY.columns]` in
`kommuneundersokelse.toml`, and answers are read through the vocabularies in `[answers.*]` there, so a reworded
survey needs a TOML entry, not code. Every cell is read as text and cast here (kommunenummer can arrive as the
integer 301 for 0301). Rows of a municipality that answered twice: the latest `Innsendt` wins. Rows whose
municipality number is not valid in the round's year are rejected and logged, never counted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from etl import harmonise
from etl.cache import RawFile
from etl.errors import BuildLog, SourceError
from etl.meta import FileSpec, SourceMeta
from etl.parsing import fold, map_columns, normalise_kommunenummer, parse_int
from etl.sources._common import FetchContext, fetch_files, label, read_bytes, write_table

STABLE = ("respondent_id", "innsendt", "kommunenummer", "kommunenavn", "politikk", "vedtaksaar", "koordinator",
          "frivillighetsraad", "samarbeidsplattform", "gratis_lokaler", "tilskuddsordning",
          "antall_frivilligsentraler", "kommentar")
REQUIRED = ("innsendt", "kommunenummer", "politikk")
JANEI = ("koordinator", "frivillighetsraad", "samarbeidsplattform", "tilskuddsordning")
#: Which answer vocabulary (``[answers.<name>]`` in the TOML) each answer column is read with.
VOCABULARY = {"politikk": "politikk", "gratis_lokaler": "gratis_lokaler", **dict.fromkeys(JANEI, "janei")}
STATUSES = ("ja", "nei", "under_arbeid", "vet_ikke", "ukjent")
FIRST_ADOPTION_YEAR = 1950
SCHEMA = {"runde": pl.Int32, "kodeaar": pl.Int32, "fil": pl.String, "rad": pl.Int32, "respondent_id": pl.String,
          "innsendt": pl.Datetime("us"), "kommunenummer_raw": pl.String, "kommunenummer": pl.String,
          "kommunenavn": pl.String, "svar_politikk": pl.String, "status": pl.String, "vedtaksaar": pl.Int32,
          "koordinator": pl.String, "frivillighetsraad": pl.String, "samarbeidsplattform": pl.String,
          "gratis_lokaler": pl.String, "tilskuddsordning": pl.String, "antall_frivilligsentraler": pl.Int32,
          "kommentar": pl.String}
_SEPARATORS = re.compile(r"[\s,.;:!?()\[\]/\\\-\u2010-\u2015_\"'«»]+")
_TRAILING_YEAR = re.compile(r"(?: i)? (?:19|20)\d{2}$")
_ROUND_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class Round:
    """One survey round: its year, the year of its municipality codes, sheet and question → column mapping."""

    year: int
    kodeaar: int
    columns: dict[str, str]
    sheet: str | None = None
    header_row: int = 1

    def header_of(self, stable: str) -> str:
        """The question text (header) a stable column is read from, for messages."""
        return next((q for q, s in self.columns.items() if s == stable), stable)


@dataclass(frozen=True)
class Config:
    """Survey configuration from the TOML: rounds by year, and answer vocabularies (answer key → value)."""

    rounds: dict[int, Round]
    answers: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Note:
    """A row the ETL corrected, rejected or ignored, for `_avvik` (pure data; `load` logs it)."""

    code: str
    action: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


def answer_key(text: str) -> str:
    """Fold an answer for matching: Unicode NFKC, case, punctuation, whitespace and a trailing year removed."""
    folded = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return _TRAILING_YEAR.sub("", folded)


def _vocabulary(name: str, entries: Mapping[str, list[str]], path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, phrases in entries.items():
        for phrase in phrases:
            key = answer_key(phrase)
            if out.get(key, value) != value:
                raise ValueError(f"{path}: answer {phrase!r} in [answers.{name}] means both {out[key]} and {value}")
            out[key] = value
    return out


def _round(year: int, spec: Mapping, path: Path) -> Round:
    columns = dict(spec.get("columns", {}))
    bad = sorted(set(columns.values()) - set(STABLE))
    missing = [s for s in REQUIRED if s not in columns.values()]
    if bad or missing:
        raise ValueError(f"{path}: [rounds.{year}.columns] maps to unknown names {bad} or lacks {missing} "
                         f"(stable names: {', '.join(STABLE)})")
    return Round(year=year, kodeaar=int(spec.get("kodeaar", year)), columns=columns, sheet=spec.get("sheet"),
                 header_row=int(spec.get("header_row", 1)))


def load_config(path: Path) -> tuple[SourceMeta, Config]:
    """Read the source TOML: the usual metadata plus `[rounds.YYYY]` and `[answers.*]`."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    rounds = {int(y): _round(int(y), spec, path) for y, spec in data.pop("rounds", {}).items()}
    answers = {name: _vocabulary(name, entries, path) for name, entries in data.pop("answers", {}).items()}
    if set(VOCABULARY.values()) - answers.keys():
        raise ValueError(f"{path}: missing [answers.*] tables {sorted(set(VOCABULARY.values()) - answers.keys())}")
    files = tuple(FileSpec(**f) for f in data.pop("files", []))
    return SourceMeta(files=files, **data), Config(rounds=rounds, answers=answers)


META, CONFIG = load_config(Path(__file__).with_suffix(".toml"))


def fetch(ctx: FetchContext) -> list[RawFile]:
    """Copy every round's export from the mirror (or the newest cached copies): there is no download address."""
    return fetch_files(META, ctx)


def round_for(name: str, file: str, config: Config = CONFIG) -> Round:
    """The round a file belongs to, from the year in its name; an unknown year fails naming the file."""
    years = _ROUND_IN_NAME.findall(Path(name).stem)
    if not years:
        raise SourceError(file, "no round year in the file name", expected="frivillighetspolitikk-YYYY.xlsx")
    year = int(years[-1])
    if year not in config.rounds:
        raise SourceError(file, f"survey round {year} is not described in kommuneundersokelse.toml",
                          expected=f"a [rounds.{year}] entry with its kodeaar and [rounds.{year}.columns] "
                                   f"mapping (known rounds: {sorted(config.rounds)})")
    return config.rounds[year]


def normalise_answer(value: str | None, vocabulary: Mapping[str, str]) -> str | None:
    """A raw answer → its value in the vocabulary ('ja', 'nei', ...); blank → None; unrecognised → ValueError."""
    if value is None or not str(value).strip():
        return None
    key = answer_key(str(value))
    if key not in vocabulary:
        raise ValueError(f"unrecognised answer {value!r}")
    return vocabulary[key]


def parse_timestamp(value: str) -> dt.datetime:
    """A submission time as the export writes it: ISO ('2024-04-26 11:23:15'), '26.04.2024 11:23' or a serial."""
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel serial date the reader did not convert
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(text))
    raise ValueError(f"not a date and time: {value!r}")


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_sheet(data: bytes, file: str, rnd: Round) -> pl.DataFrame:
    """The round's sheet as text: every cell a string or null, blank rows kept (so row numbers stay true)."""
    opts: dict = {"header_row": rnd.header_row - 1} if rnd.header_row != 1 else {}
    try:
        return pl.read_excel(io.BytesIO(data), engine="calamine", sheet_name=rnd.sheet, infer_schema_length=0,
                             drop_empty_rows=False, drop_empty_cols=False, raise_if_empty=False,
                             read_options=opts or None)
    except Exception as exc:
        where = f"sheet {rnd.sheet!r}" if rnd.sheet else "the first sheet"
        raise SourceError(file, f"cannot read {where}: {str(exc).splitlines()[0]} (truncated, or another format "
                                "saved as .xlsx?)", expected="an .xlsx export") from exc


def unmapped_columns(header: Iterable[str], rnd: Round) -> list[str]:
    """Header texts the round's mapping does not use (a new question): logged, not loaded."""
    known = {fold(q) for q in rnd.columns}
    return [h for h in header if h and not h.startswith("__UNNAMED") and fold(h) not in known]


def _cell(row: tuple, cols: dict[str, int], stable: str) -> str | None:
    return _text(row[cols[stable]]) if stable in cols else None


def _parse_row(row: tuple, n: int, file: str, rnd: Round, cols: dict[str, int],
               answers: Mapping[str, Mapping[str, str]]) -> dict:
    rec: dict = {"runde": rnd.year, "kodeaar": rnd.kodeaar, "fil": file, "rad": n}
    for stable, vocab in VOCABULARY.items():
        raw = _cell(row, cols, stable)
        try:
            rec[stable] = normalise_answer(raw, answers[vocab])
        except ValueError:
            allowed = sorted({v for v in answers[vocab].values()})
            raise SourceError(file, f"unrecognised answer {raw!r}", row=n, column=rnd.header_of(stable),
                              expected=f"an answer meaning one of {allowed} (add new spellings to "
                                       f"[answers.{vocab}] in kommuneundersokelse.toml)") from None
    rec["svar_politikk"] = _cell(row, cols, "politikk")
    rec["status"] = rec.pop("politikk") or "ukjent"
    for stable, read in (("innsendt", parse_timestamp), ("vedtaksaar", parse_int),
                         ("antall_frivilligsentraler", parse_int)):
        raw = _cell(row, cols, stable)
        try:
            rec[stable] = read(raw) if raw else None
        except ValueError as exc:
            raise SourceError(file, str(exc), row=n, column=rnd.header_of(stable)) from exc
    year = rec["vedtaksaar"]
    if year is not None and not FIRST_ADOPTION_YEAR <= year <= rnd.year:
        raise SourceError(file, f"adoption year {year}", row=n, column=rnd.header_of("vedtaksaar"),
                          expected=f"a year from {FIRST_ADOPTION_YEAR} to {rnd.year}")
    if (rec["antall_frivilligsentraler"] or 0) < 0:
        raise SourceError(file, "negative count", row=n, column=rnd.header_of("antall_frivilligsentraler"))
    raw_code = _cell(row, cols, "kommunenummer")
    rec["kommunenummer_raw"] = raw_code
    try:
        rec["kommunenummer"] = normalise_kommunenummer(raw_code)
    except ValueError:
        rec["kommunenummer"] = None  # screen() rejects the row and logs it
    rid = _cell(row, cols, "respondent_id")
    rec["respondent_id"] = rid[:-2] if rid and rid.endswith(".0") and rid[:-2].isdigit() else rid
    for stable in ("kommunenavn", "kommentar"):
        rec[stable] = _cell(row, cols, stable)
    return rec


def parse(data: bytes, file: str, rnd: Round, config: Config = CONFIG) -> pl.DataFrame:
    """One round's .xlsx bytes → one row per non-blank sheet row (schema SCHEMA), answers normalised.

    Raises SourceError naming file, row, column and value for a missing mapped column, an unrecognised
    answer, or an unreadable time, year or count. Municipality numbers are only cast here ('301' → '0301',
    garbage → null); `screen` decides which rows count.
    """
    sheet = read_sheet(data, file, rnd)
    if not sheet.columns:
        raise SourceError(file, "the sheet is empty", expected="a header row and one row per municipality")
    cols = map_columns(sheet.columns, rnd.columns, file)
    first = rnd.header_row + 1
    rows = [_parse_row(r, n, file, rnd, cols, config.answers)
            for n, r in enumerate(sheet.iter_rows(), start=first) if any(_text(v) for v in r)]
    return pl.DataFrame(rows, schema=SCHEMA)


def validate(df: pl.DataFrame, file: str) -> pl.DataFrame:
    """At least one answer, one round per file, statuses from the fixed list."""
    if df.is_empty():
        raise SourceError(file, "no answers in the file", expected="one row per responding municipality")
    if df["runde"].n_unique() != 1:
        raise SourceError(file, "rows from several rounds in one file")
    odd = set(df["status"]) - set(STATUSES)
    if odd:
        raise SourceError(file, f"unexpected status {sorted(odd)}", column="status")
    return df


def screen(df: pl.DataFrame, file: str, codes: set[str], rnd: Round) -> tuple[pl.DataFrame, list[Note]]:
    """Keep the rows that count: valid municipality, latest answer per municipality; the rest as Notes."""
    notes: list[Note] = []
    col_k, col_p = rnd.header_of("kommunenummer"), rnd.header_of("politikk")
    for r in df.iter_rows(named=True):
        raw, code = r["kommunenummer_raw"], r["kommunenummer"]
        name = f" ({r['kommunenavn']})" if r["kommunenavn"] else ""
        if code is None:
            what = "no municipality number" if raw is None else f"{raw!r} is not a municipality number"
            notes.append(Note("invalid_municipality", "avvist", f"{what}{name}: the answer is not counted",
                              r["rad"], col_k, raw))
        elif code not in codes:
            notes.append(Note("unknown_municipality", "avvist",
                              f"kommunenummer {code}{name} is not a municipality in {rnd.kodeaar}: "
                              f"the answer is not counted", r["rad"], col_k, raw))
        elif raw != code:
            notes.append(Note("leading_zero", "rettet", f"kommunenummer {raw!r} read as {code}", r["rad"], col_k,
                              raw))
    valid = df.filter(pl.col("kommunenummer").is_in(sorted(codes)))
    ordered = valid.sort("kommunenummer", "innsendt", "rad", nulls_last=False)
    kept = ordered.unique("kommunenummer", keep="last", maintain_order=True)
    latest = {r["kommunenummer"]: r for r in kept.iter_rows(named=True)}
    for r in ordered.join(kept.select("rad"), on="rad", how="anti").iter_rows(named=True):
        win = latest[r["kommunenummer"]]
        notes.append(Note("duplicate", "ignorert",
                          f"kommune {r['kommunenummer']} answered more than once: the answer in row {win['rad']} "
                          f"(innsendt {win['innsendt']}, {win['svar_politikk']!r}) replaces this earlier one "
                          f"(innsendt {r['innsendt']})", r["rad"], col_p, r["svar_politikk"]))
    for r in kept.filter(pl.col("status") == "ukjent").iter_rows(named=True):
        notes.append(Note("blank_answer", "ignorert",
                          f"kommune {r['kommunenummer']} left the policy question blank: counted as not answered "
                          f"(ukjent)", r["rad"], col_p, None))
    return kept.sort("rad"), notes


def valid_codes(con: duckdb.DuckDBPyConnection, year: int) -> set[str]:
    """Municipality codes valid in a year (2018–2019: 422, 2020–2023: 356, 2024: 357), from the reference tables."""
    codes = harmonise.codes_valid_in(con, year)
    if codes is None:
        raise SourceError("reference tables", f"no municipality codes for {year}: load grenser and "
                                              "kommuneendringer first")
    return codes


def load(con: duckdb.DuckDBPyConnection, files: list[RawFile], log: BuildLog) -> dict[str, int]:
    """Write src_kommuneundersokelse: the counted answers of every round; rejected/dropped rows go to _avvik."""
    frames, rows, seen = [], {}, {}
    for raw in sorted(files, key=lambda f: f.name):
        file = label(raw)
        rnd = round_for(raw.name, file)
        if rnd.year in seen:
            raise SourceError(file, f"a second file for round {rnd.year} (the first is {seen[rnd.year]})",
                              expected="one export per round")
        seen[rnd.year] = file
        data = read_bytes(raw)
        df = validate(parse(data, file, rnd), file)
        kept, notes = screen(df, file, valid_codes(con, rnd.kodeaar), rnd)
        for col in unmapped_columns(read_sheet(data, file, rnd).columns, rnd):
            notes.append(Note("unmapped_column", "ignorert",
                              f"column not in [rounds.{rnd.year}.columns]: not loaded", column=col))
        for n in notes:
            log.add(META.id, file, n.code, n.action, n.message, row=n.row, column=n.column, value=n.value)
        frames.append(kept)
        rows[raw.name] = kept.height
    out = pl.concat(frames).drop("kommunenummer_raw").sort("runde", "kommunenummer")
    write_table(con, "src_kommuneundersokelse", out)
    return rows


def harmonised_status(statuses: Iterable[str]) -> str:
    """The policy status of a 2024 municipality in an earlier round, from its predecessors' statuses.

    Predecessors are the codes valid in the round's year that `kommunekode_mapping` sends (with any weight)
    to the 2024 municipality; a code split between several 2024 municipalities is a predecessor of each.
    1. ja — if ANY predecessor answered ja: a policy adopted for part of today's municipality counts.
    2. under_arbeid — else, if any predecessor answered under arbeid.
    3. ukjent — else, if any predecessor did not answer: an unanswered part might have had a policy, so
       neither nei nor vet ikke can be claimed for the whole (also when no predecessor answered).
    4. vet_ikke — else (every predecessor answered), if any answered vet ikke.
    5. nei — only if every predecessor answered, and every one answered nei.
    """
    found = set(statuses)
    if not found:
        raise ValueError("a 2024 municipality without predecessors")
    for status in ("ja", "under_arbeid", "ukjent", "vet_ikke"):
        if status in found:
            return status
    return "nei"
