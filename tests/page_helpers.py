"""Reading what a reader sees from an AppTest run: headline cards and markdown images; opening a page (not fixtures)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\((data:image/[^)]+)\)")
_COLOURED = re.compile(r"^:(\w+)\[(.*)\]$", re.S)


def unescape(md: str) -> str:
    """Markdown text with its backslash escapes removed (what the reader sees)."""
    return re.sub(r"\\(.)", r"\1", md)


@dataclass(frozen=True)
class Card:
    """A headline card as shown: label, value, change (text and colour, after its arrow if any), help text, trend
    line alt text, and a comparison shown as plain text (no arrow, no colour)."""

    label: str
    value: str
    delta: str | None
    colour: str | None
    help: str
    spark_alt: str | None
    comparison: str | None = None


def _blocks(node) -> list[Block]:
    out = []
    for child in getattr(node, "children", {}).values():
        if isinstance(child, Block):
            out.append(child)
            out.extend(_blocks(child))
    return out


def cards(at: AppTest) -> dict[str, Card]:
    """Every headline card (components.headline) on the page, by label, in page order."""
    found: dict[str, Card] = {}
    for block in _blocks(at.main):
        if "-kort-" not in (getattr(block.proto, "id", "") or ""):
            continue
        label_md, body_md = [c for c in block.children.values() if c.type == "markdown"][:2]
        paragraphs = body_md.value.split("\n\n")
        value, delta, colour, spark, comparison = unescape(paragraphs[0]), None, None, None, None
        for p in paragraphs[1:]:
            if m := _IMAGE.fullmatch(p):
                spark = unescape(m.group(1))
            elif m := _COLOURED.match(p):
                colour, delta = m.group(1), unescape(m.group(2))
            else:
                comparison = unescape(p)
        found[unescape(label_md.value)] = Card(unescape(label_md.value), value, delta, colour,
                                               label_md.proto.help, spark, comparison)
    return found


def markdown_images(at: AppTest) -> list[str]:
    """The alt text of every image drawn through markdown (components.svg_markdown), in page order."""
    return [unescape(m.group(1)) for md in at.markdown for m in _IMAGE.finditer(md.value)]


def drawings(at: AppTest) -> list[tuple[str, str]]:
    """(alt text, SVG source) of every SVG drawn through markdown, in page order."""
    out = []
    for md in at.markdown:
        for m in _IMAGE.finditer(md.value):
            head, _, data = m.group(2).partition(",")
            if head == "data:image/svg+xml;base64":
                out.append((unescape(m.group(1)), base64.b64decode(data).decode("utf-8")))
    return out


def places_drawn(svg: str) -> dict[str, set[str]]:
    """Place name → the colours (fill or stroke) of the bars, lines and legend keys drawn for it (data-sted)."""
    out: dict[str, set[str]] = {}
    for el in ElementTree.fromstring(svg).iter():
        name = el.get("data-sted")
        if name is not None:
            out.setdefault(name, set()).add(el.get("fill") if el.get("fill") not in (None, "none") else el.get("stroke"))
    return out


def choropleth(deck: dict) -> dict:
    """The areas' layer of a deck's JSON (maps.choropleth, perhaps with a ring above), with its data read from the
    file the browser fetches when the page serves it (map_files), and the sea beneath the areas (its first feature,
    checked here) left out: the features are the areas."""
    from dashboard import map_files, maps

    layer = next(layer for layer in deck["layers"] if layer["id"] == "choropleth")
    data = layer["data"]
    if isinstance(data, str):
        assert data.startswith(map_files.URL_PREFIX), data
        data = json.loads((map_files.FOLDER / data.removeprefix(map_files.URL_PREFIX)).read_text(encoding="utf-8"))
    sea, *areas = data["features"]
    assert sea["properties"]["navn"] == "" and sea["properties"]["fill"] == list(maps.hex_to_rgb(maps.SEA)), sea
    return {**layer, "data": {**data, "features": areas}}


def highlighted(deck: dict) -> list[str]:
    """The codes of the areas a deck's JSON marks: outlined in orange (width 3), or under an orange ring."""
    from shapely.geometry import MultiPolygon, Point, Polygon

    def area(geometry: dict) -> MultiPolygon:  # rings simplified to fewer than 4 points are left out
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        return MultiPolygon([Polygon(p[0], [r for r in p[1:] if len(r) >= 4]) for p in polygons if len(p[0]) >= 4])

    features = choropleth(deck)["data"]["features"]
    codes = [f["properties"]["kode"] for f in features if f["properties"].get("width") == 3]
    for layer in deck["layers"]:
        if layer["id"] == "markering":
            points = [Point(m["position"]) for m in layer["data"]]
            codes += [f["properties"]["kode"] for f in features
                      if any(area(f["geometry"]).buffer(0).contains(p) for p in points)]
    return codes


def run_page(page: str, **params: str) -> AppTest:
    """The app opened on a page with URL parameters and run once, checked for exceptions (FRIVILLIG_DB set)."""
    from etl.config import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(element) -> pd.DataFrame:
    """The cell texts a reader sees in a components.table dataframe (the styler's display values)."""
    return pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_all().to_pandas()


def cell_colours(element) -> dict[tuple[int, int], str]:
    """The text colour the styler gives each cell of a components.table dataframe: (row, column) → '#000000'."""
    out: dict[tuple[int, int], str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", element.proto.arrow_data.styler.styles):
        colour = re.search(r"(?<![-\w])color:\s*([^;]+)", body)
        for row, col in re.findall(r"_row(\d+)_col(\d+)", selectors):
            if colour:
                out[int(row), int(col)] = colour.group(1).strip()
    return out


def in_order(node) -> list:
    """Every element under a node (an AppTest or a block) in page order."""
    out = []
    for child in getattr(node, "children", {}).values():
        if isinstance(child, Block):
            out.extend(in_order(child))
        else:
            out.append(child)
    return out


def source_under(at: AppTest, title: str) -> str:
    """The source line ('Kilde: …') under the figure titled `title` (its '### title' heading)."""
    elements = in_order(at.main)
    start = next(i for i, e in enumerate(elements) if getattr(e, "type", "") == "markdown"
                 and e.value == f"### {title}")
    return next(e.value for e in elements[start:] if getattr(e, "type", "") == "caption"
                and e.value.startswith("Kilde: "))
