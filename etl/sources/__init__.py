"""The sources, in load order. Each module has fetch / parse / validate / load and a TOML file beside it."""

from __future__ import annotations

from types import ModuleType

from etl.sources import (
    befolkning,
    enhetsregisteret,
    frivillighetsregisteret,
    grasrotandel,
    grenser,
    icnpo,
    kommunedeling_vekter,
    kommuneendringer,
    kommuneundersokelse,
    momskompensasjon,
    publiserte_tall,
    tilskudd_totaler,
)

#: Every source the build loads, in order (reference data first: later sources join to it).
SOURCES: list[ModuleType] = [
    grenser,
    kommuneendringer,
    kommunedeling_vekter,  # before befolkning: it re-splits the parts of a divided municipality by these weights
    befolkning,
    icnpo,
    frivillighetsregisteret,
    enhetsregisteret,
    grasrotandel,
    momskompensasjon,
    tilskudd_totaler,
    kommuneundersokelse,
    publiserte_tall,
]
