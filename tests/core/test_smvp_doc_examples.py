"""docs/smvp.md's worked example, scored by each preset: the figures the page promises.

The figures are the document's, worked out by hand there; the test only checks that the
engine agrees."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from traguardo.core.engine import score_plan
from traguardo.core.levels import Rounding, RoundingMode
from traguardo.core.model import (
    AnnualGoal,
    Block,
    Indicator,
    Objective,
    Plan,
    StrategicGoal,
    Unit,
    UnitKind,
)
from traguardo.core.numbers import round_half_up
from traguardo.core.smvp import PRESETS, parse_smvp, preset

D = Decimal


def _ind(key: str, number: int, value: str, weight: str) -> Indicator:
    return Indicator(key, number, f"indicatore {number}", ">= 100", value, D(weight))


def example(name: str) -> Plan:
    return Plan(
        "Esempio",
        2026,
        (
            Unit("1", UnitKind.AREA, "Area 1"),
            Unit("1.1", UnitKind.SECTOR, "Settore 1.1", parent="1"),
            Unit("1.2", UnitKind.SECTOR, "Settore 1.2", parent="1"),
        ),
        (
            Block(1, "Blocco 1", D(70), (_ind("B1", 1, "100", "100"),)),
            Block(2, "Blocco 2", D(30), (_ind("B2", 2, "90", "100"),)),
        ),
        (
            Objective(
                "1.1/1",
                "1.1",
                1,
                "uno",
                (_ind("1.1/1#1", 1, "100", "60"), _ind("1.1/1#2", 2, "80", "40")),
            ),
            Objective(
                "1.1/2",
                "1.1",
                2,
                "due",
                (_ind("1.1/2#1", 1, "70", "50"), _ind("1.1/2#2", 2, "100", "50")),
            ),
            Objective("1.2/1", "1.2", 1, "tre", (_ind("1.2/1#1", 1, "95", "100"),)),
        ),
        smvp=preset(name),
        strategic=(
            StrategicGoal("1", "S1", (AnnualGoal("1.1", "A1", ("1.1/1", "1.1/2")),)),
            StrategicGoal("2", "S2", (AnnualGoal("2.1", "A2", ("1.2/1",)),)),
        ),
    )


# preset -> (objectives 1.1/1, 1.1/2, 1.2/1; sectors 1.1, 1.2; area 1; strategic 1, 2; entity)
EXPECTED = {
    "treviso-belluno-2019": ("92", "85", "95", "88.5", "95", "91.75", None, None, "97"),
    "medie-semplici": ("90", "85", "95", "87.5", "95", "91.25", "87.5", "95", "91.25"),
    "medie-ponderate": ("92", "85", "95", "88.5", "95", "91.8", "88.5", "95", "97"),
    "fasce": ("75", "75", "100", "75", "100", "87.5", "75", "100", "87.5"),
}


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value, 2)


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_gives_the_documented_figures(name: str) -> None:
    score = score_plan(example(name))
    strategic = score.levels.get("strategic", {})
    got = (
        *(score.objectives[k].performance for k in ("1.1/1", "1.1/2", "1.2/1")),
        *(score.unit(code).performance for code in ("1.1", "1.2", "1")),
        *(strategic[c].performance if c in strategic else None for c in ("1", "2")),
        score.entity.performance,
    )
    expected = tuple(None if e is None else D(e) for e in EXPECTED[name])
    assert tuple(_round(g) for g in got) == expected


def test_the_fasce_payout_and_an_own_level_as_documented() -> None:
    payout = preset("fasce").payout
    assert [payout.points_for(D(a)) for a in ("87.5", "75", "100")] == [D(80), D(60), D(100)]
    own = parse_smvp(
        {
            **PRESETS["medie-semplici"],
            "livelli_propri": [
                {
                    "chiave": "valore_pubblico",
                    "etichetta": "Valore pubblico",
                    "fonte": "strategic",
                    "metodo": "mean",
                    "gruppi": [{"codice": "VP1", "etichetta": "x", "membri": ["1", "2"]}],
                }
            ],
        }
    )
    score = score_plan(replace(example("medie-semplici"), smvp=own))
    assert _round(score.levels["valore_pubblico"]["VP1"].performance) == D("91.25")
    assert Rounding(2, RoundingMode.HALF_EVEN).apply(D("98.605")) == D("98.60")
    assert Rounding(2).apply(D("98.605")) == D("98.61")
