"""Source metadata: the TOML file beside each source module (title, producer, URL, licence, files)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FileSpec:
    """One file of a source: its path (or glob) in the mirror, and its download URL if it has one."""

    mirror: str
    download: str | None = None
    name: str | None = None  # name in the raw cache; defaults to the mirror file's name
    required: bool = True


@dataclass(frozen=True)
class SourceMeta:
    """Metadata of one source, loaded from `<module>.toml` beside the module."""

    id: str
    title: str
    producer: str
    url: str
    licence: str
    description: str = ""
    files: tuple[FileSpec, ...] = field(default_factory=tuple)

    @classmethod
    def load(cls, module_file: str | Path) -> SourceMeta:
        """Read the TOML file beside a source module (`x.py` → `x.toml`)."""
        path = Path(module_file).with_suffix(".toml")
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        files = tuple(FileSpec(**f) for f in data.pop("files", []))
        missing = {"id", "title", "producer", "url", "licence"} - data.keys()
        if missing:
            raise ValueError(f"{path}: missing keys {sorted(missing)}")
        return cls(files=files, **data)
