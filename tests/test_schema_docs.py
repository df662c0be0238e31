"""The public schema is documented: every public view and every one of its columns appears in sql/README.md."""

from __future__ import annotations

import re

from etl.config import SQL_DIR

INTERNAL = ("src_", "ref_", "stg_", "mart_")


def _sections() -> dict[str, set[str]]:
    """View name → backticked names in its section of sql/README.md."""
    out: dict[str, set[str]] = {}
    current = None
    for line in (SQL_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        head = re.match(r"\|\s*\*\*`([^`]+)`\*\*", line)
        if head:
            current = head.group(1)
            out.setdefault(current, set())
        if line.startswith("#"):
            current = None
        if current:
            out[current] |= set(re.findall(r"`([^`]+)`", line))
    return out


def test_every_public_view_and_column_is_documented(con):
    docs = _sections()
    views = con.sql("""SELECT table_name FROM information_schema.tables
                       WHERE table_type = 'VIEW' AND table_schema = 'main' ORDER BY 1""").fetchall()
    public = [v for (v,) in views if not v.startswith(INTERNAL)]
    assert public, "no public views"
    missing_views = [v for v in public if v not in docs]
    assert not missing_views, f"views not documented in sql/README.md: {missing_views}"
    missing_cols = {}
    for view in public:
        cols = [c for (c,) in con.sql("SELECT column_name FROM information_schema.columns WHERE table_name = $1",
                                      params=[view]).fetchall()]
        undocumented = [c for c in cols if c not in docs[view]]
        if undocumented:
            missing_cols[view] = undocumented
    assert not missing_cols, f"columns not documented in sql/README.md: {missing_cols}"


def test_meta_tables_are_documented(con):
    docs = _sections()
    for table in ("_sources", "_build", "_avvik"):
        cols = [c for (c,) in con.sql("SELECT column_name FROM information_schema.columns WHERE table_name = $1",
                                      params=[table]).fetchall()]
        assert table in docs
        assert not [c for c in cols if c not in docs[table]], f"{table} columns undocumented"


def test_every_public_view_has_a_norwegian_title_for_the_download_list(con):
    """Om dataene lists the views by what they hold, not by their names alone."""
    from dashboard.labels import VIEW_TITLES, view_title

    views = con.sql("""SELECT table_name FROM information_schema.tables
                       WHERE table_type = 'VIEW' AND table_schema = 'main' ORDER BY 1""").fetchall()
    public = {v for (v,) in views if not v.startswith(INTERNAL)}
    assert public - VIEW_TITLES.keys() == set(), "views without a title in dashboard/labels.py VIEW_TITLES"
    assert VIEW_TITLES.keys() - public == set(), "titles for views that do not exist"
    assert view_title("kommune") == "Kommunene (2024) med fylke, folketall og størrelsesgruppe (kommune)"
