"""Injection: register text and URL values are shown as text, never run as HTML, markdown, formulas or SQL.

1. Organisation names with HTML, script, SQL or markdown in them appear literally in the pages' tables and lists,
   and never unescaped in anything Streamlit renders as markdown.
2. Map tooltips and legends escape their text.
3. CSV and Excel downloads keep such names as plain text and neutralise spreadsheet formulas.
4. Hostile URL values give a friendly message and no exception on every page; they reach SQL only as bound
   parameters; and no SQL text in dashboard/ is built from anything but constants (a static check).
"""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from markdown_it import MarkdownIt
from page_helpers import choropleth
from streamlit.testing.v1 import AppTest

from dashboard import embed, maps
from dashboard.downloads import Provenance, is_formula_like, to_csv, to_xlsx
from etl.config import ROOT

APP = str(ROOT / "app.py")
PAGES = ["pages/oversikt.py", "pages/kart.py", "pages/frivillighetspolitikk.py", "pages/tilskudd.py",
         "pages/kommuneprofil.py", "pages/om_dataene.py"]

#: Organisation names as a hostile or careless registrant could write them.
HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE organisasjon; --",
    "[klikk](javascript:alert(1))",
    "**fet** _kursiv_ `kode` :red[rød] $x^2$ :material/warning:",
    '=HYPERLINK("http://evil.example","klikk")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+47 ring oss",
    "-2+3 IL",
]
#: The markup in them that must never reach a markdown element unescaped.
NAME_MARKUP = ["<script", "<img", "](javascript", "**fet**", "_kursiv_", "`kode`", ":red[", "$x^2$",
               ":material/warning:"]
TEXT_KINDS = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
MARKDOWN = MarkdownIt("commonmark", {"html": True})  # as if raw HTML were allowed: the strictest reading


def bodies(at: AppTest) -> list[str]:
    """The source text of every element Streamlit renders as markdown (but the app's constant stylesheet)."""
    from dashboard.style import CSS

    return [str(e.value) for kind in TEXT_KINDS for e in at.get(kind) if str(e.value).strip() != CSS.strip()]


def visible(body: str) -> str:
    """What a reader sees of a markdown text: rendered, tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", MARKDOWN.render(body))).strip()


def assert_inert(body: str, markup: list[str]) -> None:
    """Markdown source that renders no active HTML and contains none of the given markup unescaped."""
    for tag in re.findall(r"<[^>]+>", MARKDOWN.render(body)):
        if re.fullmatch(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"<>]*" />', tag):
            continue  # components.svg_markdown: one of our SVG builders' images, its alt text escaped
        assert not re.match(r"</?(script|img|iframe|object|svg|style)\b", tag, re.I), (tag, body[:300])
        assert not re.search(r"\bon\w+=|javascript:", tag, re.I), (tag, body[:300])
    for text in markup:  # a backslash before it makes markdown show it as text
        assert not re.search(r"(?<!\\)" + re.escape(text), body), f"unescaped in markdown: {text!r} in {body[:300]!r}"


def shown(element) -> pl.DataFrame:
    """The cell texts a reader sees in a components.table dataframe (the styler's display values)."""
    import pyarrow as pa

    return pl.from_arrow(pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_all())


@pytest.fixture(scope="module")
def hostile_db(mirror_db, tmp_path_factory) -> Path:
    """A copy of the mirror database where Oslo's first volunteer centres (name and postal town) and its largest
    grasrot recipients of 2023 carry the hostile names."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(mirror_db, path)
    with duckdb.connect(str(path)) as con:
        centres = [r[0] for r in con.sql("""SELECT orgnr FROM stg_organisasjon WHERE icnpo_primaer = '8200'
                                            AND kommunenummer = '0301' ORDER BY orgnr""").fetchall()]
        recipients = [r[0] for r in con.sql("""SELECT orgnr FROM stg_grasrot_mottaker WHERE aar = 2023
                                               AND kommunenummer = '0301' ORDER BY belop DESC""").fetchall()]
        assert len(centres) >= len(HOSTILE_NAMES) and len(recipients) >= len(HOSTILE_NAMES)
        for name, centre, recipient in zip(HOSTILE_NAMES, centres, recipients, strict=False):
            con.execute("UPDATE stg_organisasjon SET navn = $1, poststed = $1 WHERE orgnr = $2", [name, centre])
            con.execute("UPDATE stg_grasrot_mottaker SET navn = $1 WHERE orgnr = $2 AND aar = 2023",
                        [name, recipient])
    return path


def run_page(db: Path, monkeypatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("FRIVILLIG_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    return at


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def csv_text(cell: str) -> str:
    """A CSV cell as a spreadsheet shows it: the apostrophe put before a formula-like text is not shown."""
    return cell[1:] if cell.startswith("'") and is_formula_like(cell[1:]) else cell


def assert_xlsx_text(data: bytes, names: list[str]) -> None:
    """Every name is a text cell of the workbook, and the workbook has no formulas and no links."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    # xlsx escapes a carriage return as _x000D_ (Excel shows the character; openpyxl leaves the escape)
    cells = {c.value.replace("_x000D_", "\r"): c for row in wb["Data"].iter_rows() for c in row
             if isinstance(c.value, str)}
    for name in names:
        assert name in cells, name
        assert cells[name].data_type == "s", name
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in s or b"<f " in s or b"<hyperlink" in s for s in sheets)
        assert not any("hyperlink" in n.lower() for n in z.namelist())


