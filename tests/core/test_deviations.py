"""Published figures against computed ones, rounded as the SMVP rounds each level."""

from dataclasses import replace
from decimal import Decimal

import pytest

from traguardo.core.deviations import deviations, exists, figure, label, level_key
from traguardo.core.engine import score_plan
from traguardo.core.levels import TVBL_LEVELS, Level, LevelKey, Rounding
from traguardo.core.model import Block, Indicator, Objective, Plan, Smvp, Unit, UnitKind
from traguardo.core.results import AdjustedFigure, PlanScore

UNITS = (
    Unit("1", UnitKind.AREA, "Area"),
    Unit("1.1", UnitKind.SECTOR, "Settore A", "1", "SA"),
)


def ind(key: str, target: str, value: str, weight: int = 100) -> Indicator:
    number = int(key.rsplit("#", 1)[-1].lstrip("B"))
    return Indicator(key, number, f"Indicatore {key}", target, value, Decimal(weight))


def scored() -> PlanScore:
    objective = Objective("1.1/1", "1.1", 1, "Pratiche evase", (ind("1.1/1#1", ">= 75", "54,47"),))
    block = Block(1, "Trasparenza", Decimal(10), (ind("B1", ">= 75", "54,47"),))
    plan = Plan("Ente", 2019, UNITS, (block,), (objective,), (), Smvp())
    return score_plan(plan)


def test_level_of_every_kind_of_code() -> None:
    score = scored()
    assert level_key(score, "ENTE") == "entity"
    assert level_key(score, "BLOCCO-1") == "block"
    assert level_key(score, "B1") == "indicator"
    assert level_key(score, "1.1/1#1") == "indicator"
    assert level_key(score, "1.1/1") == "objective"
    assert level_key(score, "1.1") == "unit"
    assert level_key(score, "1") == "area"
    with pytest.raises(KeyError):
        level_key(score, "9.9")
    assert exists(score, "1.1/1#1") and not exists(score, "1.1/1#7") and not exists(score, "X")


def test_published_equal_to_the_rounded_figure_is_no_deviation() -> None:
    score = scored()
    # 54,47 / 75 = 72,6266…%: published 72,63 (two places, half up) is what the SMVP prints
    assert figure(score, "1.1/1") == Decimal("54.47") / 75 * 100
    same = replace(score, published={"1.1/1": Decimal("72.63"), "B1": Decimal("72.63")})
    assert deviations(same, Smvp()) == []


def test_a_different_published_figure_is_listed_with_its_difference() -> None:
    score = replace(scored(), published={"1.1/1": Decimal("72.60"), "ZZ": Decimal(1)})
    found = deviations(score, Smvp())
    assert [d.code for d in found] == ["1.1/1", "ZZ"]
    first = found[0]
    assert first.level == "objective" and first.rounded == Decimal("72.63")
    assert first.difference == Decimal("-0.03")
    assert first.label == "Obiettivo 1.1/1 — Pratiche evase"
    assert found[1].computed is None and found[1].level == ""  # names nothing in the plan


def test_rounding_follows_the_level_of_the_smvp() -> None:
    levels = tuple(
        replace(level, rounding=Rounding(places=0)) if level.key == LevelKey.OBJECTIVE else level
        for level in TVBL_LEVELS
    )
    assert all(isinstance(level, Level) for level in levels)
    score = replace(scored(), published={"1.1/1": Decimal("73"), "B1": Decimal("73")})
    found = deviations(score, Smvp(levels=levels))
    # the objective rounds to whole points (73 = 73), the indicator to two places (72,63)
    assert [d.code for d in found] == ["B1"]


def test_an_overridden_item_is_compared_by_its_computed_figure() -> None:
    score = scored()
    computed = figure(score, "1.1/1")
    adjusted = replace(
        score,
        adjusted={"1.1/1": AdjustedFigure("1.1/1", Decimal(100), computed, "errore di calcolo")},
        published={"1.1/1": Decimal(100)},
    )
    assert figure(adjusted, "1.1/1") == computed
    (deviation,) = deviations(adjusted, Smvp())
    assert deviation.published == 100 and deviation.rounded == Decimal("72.63")
    assert label(adjusted, "BLOCCO-1") == "Blocco 1 — Trasparenza"
