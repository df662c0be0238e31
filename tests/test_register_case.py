"""Register names in capitals are shown in normal case, keeping legal forms and abbreviations."""

from __future__ import annotations

import pytest

from dashboard.format import register_case


@pytest.mark.parametrize(("registered", "shown"), [
    ("ÅLESUND FRIVILLIGSENTRAL", "Ålesund Frivilligsentral"),
    ("FRIVILLIGSENTRALEN I BØ", "Frivilligsentralen i Bø"),  # small words inside a name in lower case
    ("I OSLO", "I Oslo"),  # but not the first
    ("MO I RANA", "Mo i Rana"),
    ("SANDE IL", "Sande IL"),  # abbreviations and legal forms as registered
    ("BÆRUM FRIVILLIGSENTRAL SA", "Bærum Frivilligsentral SA"),
    ("KFUK-KFUM ØST", "KFUK-KFUM Øst"),
    ("AUKRA-HUSTAD", "Aukra-Hustad"),
    ("KRISTIANSUND N", "Kristiansund N"),  # no vowel: a letter or an abbreviation (BK, NHF)
    ("4H NORGE", "4H Norge"),
    ("ST. HANSHAUGEN FRIVILLIGSENTRAL", "St. Hanshaugen Frivilligsentral"),  # an abbreviation with a dot
    ("(ÅPEN) LAG", "(Åpen) Lag"),
])
def test_a_name_in_capitals_is_shown_in_normal_case(registered, shown):
    assert register_case(registered) == shown


@pytest.mark.parametrize("name", ["Frivilligsentralen i Bø", "frivillig.no", "**X** [a](b)", "", None])
def test_a_name_with_lower_case_letters_is_left_as_the_organisation_wrote_it(name):
    assert register_case(name) == name
