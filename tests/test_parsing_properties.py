"""Property-based tests (hypothesis) of the parsers every source shares: Norwegian numbers, municipality and
organisation numbers, and survey answers. Complements the examples in test_grasrot.py and test_survey.py."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from dashboard.format import fmt_nok, fmt_num
from etl.parsing import normalise_kommunenummer, parse_int, parse_nok, parse_nok_decimal
from etl.sources import kommuneundersokelse as ku
from etl.sources._grants import amount, normalise_orgnr

THOUSANDS = st.sampled_from([" ", "\u00a0", "\u202f", "\u2007", "'", ""])
PAD = st.sampled_from(["", " ", "\u00a0", "\t", "  "])


@st.composite
def norwegian_amount(draw, *, max_kr: int = 10**15) -> tuple[str, Decimal]:
    """An amount written as a Norwegian file may write it, and its exact value.

    Thousands separated by a space, NBSP, narrow NBSP, figure space, apostrophe or a dot (only with a decimal
    comma, as '1.234.567,89'), or not at all; decimal comma with 0–2 decimals, or a decimal point when there is no
    comma; minus as '-' or U+2212; optionally 'kr' before or after; spaces around."""
    kr = draw(st.integers(min_value=0, max_value=max_kr))
    decimals = draw(st.sampled_from([0, 1, 2]))
    frac = draw(st.integers(min_value=0, max_value=10**decimals - 1)) if decimals else 0
    negative = draw(st.booleans()) and (kr or frac)
    digits = str(kr)
    groups = [digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)][::-1]
    point = decimals and draw(st.booleans())  # '1234.5' (no thousands separator then)
    sep = "" if point else draw(st.one_of(THOUSANDS, st.just(".") if decimals else THOUSANDS))
    text = sep.join(groups)
    if decimals:
        text += ("." if point else ",") + str(frac).zfill(decimals)
    if negative:
        text = draw(st.sampled_from(["-", "\u2212"])) + text
    unit = draw(st.sampled_from(["", "kr ", " kr", "kr"]))
    text = unit + text if unit.startswith("kr") and unit != "kr" else text + unit
    value = Decimal(kr) + (Decimal(frac) / 10**decimals if decimals else 0)
    return draw(PAD) + text + draw(PAD), -value if negative else value


@settings(deadline=None)
@given(norwegian_amount())
@example(("12 345,50", Decimal("12345.50")))
@example(("1.234.567,89", Decimal("1234567.89")))
@example(("\u2212 1\u00a0000", Decimal("-1000")))
@example(("kr 45", Decimal("45")))
def test_every_norwegian_way_of_writing_an_amount_parses_exactly(case):
    text, value = case
    assert parse_nok_decimal(text) == value
    assert parse_nok(text) == float(value)


@settings(deadline=None)
@given(st.text(max_size=25))
def test_any_text_is_a_number_or_a_value_error_never_another_exception(text):
    try:
        exact = parse_nok_decimal(text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_nok(text)
        return
    # what parses as a Decimal parses as the same float; blank is None, never 0: only whitespace, 'kr', or a lone
    # dash or dot (SSB's '.' for not applicable)
    assert parse_nok(text) == (None if exact is None else float(exact))
    if exact is None:
        assert re.sub(r"[\s\u00a0\u202f\u2007']+", "", text).replace("kr", "").replace("\u2212", "-") in {"", "-", "."}
    else:
        assert exact.is_finite()


@settings(deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_numeric_cells_are_finite_numbers_or_refused(x):
    try:
        value = parse_nok(x)
    except ValueError:
        assert x != x or x in (float("inf"), float("-inf"))
        return
    assert value == x
    assert parse_nok_decimal(x) == Decimal(repr(x))


@settings(deadline=None)
@given(st.text(alphabet=st.characters(whitelist_categories=("L",)), min_size=1, max_size=10))
def test_words_are_never_numbers(word):
    assume(word.replace("kr", "") != "")
    with pytest.raises(ValueError):
        parse_nok_decimal(word)


@settings(deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([0, 1, 2]))
def test_the_dashboards_own_number_format_parses_back(cents, decimals):
    x = cents / 100
    half_up = float((Decimal(cents) / 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert parse_nok(fmt_num(x, decimals)) == pytest.approx(half_up, abs=10 ** -decimals / 2)
    assert parse_nok(fmt_nok(round(x))) == round(x)


@settings(deadline=None)
@given(st.one_of(st.integers(min_value=-(10**13), max_value=10**13),
                 st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)), st.sampled_from([0, 1, 2, 3]))
@example(-0.04, 1)
@example(2.5, 0)
@example(128.5, 0)
@example(-0.4, 0)
@example(0.125, 2)
def test_number_format_is_babels_norwegian_format(x, decimals):
    """fmt_num is hand-written for speed; babel's nb_NO pattern is the reference it must match character for
    character, for the value rounded half away from zero (SSB's rule; babel itself rounds half to even) and a zero
    without sign."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    exact = Decimal(x) if isinstance(x, int) else Decimal(repr(x))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    expected = format_decimal(abs(rounded) if rounded.is_zero() else rounded, format=pattern,
                              locale="nb_NO").replace("-", "−")
    assert fmt_num(x, decimals) == expected


@given(norwegian_amount(max_kr=10**12))
def test_whole_numbers_parse_as_ints_and_fractions_are_refused(case):
    text, value = case
    if value == int(value):
        assert parse_int(text) == int(value)
    else:
        with pytest.raises(ValueError, match="not a whole number"):
            parse_int(text)