# ---- 1. organisation names in pages -------------------------------------------------------------------------

@pytest.mark.slow
def test_profile_lists_hostile_centre_names_as_text(hostile_db, monkeypatch, downloads):
    at = run_page(hostile_db, monkeypatch, "pages/kommuneprofil.py", kommune="0301")
    assert at.title[0].value == "Oslo"
    for body in bodies(at):
        assert_inert(body, NAME_MARKUP)
    lists = [visible(m.value) for m in at.markdown if "org.nr. " in m.value]
    assert lists, "no list of volunteer centres"
    full = max(lists, key=len)  # the expander lists all of them
    for name in HOSTILE_NAMES:
        assert name in full, f"{name!r} is not shown literally"
    # downloads: the names as plain text, formulas neutralised
    rows = csv_rows(downloads["frivilligsentraler-oslo.csv"])
    names = [r[0] for r in rows[1:] if r and len(r) > 1]
    for name in HOSTILE_NAMES:
        assert ("'" + name if is_formula_like(name) else name) in names, name
    assert_xlsx_text(downloads["frivilligsentraler-oslo.xlsx"], HOSTILE_NAMES)


@pytest.mark.slow
def test_tilskudd_shows_hostile_recipient_names_only_as_table_text(hostile_db, monkeypatch, downloads):
    charts = []
    for tab in ("Utviklingen", "Kategorier", "Fylker", "Kommuner", "Mottakere"):  # one open tab a run
        at = run_page(hostile_db, monkeypatch, "pages/tilskudd.py", kommune="0301", aar="2023", visning=tab)
        for body in bodies(at):
            assert_inert(body, NAME_MARKUP)
            assert "alert(1)" not in body and "DROP TABLE" not in body
        charts += [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    recipients = next(d for d in at.dataframe if "navn" in d.value.columns and "orgnr" in d.value.columns)
    assert set(HOSTILE_NAMES) <= set(recipients.value["navn"])
    assert set(HOSTILE_NAMES) <= set(shown(recipients)["navn"].to_list())
    # the plotly charts carry no organisation names (hover texts are rendered as HTML by plotly)
    assert charts
    specs = json.dumps(charts)
    assert not any(json.dumps(n)[1:-1] in specs for n in HOSTILE_NAMES)
    name = next(n for n in downloads if n.startswith("de-storste-mottakerne") and n.endswith(".csv"))
    rows = csv_rows(downloads[name])
    cells = {r[0] for r in rows[1:] if r}
    for hostile in HOSTILE_NAMES:
        assert ("'" + hostile if is_formula_like(hostile) else hostile) in cells, hostile
    assert_xlsx_text(downloads[name.replace(".csv", ".xlsx")], HOSTILE_NAMES)


def test_register_names_never_reach_markdown_through_the_page_builders():
    """The pure builders that write text around register data leave the names out or escape them."""
    from dashboard import figures_tilskudd, profil

    df = pl.DataFrame({"navn": HOSTILE_NAMES, "utbetalt": [float(i) for i in range(len(HOSTILE_NAMES))]})
    text = figures_tilskudd.describe_recipients(df, place="Oslo", aar=2023, total=100.0)
    assert_inert(text, NAME_MARKUP)
    assert not any(n in visible(text) for n in HOSTILE_NAMES)
    for name in HOSTILE_NAMES:
        escaped = profil.md_escape(name)
        assert_inert(escaped, NAME_MARKUP)
        assert visible(escaped) == name


# ---- 2. maps: tooltip and legend ----------------------------------------------------------------------------

SQUARE = {"type": "Polygon", "coordinates": [[[10, 60], [11, 60], [11, 61], [10, 61], [10, 60]]]}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_map_tooltip_properties_are_escaped(name):
    area = maps.Area("0301", name, SQUARE, "#08519C", name, context=name)
    deck = maps.choropleth([area], value_label=name)
    props = choropleth(json.loads(deck.to_json()))["data"]["features"][0]["properties"]
    for key in ("navn", "verdi", "kontekst"):
        assert props[key] == html.escape(name)
        assert "<" not in props[key] and ">" not in props[key] and '"' not in props[key]
    tooltip = deck._tooltip["html"]  # what st.pydeck_chart hands to deck.gl beside the JSON
    assert html.escape(name) in tooltip  # the value label too
    # the template only fills in the escaped properties
    assert set(re.findall(r"\{(\w+)\}", tooltip)) == {"navn", "verdi", "kontekst"}


def test_map_areas_built_from_rows_escape_names():
    rows = [{"kode": "0301", "navn": HOSTILE_NAMES[0], "fylkesnavn": HOSTILE_NAMES[1], "verdi": 1.0, "status": "ja"}]
    for areas in (maps.numeric_areas(rows, {"0301": SQUARE}, [0.5], str),
                  maps.status_areas(rows, {"0301": SQUARE})):
        props = maps.feature_collection(areas)["features"][0]["properties"]
        assert "<script>" not in props["navn"] and "<img" not in props["kontekst"]


@pytest.mark.parametrize("text", HOSTILE_NAMES)
def test_map_legend_is_escaped_html(text):
    out = maps.legend_html([maps.LegendItem('#fff" onmouseover="alert(1)', text)], text)
    body = out.split("<style>")[0]
    assert "<script" not in body and "<img" not in body and 'onmouseover="' not in body
    assert html.escape(text) in body
    assert html.unescape(re.sub(r"<[^>]+>", "", body)).count(text) == 2  # title and label, as text


# ---- 3. downloads -------------------------------------------------------------------------------------------

PROV = Provenance(title="Frivilligsentraler <Oslo>", source="=Brønnøysundregistrene", licence="NLOD 2.0",
                  retrieved="30. september 2025")
FORMULAS = ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\t=1+1', '\r=1+1', ' =1+1', '\u00a0=1+1', '＝1+1', '＋1',
            '=cmd|" /C calc"!A0']


