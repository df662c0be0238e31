"""The areas of a map as a file the browser fetches (static/kart/), instead of inside every deck.gl message.

Streamlit sends a map as one JSON text that the browser parses with a slow JSON5 parser and walks in full on
every rerun, also when only the colours changed: for 357 municipalities that cost about 0.1 s of the browser's
time per redraw here. With the areas in a file, deck.gl fetches them once per map (the address names the
content, so a map seen before is in the browser's cache) and parses them with the browser's own JSON parser.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from pathlib import Path

import orjson
import pydeck as pdk

from dashboard import maps
from etl.config import ROOT

#: Served by Streamlit (server.enableStaticServing) at /app/static/kart/.
FOLDER = ROOT / "static" / "kart"
URL_PREFIX = "/app/static/kart/"
#: Files not written or used for this long are removed when a server process first writes one (a file in use is
#: marked as used each time its map is shown, see ensure).
MAX_AGE_DAYS = 30

log = logging.getLogger(__name__)
_pruned: set[Path] = set()  # folders pruned by this process
_lock = threading.Lock()
_published: weakref.WeakKeyDictionary[pdk.Deck, tuple[Path, bytes]] = weakref.WeakKeyDictionary()  # file, text


def frozen(deck: pdk.Deck) -> pdk.Deck:
    """The deck with its areas' layer reading a served file (see publish) and its JSON computed once
    (maps.freeze): for decks kept in a cache."""
    return maps.freeze(publish(deck))


def publish(deck: pdk.Deck, layer_id: str = "choropleth", *, folder: Path = FOLDER,
            url_prefix: str = URL_PREFIX) -> pdk.Deck:
    """The deck with the inline data of its layer `layer_id` written to a file named by its content, and the
    layer reading it from that file's address. Where the folder cannot be written, the data stays inline."""
    for layer in deck.layers:
        if getattr(layer, "id", None) == layer_id and isinstance(layer.data, dict):
            text = orjson.dumps(layer.data, option=orjson.OPT_SORT_KEYS)
            name = hashlib.sha256(text).hexdigest()[:32] + ".json"
            if store(folder / name, text):
                layer.data = url_prefix + name
                _published[deck] = (folder / name, text)
    return deck


def ensure(deck: pdk.Deck) -> pdk.Deck:
    """The published deck with its file marked as used, or written again if it is gone (removed by prune in
    another process, or by hand): call it each time a cached deck is shown."""
    published = _published.get(deck)
    if published is not None:
        store(*published)
    return deck


def store(path: Path, text: bytes) -> bool:
    """Write `text` to `path` atomically, or mark an existing file as used; False when it cannot be written.
    The first time a process writes to a folder, it removes the folder's files unused for MAX_AGE_DAYS."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock:
            if path.parent not in _pruned:
                _pruned.add(path.parent)
                prune(path.parent)
        if path.exists():
            os.utime(path)
        else:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(text)
            os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write the map's areas to %s (%s): they stay inside the map", path, exc)
        return False
    return True


def prune(folder: Path, max_age_days: float = MAX_AGE_DAYS) -> int:
    """Remove map files in `folder` not written or used for `max_age_days`; returns how many."""
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