@settings(deadline=None)
@given(norwegian_amount(max_kr=10**15))
def test_grant_amounts_keep_every_ore(case):
    text, value = case
    assert amount(text) == value


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=9))
def test_grant_amounts_with_fractions_of_an_ore_are_refused_not_rounded(kr, thousandths):
    with pytest.raises(ValueError, match="more than two decimals"):
        amount(f"{kr},{thousandths:03d}")


# ---- municipality and organisation numbers ------------------------------------------------------------------

@settings(deadline=None)
@given(st.integers(min_value=100, max_value=9999), st.sampled_from(["{}", " {} ", "{}.0", "{:04d}", "\t{:04d}"]),
       st.booleans())
def test_a_municipality_number_is_four_digits_however_it_is_written(code, form, as_float):
    expected = f"{code:04d}"
    assert normalise_kommunenummer(code) == expected
    assert normalise_kommunenummer(form.format(code)) == expected
    if as_float:
        assert normalise_kommunenummer(float(code)) == expected
    assert normalise_kommunenummer(expected) == expected  # idempotent


@settings(deadline=None)
@given(st.one_of(st.text(max_size=8), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()))
@example("0")
@example("12")
@example("12345")
@example(True)
@example(301.5)
@example("3O1")
@example("٣٠١")  # Arabic-Indic digits are digits to str.isdigit, not to a municipality register
def test_municipality_numbers_are_four_ascii_digits_or_refused(value):
    try:
        code = normalise_kommunenummer(value)
    except ValueError:
        return
    if code is None:
        assert value is None or str(value).strip() in ("", ".0")
        return
    assert len(code) == 4 and code.isascii() and code.isdigit()
    assert int(code) == int(float(value)) if isinstance(value, float) else int(str(value).strip().removesuffix(".0"))
    assert normalise_kommunenummer(code) == code


@settings(deadline=None)
@given(st.integers(min_value=100_000_000, max_value=999_999_999), st.sampled_from(["", " ", "\u00a0"]))
def test_organisation_numbers_with_spaces_are_nine_digits(orgnr, sep):
    text = str(orgnr)
    written = sep.join([text[:3], text[3:6], text[6:]])
    assert normalise_orgnr(written) == text
    assert normalise_orgnr(orgnr) == text
    assert normalise_orgnr(float(orgnr)) == text


@settings(deadline=None)
@given(st.text(max_size=12))
def test_organisation_numbers_are_nine_ascii_digits_or_refused(text):
    try:
        orgnr = normalise_orgnr(text)
    except ValueError:
        return
    assert orgnr is None or (len(orgnr) == 9 and orgnr.isascii() and orgnr.isdigit())


# ---- survey answers -----------------------------------------------------------------------------------------

SPACE = st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", " \u202f "])


@st.composite
def spelled(draw, phrase: str) -> str:
    """A phrase with random letter case, whitespace and harmless punctuation around and between its words."""
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in phrase)
    words = cased.replace(",", " ").split()
    text = words[0] + "".join(draw(st.sampled_from([" ", ", ", " - "])).replace(" ", draw(SPACE)) + w
                              for w in words[1:])
    return draw(st.sampled_from(["", " ", "\u00a0", "«"])) + text + draw(st.sampled_from(["", ".", " ", "!", "»"]))


def _vocabulary_phrases() -> list[tuple[str, str, str]]:
    """(vocabulary, phrase, value) for every accepted spelling in kommuneundersokelse.toml."""
    import tomllib

    path = ku.Path(ku.__file__).with_suffix(".toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [(name, phrase, value) for name, entries in data["answers"].items()
            for value, phrases in entries.items() for phrase in phrases]


PHRASES = _vocabulary_phrases()


@settings(deadline=None)
@given(st.sampled_from(PHRASES).flatmap(lambda p: st.tuples(st.just(p), spelled(p[1]))))
def test_every_accepted_spelling_in_every_vocabulary_normalises_to_its_value(case):
    (vocabulary, _, value), text = case
    assert ku.normalise_answer(text, ku.CONFIG.answers[vocabulary]) == value


@settings(deadline=None)
@given(st.integers(min_value=1900, max_value=2099), st.sampled_from(["Ja, vedtatt {}", "Vedtatt i {}", "Ja {}"]))
def test_a_year_after_a_yes_is_still_yes(year, form):
    assert ku.normalise_answer(form.format(year), ku.CONFIG.answers["politikk"]) == "ja"


@settings(deadline=None)
@given(st.sampled_from(sorted(ku.CONFIG.answers)), st.text(max_size=20))
def test_an_answer_is_a_known_value_blank_or_refused_in_every_vocabulary(vocabulary, text):
    vocab = ku.CONFIG.answers[vocabulary]
    try:
        value = ku.normalise_answer(text, vocab)
    except ValueError:
        return
    if value is None:
        assert not text.strip()
    else:
        assert value in set(vocab.values())
        assert ku.answer_key(text) in vocab  # only a listed spelling gets a value: nothing is guessed


@settings(deadline=None)
@given(st.sampled_from(["Ja", "Nei", "Vet ikke", "Under arbeid"]), st.sampled_from(["ikke ", "nesten ", "kanskje "]))
def test_a_qualified_answer_is_refused_not_read_as_the_plain_one(word, qualifier):
    with pytest.raises(ValueError):
        ku.normalise_answer(qualifier + word, ku.CONFIG.answers["politikk"])
