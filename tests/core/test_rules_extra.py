"""The rules added for SMVPs written as configuration: two-point interpolation, status
categories, the "linear distance" variant of lower-is-better. Figures at several points,
the parameters refused (each naming itself), and the fast path (value()) equal to the
explaining path (degree().value) on random targets, values and parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traguardo.core.engine import score_plan
from traguardo.core.model import Indicator, Objective, Plan, Unit, UnitKind
from traguardo.core.readings import parse_reading, parse_target
from traguardo.core.rules import (
    RULES,
    Context,
    DegreeStatus,
    RuleConfigError,
    build_rule,
    status_category,
)

CTX = Context("indicatore di prova")


def degree(rule: str, target: str, value: str, **params: Any) -> Decimal | None:
    return build_rule(rule, params).degree(parse_target(target), parse_reading(value), CTX).value


# --- two_point ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", "0"),  # past the zero point: 0, not negative
        ("10", "0"),
        ("9", "20"),
        ("7", "60"),
        ("5", "100"),
        ("3", "100"),  # better than the full point: the cap
        ("7,5", "50"),
    ],
)
def test_two_point_lower_is_better(value: str, expected: str) -> None:
    # "10 days or more: 0; 5 or fewer: 100": (value - 10) / (5 - 10)
    assert degree("two_point", "<= 5 gg", value, zero=10, full=5) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("40", "0"), ("50", "0"), ("65", "50"), ("80", "100"), ("86", "120"), ("95", "120")],
)
def test_two_point_higher_is_better_with_a_cap(value: str, expected: str) -> None:
    # (value - 50) / (80 - 50), between 0 and 120
    assert degree("two_point", ">= 80%", value, zero=50, full=80, cap=120) == Decimal(expected)


def test_two_point_takes_the_target_as_the_full_point() -> None:
    assert degree("two_point", ">= 80", "70", zero=60) == Decimal(50)
    assert degree("two_point", "<= 20 gg", "25", zero=30) == Decimal(50)
    # no number in the target, or the target is the zero point: no line, not measurable
    result = build_rule("two_point", {"zero": 60}).degree(
        parse_target("si"), parse_reading("70"), CTX
    )
    assert result.status is DegreeStatus.NOT_MEASURABLE
    assert "full" in result.explanation.notes[0]
    assert degree("two_point", ">= 60", "70", zero=60) is None


def test_two_point_explains_in_words() -> None:
    result = build_rule("two_point", {"zero": 10, "full": 5}).degree(
        parse_target("<= 5 gg"), parse_reading("7"), CTX
    )
    e = result.explanation
    assert e.formula == "(7 − 10) / (5 − 10) = 60,00%"
    assert e.notes == ("grado 0 a 10, grado 100 a 5",)
    past = build_rule("two_point", {"zero": 10, "full": 5}).degree(
        parse_target("<= 5 gg"), parse_reading("14"), CTX
    )
    assert past.value == 0 and "il grado è 0" in past.explanation.notes[-1]
    words = build_rule("two_point", {"zero": 10}).degree(
        parse_target("<= 5 gg"), parse_reading("7"), CTX
    )
    assert "(il target)" in words.explanation.notes[0]


def test_two_point_reads_a_value_only_as_a_number() -> None:
    assert degree("two_point", ">= 80", "SI", zero=50) is None
    assert degree("two_point", ">= 80", "in corso", zero=50) is None
    assert degree("two_point", ">= 80", "oltre 70", zero=50) == Decimal(2000) / 30


# --- status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "value", "expected"),
    [
        (">= 100", "100", "100"),  # in linea
        (">= 100", "130", "100"),  # superiore
        (">= 100", "99,9", "0"),  # inferiore: no tolerance by default
        ("<= 5 gg", "3", "100"),  # lower is better: under the target is superiore
        ("<= 5 gg", "6", "0"),
        ("= 50", "50", "100"),
        ("compresi tra n. 10 e n. 15", "12", "100"),
        ("compresi tra n. 10 e n. 15", "9", "0"),
        ("compresi tra n. 10 e n. 15", "16", "100"),  # over the range: superiore
        ("si", "SI", "100"),
        ("no", "SI", "0"),
        (">= 100", "in linea", "100"),
        (">= 100", "Superiore alle attese", "100"),
        (">= 100", "inferiore.", "0"),
        ("===", "In  linea con il target", "100"),  # a category needs no target
    ],
)
def test_status_default_degrees(target: str, value: str, expected: str) -> None:
    assert degree("status", target, value) == Decimal(expected)


@pytest.mark.parametrize(
    ("target", "value", "expected"),
    [
        (">= 200", "190", "80"),  # 5% of 200 = 10: 190 is in linea
        (">= 200", "189,99", "40"),
        (">= 200", "210", "80"),
        (">= 200", "210,01", "100"),
        ("<= 20 gg", "18,9", "100"),  # 5% of 20 = 1: under 19 is superiore
        ("<= 20 gg", "19", "80"),
        ("<= 20 gg", "21,5", "40"),
        ("compresi tra n. 100 e n. 200", "95", "80"),  # 5% of the low end
        ("compresi tra n. 100 e n. 200", "94", "40"),
        ("compresi tra n. 100 e n. 200", "210", "80"),  # 5% of the high end
        ("compresi tra n. 100 e n. 200", "211", "100"),
    ],
)
def test_status_with_a_percent_tolerance(target: str, value: str, expected: str) -> None:
    params = {"tolerance": 5, "superiore": 100, "in_linea": 80, "inferiore": 40}
    assert degree("status", target, value, **params) == Decimal(expected)


def test_status_with_an_absolute_margin() -> None:
    params = {"margin": "2,5", "inferiore": 50}
    assert degree("status", ">= 10", "7,5", **params) == 100
    assert degree("status", ">= 10", "7,4", **params) == 50
    assert degree("status", "<= 10", "12,5", **params) == 100
    assert degree("status", "<= 10", "12,6", **params) == 50


def test_status_non_misurabile_and_unreadable_values() -> None:
    rule = build_rule("status", {})
    declared = rule.degree(parse_target(">= 10"), parse_reading("Non misurabile"), CTX)
    assert declared.status is DegreeStatus.NOT_MEASURABLE
    assert "non misurabile" in declared.explanation.notes[0]
    other = rule.degree(parse_target(">= 10"), parse_reading("in corso"), CTX)
    assert other.status is DegreeStatus.NOT_MEASURABLE
    assert "«in linea»" in other.explanation.notes[0]
    assert rule.degree(parse_target("si"), parse_reading("12"), CTX).value is None
    assert rule.degree(parse_target("= Σ delle unità"), parse_reading("12"), CTX).value is None


def test_status_explains_the_comparison() -> None:
    rule = build_rule("status", {"tolerance": 5, "inferiore": 50})
    e = rule.degree(parse_target(">= 100"), parse_reading("90"), CTX).explanation
    assert e.formula == "«90» rispetto al target «>= 100»: inferiore = 50,00%"
    assert e.notes == (
        "in linea entro ±5,00% del target",
        "gradi per categoria: superiore 100,00%, in linea 100,00%, inferiore 50,00%",
    )
    named = rule.degree(parse_target(">= 100"), parse_reading("In linea"), CTX).explanation
    assert named.formula == "categoria indicata «in linea» = 100,00%"


def test_status_category_words() -> None:
    assert status_category("  SUPERIORE alle attese ") == "superiore"
    assert status_category("in linea.") == "in linea"
    assert status_category("non misurabile per assenza dati") == "non misurabile"
    assert status_category("quasi in linea") is None


# --- lower_is_better, linear distance -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ratio", "distance"),
    [
        ("4", "100", "100"),
        ("5", "100", "100"),
        ("6", "83.33", "80"),  # 5/6 ; (2×5 − 6)/5
        ("8", "62.50", "40"),
        ("10", "50.00", "0"),
        ("15", "33.33", "0"),  # past twice the target: 0, never negative
    ],
)
def test_lower_is_better_ratio_and_distance(value: str, ratio: str, distance: str) -> None:
    got = degree("lower_is_better", "<= 5", value)
    assert got is not None and got.quantize(Decimal("0.01")) == Decimal(ratio)
    assert degree("lower_is_better", "<= 5", value, mode="distance") == Decimal(distance)


def test_lower_is_better_distance_with_floor_and_negative_target() -> None:
    assert degree("lower_is_better", "<= 10", "16", mode="distance", floor=50) == 0
    assert degree("lower_is_better", "<= 10", "14", mode="distance", floor=50) == 60
    # a negative target: the distance is measured on its size, -10 → -5 is 50% off
    assert degree("lower_is_better", "<= -10", "-5", mode="distance") == 50
    assert degree("lower_is_better", "<= 0", "3", mode="distance") is None
    e = (
        build_rule("lower_is_better", {"mode": "distance"})
        .degree(parse_target("<= 5"), parse_reading("6"), CTX)
        .explanation
    )
    assert e.formula == "max(1 − (6 − 5) / 5; 0) = 80,00%"


# --- parameters refused ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "params", "named"),
    [
        ("two_point", {}, "zero"),  # required
        ("two_point", {"zero": "dieci"}, "zero"),
        ("two_point", {"zero": 10, "full": [5]}, "full"),
        ("two_point", {"zero": 10, "full": "10"}, "full"),
        ("two_point", {"zero": 10, "cap": -1}, "cap"),
        ("two_point", {"zero": True}, "zero"),
        ("two_point", {"zero": 1, "slope": 2}, "slope"),
        ("status", {"superiore": "tanto"}, "superiore"),
        ("status", {"in_linea": -5}, "in_linea"),
        ("status", {"inferiore": None}, "inferiore"),
        ("status", {"tolerance": 5, "margin": 1}, "margin"),
        ("status", {"tolerance": -1}, "tolerance"),
        ("status", {"margin": "x"}, "margin"),
        ("status", {"soglia": 3}, "soglia"),
        ("lower_is_better", {"mode": "linear"}, "mode"),
    ],
)
def test_parameters_refused_name_themselves(rule: str, params: dict[str, Any], named: str) -> None:
    with pytest.raises(RuleConfigError, match=named):
        build_rule(rule, params)


def test_yaml_floats_are_accepted() -> None:
    assert degree("two_point", ">= 1", "0,75", zero=0.5, full=1.0) == Decimal(50)
    assert degree("status", ">= 100", "97,5", tolerance=2.5) == 100


def test_the_explain_page_names_the_new_rules_in_words() -> None:
    from traguardo.core.i18n import _ as core_

    assert core_(RULES["two_point"].label) == "Interpolazione lineare tra due punti"  # type: ignore[attr-defined]
    assert "superiore" in core_(RULES["status"].label)  # type: ignore[attr-defined]


# --- value() is degree().value --------------------------------------------------------

numbers = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


def italian(number: Decimal) -> str:
    return format(number, "f").replace(".", ",")


@st.composite
def targets(draw: st.DrawFn) -> str:
    n = italian(draw(numbers))
    return draw(
        st.sampled_from(
            (
                f">= {n}",
                f"> {n}",
                f"<= {n} gg",
                f"< {n}",
                f"= {n}",
                f"= {n}%",
                "compresi tra n. 10 e n. 15",
                "compresi tra 0 e 0",
                "si",
                "no",
                "===",
                "= Σ delle unità",
            )
        )
    )


@st.composite
def values(draw: st.DrawFn) -> str:
    n = italian(draw(numbers))
    return draw(
        st.sampled_from(
            (
                n,
                f"{n}%",
                f"oltre {n}",
                f"{n} pratiche",
                "SI",
                "NO",
                "",
                "in corso",
                "in linea",
                "Superiore alle attese",
                "inferiore",
                "non misurabile",
                "inferiore (80)",
            )
        )
    )


@st.composite
def rules(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    which = draw(st.sampled_from(("two_point", "status", "lower_is_better")))
    if which == "two_point":
        zero, full = draw(numbers), draw(st.one_of(st.none(), numbers))
        if full == zero:
            full = None
        params: dict[str, Any] = {"zero": zero, "cap": draw(st.sampled_from((100, 120, 0)))}
        if full is not None:
            params["full"] = full
        return which, params
    if which == "status":
        params = {
            name: draw(st.integers(0, 120)) for name in ("superiore", "in_linea", "inferiore")
        }
        slack = draw(st.sampled_from(("none", "tolerance", "margin")))
        if slack != "none":
            params[slack] = draw(st.decimals(min_value=0, max_value=50, places=1))
        return which, params
    return which, {
        "mode": draw(st.sampled_from(("ratio", "distance"))),
        "floor": draw(st.sampled_from((None, 30))),
        "cap": draw(st.sampled_from((100, 120))),
    }


@settings(max_examples=600, deadline=None)
@given(rules(), targets(), values())
def test_value_is_the_explained_degree(
    rule_params: tuple[str, dict[str, Any]], target_text: str, value_text: str
) -> None:
    slug, params = rule_params
    rule = build_rule(slug, {k: v for k, v in params.items() if v is not None})
    target, reading = parse_target(target_text), parse_reading(value_text)
    fast = rule.value(target, reading)
    explained = rule.degree(target, reading, CTX)
    quiet = rule.degree(target, reading, Context("", explain=False))
    assert fast == explained.value == quiet.value
    if fast is not None:
        assert str(fast) == str(explained.value)  # same digits, same exponent
        assert explained.status is DegreeStatus.SCORED
        if params.get("mode") != "ratio":  # target / value keeps a sign difference (as before)
            assert Decimal(0) <= fast
        assert explained.explanation.formula
    else:
        assert explained.status is DegreeStatus.NOT_MEASURABLE


# --- in a plan ------------------------------------------------------------------------

UNITS = (Unit("1", UnitKind.AREA, "Area"), Unit("1.1", UnitKind.SECTOR, "Settore", "1"))
ONE = Decimal(1)


def objective_performance(*items: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """The objective's performance, explaining and fast path."""
    plan = Plan("E", 2024, UNITS, (), (Objective("1.1/1", "1.1", 1, "O", items),))
    explained = score_plan(plan, explain=True).objectives["1.1/1"].performance
    return explained, score_plan(plan, explain=False).objectives["1.1/1"].performance


def test_the_engine_scores_the_new_rules_both_ways() -> None:
    explained, fast = objective_performance(
        Indicator("1.1/1#1", 1, "Tempi", "<= 5 gg", "7", ONE, "two_point", {"zero": 10}),
        Indicator("1.1/1#2", 2, "Qualità", ">= 100", "100", ONE, "status", {}),
        Indicator(
            "1.1/1#3", 3, "Attesa", "<= 5 gg", "6", ONE, "lower_is_better", {"mode": "distance"}
        ),
        Indicator("1.1/1#4", 4, "Pratiche", ">= 100", "90", ONE, "status", {"tolerance": 5}),
    )
    # 60 (two points), 100 (in linea), 80 (distance), 0 (inferiore)
    assert explained == fast == Decimal(60)


def test_the_engine_lets_the_status_rule_read_its_words() -> None:
    explained, fast = objective_performance(
        Indicator("1.1/1#1", 1, "Qualità", ">= 100", "in linea", ONE, "status", {}),
        Indicator("1.1/1#2", 2, "Servizio", ">= 100", "inferiore", ONE, "status", {}),
    )
    assert explained == fast == Decimal(50)
