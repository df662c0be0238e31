"""Enhetsregisteret: the lean load of the dump (JSON and CSV), municipality placement, and bad input."""

from __future__ import annotations

import gzip
import shutil

import polars as pl
import pytest
from registers_helpers import FIXTURES, build_reference_db, connect_with_reference, raw_file

from etl.cache import RawCache
from etl.errors import BuildLog, SourceError
from etl.sources import enhetsregisteret as er
from etl.sources import frivillighetsregisteret as frr

JSON_FIXTURE = "enhetsregisteret/enheter_alle.json"


@pytest.fixture(scope="module")
def ref_db(tmp_path_factory, mirror_dir):
    base = tmp_path_factory.mktemp("ref")
    return build_reference_db(mirror_dir, base / "ref.duckdb")


@pytest.fixture()
def cache(tmp_path) -> RawCache:
    return RawCache(tmp_path / "raw")


def load_fixture(ref_db, cache, tmp_path, fixture=JSON_FIXTURE, *, gzipped=True, with_frr=True):
    """Load the FRR fixture and an enheter fixture; returns (connection, log)."""
    con, log = connect_with_reference(ref_db), BuildLog()
    if with_frr:
        frr.load(con, [raw_file(cache, "frivillighetsregisteret", "frivillighetsregisteret/frivillige-"
                                "organisasjoner.jsonl", gzipped=True, tmp=tmp_path)], log)
    base = raw_file(cache, "enhetsregisteret", fixture, gzipped=gzipped, tmp=tmp_path)
    er.load(con, [base], log)
    return con, log