@pytest.fixture()
def hostile_table() -> pl.DataFrame:
    names = HOSTILE_NAMES + FORMULAS
    return pl.DataFrame({"navn": names, "orgnr": [f"{900000000 + i}" for i in range(len(names))],
                         "antall": [-5 + i for i in range(len(names))],
                         "differanse": [-1.5 + i for i in range(len(names))]})


def test_csv_keeps_names_as_text_and_neutralises_formulas(hostile_table):
    rows = csv_rows(to_csv(hostile_table, PROV))
    assert rows[0] == ["Navn", "Organisasjonsnummer", "Antall", "Differanse"]
    body = rows[1:1 + hostile_table.height]
    for name, row in zip(hostile_table["navn"], body, strict=True):
        assert row[0] == ("'" + name if is_formula_like(name) else name), repr(row[0])  # nothing else changed
        assert csv_text(row[0]) == name
    for formula in FORMULAS:
        assert is_formula_like(formula)
    # numbers stay numbers: a negative count or difference is not mistaken for a formula
    assert [r[2] for r in body[:3]] == ["-5", "-4", "-3"]
    assert body[0][3] == "-1,5"
    # the provenance lines (titles can hold place names) go through the same cell writer
    assert ["Tittel: Frivilligsentraler <Oslo>"] in rows
    assert ["Kilde: =Brønnøysundregistrene"] in rows  # not a formula: 'Kilde' comes first


