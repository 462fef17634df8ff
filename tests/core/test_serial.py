"""The lossless round trip of plans and scores (what a score snapshot stores)."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest

from traguardo.core.engine import score_plan
from traguardo.core.model import (
    Block,
    Card,
    CardObjective,
    Indicator,
    MissingPolicy,
    Objective,
    Plan,
    Role,
    Smvp,
    SynthesisRow,
    Unit,
    UnitKind,
)
from traguardo.core.results import PlanScore
from traguardo.core.serial import from_data, to_data
from traguardo.demo.fixture import load_cycle


def _through_json(plan: Plan) -> tuple[Plan, PlanScore]:
    score = score_plan(plan, explain=True)
    # Through real JSON text, keys reordered as PostgreSQL's jsonb stores them.
    plan_data = json.loads(json.dumps(to_data(plan), sort_keys=True))
    score_data = json.loads(json.dumps(to_data(score), sort_keys=True))
    return from_data(Plan, plan_data), from_data(PlanScore, score_data)


def test_the_demo_plan_and_score_survive_the_round_trip_exactly() -> None:
    plan = load_cycle(2019).plan()
    score = score_plan(plan, explain=True)
    plan_back, score_back = _through_json(plan)
    assert plan_back == plan
    assert score_back == score
    # Unrounded: the same digits, not just an equal rounding.
    assert str(score_back.entity.performance) == str(score.entity.performance)
    assert len(str(score.entity.performance).split(".")[1]) > 2
    assert score_back.explain("ENTE") == score.explain("ENTE")
    assert score_back.cards and score_back.cards == score.cards
    assert list(score_back.objectives) == list(score.objectives)  # the plan's order


TARGETS = (">= 100", "<= 5 gg", "= 100%", "si", "compresi tra n. 10 e n. 15", "===", "> 8")
VALUES = ("120", "3 gg", "93%", "SI", "12", "", "oltre 10", "boh", "676.433,56 €", "no")


def _generated_plan(seed: int) -> Plan:
    rnd = random.Random(seed)
    units = [Unit("1", UnitKind.AREA, "Area uno", None, "A1")]
    for n in range(1, rnd.randint(2, 4)):
        units.append(Unit(f"1.{n}", UnitKind.SECTOR, f"Settore {n}", "1", f"S{n}"))

    def indicator(key: str, number: int) -> Indicator:
        rule = rnd.choice([None, None, "bands"])
        return Indicator(
            key=key,
            number=number,
            name=f"Indicatore {key}",
            target=rnd.choice(TARGETS),
            value=rnd.choice(VALUES),
            weight=Decimal(rnd.randint(1, 100)) / rnd.choice([1, 3, 7]),
            rule=rule,
            params={"bands": [[60, 50], [90, 100]]} if rule else {},
        )

    objectives = []
    for unit in units[1:]:
        for number in range(1, rnd.randint(2, 4)):
            key = f"{unit.code}/{number}"
            objectives.append(
                Objective(
                    key,
                    unit.code,
                    number,
                    f"Obiettivo {key}",
                    tuple(indicator(f"{key}#{i}", i) for i in range(1, rnd.randint(2, 5))),
                    ((unit.code, number),),
                )
            )
    blocks = tuple(
        Block(b, f"Blocco {b}", Decimal(rnd.randint(1, 20)), (indicator(f"B{b}", b),))
        for b in range(1, rnd.randint(2, 5))
    )
    cards = (
        Card(
            "PO-1",
            Role.PO,
            "Scheda PO",
            (units[1].code,),
            (CardObjective(1, objectives[0].key),),
            (SynthesisRow("Obiettivi", (1,)),),
        ),
    )
    smvp = Smvp(
        missing_value=rnd.choice(list(MissingPolicy)),
        not_measurable=rnd.choice(list(MissingPolicy)),
    )
    return Plan("Ente generato", 2024, tuple(units), blocks, tuple(objectives), cards, smvp)


@pytest.mark.parametrize("seed", range(12))
def test_generated_plans_and_scores_survive_the_round_trip_exactly(seed: int) -> None:
    plan = _generated_plan(seed)
    plan_back, score_back = _through_json(plan)
    assert plan_back == plan
    assert score_back == score_plan(plan, explain=True)


def test_decimals_keep_their_digits_and_exponent() -> None:
    plan = _generated_plan(0)
    weight = Decimal("33.3333333333333333333333333")
    changed = Plan(
        plan.entity,
        plan.year,
        plan.units,
        (Block(1, "x", Decimal("4.330"), plan.blocks[0].indicators),),
        plan.objectives,
    )
    data = to_data(changed)
    assert data["blocks"][0]["weight"] == "4.330"
    back = from_data(Plan, data)
    assert str(back.blocks[0].weight) == "4.330"
    assert from_data(Plan, to_data(plan)).blocks[0].indicators[0].weight == (
        plan.blocks[0].indicators[0].weight
    )
    assert str(Decimal(str(weight))) == str(weight)
