"""The map's areas as a served file (map_files): what the browser fetches is what the deck held inline."""

from __future__ import annotations

import json
import os
import time

from dashboard import map_files, maps


def _areas(n: int, colour: str = "#08519C", highlight: int | None = None) -> list[maps.Area]:
    square = {"type": "Polygon", "coordinates": [[[5, 60], [6, 60], [6, 61], [5, 61], [5, 60]]]}
    return [maps.Area(code=f"{i:04d}", name=f"K<{i}>", geometry=square, colour=colour, value_text="1,5",
                      context="F", highlight=i == highlight) for i in range(n)]


def _layer(deck: dict, layer_id: str = "choropleth") -> dict:
    return next(layer for layer in deck["layers"] if layer["id"] == layer_id)


def test_the_areas_move_to_a_file_the_deck_names_and_nothing_else_changes(tmp_path):
    inline = json.loads(maps.choropleth(_areas(357, highlight=7)).to_json())
    served = json.loads(map_files.publish(maps.choropleth(_areas(357, highlight=7)), folder=tmp_path,
                                          url_prefix="/app/static/kart/").to_json())
    url = _layer(served)["data"]
    assert url.startswith("/app/static/kart/") and url.endswith(".json")
    (path,) = tmp_path.glob("*.json")
    assert url == "/app/static/kart/" + path.name
    assert json.loads(path.read_text(encoding="utf-8")) == _layer(inline)["data"]
    assert "K&lt;7&gt;" in path.read_text(encoding="utf-8"), "names stay escaped for the tooltip's HTML"
    assert _layer(served, "markering") == _layer(inline, "markering"), "the ring stays in the deck"
    assert {k: v for k, v in _layer(served).items() if k != "data"} == \
           {k: v for k, v in _layer(inline).items() if k != "data"}


def test_the_same_areas_give_the_same_file_and_other_colours_another(tmp_path):
    def url(**kw) -> str:
        deck = map_files.publish(maps.choropleth(_areas(20, **kw), outlines=False), folder=tmp_path, url_prefix="/")
        return _layer(json.loads(deck.to_json()))["data"]

    first = url()
    assert url() == first
    assert url(highlight=3) == first, "without outlines a highlight is a ring: one file serves every choice"
    assert url(colour="#C6DBEF") != first
    assert len(list(tmp_path.glob("*.json"))) == 2
    assert not list(tmp_path.glob(".*")), "no temporary files are left behind"


def test_a_folder_that_cannot_be_written_keeps_the_areas_inline(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    deck = json.loads(map_files.publish(maps.choropleth(_areas(5)), folder=blocked / "kart").to_json())
    assert len(_layer(deck)["data"]["features"]) == 1 + 5  # the sea and the areas


def test_files_unused_for_a_month_are_removed_and_used_ones_kept(tmp_path):
    old, recent = tmp_path / "old.json", tmp_path / "recent.json"
    for p in (old, recent):
        p.write_text("{}")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    assert map_files.prune(tmp_path) == 1
    assert not old.exists() and recent.exists()


def test_a_file_in_use_is_marked_as_used_each_time_its_map_is_shown(tmp_path):
    deck = map_files.publish(maps.choropleth(_areas(5)), folder=tmp_path, url_prefix="/")
    (path,) = tmp_path.glob("*.json")
    month_ago = time.time() - 31 * 86400
    os.utime(path, (month_ago, month_ago))
    map_files.ensure(deck)  # shown again from the cache
    assert path.stat().st_mtime > month_ago + 86400


def test_a_cached_map_whose_file_was_removed_writes_it_again_when_shown(tmp_path):
    deck = map_files.publish(maps.choropleth(_areas(5)), folder=tmp_path, url_prefix="/")
    (path,) = tmp_path.glob("*.json")
    content = path.read_bytes()
    path.unlink()  # removed by another process's prune, or by hand
    assert map_files.ensure(deck) is deck
    assert path.read_bytes() == content