def test_csv_decimal_amounts_are_numbers_with_a_decimal_comma():
    from decimal import Decimal

    rows = csv_rows(to_csv(pl.DataFrame({"belop": [Decimal("-12.50"), Decimal("698265345.00")]},
                                        schema={"belop": pl.Decimal(18, 2)}), PROV))
    assert [r[0] for r in rows[1:3]] == ["-12,50", "698265345,00"]


def test_xlsx_keeps_names_as_text_cells_and_writes_no_formula(hostile_table):
    data = to_xlsx(hostile_table, PROV)
    assert_xlsx_text(data, HOSTILE_NAMES + FORMULAS)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    assert ws["C2"].value == -5 and ws["C2"].data_type == "n"


def test_xlsx_decimal_amounts_are_numbers():
    from decimal import Decimal

    data = to_xlsx(pl.DataFrame({"belop": [Decimal("12.50")]}, schema={"belop": pl.Decimal(18, 2)}), PROV)
    cell = openpyxl.load_workbook(io.BytesIO(data))["Data"]["A2"]
    assert cell.value == 12.5 and cell.data_type == "n"


# ---- 4. URL parameters --------------------------------------------------------------------------------------

LONG = "9" * 3000
HOSTILE_PARAMS = [
    {"kommune": "0301' OR 1=1 --", "aar": "2024; DROP TABLE kommune", "indikator": "<script>alert(1)</script>",
     "nivaa": LONG, "fylke": "[klikk](javascript:alert(1))"},
    {"kommune": LONG, "aar": "٢٠٢٤", "indikator": "[Logg inn](https://evil.example)", "nivaa": "kommune' --",
     "fylke": "03' OR '1'='1"},
]
#: The markup in them that must never reach a markdown element unescaped.
PARAM_MARKUP = ["<script", "](javascript", "[Logg inn](", "[klikk]("]
#: Fragments of the hostile values that must never be part of an SQL text.
SQL_FRAGMENTS = ("OR 1=1", "DROP TABLE", "<script>", "' --", "OR '1'='1", "javascript", "evil.example", "٢٠٢٤",
                 "9" * 40)


@pytest.fixture()
def sql_log(monkeypatch) -> list[tuple[str, object]]:
    """Every SQL text and its parameters the dashboard sends to the database (caches emptied first)."""
    import streamlit as st

    from dashboard import db

    st.cache_data.clear()
    calls: list[tuple[str, object]] = []
    original = db.query

    def recording(sql, params=None):
        calls.append((sql, params))
        return original(sql, params)

    monkeypatch.setattr(db, "query", recording)
    yield calls
    st.cache_data.clear()


def assert_bound(calls: list[tuple[str, object]], values: dict[str, str], *, queried: bool = True) -> None:
    """No hostile value (nor a telling fragment of one) is part of an SQL text: where one reached the database,
    it came as a bound parameter."""
    assert bool(calls) == queried, f"{len(calls)} queries recorded"
    for sql, _ in calls:
        for fragment in (*SQL_FRAGMENTS, *values.values()):
            assert fragment not in sql, (fragment[:40], sql[:200])


