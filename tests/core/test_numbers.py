from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traguardo.core.numbers import (
    NumberFormatError,
    find_number,
    format_it,
    format_percent,
    parse_number,
    round_half_up,
    to_contract,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("676.433,56", "676433.56"),
        ("54,47", "54.47"),
        ("4,35", "4.35"),
        ("1.500", "1500"),
        ("300.000", "300000"),
        ("1551", "1551"),
        ("2,3", "2.3"),
        ("98.7", "98.7"),  # a decimal point typed the English way cannot be a thousands dot
        ("-3", "-3"),
        ("1 062 181,20", "1062181.20"),
    ],
)
def test_parse_number_reads_italian_formats(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12,3,4", "1.50.0", "5 gg"])
def test_parse_number_rejects_what_is_not_a_number(text: str) -> None:
    with pytest.raises(NumberFormatError, match="non è un numero"):
        parse_number(text)


def test_find_number_skips_codes_glued_to_letters() -> None:
    found = find_number("progetto ITAT1044: 12 di cui n. 5")
    assert found is not None
    assert found[0] == Decimal(12)


def test_round_half_up_rounds_halves_away_from_zero() -> None:
    assert round_half_up(Decimal("3.145")) == Decimal("3.15")
    assert round_half_up(Decimal("72.62666")) == Decimal("72.63")
    assert round_half_up(Decimal("98.606734")) == Decimal("98.61")


def test_format_it_groups_thousands_and_uses_a_decimal_comma() -> None:
    assert format_it(Decimal("676433.56")) == "676.433,56"
    assert format_it(Decimal("100"), trim=True) == "100"
    assert format_it(Decimal("-1234.5")) == "-1.234,50"
    assert format_percent(Decimal("72.6266")) == "72,63%"


def test_contract_form_is_a_dot_decimal_string() -> None:
    assert to_contract(Decimal("72.626666")) == "72.63"
    assert to_contract(Decimal("100")) == "100.00"


# The rounding and display functions as they were before issue 17 (a Context made per call,
# groups of three cut by hand): the faster ones must give exactly their results.
def _reference_round(value: Decimal, places: int) -> Decimal:
    if not value.is_finite():
        return value
    digits = len(value.as_tuple().digits) + abs(value.adjusted()) + places + 2
    context = Context(prec=max(28, digits), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1).scaleb(-places), context=context)


def _reference_format(value: Decimal, places: int, trim: bool) -> str:
    rounded = _reference_round(value, places)
    sign = "-" if rounded < 0 else ""
    integer, _unused, frac = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + ".".join(groups)
    if frac and not (trim and set(frac) == {"0"}):
        text += "," + frac
    return text


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False, places=30),
        st.integers(-(10**40), 10**40).map(lambda n: Decimal(n) / 3),
        st.integers(-(10**6), 10**6).map(lambda n: Decimal(n).scaleb(-3)),
    ),
    st.integers(0, 12),
    st.booleans(),
)
def test_rounding_and_display_match_the_reference(value: Decimal, places: int, trim: bool) -> None:
    expected = _reference_round(value, places)
    rounded = round_half_up(value, places)
    assert rounded.as_tuple() == expected.as_tuple()
    assert format_it(value, places, trim=trim) == _reference_format(value, places, trim)
