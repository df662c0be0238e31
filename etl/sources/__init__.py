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
    # reference data
    grenser,
    befolkning,
    kommuneendringer,
    kommunedeling_vekter,
    # registers
    icnpo,
    frivillighetsregisteret,
    enhetsregisteret,
    # municipal survey and published figures
    kommuneundersokelse,
    publiserte_tall,
    # grant schemes
    grasrotandel,
    momskompensasjon,
    tilskudd_totaler,
]
