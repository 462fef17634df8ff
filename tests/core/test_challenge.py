"""The target-challenge rule: targets already met by an earlier actual, or far exceeded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from traguardo.core.challenge import FindingKind, TargetActual, analyse


def item(
    target: str, actual: str, target_year: int = 2020, actual_year: int = 2019
) -> TargetActual:
    return TargetActual("B1", "indicatore", target_year, target, actual_year, actual)


@pytest.mark.parametrize(
    ("target", "actual", "met"),
    [
        (">= 100", "100", True),
        (">= 100", "99,99", False),
        ("> 100", "100", False),
        ("> 100", "101", True),
        ("<= 5 gg", "4 gg", True),
        ("<= 5 gg", "6", False),
        ("< 5", "5", False),
        ("= 100%", "100%", True),  # "=" reads as "at least", as in the entity's SMVP
        ("= 75%", "72,63%", False),
        ("15", "15", True),  # a bare number is "at least"
    ],
)
def test_it_flags_a_later_target_the_actual_already_meets(
    target: str, actual: str, met: bool
) -> None:
    kinds = {f.kind for f in analyse([item(target, actual)], margin=Decimal("10"))}
    assert (FindingKind.ALREADY_MET in kinds) is met


def test_it_does_not_call_the_same_year_target_already_met() -> None:
    assert analyse([item(">= 100", "110", target_year=2019)]) == []


@pytest.mark.parametrize(
    ("target", "actual", "margin", "wide"),
    [
        (">= 100", "120", "1.20", True),
        (">= 100", "119,99", "1.20", False),
        (">= 3,5", "4,6", "1.30", True),  # 4.6 / 3.5 = 1.314…
        ("<= 10 gg", "5 gg", "2", True),  # lower is better: target / actual
        ("<= 10 gg", "6 gg", "2", False),
        ("<= 10", "0", "1.2", False),  # undefined ratio: not a wide margin
        (">= 0", "5", "1.2", False),
    ],
)
def test_it_flags_targets_exceeded_by_the_margin(
    target: str, actual: str, margin: str, wide: bool
) -> None:
    findings = analyse([item(target, actual, target_year=2019)], margin=Decimal(margin))
    assert (FindingKind.WIDE_MARGIN in {f.kind for f in findings}) is wide


def test_it_gives_one_finding_per_target_with_the_ratio() -> None:
    later, same_year = analyse([item(">= 6", "12"), item(">= 6", "12", target_year=2019)])
    assert (later.kind, later.ratio) == (FindingKind.ALREADY_MET, Decimal(2))
    assert (same_year.kind, same_year.ratio) == (FindingKind.WIDE_MARGIN, Decimal(2))
    assert same_year.target == Decimal(6) and same_year.actual == Decimal(12)


def test_a_later_target_far_exceeded_is_not_called_wide_margin_twice() -> None:
    assert [f.kind for f in analyse([item(">= 100", "300")])] == [FindingKind.ALREADY_MET]


def test_it_marks_a_100_percent_target_as_at_its_ceiling() -> None:
    (finding,) = analyse([item("= 100%", "100%")])
    assert finding.at_ceiling
    (other,) = analyse([item(">= 55%", "60%")])
    assert not other.at_ceiling


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("si", "SI"),
        ("===", "10"),
        ("compresi tra n. 10 e n. 15", "20"),
        (">= 5", "in corso"),
        ("= Σ delle riunioni", "8"),
        ("boh", "8"),
    ],
)
def test_it_skips_what_a_number_cannot_make_more_demanding(target: str, actual: str) -> None:
    assert analyse([item(target, actual)]) == []


def test_it_refuses_a_margin_that_is_not_above_100_percent() -> None:
    with pytest.raises(ValueError, match="100%"):
        analyse([], margin=Decimal("1"))
