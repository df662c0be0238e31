"""Place names: the Norwegian short form ('Røros', 'Trøndelag') in charts, text, tables and downloads on every page;
the official name in several languages only where the full name is shown, written with an en dash ('Rosse –
Røros'), never the registered hyphen form ('Rosse - Røros') and never the Sami part alone ('Rosse')."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.format import official_name
from etl.config import ROOT, SQL_DIR
from etl.sqlrun import run_checks

APP = str(ROOT / "app.py")


def test_the_short_name_is_the_norwegian_form_of_every_name_in_several_languages(con):
    """The short form of a name in several languages is the part that the 2020 boundary file (which has one name
    per municipality) gives the same number; and each county's short form is one of its parts."""
    rows = con.sql("""SELECT k.kommunenummer, k.kommunenavn, k.kommunenavn_kort, o.navn AS navn_2020
                      FROM kommune k JOIN kommune_historikk h ON h.kommunenummer_2024 = k.kommunenummer
                      JOIN src_kommune_2020 o ON o.kode = h.kode
                      WHERE contains(k.kommunenavn, ' - ') AND list_contains(string_split(k.kommunenavn, ' - '), o.navn)
                      """).fetchall()
    several = con.sql("SELECT count(*) FROM kommune WHERE contains(kommunenavn, ' - ')").fetchall()[0][0]
    assert len({r[0] for r in rows}) == several > 10, "every name in several languages is checked"
    wrong = [r for r in rows if r[2] != r[3]]
    assert not wrong, wrong  # e.g. 'Rosse - Røros' is Røros (5025), as the 2020 file calls it
    for name, short in con.sql("SELECT fylkesnavn, fylkesnavn_kort FROM fylke").fetchall():
        assert short in name.split(" - "), (name, short)
    assert dict(con.sql("SELECT fylkesnavn, fylkesnavn_kort FROM fylke WHERE fylkesnummer = '50'").fetchall()) == {
        "Trøndelag - Trööndelage": "Trøndelag"}


def test_a_new_name_in_several_languages_stops_the_build_until_its_norwegian_form_is_listed(tmp_path, mirror_db):
    """Otherwise the page would show whichever language comes first, as it once showed 'Rosse' for Røros."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(mirror_db, copy)
    with duckdb.connect(str(copy)) as c:
        assert "ref_kortnavn" not in {r.name for r in run_checks(c, SQL_DIR) if not r.passed}
        c.execute("UPDATE mat_kommune SET kommunenavn = 'Raane - Rana' WHERE kommunenummer = '1833'")
        failed = {r.name for r in run_checks(c, SQL_DIR) if not r.passed}
    assert "ref_kortnavn" in failed


@pytest.fixture()
def seen(mirror_db, monkeypatch, downloads):
    """A function that opens a page and returns everything a reader sees on it, and every download, as text."""
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))

    def run(page: str, **params: str) -> str:
        downloads.clear()
        at = AppTest.from_file(APP, default_timeout=180)
        at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        parts = [e.value for kind in ("markdown", "caption", "info", "warning", "title", "header", "subheader")
                 for e in at.get(kind)]
        parts += [t.value.to_csv() for t in at.table] + [d.value.to_csv() for d in at.dataframe]
        parts += [o for s in at.selectbox for o in s.options]  # the lists' labels
        parts += [b.decode("utf-8-sig", "replace") for name, b in downloads.items() if name.endswith(".csv")]
        return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))

    return run


@pytest.mark.parametrize("page,params", [
    ("pages/oversikt.py", {}),
    ("pages/kart.py", {}),
    ("pages/frivillighetspolitikk.py", {"kommune": "5025", "visning": "Kart og kommuner"}),
    ("pages/tilskudd.py", {"fylke": "50", "visning": "Kommuner"}),
    ("pages/tilskudd.py", {"kommune": "5025", "visning": "Utviklingen"}),
    ("pages/kommuneprofil.py", {"kommune": "5025"}),
    ("pages/kommuneprofil.py", {"kommune": "1806"}),
])
def test_pages_and_downloads_name_places_by_their_norwegian_form(seen, con, page, params):
    names = con.sql("""SELECT kommunenavn, kommunenavn_kort FROM kommune UNION SELECT fylkesnavn, fylkesnavn_kort
                       FROM fylke UNION SELECT navn, navn_kort FROM kommune_historikk""").fetchall()
    several = [(name, short) for name, short in names if " - " in name]
    text = seen(page, **params)
    registered = sorted({name for name, _ in several if name in text})
    assert not registered, f"the registered form with a hyphen: {registered}"
    rest = text
    for name, _ in sorted(several, key=lambda r: -len(r[0])):
        rest = rest.replace(official_name(name), "")  # the full official name, where it is shown
    alone = sorted({part for name, short in several for part in name.split(" - ")
                    if part != short and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", rest)})
    assert not alone, f"a name's other language alone, as if it were the Norwegian name: {alone}"
    if params.get("kommune") == "5025":
        assert re.search(r"(?<!\w)Røros(?!\w)", rest), "Røros by its Norwegian name"
