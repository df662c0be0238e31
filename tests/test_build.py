"""The build: atomic swap, skip when unchanged, reproducible contents, sources recorded, bad input refused."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.config import SQL_DIR, Settings
from etl.errors import CheckFailed, SourceError


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(con) -> list[str]:
    return [r[0] for r in con.sql("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                                  "ORDER BY 1").fetchall()]


def test_reference_figures_in_the_mirror_build(con):
    assert con.sql("SELECT count(*) FROM kommune WHERE geojson IS NOT NULL").fetchall() == [(357,)]
    assert con.sql("SELECT count(*) FROM fylke WHERE geojson IS NOT NULL").fetchall() == [(15,)]
    pop = dict(con.sql("SELECT kode, folketall FROM befolkning WHERE aar = 2024 AND kode IN ('0', '0301')").fetchall())
    assert pop == {"0": 5_550_203, "0301": 717_710}


def test_every_loaded_file_has_a_sources_row_with_checksum_and_kind(con, mirror_dir):
    rows = con.sql("SELECT origin, sha256, kind, rows FROM _sources").fetchall()
    manifest = __import__("json").loads((mirror_dir / "MANIFEST.json").read_text())
    by_path = {f["path"]: f for f in manifest["files"]}
    assert rows, "no _sources rows"
    for origin, sha, kind, nrows in rows:
        assert origin in by_path, f"{origin} not in the mirror manifest"
        assert sha == by_path[origin]["sha256"]
        assert kind == by_path[origin]["kind"]
        assert nrows is not None and nrows > 0


def test_unchanged_build_is_skipped_quickly(mirror_build):
    before = _sha(mirror_build.db_path)
    t0 = time.perf_counter()
    result = build(mirror_build, quiet=True)
    assert result.skipped
    assert time.perf_counter() - t0 < 2.0
    assert _sha(mirror_build.db_path) == before


def test_two_builds_of_the_same_inputs_have_identical_tables(mirror_build, tmp_path):
    other = Settings(db_path=tmp_path / "again.duckdb", raw_dir=mirror_build.raw_dir, mirror=mirror_build.mirror)
    build(other, quiet=True, force=True)
    a = duckdb.connect(str(mirror_build.db_path), read_only=True)
    b = duckdb.connect(str(other.db_path), read_only=True)
    try:
        assert _tables(a) == _tables(b)
        for table in _tables(a):
            if table == "_build":
                continue
            q = f"SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) FROM {table} t"
            assert a.sql(q).fetchall() == b.sql(q).fetchall(), f"table {table} differs between builds"
        assert a.sql("SELECT input_hash FROM _build").fetchall() == b.sql("SELECT input_hash FROM _build").fetchall()
    finally:
        a.close()
        b.close()


def test_failing_data_check_leaves_the_served_file_byte_identical(mirror_build, tmp_path):
    served = tmp_path / "served.duckdb"
    shutil.copyfile(mirror_build.db_path, served)
    before = _sha(served)
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql)
    (sql / "checks" / "zz_always_fails.sql").write_text("-- a check that always finds a bad row\nSELECT 1 AS bad\n")
    settings = Settings(db_path=served, raw_dir=mirror_build.raw_dir, mirror=mirror_build.mirror)
    with pytest.raises(CheckFailed, match="zz_always_fails"):
        build(settings, quiet=True, force=True, sql_dir=sql)
    assert _sha(served) == before
    assert not list(tmp_path.glob(".served.duckdb.building-*")), "the half-built file was not removed"


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage"])
def test_corrupt_input_names_the_file_and_leaves_the_database(mirror_build, mirror_dir, tmp_path, damage):
    mirror = tmp_path / "mirror"
    shutil.copytree(mirror_dir, mirror)
    target = mirror / "reference" / "befolkning-07459.csv"
    data = target.read_bytes()
    target.write_bytes({"truncate": data[: len(data) // 2], "empty": b"", "garbage": b"\x00\xff" * 50}[damage])
    served = tmp_path / "served.duckdb"
    shutil.copyfile(mirror_build.db_path, served)
    before = _sha(served)
    with pytest.raises(SourceError) as err:
        build(Settings(db_path=served, raw_dir=tmp_path / "raw", mirror=mirror), quiet=True)
    assert "reference/befolkning-07459.csv" in str(err.value)
    assert _sha(served) == before


def test_raw_cache_files_are_read_only_versions(mirror_build):
    files = list(Path(mirror_build.raw_dir).glob("*/*/*.csv"))
    assert files
    for f in files:
        assert f.stat().st_mode & 0o222 == 0, f"{f} is writable"
        assert f.parent.name.split("_")[0] == "2025-09-30", "mirror files take the manifest's snapshot date"


def test_a_mirror_file_changed_after_the_manifest_is_warned_about_and_logged(tmp_path, capsys):
    import json

    from etl.build import note_checksum_mismatches
    from etl.cache import RawCache
    from etl.errors import BuildLog
    from etl.mirror import Mirror

    mirror = tmp_path / "mirror"
    (mirror / "grants").mkdir(parents=True)
    same, edited = mirror / "grants" / "a.csv", mirror / "grants" / "b.csv"
    same.write_text("aar;belop\n2024;1\n", encoding="utf-8")
    edited.write_text("aar;belop\n2024;1\n", encoding="utf-8")
    digest = hashlib.sha256(same.read_bytes()).hexdigest()
    (mirror / "MANIFEST.json").write_text(json.dumps({"snapshot_date": "2025-09-30", "files": [
        {"path": "grants/a.csv", "kind": "synthetic", "sha256": digest},
        {"path": "grants/b.csv", "kind": "synthetic", "sha256": digest}]}), encoding="utf-8")
    edited.write_text("aar;belop\n2024;2\n", encoding="utf-8")  # a newer file put in by hand
    m, cache, log = Mirror(mirror), RawCache(tmp_path / "raw"), BuildLog()
    files = [cache.store("grasrotandel", p.name, p, retrieved="2025-09-30", origin=m.relpath(p), kind="synthetic")
             for p in (same, edited)]
    note_checksum_mismatches(m, files, log)
    assert [(d.file, d.code) for d in log.deviations] == [("grants/b.csv", "checksum_mismatch")]
    assert digest[:12] in log.deviations[0].message
    assert "warning grants/b.csv" in capsys.readouterr().out


def test_the_mirror_build_found_every_file_as_its_manifest_lists_it(con):
    assert con.sql("SELECT file FROM _avvik WHERE code = 'checksum_mismatch'").fetchall() == []


def test_the_build_simplifies_the_map_boundaries_once_for_the_dashboard(con):
    rows = con.sql("SELECT count(*), sum(length(geojson_kart)) < sum(length(geojson)) / 2 FROM kommune "
                   "WHERE geojson_kart IS NOT NULL").fetchall()
    assert rows == [(357, True)]
    assert con.sql("SELECT count(*) FROM fylke WHERE geojson_kart IS NOT NULL").fetchall() == [(15,)]


def test_haram_and_alesund_before_2024_are_split_by_population_not_evenly(con):
    # the population file splits old Ålesund (1507) evenly between today's Ålesund and Haram before 2024: a
    # councillor in Haram would see grasrot kroner per inhabitant jump 260 % in 2024. The build re-splits it.
    pop = dict(con.sql("SELECT kode || '-' || aar, folketall FROM befolkning WHERE kode IN ('1508', '1580') "
                       "AND aar IN (2023, 2024)").fetchall())
    assert 0.95 < pop["1580-2023"] / pop["1580-2024"] < 1.05
    assert 0.95 < pop["1508-2023"] / pop["1508-2024"] < 1.05
    logged = con.sql("SELECT count(*) FROM _avvik WHERE code = 'even_split'").fetchall()[0][0]
    assert logged == 2, "each re-split part is listed among the deviations on Om dataene"
