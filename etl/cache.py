"""Raw cache under data/raw/<source>/<retrieved>_<sha12>/<file>: checksummed, read-only, never overwritten."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class RawFile:
    """One retrieved file in the raw cache, with what `_sources` records about it."""

    source_id: str
    name: str
    path: Path
    sha256: str
    bytes: int
    retrieved: str  # ISO date
    origin: str  # URL, or mirror-relative path
    kind: str = "ukjent"  # real / synthetic / mixed, as the mirror manifest says
    licence: str | None = None  # the file's own licence where it differs from the source's
    mirrors: str | None = None  # what a mirror file stands in for

    def to_json(self) -> dict:
        """JSON-serialisable form, stored beside the file."""
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class RawCache:
    """Stores retrieved files as immutable versions; the same content retrieved again is reused."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _version_dir(self, source_id: str, retrieved: str, sha: str) -> Path:
        return self.root / source_id / f"{retrieved}_{sha[:12]}"

    def store(self, source_id: str, name: str, src: Path, *, retrieved: str, origin: str,
              kind: str = "ukjent", licence: str | None = None, mirrors: str | None = None,
              sha256: str | None = None, move: bool = False) -> RawFile:
        """Put a file into the cache (copy, or move a temporary download) and return its record."""
        sha = sha256 or sha256_file(src)
        vdir = self._version_dir(source_id, retrieved, sha)
        dest = vdir / name
        if not dest.exists():
            vdir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=vdir, prefix=f".{name}.")
            os.close(fd)
            if move:
                shutil.move(str(src), tmp)
            else:
                shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o444)
            os.replace(tmp, dest)
        elif move:
            Path(src).unlink(missing_ok=True)
        raw = RawFile(source_id, name, dest, sha, dest.stat().st_size, retrieved, origin, kind, licence, mirrors)
        meta = dest.with_name(dest.name + ".json")
        if not meta.exists():
            tmp_meta = meta.with_name("." + meta.name + ".tmp")
            tmp_meta.write_text(json.dumps(raw.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp_meta, meta)
        return raw

    def versions(self, source_id: str, name: str) -> list[RawFile]:
        """Every cached version of one file, oldest first (by retrieval date, then storage time)."""
        found = []
        for meta in (self.root / source_id).glob(f"*/{name}.json"):
            d = json.loads(meta.read_text(encoding="utf-8"))
            d["path"] = Path(d["path"]) if Path(d["path"]).exists() else meta.with_name(name)
            found.append((d["retrieved"], meta.stat().st_mtime, RawFile(**d)))
        return [r for *_, r in sorted(found, key=lambda t: (t[0], t[1]))]

    def names(self, source_id: str) -> list[str]:
        """Names of all files ever cached for a source."""
        return sorted({p.name[:-5] for p in (self.root / source_id).glob("*/*.json")})

    def latest(self, source_id: str, name: str) -> RawFile | None:
        """The newest cached version of a file, or None."""
        versions = self.versions(source_id, name)
        return versions[-1] if versions else None
