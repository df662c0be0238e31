"""Municipality codes valid in any year 2018–2024 → the 2024 municipalities, with weights.

Rules (documented for users on the app's Om dataene page and in sql/README.md):
1. 2024 codes map to themselves.
2. 2020–2023 codes follow SSB's 2024 change file; 2018–2019 codes follow the 2020 change file, then the 2024 one.
   A merge maps an old code wholly (weight 1) to its successor.
3. A split in a change file is divided equally unless `kommunedeling-vekter.csv` covers the code and year:
   a row there overrides the chained result (Haram 1534 of 2019 → 1580 alone; Ålesund 1507 of 2020–2023 →
   1508/1580 by population 1.1.2024).
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import polars as pl

from etl.config import BASE_YEAR
from etl.sources._common import has_table, write_table

FIRST_YEAR = 2018
MAPPING_SCHEMA = {"kode": pl.String, "aar": pl.Int32, "kommunenummer_2024": pl.String, "vekt": pl.Float64,
                  "metode": pl.String}
Mapping = dict[str, dict[str, float]]


class HarmonisationError(ValueError):
    """The change files and weights do not give a complete, consistent mapping."""


def _step(changes: pl.DataFrame, valid_old: set[str]) -> tuple[Mapping, dict[str, str]]:
    targets: dict[str, list[str]] = defaultdict(list)
    for old, new in changes.select("gammel_kode", "ny_kode").iter_rows():
        targets[old].append(new)
    mapping: Mapping = {}
    method: dict[str, str] = {}
    for code in valid_old:
        news = sorted(set(targets.get(code, [code])))
        mapping[code] = {n: 1 / len(news) for n in news}
        method[code] = "uendret" if code not in targets else ("endring" if len(news) == 1 else "deling_lik")
    return mapping, method


def valid_codes_2019(changes_2020: pl.DataFrame, codes_2020: set[str]) -> set[str]:
    """Codes valid in 2018–2019: every old code of the 2020 changes, plus 2020 codes the reform did not touch."""
    return set(changes_2020["gammel_kode"]) | (codes_2020 - set(changes_2020["ny_kode"]))


def codes_valid_in(con: duckdb.DuckDBPyConnection, year: int) -> set[str] | None:
    """Municipality codes valid in a year (2018–2019: 422, 2020–2023: 356, 2024: 357) from the loaded reference
    tables; None when the tables that year needs are not loaded (a source tested on its own)."""
    if year < FIRST_YEAR:
        raise ValueError(f"no municipality codes for {year} (the reference data starts in {FIRST_YEAR})")
    needed = ["src_kommune_grense_2024"] if year >= BASE_YEAR else ["src_kommune_2020"] if year >= 2020 else \
        ["src_kommune_2020", "src_kommuneendring"]
    if not all(has_table(con, t) for t in needed):
        return None
    if year >= BASE_YEAR:
        return {c for (c,) in con.sql("SELECT kode FROM src_kommune_grense_2024").fetchall()}
    codes_2020 = {c for (c,) in con.sql("SELECT kode FROM src_kommune_2020").fetchall()}
    if year >= 2020:
        return codes_2020
    changes = con.sql("SELECT gammel_kode, ny_kode FROM src_kommuneendring WHERE reform_aar = 2020").pl()
    return valid_codes_2019(changes, codes_2020)


def build_mapping(changes: pl.DataFrame, codes_2020: set[str], codes_2024: set[str],
                  weights: pl.DataFrame) -> pl.DataFrame:
    """Change files (reform_aar, gammel_kode, ny_kode) + valid code sets + split weights → mapping rows."""
    ch20 = changes.filter(pl.col("reform_aar") == 2020)
    ch24 = changes.filter(pl.col("reform_aar") == 2024)
    codes_2019 = valid_codes_2019(ch20, codes_2020)
    unknown = set(ch20["ny_kode"]) - codes_2020
    if unknown:
        raise HarmonisationError(f"2020 change file leads to codes not valid in 2020: {sorted(unknown)}")
    m24, meth24 = _step(ch24, codes_2020)
    m20, meth20 = _step(ch20, codes_2019)

    def overrides(year: int) -> Mapping:
        rows = weights.filter((pl.col("gyldig_fra") <= year) & (pl.col("gyldig_til") >= year))
        over: Mapping = defaultdict(dict)
        for code, target, w in rows.select("kode", "kommunenummer_2024", "vekt").iter_rows():
            over[code][target] = w
        return over

    def apply(base: Mapping, meth: dict[str, str], year: int) -> tuple[Mapping, dict[str, str]]:
        over = overrides(year)
        stray = set(over) - set(base)
        if stray:
            raise HarmonisationError(f"weights file names codes not valid in {year}: {sorted(stray)}")
        return ({c: dict(over.get(c, t)) for c, t in base.items()},
                {c: "vekter" if c in over else m for c, m in meth.items()})

    per_year: dict[int, tuple[Mapping, dict[str, str]]] = {
        BASE_YEAR: ({c: {c: 1.0} for c in codes_2024}, dict.fromkeys(codes_2024, "uendret"))}
    for year in range(2020, BASE_YEAR):
        per_year[year] = apply(m24, meth24, year)
    m2020, meth2020 = per_year[2020]
    m19: Mapping = {}
    meth19: dict[str, str] = {}
    for code, mids in m20.items():
        acc: dict[str, float] = defaultdict(float)
        for mid, w in mids.items():
            for target, w2 in m2020[mid].items():
                acc[target] += w * w2
        m19[code] = dict(acc)
        steps = {meth20[code]} | {meth2020[mid] for mid in mids}
        meth19[code] = next((m for m in ("deling_lik", "vekter") if m in steps), None) or (
            "uendret" if steps == {"uendret"} else "endring")
    for year in range(FIRST_YEAR, 2020):
        per_year[year] = apply(m19, meth19, year)
    rows = []
    for year in range(FIRST_YEAR, BASE_YEAR + 1):
        mapping, meth = per_year[year]
        for code in sorted(mapping):
            rows += [(code, year, t, w, meth[code]) for t, w in sorted(mapping[code].items())]
    df = pl.DataFrame(rows, schema=MAPPING_SCHEMA, orient="row")
    bad = set(df["kommunenummer_2024"]) - codes_2024
    if bad:
        raise HarmonisationError(f"mapping leads to codes that are not 2024 municipalities: {sorted(bad)}")
    sums = df.group_by("kode", "aar").agg(pl.col("vekt").sum()).filter((pl.col("vekt") - 1).abs() > 1e-9)
    if sums.height:
        raise HarmonisationError(f"weights do not sum to 1 for {sums.row(0)}")
    return df.sort("aar", "kode", "kommunenummer_2024")


def and_list(items: list[str]) -> str:
    """'A', 'A og B', 'A, B og C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _event(code: str, changes: pl.DataFrame, names_after: dict[str, str], year: int) -> str | None:
    """What one reform did to one code, in Norwegian: split, merge, new number or new name."""
    rows = changes.filter(pl.col("gammel_kode") == code)
    if rows.is_empty():
        return None
    targets = sorted(set(rows["ny_kode"]))
    if len(targets) > 1:
        return f"ble delt i {year} i {and_list([f'{names_after.get(t, t)} ({t})' for t in targets])}"
    (target,) = targets
    partners = changes.filter((pl.col("ny_kode") == target) & (pl.col("gammel_kode") != code))
    if partners.height:
        # a partner that was split joined only in part: 'med Ballangen og en del av Tysfjord', not the whole
        split = set(changes.group_by("gammel_kode").agg(pl.col("ny_kode").n_unique())
                    .filter(pl.col("ny_kode") > 1)["gammel_kode"])
        names = sorted(set(partners.select("gammelt_navn", pl.col("gammel_kode").is_in(split)).iter_rows()))
        others = and_list([("en del av " if part else "") + name for name, part in names])
        return f"ble slått sammen med {others} til {names_after.get(target, target)} ({target}) i {year}"
    if target != code:
        return f"fikk kommunenummer {target} i {year}"
    new_name = rows["nytt_navn"][0]
    if new_name and new_name != rows["gammelt_navn"][0]:
        return f"fikk navnet {new_name} i {year}"
    return None


