"""Every municipality profile tells its mergers and divisions truly: the years, the direction and the answers it
names are checked against SSB's change lists (the raw `src_kommuneendring`, not the views the profile reads),
for all 357 municipalities."""

from __future__ import annotations

import re
from collections import defaultdict

import polars as pl
import pytest

from dashboard import profil, queries, queries_profil

#: Words only a text about a division uses.
DIVISION = re.compile(r"\bdelt\b|\bdeling|\ben del av\b")
#: A year the text gives a division: 'ble delt i 2020', 'før delingen i 2024', 'Delingen av Ålesund i 2024',
#: 'Fra 2020 fikk' (not 'Fra 2020 til 2023', a period).
DIVISION_YEAR = re.compile(r"(?:delt i|delingen i|[Dd]elingen av \S+ i|Fra) (\d{4})(?!\s+til)")


@pytest.fixture(scope="module")
def oracle(mirror_db):
    """What the change lists say: every division, the 2024 municipalities its parts are today, and whether each
    part also got other municipalities (it took over a part) or not (it is what was left of the divided one);
    every (number, year) the lists changed; the survey answers behind each round."""
    import duckdb

    con = duckdb.connect(str(mirror_db), read_only=True)
    try:
        divided = con.sql("""SELECT gammel_kode, reform_aar, list(DISTINCT ny_kode) FROM src_kommuneendring
                             GROUP BY 1, 2 HAVING count(DISTINCT ny_kode) > 1""").fetchall()
        splits: dict[str, dict[str, tuple[int, bool]]] = defaultdict(dict)  # today → divided number → (year, took)
        for old, year, news in divided:
            for new in news:
                (today,) = con.sql("SELECT list(DISTINCT kommunenummer_2024) FROM kommunekode_mapping "
                                   "WHERE kode = $1 AND aar = $2", params=[new, year]).fetchall()[0]
                (others,) = con.sql("SELECT count(*) FROM src_kommuneendring WHERE reform_aar = $1 "
                                    "AND ny_kode = $2 AND gammel_kode <> $3", params=[year, new, old]).fetchall()[0]
                for t in today:
                    splits[t][old] = (year, others > 0)
        events = set(con.sql("SELECT gammel_kode, reform_aar FROM src_kommuneendring").fetchall())
        short = dict(con.sql("SELECT DISTINCT kode, navn_kort FROM kommune_historikk").fetchall())
        answers = {(k, r): (n, f) for k, r, n, f in con.sql(
            "SELECT kommunenummer, runde, antall_forgjengere, forgjengere FROM frivillighetspolitikk").fetchall()}
        notes = con.sql("""SELECT DISTINCT kode, merknad FROM kommune_historikk WHERE merknad IS NOT NULL""").fetchall()
    finally:
        con.close()
    assert splits, "the mirror has no divisions to check"
    return {"splits": dict(splits), "events": events, "short": short, "answers": answers, "notes": notes}