def rows(con, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def avvik(log: BuildLog, code: str) -> list:
    return [d for d in log.deviations if d.code == code and d.source_id == "enhetsregisteret"]


@pytest.fixture()
def loaded(ref_db, cache, tmp_path):
    con, log = load_fixture(ref_db, cache, tmp_path)
    yield con, log
    con.close()


def kommune(con, orgnr: str) -> str | None:
    return rows(con, f"SELECT kommunenummer FROM ref_organisasjon_kommune WHERE orgnr = '{orgnr}'")[0][0]


# ------------------------------------------------------------------------------------------ JSON dump

def test_only_possible_voluntary_organisations_land(loaded):
    con, _ = loaded
    forms = dict(rows(con, "SELECT organisasjonsform, count(*) FROM src_enhet GROUP BY 1"))
    assert "AS" not in forms and "ENK" not in forms
    assert forms == {"FLI": 10, "STI": 1, "SA": 1}  # the SA is kept: it is in Frivillighetsregisteret


def test_record_without_orgnr_is_rejected_with_its_record_number(loaded):
    _, log = loaded
    (d,) = avvik(log, "missing_orgnr")
    assert d.action == "avvist" and d.row == 12 and d.column == "organisasjonsnummer"


def test_duplicate_orgnr_keeps_the_last_record(loaded):
    con, log = loaded
    assert rows(con, "SELECT navn FROM src_enhet WHERE orgnr = '910000004'") == [("BYGDA IDRETTSLAG (NYTT NAVN)",)]
    (d,) = avvik(log, "duplicate")
    assert d.row == 1 and "record 16" in d.message


def test_names_are_loaded_as_plain_text(loaded):
    con, _ = loaded
    assert rows(con, "SELECT navn FROM src_enhet WHERE orgnr = '910000985'") == [
        ("<script>alert(1)</script> '; DROP TABLE x; --",)]


def test_explicit_nulls_are_absent_values_and_konkurs_is_kept(loaded):
    con, _ = loaded
    assert rows(con, "SELECT stiftelsesdato, post_kommunenummer, konkurs FROM src_enhet "
                     "WHERE orgnr = '910000918'") == [(None, None, True)]
    assert kommune(con, "910000918") == "3403"


def test_invalid_date_is_emptied_and_logged(loaded):
    con, log = loaded
    (d,) = avvik(log, "invalid_date")
    assert d.value == "2019-13-45" and d.action == "rettet" and d.column == "stiftelsesdato"
    assert rows(con, "SELECT stiftelsesdato FROM src_enhet WHERE orgnr = '910001051'") == [(None,)]


def test_unknown_extra_fields_are_not_read(loaded):
    con, _ = loaded
    assert "kontaktperson" not in [c[0] for c in con.sql("DESCRIBE src_enhet").fetchall()]


def test_crosscheck_with_frivillighetsregisteret(loaded):
    _, log = loaded
    (missing,) = avvik(log, "not_in_enhetsregisteret")
    assert missing.value == "910001124" and missing.action == "avvist"
    (flag,) = avvik(log, "frivillig_flag_mismatch")
    assert flag.value == "True" and "910001051" in flag.message


# ------------------------------------------------------------------------------------------ municipality

def test_business_address_first_then_postal_address(loaded):
    con, _ = loaded
    assert kommune(con, "910000004") == "0301"
    assert kommune(con, "910000071") == "4601"  # only a postal address
    assert rows(con, "SELECT kilde FROM ref_organisasjon_kommune WHERE orgnr = '910000071'") == [("postadresse",)]
    # the postal town of each address is kept (the profile lists volunteer centres with it)
    assert rows(con, "SELECT orgnr, forretning_poststed, post_poststed FROM src_enhet "
                     "WHERE orgnr IN ('910000004', '910000071') ORDER BY orgnr") == [
        ("910000004", "OSLO", None), ("910000071", None, "BERGEN")]


def test_old_code_is_harmonised_and_logged(loaded):
    con, log = loaded
    assert kommune(con, "910000217") == "3222"  # Lørenskog 3029 (2020-2023) → 3222
    (d,) = [d for d in avvik(log, "old_municipality_code") if d.value == "3029"]
    assert d.action == "rettet"


def test_split_code_goes_to_the_postal_municipality_when_it_is_one_of_the_parts(loaded):
    con, log = loaded
    assert kommune(con, "910000632") == "1580"  # 1507 split into 1508/1580; postal address in Haram
    assert kommune(con, "910000705") == "1508"  # no postal address: the larger part
    assert len(avvik(log, "split_municipality_code")) == 2


def test_unknown_code_falls_back_to_the_postal_address(loaded):
    con, log = loaded
    assert kommune(con, "910000772") == "1103"
    (d,) = avvik(log, "unknown_municipality")
    assert d.value == "9999" and d.action == "rettet"


def test_address_abroad_leaves_no_municipality_and_is_logged(loaded):
    con, log = loaded
    assert kommune(con, "910000845") is None
    (d,) = avvik(log, "no_municipality")
    assert d.action == "ignorert" and d.message.startswith("910000845:")


def _resolver() -> er.KommuneResolver:
    mapping = pl.DataFrame({"kode": ["1507", "1507", "0101", "1850", "1850"], "aar": [2023, 2023, 2019, 2019, 2019],
                            "kommunenummer_2024": ["1508", "1580", "3101", "1806", "1875"],
                            "vekt": [0.86, 0.14, 1.0, 0.5, 0.5]})
    return er.resolver_from(mapping, {"1508", "1580", "3101", "1806", "1875", "0301"})


def test_place_split_code_weights_and_ties():
    res = _resolver()
    assert er.place(res, "1", "1507", "NO", None, None).kommunenummer == "1508"
    assert er.place(res, "1", "1507", "NO", "1580", "NO").kommunenummer == "1580"
    assert er.place(res, "1", "1850", "NO", None, None).kommunenummer == "1806"  # equal weights: lowest code
    assert er.place(res, "1", "1850", "NO", "1875", "NO").kommunenummer == "1875"


def test_place_pre_2020_code_and_numbers_without_leading_zero():
    res = _resolver()
    p = er.place(res, "1", "0101", "NO", None, None)
    assert p.kommunenummer == "3101" and p.issue[0] == "old_municipality_code"
    assert er.place(res, "1", 301, "NO", None, None).kommunenummer == "0301"


def test_place_nothing_known():
    p = er.place(_resolver(), "912345678", "2100", "NO", None, None)  # Svalbard is no municipality
    assert p.kommunenummer is None and p.issue[0] == "unknown_municipality" and p.issue[1] == "ignorert"


# ------------------------------------------------------------------------------------------ CSV variant

def test_csv_variant_gives_the_same_landing_columns(ref_db, cache, tmp_path):
    con, log = load_fixture(ref_db, cache, tmp_path, "enhetsregisteret/enheter_alle.csv", gzipped=True,
                            with_frr=False)
    got = {r[0]: r[1:] for r in rows(con, "SELECT orgnr, navn, organisasjonsform, flagg_frivillig, "
                                          "under_avvikling FROM src_enhet")}
    assert set(got) == {"910000004", "910000217", "910000071"}  # the AS is out, the row without orgnr rejected
    assert got["910000217"] == ('STIFTELSEN SKOGSTUA, "GAMLE" STUA', "STI", False, True)
    assert got["910000004"][2] is True
    assert rows(con, "SELECT forretning_poststed FROM src_enhet WHERE orgnr = '910000004'") == [("OSLO",)]
    assert kommune(con, "910000217") == "3222"
    (d,) = avvik(log, "missing_orgnr")
    assert d.row == 5 and "line 5" in d.message
    assert rows(con, "SELECT registrert_enhetsregisteret FROM src_enhet WHERE orgnr = '910000004'")[0][0].year == 2009


def test_csv_without_required_column_is_refused(ref_db, cache, tmp_path):
    bad = tmp_path / "enheter_alle.csv"
    bad.write_text('"organisasjonsnummer","navn"\n"910000004","X"\n', encoding="utf-8")
    raw = cache.store("enhetsregisteret", "enheter_alle.csv", bad, retrieved="2025-09-30", origin="enheter_alle.csv")
    con = connect_with_reference(ref_db)
    with pytest.raises(SourceError, match="organisasjonsform.kode"):
        er.load(con, [raw], BuildLog())


# ------------------------------------------------------------------------------------------ broken files

def _store_bytes(cache, tmp_path, data: bytes, name="enheter_alle.json.gz"):
    p = tmp_path / ("in-" + name)
    p.write_bytes(data)
    return cache.store("enhetsregisteret", name, p, retrieved="2025-09-30", origin=f"brreg/{name}")


def test_truncated_gzip_names_the_file(ref_db, cache, tmp_path):
    data = gzip.compress((FIXTURES / JSON_FIXTURE).read_bytes())
    raw = _store_bytes(cache, tmp_path, data[: len(data) * 2 // 5])
    with pytest.raises(SourceError, match="truncated") as exc:
        er.load(connect_with_reference(ref_db), [raw], BuildLog())
    assert str(exc.value).startswith("brreg/enheter_alle.json.gz")


def test_malformed_json_names_record_and_line(ref_db, cache, tmp_path):
    text = (FIXTURES / JSON_FIXTURE).read_text(encoding="utf-8")
    text = text.replace('"navn":"HAUGEN VELFORENING",', '"navn":"HAUGEN VELFORENING"', 1)
    raw = _store_bytes(cache, tmp_path, gzip.compress(text.encode()))
    with pytest.raises(SourceError) as exc:
        er.load(connect_with_reference(ref_db), [raw], BuildLog())
    assert "record 3 (line 4)" in str(exc.value) and exc.value.row == 4


def test_wrong_type_names_the_field(ref_db, cache, tmp_path):
    text = (FIXTURES / JSON_FIXTURE).read_text(encoding="utf-8")
    text = text.replace('"konkurs":false', '"konkurs":"nei"', 2)
    raw = _store_bytes(cache, tmp_path, gzip.compress(text.encode()))
    with pytest.raises(SourceError) as exc:
        er.load(connect_with_reference(ref_db), [raw], BuildLog())
    assert exc.value.column == "konkurs" and "record 1" in str(exc.value)


def test_plain_json_lines_dump_is_accepted(ref_db, cache, tmp_path):
    lines = [x.lstrip(",") for x in (FIXTURES / JSON_FIXTURE).read_text(encoding="utf-8").splitlines()[1:-1]]
    p = tmp_path / "enheter_alle.json"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = cache.store("enhetsregisteret", "enheter_alle.json", p, retrieved="2025-09-30", origin="x")
    con = connect_with_reference(ref_db)
    er.load(con, [raw], BuildLog())
    assert rows(con, "SELECT count(*) FROM src_enhet")[0][0] == 12  # as from the JSON array


def test_mirror_dump_loads_and_keeps_voluntary_organisations(ref_db, cache, tmp_path, mirror_dir):
    raw = cache.store("enhetsregisteret", "enheter_alle.json.gz", mirror_dir / "brreg/enheter_alle.json.gz",
                      retrieved="2025-09-30", origin="brreg/enheter_alle.json.gz")
    con = connect_with_reference(ref_db)
    er.load(con, [raw], BuildLog())
    assert rows(con, "SELECT count(*) FILTER (WHERE flagg_frivillig), count(*) FILTER (WHERE organisasjonsform "
                     "IN ('AS', 'ENK')) FROM src_enhet") == [(72_800, 0)]
    shutil.rmtree(tmp_path / "raw")
