"""`python -m etl update`: Enhetsregisteret's change feed, stored as new raw files and applied by the build."""

from __future__ import annotations

import gzip
import json
import re

import duckdb
import httpx
import pytest
from registers_helpers import (
    build_reference_db,
    connect_with_reference,
    fixture_json,
    mock_transport,
    raw_file,
)

from etl.cache import RawCache, sha256_file
from etl.config import Settings
from etl.errors import BuildLog
from etl.sources import enhetsregisteret as er
from etl.sources import frivillighetsregisteret as frr
from etl.update import run


@pytest.fixture(scope="module")
def ref_db(tmp_path_factory, mirror_dir):
    return build_reference_db(mirror_dir, tmp_path_factory.mktemp("ref") / "ref.duckdb")


def feed(pages: dict[str | None, dict], records: list[dict], gone: set[str]):
    """A fake brreg: the change feed (by oppdateringsid, None for the dato query), search and single lookups."""

    def routes(request: httpx.Request) -> httpx.Response:
        path, params = request.url.path, request.url.params
        if path.endswith("/oppdateringer/enheter"):
            key = params.get("oppdateringsid")
            return httpx.Response(200, json=pages.get(key, fixture_json("enhetsregisteret", "oppdateringer-tom.json")))
        if path.endswith("/enhetsregisteret/api/enheter"):
            wanted = params["organisasjonsnummer"].split(",")
            hits = [r for r in records if r["organisasjonsnummer"] in wanted]
            return httpx.Response(200, json={"_embedded": {"enheter": hits}, "page": {"totalElements": len(hits)}})
        orgnr = path.rsplit("/", 1)[-1]
        if orgnr in gone:
            return httpx.Response(410, json={"organisasjonsnummer": orgnr, "slettedato": "2025-10-01"})
        return httpx.Response(404, json={"feilmelding": "Ingen enhet med organisasjonsnummer " + orgnr})

    return routes


def fixture_feed():
    return feed({None: fixture_json("enhetsregisteret", "oppdateringer-side-1.json")},
                fixture_json("enhetsregisteret", "enheter-sok.json")["_embedded"]["enheter"], {"910000217"})


def test_changes_are_read_by_cursor_from_the_dumps_date():
    seen: list[httpx.Request] = []
    pages = {None: {"_embedded": {"oppdaterteEnheter": [
                 {"oppdateringsid": 10, "organisasjonsnummer": "910000004", "endringstype": "Endring"},
                 {"oppdateringsid": 11, "organisasjonsnummer": "910000071", "endringstype": "Ny"}]}},
             "12": {"_embedded": {"oppdaterteEnheter": [
                 {"oppdateringsid": 12, "organisasjonsnummer": "910000144", "endringstype": "Sletting"},
                 {"oppdateringsid": 13, "organisasjonsnummer": "910000217", "endringstype": "Fjernet"}]}},
             "14": {"_embedded": {"oppdaterteEnheter": [
                 {"oppdateringsid": 14, "organisasjonsnummer": "910000284", "endringstype": "Endring"}]}}}
    changes = er.fetch_changes(since="2025-09-30T00:00:00.000Z", size=2,
                               transport=mock_transport(feed(pages, [], set()), seen))
    assert [c["oppdateringsid"] for c in changes] == [10, 11, 12, 13, 14]
    assert seen[0].url.params["dato"] == "2025-09-30T00:00:00.000Z" and seen[0].url.params["size"] == "2"
    assert [r.url.params.get("oppdateringsid") for r in seen] == [None, "12", "14"]  # stops on a short page


def test_update_is_stored_as_a_new_raw_file_and_resumes_after_the_last_id(tmp_path):
    cache = RawCache(tmp_path / "raw")
    base = raw_file(cache, "enhetsregisteret", "enhetsregisteret/enheter_alle.json", gzipped=True, tmp=tmp_path)
    before = sha256_file(base.path)
    seen: list[httpx.Request] = []
    result = er.fetch_update(cache, base, transport=mock_transport(fixture_feed(), seen))
    assert result.changes == 6 and result.entities == 5
    assert result.by_type == {"Endring": 3, "Sletting": 1, "Ny": 1, "Ukjent": 1}
    assert re.fullmatch(rf"oppdateringer-{base.sha256[:12]}-000000002001-000000002006\.jsonl\.gz", result.file.name)
    lines = [json.loads(x) for x in gzip.decompress(result.file.path.read_bytes()).splitlines()]
    by = {x["organisasjonsnummer"]: x for x in lines}
    assert by["910000004"]["oppdateringsid"] == 2005 and by["910000004"]["enhet"]["navn"] == "BYGDA IL"
    assert by["910000071"]["enhet"] is None  # Sletting: no lookup
    assert by["910000217"]["enhet"] is None  # 410 Gone
    assert sha256_file(base.path) == before and er.fetch(_ctx(cache))[1:] == [result.file]
    assert seen[0].url.params["dato"] == "2025-09-29T00:00:00.000Z"  # the day before the dump was retrieved
    assert "910000071" not in seen[1].url.params["organisasjonsnummer"]
    # the next run asks for the changes after the last stored id, and stores nothing when there are none
    seen.clear()
    again = er.fetch_update(cache, base, transport=mock_transport(fixture_feed(), seen))
    assert seen[0].url.params["oppdateringsid"] == "2007" and "dato" not in seen[0].url.params
    assert again.file is None and len(er.update_files(cache, base)) == 1