def build_name_history(changes: pl.DataFrame, names_2020: dict[str, str], names_2024: dict[str, str],
                       mapping: pl.DataFrame) -> pl.DataFrame:
    """Every (code, name) valid in some year 2018–2024 with its span of years and a note on what happened."""
    ch20 = changes.filter(pl.col("reform_aar") == 2020)
    ch24 = changes.filter(pl.col("reform_aar") == 2024)
    names_2019 = {c: names_2020[c] for c in valid_codes_2019(ch20, set(names_2020)) if c in names_2020}
    names_2019.update(dict(ch20.select("gammel_kode", "gammelt_navn").iter_rows()))
    today = {}
    for code, year, target, weight in mapping.select("kode", "aar", "kommunenummer_2024", "vekt").iter_rows():
        today.setdefault((code, year), []).append((target, weight))
    rows = []
    for code, name in names_2019.items():
        events = [e for e in [_event(code, ch20, names_2020, 2020)] if e]
        mids = sorted(set(ch20.filter(pl.col("gammel_kode") == code)["ny_kode"])) or [code]
        for mid in mids:
            if (e := _event(mid, ch24, names_2024, 2024)) is not None:
                events.append(f"{names_2020.get(mid, mid)} ({mid}) {e}" if events or len(mids) > 1 else e)
        rows.append((code, name, FIRST_YEAR, 2019, _note(name, code, events, today[(code, 2019)], names_2024)))
    for code, name in names_2020.items():
        events = [e for e in [_event(code, ch24, names_2024, 2024)] if e]
        rows.append((code, name, 2020, BASE_YEAR - 1, _note(name, code, events, today[(code, 2023)], names_2024)))
    rows += [(code, name, BASE_YEAR, BASE_YEAR, None) for code, name in names_2024.items()]
    hist = pl.DataFrame(rows, schema={"kode": pl.String, "navn": pl.String, "gyldig_fra": pl.Int32,
                                      "gyldig_til": pl.Int32, "merknad": pl.String}, orient="row")
    # A municipality untouched by both reforms has one row per span; keep the spans apart only where
    # something happened, so search results stay short.
    untouched = hist.filter(pl.col("merknad").is_null()).group_by("kode", "navn").agg(
        pl.col("gyldig_fra").min(), pl.col("gyldig_til").max(), pl.col("merknad").first())
    return pl.concat([hist.filter(pl.col("merknad").is_not_null()), untouched.select(hist.columns)]).sort(
        "kode", "gyldig_fra", "navn")


