"""The source line under every figure: who made the data, which data, when it was taken, and what is synthetic."""

from __future__ import annotations

from dashboard.components import source_text
from dashboard.queries import SourceInfo


def info(producer: str, title: str, retrieved: str = "30. september 2025", synthetic: bool = False) -> SourceInfo:
    return SourceInfo("id", title, producer, "NLOD", "https://example.org", retrieved, synthetic)


def test_one_date_is_said_once_and_titles_are_quoted():
    text = source_text([info("Statistisk sentralbyrå (SSB)", "Befolkning 1. januar (tabell 07459)"),
                        info("Brønnøysundregistrene", "Frivillighetsregisteret: frivillige organisasjoner",
                             synthetic=True)])
    assert text == ("Kilde: Statistisk sentralbyrå (SSB), «Befolkning 1. januar (tabell 07459)»; "
                    "Brønnøysundregistrene, «Frivillighetsregisteret: frivillige organisasjoner» – syntetiske "
                    "testdata. Hentet 30. september 2025.")


def test_different_dates_are_given_per_source_and_a_note_gets_its_own_line():
    text = source_text([info("A", "a", "1. mars 2025"), info("B", "b", "2. mars 2025")], note="Skraverte stolper.")
    first, second = text.split("  \n")
    assert first == "Kilde: A, «a», hentet 1. mars 2025; B, «b», hentet 2. mars 2025."
    assert second == "Merk: Skraverte stolper."


def test_no_known_source_says_so():
    assert source_text([]) == "Kilde: ukjent."


def test_population_newer_than_its_date_gives_the_figures_date_beside_the_retrieval_date():
    pop = SourceInfo("befolkning", "Befolkning 1. januar", "SSB", "NLOD", "u", "30. september 2025", False,
                     "1. januar 2026")
    text = source_text([pop, info("B", "b")])
    assert text == ("Kilde: SSB, «Befolkning 1. januar» (folketall til og med 1. januar 2026); B, «b». "
                    "Hentet 30. september 2025.")
