"""Every target and value form that the 2019 seed uses, and a few users will type."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traguardo.core.readings import (
    RatioError,
    ReadingKind,
    Target,
    TargetFormatError,
    TargetKind,
    parse_reading,
    parse_target,
    ratio_text,
    ratio_value,
    value_problem,
)


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "unit"),
    [
        (">= 100", TargetKind.AT_LEAST, "100", None, ""),
        ("<= 5 gg", TargetKind.AT_MOST, "5", None, "gg"),
        ("= 100%", TargetKind.EQUAL, "100", None, "%"),
        ("si", TargetKind.YES, None, None, ""),
        ("SI", TargetKind.YES, None, None, ""),
        ("compresi tra n. 10 e n. 15", TargetKind.RANGE, "10", "15", ""),
        ("= compresi tra n. 10 e n. 15", TargetKind.RANGE, "10", "15", ""),
        ("= 300.000", TargetKind.EQUAL, "300000", None, ""),
        ("> 300.000 €", TargetKind.MORE_THAN, "300000", None, "€"),
        ("===", TargetKind.NONE, None, None, ""),
        (
            "= Σ delle riunioni effettuate nell'area dalle PO/AP o dagli uffici",
            TargetKind.AGGREGATE,
            None,
            None,
            "",
        ),
        (">= 3,5", TargetKind.AT_LEAST, "3.5", None, ""),
        ("= 1,50%", TargetKind.EQUAL, "1.50", None, "%"),
        (">= 6 pagine", TargetKind.AT_LEAST, "6", None, "pagine"),
        (">= 55% dei verbali emessi", TargetKind.AT_LEAST, "55", None, "%"),
        ("≥ 90%", TargetKind.AT_LEAST, "90", None, "%"),
        ("15", TargetKind.AT_LEAST, "15", None, ""),
    ],
)
def test_parse_target_reads_every_form_of_the_seed(
    text: str, kind: TargetKind, low: str | None, high: str | None, unit: str
) -> None:
    target = parse_target(text)
    assert target.kind is kind
    assert target.text == text  # kept exactly as written
    assert target.low == (Decimal(low) if low else None)
    assert target.high == (Decimal(high) if high else None)
    assert target.unit == unit


@pytest.mark.parametrize("text", ["circa cento", ">= tanti", "compresi tra n. 15 e n. 10", ""])
def test_parse_target_rejects_unreadable_targets_saying_what_was_expected(text: str) -> None:
    with pytest.raises(TargetFormatError, match=r"target|intervallo"):
        parse_target(text)


@pytest.mark.parametrize(
    ("text", "kind", "number", "qualifier"),
    [
        ("964", ReadingKind.NUMBER, "964", ""),
        ("54,47%", ReadingKind.NUMBER, "54.47", ""),
        ("676.433,56", ReadingKind.NUMBER, "676433.56", ""),
        ("676.433,56 €", ReadingKind.NUMBER, "676433.56", ""),
        ("4,35", ReadingKind.NUMBER, "4.35", ""),
        ("SI", ReadingKind.YES, None, ""),
        ("no", ReadingKind.NO, None, ""),
        ("> 8", ReadingKind.FROM_TEXT, "8", ">"),
        ("oltre 10", ReadingKind.FROM_TEXT, "10", "oltre"),
        ("70 ispezioni", ReadingKind.FROM_TEXT, "70", ""),
        ("complessivamente 22 di cui 4 in collaborazione", ReadingKind.FROM_TEXT, "22", ""),
        (
            "12 di cui n. 5 in collaborazione con istituti universitari",
            ReadingKind.FROM_TEXT,
            "12",
            "",
        ),
    ],
)
def test_parse_reading_reads_values_as_written(
    text: str, kind: ReadingKind, number: str | None, qualifier: str
) -> None:
    reading = parse_reading(text)
    assert reading.kind is kind
    assert reading.number == (Decimal(number) if number else None)
    assert reading.qualifier == qualifier
    if kind is ReadingKind.FROM_TEXT:
        assert reading.reason  # a number read from free text says so


def test_unreadable_value_is_not_measurable_with_its_reason_never_zero() -> None:
    reading = parse_reading("in corso di rilevazione")
    assert reading.kind is ReadingKind.NOT_MEASURABLE
    assert reading.number is None
    assert "nessun numero" in reading.reason


def test_empty_value_is_missing() -> None:
    assert parse_reading("  ").kind is ReadingKind.EMPTY
    assert parse_reading(None).kind is ReadingKind.EMPTY


@settings(max_examples=400, deadline=None)
@given(
    st.from_regex(
        r"\A[ ]?(?:\d{1,4}(?:\.\d{3}){0,3}|\d{1,7}|0\d{1,3})(?:,\d{1,7})?"
        r"(?:[ ]?(?:%|€|gg|GG|euro|giorni|ore|\.))?[ ]?\Z",
        fullmatch=True,
    )
)
def test_plain_numbers_read_directly_as_the_general_reading_reads_them(text: str) -> None:
    """The shortcut for plain numbers (``54,47%``, ``676.433,56 €``) gives what the general
    reading gives: the same kind, number (same digits and exponent) and unit."""
    from traguardo.core.readings import _parse_reading, _read_in_full

    quick = _parse_reading(text)
    full = _read_in_full(text.strip())
    assert quick == full
    number = quick[0].number
    assert number is None or number.as_tuple() == full[0].number.as_tuple()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text", ["1.234", "98.7", "0.500", "1.500.000,25 €", "12 gg", "54,47%", "007", "1234.567", "٣"]
)
def test_plain_number_shortcut_agrees_on_the_tricky_forms(text: str) -> None:
    from traguardo.core.readings import _parse_reading, _read_in_full

    assert _parse_reading(text) == _read_in_full(text)


# Values as people write them (issue 14) ------------------------------------------------------
@pytest.mark.parametrize("text", ["12,21/13,06", "12,21 / 13,06", "3/4", "DG 9/2019"])
def test_a_ratio_in_the_value_is_refused_and_never_read_as_its_numerator(text: str) -> None:
    problem = value_problem(text)
    assert problem is not None and "numeratore" in problem and "denominatore" in problem
    reading = parse_reading(text)
    assert reading.kind is ReadingKind.NOT_MEASURABLE and reading.number is None
    assert "rapporto" in reading.reason


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("complessivamente 22 di cui n. 2", "22, 2"),
        ("31/12/2019", "31, 12, 2.019"),
        ("2017 – 2018", "2.017, 2.018"),
    ],
)
def test_a_value_with_several_numbers_is_refused_naming_them(text: str, numbers: str) -> None:
    problem = value_problem(text)
    assert problem is not None and f"({numbers})" in problem


@pytest.mark.parametrize(
    "text", ["6 oltre ad ulteriori incontri", "oltre 10", "> 8", "70 ispezioni"]
)
def test_a_value_with_one_number_in_words_is_still_accepted(text: str) -> None:
    assert value_problem(text) is None
    assert parse_reading(text).kind is ReadingKind.FROM_TEXT


def test_the_unicode_minus_is_read_as_the_minus_it_is() -> None:
    assert value_problem("\u22125") is None
    assert parse_reading("\u22125").number == Decimal(-5)
    assert parse_target("= \u22125").low == Decimal(-5)


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2010", "\u2012", "\uff0d", "\ufe63"])
def test_other_dashes_before_a_number_are_refused_not_read_as_minus_nor_dropped(
    dash: str,
) -> None:
    text = f"{dash}5"
    problem = value_problem(text)
    assert problem is not None and "segno meno" in problem
    assert parse_reading(text).kind is ReadingKind.NOT_MEASURABLE
    with pytest.raises(TargetFormatError, match="segno meno"):
        parse_target(f">= {dash}5")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1,234.56", "all'inglese"),
        ("1e308", "esponenziale"),
        ("2,5E3 euro", "esponenziale"),
        ("123456789012345678901", "troppo grande"),
        ("0,1234567", "troppi decimali"),
    ],
)
def test_misread_and_oversized_numbers_are_refused_as_values_and_not_read(
    text: str, says: str
) -> None:
    problem = value_problem(text)
    assert problem is not None and says in problem
    if says not in ("troppo grande", "troppi decimali"):
        assert parse_reading(text).number is None


@pytest.mark.parametrize("text", ["1,234.56", "1e308", "123456789012345678901"])
def test_misread_and_oversized_numbers_are_refused_as_targets(text: str) -> None:
    with pytest.raises(TargetFormatError):
        parse_target(f">= {text}")
    with pytest.raises(TargetFormatError):
        parse_target(text)


def test_a_bare_target_is_marked_bare_and_equal_to_its_signed_form() -> None:
    assert parse_target("5 gg").bare and parse_target("80%").bare
    assert not parse_target(">= 5 gg").bare and not parse_target("<= 5 gg").bare
    assert parse_target("5") == Target("5", TargetKind.AT_LEAST, Decimal(5))


def test_a_ratio_is_computed_to_six_decimals_halves_up_percent_by_the_target() -> None:
    assert ratio_text(Decimal("12.21"), Decimal("13.06"), percent=True) == "93,491577%"
    assert ratio_text(Decimal("1551"), Decimal("12"), percent=False) == "129,25"
    assert ratio_value(Decimal(1), Decimal(3), percent=False) == Decimal("0.333333")
    assert ratio_value(Decimal(2), Decimal(3), percent=False) == Decimal("0.666667")
    with pytest.raises(RatioError, match="zero"):
        ratio_value(Decimal(1), Decimal(0), percent=True)