@pytest.fixture(scope="module")
def histories(mirror_db):
    """Every municipality's profile with what its history reads (number, name, former numbers, divisions)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("FRIVILLIG_DB", str(mirror_db))
    q = queries_profil
    try:
        yield {r["kommunenummer"]: profil.Profile(
            code=r["kommunenummer"], info=r, key=pl.DataFrame(), rounds=pl.DataFrame(), shares={},
            categories=pl.DataFrame(), grasrot=pl.DataFrame(), orgs=pl.DataFrame(), centres=pl.DataFrame(),
            history=q.history_notes(r["kommunenummer"]), splits=q.splits(r["kommunenummer"]))
            for r in queries.kommuner().iter_rows(named=True)}
    finally:
        mp.undo()


def _sentences(text: str) -> list[str]:
    """Plain sentences (markdown markers and escapes removed)."""
    plain = re.sub(r"\\(.)", r"\1", text.replace("**", "").replace("*", ""))
    return [s for s in re.split(r"(?<=\.)\s+(?=[A-ZÆØÅ«])", plain) if s]


def _check_division_sentences(p: profil.Profile, texts: list[str], oracle: dict) -> list[str]:
    """Each sentence on a division names one this municipality had, with its year and the right direction."""
    mine = oracle["splits"].get(p.code, {})
    problems = []
    for s in (s for t in texts if t for s in _sentences(t) if DIVISION.search(s)):
        named = [old for old in mine if f"({old})" in s] or [old for old in mine if oracle["short"][old] in s]
        if len(named) != 1:
            problems.append(f"{p.code} {p.name}: a division it did not have: {s}")
            continue
        (old,) = named
        year, took = mine[old]
        problems += [f"{p.code} {p.name}: says {y}, the change lists say {old} was divided in {year}: {s}"
                     for y in DIVISION_YEAR.findall(s) if int(y) != year]
        if "fikk en del av" in s and not took:
            problems.append(f"{p.code} {p.name}: says it got a part of {old}, but it is what was left of it: {s}")
        if "var en del av" in s and took:
            problems.append(f"{p.code} {p.name}: says it was a part of {old}, but it took over a part: {s}")
        if m := re.search(r"Svaret fra (\d{4}) (gjelder hele|bygger også på svaret fra hele)", s):
            runde = int(m.group(1))
            n, before = oracle["answers"][(p.code, runde)]
            if not (before and f"{old} " in before and runde < year):
                problems.append(f"{p.code} {p.name}: the {runde} answer is not {old}'s before its division: {s}")
            if (m.group(2) == "gjelder hele") != (n == 1):
                problems.append(f"{p.code} {p.name}: the {runde} answer comes from {n} municipalities: {s}")
    return problems


def test_every_profile_tells_only_the_divisions_it_had_in_the_years_they_happened(histories, oracle, mirror_db,
                                                                                monkeypatch):
    """All 357: a municipality with no divided predecessor says nothing about a division anywhere; one with a part
    of a divided municipality ('Fra 2020 fikk Narvik en del av Tysfjord', 'Fra 2020 til 2023 var Haram en del av
    Ålesund') tells it in the history, beside the grasrot figures from before it and where the survey answers
    compared straddle it, with the year of the change list and the right direction, on its whole profile."""
    assert len(histories) == 357
    problems = []
    for code, p in histories.items():
        if code not in oracle["splits"]:
            problems += _check_division_sentences(p, [profil.history_note(p)], oracle)
            if p.splits.height or p.history.filter(pl.col("vekt") < 1).height:
                problems.append(f"{code} {p.name}: counted as divided: {p.splits['kode'].to_list()}")
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    for code, mine in oracle["splits"].items():  # the whole profile where a division is told
        p = profil.load(code)
        history, note, changes = profil.history_note(p), profil.split_note(p), profil.changes(p)
        problems += _check_division_sentences(p, [history, note, *changes, profil.policy_note(p)], oracle)
        for old, (year, _) in mine.items():
            if not history or f"{old}) ble delt i {year}" not in history:
                problems.append(f"{code} {p.name}: the history does not tell the division of {old} in {year}")
            first = p.grasrot.filter(pl.col("nivaa") == "kommune")["aar"].min()
            if first is not None and first < year and (not note or str(year) not in note):
                problems.append(f"{code} {p.name}: no note on the grasrot figures from before {year}")
            new, prev = (p.rounds.row(i, named=True) for i in (0, 1))
            if prev["runde"] < year <= new["runde"] and not any(f"Svaret fra {prev['runde']}" in c for c in changes):
                problems.append(f"{code} {p.name}: the answers compared straddle {year}; the page does not say so")
    assert not problems, "\n".join(problems)


def test_the_history_names_each_former_number_with_the_years_it_was_in_use(histories, oracle):
    """'til og med 2019 var Narvik (1805)', '0137 (til og med 2019) og 3018 (2020–2023)': a period ends the year
    before the change list changed that number."""
    problems = []
    for code, p in histories.items():
        text = profil.history_note(p) or ""
        periods = re.findall(r"(?:til og med (\d{4})|fra \d{4} til (\d{4})) var (.*?)(?=, og |\.\s|\.$)", text)
        periods += [(y, "", number) for number, y in re.findall(r"\b(\d{4}) \((?:til og med |\d{4}–)(\d{4})\)", text)]
        if text and not periods:
            problems.append(f"{code}: no period in {text}")
        for last, last2, named in periods:
            for former in re.findall(r"\((\d{4})\)", named) if "(" in named else [named]:
                if (former, int(last or last2) + 1) not in oracle["events"]:
                    problems.append(f"{code}: {former} did not change after {last or last2}: {text}")
    assert not problems, "\n".join(problems[:20])


def test_the_note_on_a_former_number_tells_its_changes_in_the_years_they_happened(oracle, mirror_db, monkeypatch):
    """The note a search for a former number or name shows (the database's merknad): each 'ble delt i', 'ble slått
    sammen … i' and 'fikk kommunenummer … i' names a year in which the change list changed that number; and a
    divided number's search says which part it shows, 'the largest part' only where one part is larger."""
    event = re.compile(r"\((\d{4})\) (?:ble delt i (\d{4})|ble slått sammen med [^.]*? til [^.]*? \(\d{4}\) i (\d{4})"
                       r"|fikk kommunenummer \d{4} i (\d{4}))")
    problems = []
    for former, note in oracle["notes"]:
        for m in event.finditer(note):
            code, year = m.group(1), int(next(y for y in m.groups()[1:] if y))
            if (code, year) not in oracle["events"]:
                problems.append(f"{former}: {code} did not change in {year}: {note}")
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    known = profil.known_municipalities()
    divided = sorted({old for parts in oracle["splits"].values() for old in parts})
    for asked in divided + [oracle["short"][old] for old in divided]:
        hits = queries_profil.search(asked)
        if hits["rang"][0] not in (2, 3):
            continue  # also a name in use today ('Ålesund'): that municipality, no note
        note = re.sub(r"\\(.)", r"\1", profil.search(asked, known).note or "")
        weights = hits.filter(pl.col("rang") == hits["rang"][0])["vekt"].to_list()
        if "(" + asked + ")" not in note and asked in divided:
            problems.append(f"{asked}: the note does not say what the number was: {note}")
        if ("den største delen" in note) != (weights.count(max(weights)) == 1):
            problems.append(f"{asked}: parts {weights}, the note says: {note}")
    assert not problems, "\n".join(problems[:20])
