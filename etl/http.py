"""Downloads from the official endpoints: retries, timeouts and a rich progress bar. The only network code."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

USER_AGENT = "frivillighetsstatistikk-etl/0.1 (+https://github.com/; statistics on voluntary organisations)"
TIMEOUT = httpx.Timeout(60.0, connect=15.0)
BACKOFF = 1.5  # seconds ** attempt between retries


def _client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=True,
                        transport=transport)


def _retry(fn, *, retries: int, what: str, backoff: float | None = None):
    backoff = BACKOFF if backoff is None else backoff
    last: Exception | None = None
    for attempt in range(1, retries + 1):
        try:
            return fn()
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status is not None and 400 <= status < 500 and status != 429:
                raise
            last = exc
            if attempt < retries:
                time.sleep(backoff ** attempt if backoff else 0)
    raise RuntimeError(f"{what}: failed after {retries} attempts: {last}") from last


def download(url: str, dest_dir: Path, *, params: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None, retries: int = 4,
             transport: httpx.BaseTransport | None = None, quiet: bool = False) -> tuple[Path, str]:
    """Stream a URL to a temporary file in dest_dir; return (path, sha256). Retries transient failures."""
    dest_dir.mkdir(parents=True, exist_ok=True)

    def attempt() -> tuple[Path, str]:
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".download-")
        h = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, _client(transport) as client, \
                    client.stream("GET", url, params=params, headers=headers) as resp:
                resp.raise_for_status()
                total = int(resp.headers.get("content-length") or 0) or None
                with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                              TransferSpeedColumn(), TimeRemainingColumn(), disable=quiet) as bar:
                    task = bar.add_task(url.rsplit("/", 1)[-1][:40], total=total)
                    for chunk in resp.iter_bytes(1 << 20):
                        out.write(chunk)
                        h.update(chunk)
                        bar.advance(task, len(chunk))
            return Path(tmp), h.hexdigest()
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    return _retry(attempt, retries=retries, what=f"download {url}")


def get_json(url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
             retries: int = 4, transport: httpx.BaseTransport | None = None) -> Any:
    """GET a JSON document with retries."""

    def attempt():
        with _client(transport) as client:
            resp = client.get(url, params=params, headers={"Accept": "application/json", **(headers or {})})
            resp.raise_for_status()
            return resp.json()

    return _retry(attempt, retries=retries, what=f"GET {url}")
