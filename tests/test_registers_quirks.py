"""The messy (quirks) mirror gives the same register figures as the clean one, or a clear error."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from etl.build import build
from etl.config import SQL_DIR, Settings
from etl.errors import SourceError
from etl.sources import befolkning as befolkning_src
from etl.sources import (
    enhetsregisteret,
    frivillighetsregisteret,
    grenser,
    icnpo,
    kommunedeling_vekter,
    kommuneendringer,
)

SOURCES = [grenser, befolkning_src, kommuneendringer, kommunedeling_vekter, icnpo, frivillighetsregisteret,
           enhetsregisteret]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quirks(quirks_mirror):
    """The messy mirror of the session (tests/conftest.py), shared with test_quirks_mirror.py."""
    return quirks_mirror


def register_sql(dest):
    """Only the reference and register SQL (other areas are tested on their own)."""
    for pattern in ("staging/20_*.sql", "marts/20_*.sql", "views/10_*.sql", "views/20_*.sql", "checks/ref_*.sql",
                    "checks/reg_*.sql"):
        for p in SQL_DIR.glob(pattern):
            (dest / p.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(p, dest / p.parent.name / p.name)
    return dest


def test_quirks_mirror_gives_the_calibrated_figures(quirks):
    settings = Settings(db_path=quirks / "f.duckdb", raw_dir=quirks / "raw", mirror=quirks / "mirror")
    build(settings, quiet=True, sources=SOURCES, sql_dir=register_sql(quirks / "sql"))
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.sql("SELECT antall, frivilligsentraler FROM organisasjoner_indikator WHERE nivaa = 'land' "
                       "ORDER BY aar DESC LIMIT 1").fetchall() == [(72_800, 480)]
        codes = dict(con.sql("SELECT code, count(*) FROM _avvik WHERE source_id IN "
                             "('enhetsregisteret', 'frivillighetsregisteret') GROUP BY code").fetchall())
        assert codes == {"duplicate": 1, "old_municipality_code": 2, "unknown_field": 3}
        names = [r[0] for r in con.sql("SELECT navn FROM organisasjon WHERE navn LIKE '%<script>%' "
                                       "OR navn LIKE '%DROP TABLE%' OR length(navn) = 500").fetchall()]
        assert len(names) == 4
        assert con.sql("SELECT count(*) FROM organisasjon WHERE navn LIKE '%(NYTT NAVN)'").fetchall() == [(1,)]
        assert con.sql("SELECT count(*) FROM organisasjon WHERE i_frivillighetsregisteret AND konkurs"
                       ).fetchall() == [(8,)]


def test_truncated_dump_is_refused_naming_the_file(quirks):
    mirror = quirks / "mirror-broken"
    if not mirror.exists():
        shutil.copytree(quirks / "mirror", mirror)
        shutil.copy(quirks / "broken" / "enheter_alle.json.gz", mirror / "brreg" / "enheter_alle.json.gz")
    settings = Settings(db_path=quirks / "broken.duckdb", raw_dir=quirks / "raw-broken", mirror=mirror)
    with pytest.raises(SourceError, match="truncated") as exc:
        build(settings, quiet=True, sources=SOURCES, sql_dir=register_sql(quirks / "sql"))
    assert "brreg/enheter_alle.json.gz" in str(exc.value)
    assert not settings.db_path.exists()
