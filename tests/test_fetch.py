"""Fetching: downloads with retries, the raw cache's immutable versions, offline fallback and mirror dates."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from etl import http
from etl.cache import RawCache
from etl.errors import SourceError
from etl.mirror import Mirror
from etl.sources import befolkning, kommunedeling_vekter
from etl.sources._common import FetchContext, fetch_files
from tests.conftest import fixture_bytes

CSV = fixture_bytes("befolkning", "befolkning-small.csv")


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(http, "BACKOFF", 0)


def _transport(responses: list[httpx.Response], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.pop(0) if len(responses) > 1 else responses[0]
    return httpx.MockTransport(handler)


def test_download_retries_transient_errors(tmp_path):
    seen: list = []
    t = _transport([httpx.Response(503), httpx.Response(502), httpx.Response(200, content=CSV)], seen)
    path, sha = http.download("https://data.ssb.no/x.csv", tmp_path, transport=t, quiet=True)
    assert path.read_bytes() == CSV and len(seen) == 3
    assert sha == __import__("hashlib").sha256(CSV).hexdigest()


def test_download_does_not_retry_a_missing_file(tmp_path):
    seen: list = []
    t = _transport([httpx.Response(404)], seen)
    with pytest.raises(httpx.HTTPStatusError):
        http.download("https://data.ssb.no/missing.csv", tmp_path, transport=t, quiet=True)
    assert len(seen) == 1
    assert not list(tmp_path.glob(".download-*")), "partial download left behind"


def test_download_gives_up_after_retries_with_the_url(tmp_path):
    t = _transport([httpx.Response(500)], [])
    with pytest.raises(RuntimeError, match="https://data.ssb.no/x.csv: failed after 4 attempts"):
        http.download("https://data.ssb.no/x.csv", tmp_path, transport=t, quiet=True)


def test_online_fetch_stores_versions_that_are_never_overwritten(tmp_path):
    cache = RawCache(tmp_path / "raw")
    ctx = FetchContext(cache, transport=_transport([httpx.Response(200, content=CSV)], []), quiet=True)
    (first,) = fetch_files(befolkning.META, ctx)
    assert first.retrieved == dt.date.today().isoformat() and first.origin.startswith("https://")
    assert first.path.read_bytes() == CSV and first.path.stat().st_mode & 0o222 == 0
    (again,) = fetch_files(befolkning.META, ctx)
    assert again.path == first.path, "the same content retrieved again is the same version"
    changed = CSV.replace(b"110", b"111")
    ctx.transport = _transport([httpx.Response(200, content=changed)], [])
    (second,) = fetch_files(befolkning.META, ctx)
    assert second.path != first.path and first.path.read_bytes() == CSV, "old version must stay as it was"
    assert cache.latest("befolkning", "befolkning-07459.csv").sha256 == second.sha256


def test_offline_uses_the_newest_cached_version_or_says_what_to_do(tmp_path):
    cache = RawCache(tmp_path / "raw")
    with pytest.raises(SourceError, match="--mirror"):
        fetch_files(kommunedeling_vekter.META, FetchContext(cache, offline=True))
    ctx = FetchContext(cache, transport=_transport([httpx.Response(200, content=CSV)], []), quiet=True)
    (online,) = fetch_files(befolkning.META, ctx)
    (offline,) = fetch_files(befolkning.META, FetchContext(cache, offline=True))
    assert offline.sha256 == online.sha256


def test_mirror_files_take_the_snapshot_date(tmp_path, mirror_dir):
    cache = RawCache(tmp_path / "raw")
    (raw,) = fetch_files(befolkning.META, FetchContext(cache, mirror=Mirror(mirror_dir)))
    assert raw.retrieved == Mirror(mirror_dir).snapshot_date
    assert raw.kind == "real" and raw.origin == "reference/befolkning-07459.csv"


def test_missing_mirror_file_names_the_path(tmp_path):
    (tmp_path / "m").mkdir()
    with pytest.raises(SourceError, match="reference/befolkning-07459.csv: file not found"):
        fetch_files(befolkning.META, FetchContext(RawCache(tmp_path / "raw"), mirror=Mirror(tmp_path / "m")))
