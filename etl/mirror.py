"""A local mirror directory laid out like ../shared/mirror, with its MANIFEST.json."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from etl.cache import RawFile


@dataclass(frozen=True)
class MirrorEntry:
    """What the manifest says of one file: kind (real/synthetic/mixed), what it mirrors, licence, sha256."""

    path: str
    kind: str
    mirrors: str | None
    licence: str | None
    sha256: str | None


class Mirror:
    """Reads files from a mirror directory; the manifest's snapshot_date is their retrieval date."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"mirror directory {self.root} does not exist")
        manifest = self.root / "MANIFEST.json"
        data = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        self.snapshot_date: str | None = data.get("snapshot_date")
        self.entries: dict[str, MirrorEntry] = {
            f["path"]: MirrorEntry(f["path"], f.get("kind", "ukjent"), f.get("mirrors"), f.get("licence"),
                                   f.get("sha256"))
            for f in data.get("files", [])
        }

    def glob(self, pattern: str) -> list[Path]:
        """Files matching a mirror-relative path or glob, sorted by name."""
        return sorted(p for p in self.root.glob(pattern) if p.is_file())

    def relpath(self, path: Path) -> str:
        """The mirror-relative path of a file in the mirror."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def entry(self, path: Path) -> MirrorEntry | None:
        """The manifest entry for a file, if the manifest lists it."""
        return self.entries.get(self.relpath(path))

    def retrieved(self, path: Path) -> str:
        """Retrieval date of a mirror file: the snapshot date, else the file's modification date."""
        if self.snapshot_date and self.entry(path) is not None:
            return self.snapshot_date
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()


def checksum_mismatches(mirror: Mirror, files: list[RawFile]) -> list[tuple[RawFile, str]]:
    """Files (RawFile) copied from the mirror whose sha256 differs from the one MANIFEST.json lists for them,
    each with the manifest's checksum: the file was changed (or damaged) after the mirror was made."""
    out = []
    for f in files:
        entry = mirror.entries.get(f.origin)
        if entry is not None and entry.sha256 and entry.sha256 != f.sha256:
            out.append((f, entry.sha256))
    return out