@pytest.mark.slow
@pytest.mark.parametrize("params", HOSTILE_PARAMS, ids=["sql-script-long", "long-digits-link"])
@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_values_are_friendly_on_every_page(mirror_db, monkeypatch, sql_log, page, params):
    at = run_page(mirror_db, monkeypatch, page, **params)
    assert not at.get("exception")
    for body in bodies(at):
        assert_inert(body, PARAM_MARKUP)
        assert LONG[:100] not in body
    assert_bound(sql_log, params)
    # the page still shows its content, and every value it uses but found invalid is explained and dropped
    assert at.title, page
    used = {"pages/kart.py": {"indikator", "aar"}, "pages/frivillighetspolitikk.py": {"aar", "kommune"},
            "pages/tilskudd.py": {"indikator", "aar", "kommune", "fylke"}, "pages/kommuneprofil.py": {"kommune"}}
    for name in used.get(page, set()):
        assert at.query_params.get(name) not in (params[name], [params[name]]), (page, name)
    if page in used:
        assert at.info, f"{page}: no message about the values in the link"


@pytest.mark.slow
def test_a_hostile_municipality_reaches_the_search_only_as_a_bound_parameter(mirror_db, monkeypatch, sql_log):
    value = "Oslo' OR 'a' LIKE 'a"  # passes the profile's plausibility check, so it is searched for
    at = run_page(mirror_db, monkeypatch, "pages/kommuneprofil.py", kommune=value)
    assert at.title[0].value == "Kommuneprofil"
    assert any(isinstance(p, list) and any(isinstance(x, str) and value in x for x in p) for _, p in sql_log), \
        "the value never reached the database: the test would prove nothing"
    assert_bound(sql_log, {"kommune": value})


@pytest.mark.slow
@pytest.mark.parametrize("figur", ["<script>alert(1)</script>", "[x](javascript:alert(1))", LONG, "kart",
                                   "profil-nokkeltall", "profil-grasrot"])
def test_hostile_values_in_embed_links(mirror_db, monkeypatch, sql_log, figur):
    at = run_page(mirror_db, monkeypatch, "pages/oversikt.py", figur=figur, **HOSTILE_PARAMS[0])
    for body in bodies(at):
        assert_inert(body, PARAM_MARKUP)
        assert LONG[:100] not in body
    assert_bound(sql_log, HOSTILE_PARAMS[0], queried=figur in embed.keys())  # an unknown figure queries nothing
    if figur not in ("kart",):
        assert at.info, "no friendly message"


# ---- 4b. static check: SQL texts in dashboard/ are constants -----------------------------------------------

SINKS = {"run", "query", "sql", "execute", "executemany", "_cached"}
#: Functions that only pass their own `sql` parameter on (their callers are checked instead).
WRAPPERS = {("dashboard/db.py", "query"), ("dashboard/queries.py", "_cached"), ("dashboard/queries.py", "run")}
#: Functions that put an identifier into SQL after checking it against the database's own catalogue.
VALIDATED = {("dashboard/queries.py", "view_data"): "name"}