def _ctx(cache):
    from etl.sources._common import FetchContext

    return FetchContext(cache, None, offline=True, quiet=True)


def test_build_applies_the_dump_then_the_updates(ref_db, tmp_path):
    cache = RawCache(tmp_path / "raw")
    base = raw_file(cache, "enhetsregisteret", "enhetsregisteret/enheter_alle.json", gzipped=True, tmp=tmp_path)
    upd = er.fetch_update(cache, base, transport=httpx.MockTransport(fixture_feed())).file
    con, log = connect_with_reference(ref_db), BuildLog()
    frr.load(con, [raw_file(cache, "frivillighetsregisteret", "frivillighetsregisteret/frivillige-"
                            "organisasjoner.jsonl", gzipped=True, tmp=tmp_path)], log)
    counts = er.load(con, [base, upd], log)
    assert counts[upd.name] == 5
    got = dict(con.sql("SELECT orgnr, navn FROM src_enhet").fetchall())
    assert got["910000004"] == "BYGDA IL"                 # Endring: the new name
    assert "910000071" not in got                          # Sletting
    assert "910000217" not in got                          # Ukjent, and gone on lookup
    assert "910000144" not in got                          # became an AS: no longer a voluntary organisation
    assert got["910001191"] == "NYSTARTET SKOLEKORPS"      # Ny
    place = dict(con.sql("SELECT orgnr, kommunenummer FROM ref_organisasjon_kommune").fetchall())
    assert place["910000004"] == "3201"
    assert any(d.code == "not_in_enhetsregisteret" and d.value == "910000071" for d in log.deviations)


def _mirror_record(mirror_dir, orgnr: str) -> dict:
    with gzip.open(mirror_dir / "brreg/enheter_alle.json.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if f'"organisasjonsnummer":"{orgnr}"' in line:
                return json.loads(line.lstrip(",").strip())
    raise LookupError(orgnr)


def test_update_command_rebuilds_the_database_from_the_mirror(mirror_dir, tmp_path):
    renamed = _mirror_record(mirror_dir, "800008697") | {"navn": "OMDØPT IDRETTSLAG"}
    changes = {None: {"_embedded": {"oppdaterteEnheter": [
        {"oppdateringsid": 501, "dato": "2025-09-30T07:00:00.000Z", "organisasjonsnummer": "800008697",
         "endringstype": "Endring"},
        {"oppdateringsid": 502, "dato": "2025-09-30T08:00:00.000Z", "organisasjonsnummer": "800010454",
         "endringstype": "Sletting"}]}}}
    settings = Settings(db_path=tmp_path / "f.duckdb", raw_dir=tmp_path / "raw", mirror=mirror_dir)
    outcome = run(settings, transport=httpx.MockTransport(feed(changes, [renamed], set())), quiet=True)
    assert outcome.rebuilt and outcome.update.changes == 2
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        names = dict(con.sql("SELECT orgnr, navn FROM organisasjon WHERE orgnr IN ('800008697', '800010454')")
                     .fetchall())
        assert names == {"800008697": "OMDØPT IDRETTSLAG"}
        (land,) = con.sql("SELECT antall FROM organisasjoner_indikator WHERE nivaa = 'land' "
                          "ORDER BY aar DESC LIMIT 1").fetchall()
        assert land == (72_799,)
        files = [r[0] for r in con.sql("SELECT file FROM _sources WHERE source_id = 'enhetsregisteret' "
                                       "ORDER BY file").fetchall()]
        assert files[0] == "enheter_alle.json.gz" and files[1].startswith("oppdateringer-")


def test_feed_failure_is_a_clear_error_and_stores_nothing(mirror_dir, tmp_path):
    from etl.errors import SourceError

    settings = Settings(db_path=tmp_path / "f.duckdb", raw_dir=tmp_path / "raw", mirror=mirror_dir)
    broken = httpx.MockTransport(lambda r: httpx.Response(400, json={"feilmelding": "Ugyldig dato"}))
    with pytest.raises(SourceError, match="could not read the changes"):
        run(settings, transport=broken, quiet=True)
    assert not list((tmp_path / "raw" / "enhetsregisteret").glob("*/oppdateringer-*"))
    assert not settings.db_path.exists()
