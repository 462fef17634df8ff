"""The scoring rules as a table of cases; the seed's own readings come first."""

from decimal import Decimal

import pytest

from traguardo.core.numbers import round_half_up
from traguardo.core.readings import parse_reading, parse_target
from traguardo.core.rules import Context, DegreeStatus, RuleConfigError, build_rule

CTX = Context("indicatore di prova")


def degree(rule: str, target: str, value: str, **params: object) -> Decimal | None:
    result = build_rule(rule, params).degree(parse_target(target), parse_reading(value), CTX)
    return None if result.value is None else round_half_up(result.value)


@pytest.mark.parametrize(
    ("target", "value", "expected"),
    [
        # Treviso-Belluno 2019, Allegato B
        (">= 75%", "54,47%", "72.63"),  # indicator 14
        ("= 300.000", "676.433,56", "100.00"),  # indicator 31: "=" read as "at least"
        ("compresi tra n. 10 e n. 15", "19", "100.00"),  # indicator 23: above the range counts
        ("= 100%", "93%", "93.00"),  # indicator 28
        ("<= 90", "67", "100.00"),  # indicator 18
        ("<= 5 gg", "2,3", "100.00"),  # indicator 27
        ("si", "SI", "100.00"),  # indicator 17
        (">= 8", "> 8", "100.00"),  # indicator 19: a lower bound read as its number
        ("= 15", "70 ispezioni", "100.00"),  # Allegato C, 2.0/2
        ("compresi tra n. 10 e n. 15", "8", "80.00"),
        ("<= 5 gg", "10", "50.00"),
        ("si", "NO", "0.00"),
    ],
)
def test_smvp_default_reproduces_the_seed(target: str, value: str, expected: str) -> None:
    assert degree("smvp", target, value) == Decimal(expected)


def test_smvp_can_read_equal_as_exact_for_another_entity() -> None:
    assert degree("smvp", "= 300.000", "676.433,56", equal_means="exact") == Decimal("0.00")
    assert degree("smvp", "= 15", "15", equal_means="exact") == Decimal("100.00")


def test_range_exceeded_can_be_proportional() -> None:
    assert degree("range", "compresi tra n. 10 e n. 15", "20", above="proportional") == Decimal(
        "75.00"
    )


def test_higher_is_better_cap_and_floor() -> None:
    assert degree("higher_is_better", ">= 100", "130", cap=120) == Decimal("120.00")
    assert degree("higher_is_better", ">= 100", "59", floor=60) == Decimal("0.00")
    assert degree("higher_is_better", ">= 100", "61", floor=60) == Decimal("61.00")


def test_exact_is_all_or_nothing_with_tolerance() -> None:
    assert degree("exact", "= 10", "10,4", tolerance="0,5") == Decimal("100.00")
    assert degree("exact", "= 10", "11") == Decimal("0.00")


def test_bands_step_and_interpolate() -> None:
    bands = [[60, 50], [90, 100]]
    assert degree("bands", ">= 100", "50", bands=bands) == Decimal("0.00")
    assert degree("bands", ">= 100", "70", bands=bands) == Decimal("50.00")
    assert degree("bands", ">= 100", "75", bands=bands, interpolate=True) == Decimal("75.00")
    assert degree("bands", ">= 100", "95", bands=bands, interpolate=True) == Decimal("100.00")


def test_explanation_shows_the_formula_with_numbers() -> None:
    result = build_rule("smvp").degree(parse_target(">= 75%"), parse_reading("54,47%"), CTX)
    assert result.explanation.formula == "min(54,47 / 75; 1) = 72,63%"
    assert dict(result.explanation.inputs) == {"target": ">= 75%", "valore": "54,47%"}


def test_value_read_from_free_text_is_flagged_in_the_explanation() -> None:
    result = build_rule("smvp").degree(parse_target("= 15"), parse_reading("70 ispezioni"), CTX)
    assert any("letto dal testo" in note for note in result.explanation.notes)


def test_not_measurable_has_no_value_and_a_reason() -> None:
    result = build_rule("smvp").degree(parse_target(">= 10"), parse_reading("SI"), CTX)
    assert result.status is DegreeStatus.NOT_MEASURABLE
    assert result.value is None
    assert result.explanation.notes


def test_yes_against_a_percentage_target_reads_as_done() -> None:
    assert degree("smvp", "= 100%", "SI") == Decimal("100.00")


@pytest.mark.parametrize(
    ("slug", "params", "message"),
    [
        ("nope", {}, "sconosciuta"),
        ("smvp", {"colour": "red"}, "parametri non validi"),
        ("range", {"above": "sideways"}, "above"),
        ("bands", {"bands": []}, "fascia"),
    ],
)
def test_bad_rule_configuration_is_a_clear_error(
    slug: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(RuleConfigError, match=message):
        build_rule(slug, params)


@pytest.mark.parametrize(
    ("slug", "params", "target", "value"),
    [
        ("range", {}, "compresi tra 0 e 5", "-1"),  # under a range starting at 0: x / 0
        ("lower_is_better", {}, "<= -5", "0"),  # -5 / 0
    ],
)
def test_a_ratio_with_a_zero_divisor_is_not_measurable_never_an_error(
    slug: str, params: dict[str, str], target: str, value: str
) -> None:
    rule = build_rule(slug, params)
    parsed_target, reading = parse_target(target), parse_reading(value)
    assert rule.value(parsed_target, reading) is None
    for explain in (True, False):
        degree = rule.degree(parsed_target, reading, Context("x", explain))
        assert degree.status is DegreeStatus.NOT_MEASURABLE and degree.value is None
    explained = rule.degree(parsed_target, reading, Context("x", True)).explanation
    assert "divisione per zero" in explained.notes[0]


def test_the_smvp_rule_reads_a_bare_target_as_its_bare_parameter_says() -> None:
    bare, signed = parse_target("5 gg"), parse_target(">= 5 gg")
    four, six = parse_reading("4"), parse_reading("6")
    at_most = build_rule("smvp", {"bare": "at_most"})
    assert at_most.value(bare, four) == 100
    assert at_most.value(signed, four) == 80  # the sign keeps its reading
    assert build_rule("smvp", {"bare": "exact"}).value(bare, six) == 0
    assert build_rule("smvp").value(bare, four) == 80
    # Bands still apply to the degree so read.
    banded = build_rule("smvp", {"bare": "at_most", "fasce": [[90, 100], [60, 50]]})
    assert banded.value(bare, six) == 50  # 5/6 = 83,33% → band from 60%
    with pytest.raises(RuleConfigError, match="bare"):
        build_rule("smvp", {"bare": "sideways"})