def _note(name: str, code: str, events: list[str], targets: list[tuple[str, float]],
          names_2024: dict[str, str]) -> str | None:
    if not events and [t for t, _ in targets] == [code]:
        return None
    if len(targets) == 1:
        today = f"I dag: {names_2024[targets[0][0]]} ({targets[0][0]})."
    else:
        shares = ", ".join(f"{names_2024[t]} ({t}) {round(w * 100)}\u00a0%" for t, w in targets)
        today = f"Tall for {code} fordeles i dag på {shares}."
    story = ", og ".join(events) if events else "fikk endret kommuneinndeling"
    return f"{name} ({code}) {story}. {today}"


def derive(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Build ref_kommunekode_mapping and ref_kommunenavn from the loaded reference tables."""
    changes = con.sql("SELECT reform_aar, gammel_kode, gammelt_navn, ny_kode, nytt_navn FROM src_kommuneendring").pl()
    n20 = dict(con.sql("SELECT kode, navn FROM src_kommune_2020").fetchall())
    n24 = dict(con.sql("SELECT kode, navn FROM src_kommune_grense_2024").fetchall())
    weights = con.sql("SELECT kode, gyldig_fra, gyldig_til, kommunenummer_2024, vekt FROM src_kommunedeling_vekt").pl()
    mapping = build_mapping(changes, set(n20), set(n24), weights)
    history = build_name_history(changes, n20, n24, mapping)
    return {"ref_kommunekode_mapping": write_table(con, "ref_kommunekode_mapping", mapping),
            "ref_kommunenavn": write_table(con, "ref_kommunenavn", history)}