class SqlTexts(ast.NodeVisitor):
    """Finds SQL sink calls whose SQL text is not built from constants only.

    Trusted: string constants; f-strings and '+' of trusted parts; a module-level name bound to a trusted value
    (or to a dict/tuple of them); an item of such a container (whatever the key: a lookup only picks one of the
    constant texts); a local variable every assignment of which is trusted; a conditional of trusted values.
    Not trusted: function parameters, loop variables, .format(), %, calls, attributes."""

    def __init__(self, tree: ast.Module, file: str) -> None:
        self.file = file
        self.problems: list[str] = []
        self.calls = 0
        self.module: dict[str, list[ast.expr]] = {}
        for node in tree.body:
            for target, value in self._assignments(node):
                self.module.setdefault(target, []).append(value)
        self.stack: list[tuple[str, dict[str, list[ast.expr]], set[str]]] = []
        self.visit(tree)

    @staticmethod
    def _assignments(node: ast.stmt):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    yield t.id, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name) \
                and node.value is not None:
            yield node.target.id, node.value  # `sql += part`: the part must be trusted too

    def trusted(self, expr: ast.expr, seen: frozenset = frozenset()) -> bool:
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, str | int)
        if isinstance(expr, ast.JoinedStr):
            return all(self.trusted(v.value, seen) for v in expr.values if isinstance(v, ast.FormattedValue))
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self.trusted(expr.left, seen) and self.trusted(expr.right, seen)
        if isinstance(expr, ast.IfExp):
            return self.trusted(expr.body, seen) and self.trusted(expr.orelse, seen)
        if isinstance(expr, ast.Subscript):
            return self.trusted(expr.value, seen)
        if isinstance(expr, ast.Dict):
            return all(self.trusted(v, seen) for v in expr.values)
        if isinstance(expr, ast.Tuple | ast.List):
            return all(self.trusted(v, seen) for v in expr.elts)
        if isinstance(expr, ast.Name):
            if expr.id in seen:
                return False
            seen = seen | {expr.id}
            if self.stack:
                _, local, params = self.stack[-1]
                if expr.id in params:
                    return False
                if expr.id in local:
                    return all(self.trusted(v, seen) for v in local[expr.id])
            values = self.module.get(expr.id)
            return bool(values) and all(self.trusted(v, seen) for v in values)
        return False

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        args = node.args
        params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        local: dict[str, list[ast.expr]] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.stmt):
                for target, value in self._assignments(sub):
                    local.setdefault(target, []).append(value)
            bound = [sub.target] if isinstance(sub, ast.For | ast.comprehension | ast.NamedExpr) else \
                [i.optional_vars for i in sub.items if i.optional_vars] if isinstance(sub, ast.With) else []
            for target in bound:
                params |= {t.id for t in ast.walk(target) if isinstance(t, ast.Name)}  # not constants
        self.stack.append((node.name, local, params))
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        sql = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("sql", "query")), None)
        if name in SINKS and sql is not None:
            self.calls += 1
            func = self.stack[-1][0] if self.stack else "<module>"
            wrapper = (self.file, func) in WRAPPERS and isinstance(sql, ast.Name) and sql.id == "sql"
            if not wrapper and (self.file, func) not in VALIDATED and not self.trusted(sql):
                self.problems.append(f"{self.file}:{node.lineno} {func}(): {ast.unparse(sql)[:120]}")
        self.generic_visit(node)


def sql_problems(source: str, file: str = "x.py") -> list[str]:
    return SqlTexts(ast.parse(textwrap.dedent(source)), file).problems


@pytest.mark.parametrize("source", [
    'def f(kommune):\n    return run(f"SELECT * FROM kommune WHERE kode = \'{kommune}\'")',
    'def f(kommune):\n    return run("SELECT * FROM kommune WHERE kode = " + kommune)',
    'def f(k):\n    return run("SELECT * FROM kommune WHERE kode = \'{}\'".format(k))',
    'def f(k):\n    return run("SELECT * FROM kommune WHERE kode = \'%s\'" % k)',
    'def f(k):\n    sql = f"SELECT {k}"\n    return db.query(sql)',
    'def f(k):\n    t = "a" if k else k\n    return run(f"SELECT * FROM {t}")',
    'def f(ks):\n    for k in ks:\n        run(f"SELECT {k}")',
    'def f(k):\n    return con.execute(f"SELECT {k.upper()}")',
    'def f(k):\n    return run(sql=f"SELECT {k}")',
])
def test_the_static_check_catches_sql_built_from_variables(source):
    assert sql_problems(source), source


@pytest.mark.parametrize("source", [
    'def f(k):\n    return run("SELECT * FROM kommune WHERE kode = $1", k)',
    'T = {"a": "SELECT 1", "b": "SELECT 2"}\ndef f(k):\n    return run(f"SELECT * FROM ({T[check(k)]})", k)',
    'def f(k):\n    t = "x" if k else "y"\n    return run(f"SELECT * FROM {t} WHERE a = $1", k)',
    'PART = "FROM kommune"\ndef f():\n    return db.query("SELECT * " + PART)',
])
def test_the_static_check_accepts_constant_sql_with_bound_parameters(source):
    assert sql_problems(source) == [], source


def test_no_sql_in_the_dashboard_is_built_from_variables():
    files = sorted([*ROOT.glob("dashboard/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])
    problems, calls = [], 0
    for path in files:
        checker = SqlTexts(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(ROOT).as_posix())
        problems += checker.problems
        calls += checker.calls
    assert problems == []
    assert calls > 60, f"only {calls} SQL calls found: is the checker still looking at the right functions?"


def test_pages_never_query_the_database_themselves():
    for path in sorted(ROOT.glob("pages/*.py")):
        checker = SqlTexts(ast.parse(path.read_text(encoding="utf-8")), path.name)
        assert checker.calls == 0, f"{path.name} runs SQL: put it in a dashboard/queries*.py function"


def test_the_exceptions_to_the_static_check_still_validate_their_identifiers():
    """view_data puts a view name into SQL: it must first check the name against the catalogue, and refuse others."""
    for (file, func), param in VALIDATED.items():
        tree = ast.parse((ROOT / file).read_text(encoding="utf-8"))
        fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == func)
        first = next(s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)))
        assert isinstance(first, ast.If) and isinstance(first.test, ast.Compare), f"{func} does not check first"
        assert isinstance(first.test.ops[0], ast.NotIn) and ast.unparse(first.test.left) == param
        assert isinstance(first.body[0], ast.Raise)


@pytest.mark.parametrize("name", ['kommune" --', "kommune; DROP TABLE x", "_avvik", "stg_organisasjon", "x" * 500])
def test_view_data_refuses_names_that_are_not_public_views(mirror_db, monkeypatch, name):
    monkeypatch.setenv("FRIVILLIG_DB", str(mirror_db))
    from dashboard import queries

    with pytest.raises(ValueError, match="ukjent visning"):
        queries.view_data(name)


def test_every_html_block_the_dashboard_renders_comes_from_an_escaping_builder():
    """st.html and unsafe_allow_html show raw HTML: only the builders tested here for escaping may feed them."""
    # CSS, PAGE_JS: style.py's constant stylesheet and page script (print fitting, the controls' words in bokmål)
    # style.PRINT_JS: the profile's constant print-button script
    allowed = {"maps.legend_html", "figures.sparkline_svg", "CSS", "PAGE_JS", "style.PRINT_JS"}
    found = []
    for path in sorted([*ROOT.glob("dashboard/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords) and not (node.args and ast.unparse(node.args[0]) == "CSS"):
                found.append(f"{path.name}:{node.lineno} unsafe_allow_html")
            if isinstance(f, ast.Attribute) and f.attr == "html" and node.args:
                arg = node.args[0]
                what = ast.unparse(arg.func if isinstance(arg, ast.Call) else arg)
                if what not in allowed:
                    found.append(f"{path.name}:{node.lineno} st.html({ast.unparse(arg)[:80]})")
    assert found == []
    # and the sparkline builder escapes its description like the legend does
    from dashboard import figures

    svg = figures.sparkline_svg([1, 2, 3], HOSTILE_NAMES[0])
    assert "<script>" not in svg and html.escape(HOSTILE_NAMES[0]) in svg


def test_the_page_script_is_one_script_with_no_tag_inside():
    """Streamlit's HTML sanitiser drops the whole page script when its code seems to hold a tag (a '<' in a
    comment was enough): then the page is announced as English and the print fitting is gone."""
    from dashboard import style

    body = style.PAGE_JS.removeprefix("<script>").removesuffix("</script>")
    assert style.PAGE_JS.startswith("<script>") and style.PAGE_JS.endswith("</script>")
    assert "<" not in body
    assert 'document.documentElement.lang = "nb"' in body
