"""Aggregation on small hand-made plans: weighted means, policies, derived values."""

from decimal import Decimal

from traguardo.core.engine import score_plan
from traguardo.core.model import (
    Block,
    Derivation,
    DerivedValue,
    Indicator,
    MissingPolicy,
    Objective,
    Plan,
    Smvp,
    Unit,
    UnitKind,
)
from traguardo.core.numbers import round_half_up


def ind(key: str, target: str, value: str, weight: int = 50, **kw: object) -> Indicator:
    return Indicator(
        key=key,
        number=int(key.rsplit("#", 1)[-1].lstrip("B") or 1),
        name=kw.pop("name", key),  # type: ignore[arg-type]
        target=target,
        value=value,
        weight=Decimal(weight),
        **kw,
    )  # type: ignore[arg-type]


UNITS = (
    Unit("1", UnitKind.AREA, "Area"),
    Unit("1.1", UnitKind.SECTOR, "Settore A", "1", "SA"),
    Unit("1.1.1", UnitKind.OFFICE, "Ufficio", "1.1"),
    Unit("1.2", UnitKind.SECTOR, "Settore B", "1", "SB"),
)


def plan(
    objectives: tuple[Objective, ...] = (), blocks: tuple[Block, ...] = (), smvp: Smvp | None = None
) -> Plan:
    return Plan("Ente", 2019, UNITS, blocks, objectives, (), smvp or Smvp())


def test_entity_result_sums_unrounded_a_times_b() -> None:
    blocks = (
        Block(1, "uno", Decimal("4.33"), (ind("B1", ">= 75%", "54,47%", 100),)),
        Block(2, "due", Decimal("8"), (ind("B2", ">= 1", "1", 40), ind("B3", "= 100%", "93%", 60))),
    )
    score = score_plan(plan(blocks=blocks))
    # 72,6266…% × 4,33 = 3,14473…; (100×40 + 93×60)/100 = 95,8% × 8 = 7,664
    assert score.entity.blocks[0].result == Decimal("54.47") / 75 * Decimal("4.33")
    assert round_half_up(score.entity.performance) == Decimal("10.81")
    assert "A × B non è arrotondato" in score.entity.explanation.notes[0]


def test_missing_value_counts_zero_or_is_excluded_as_the_smvp_says() -> None:
    objective = Objective(
        "1.1/1", "1.1", 1, "Obiettivo", (ind("1.1/1#1", ">= 10", "10"), ind("1.1/1#2", ">= 10", ""))
    )
    zero = score_plan(plan((objective,))).objectives["1.1/1"]
    assert zero.performance == Decimal(50)
    assert any("valore mancante, conta 0" in n for n in zero.explanation.notes)
    excluded = score_plan(
        plan((objective,), smvp=Smvp(missing_value=MissingPolicy.EXCLUDE))
    ).objectives["1.1/1"]
    assert excluded.performance == Decimal(100)


def test_no_target_this_year_is_left_out_of_the_mean() -> None:
    objective = Objective(
        "1.1/1", "1.1", 1, "O", (ind("1.1/1#1", "===", "5"), ind("1.1/1#2", ">= 10", "5"))
    )
    assert score_plan(plan((objective,))).objectives["1.1/1"].performance == Decimal(50)


def test_sector_is_mean_of_its_objectives_and_area_mean_of_sectors() -> None:
    objectives = (
        Objective("1.1/1", "1.1", 1, "A1", (ind("1.1/1#1", ">= 10", "5", 100),)),
        Objective("1.1/2", "1.1", 2, "A2", (ind("1.1/2#1", ">= 10", "10", 100),)),
        Objective("1.2/1", "1.2", 1, "B1", (ind("1.2/1#1", ">= 10", "10", 100),)),
    )
    score = score_plan(plan(objectives))
    assert score.unit("SA").performance == Decimal(75)
    assert score.unit("1").performance == Decimal("87.5")
    assert score.explain("1").formula.endswith("87,50%")


def test_transversal_objective_counts_in_every_unit_that_carries_it() -> None:
    shared = Objective(
        "1.1/1", "1.1", 1, "Shared", (ind("1.1/1#1", ">= 10", "5", 100),), (("1.1", 1), ("1.2", 3))
    )
    score = score_plan(plan((shared,)))
    assert score.unit("SB").performance == Decimal(50)


def test_derived_values_sum_and_mean_over_sub_units_and_entity_score() -> None:
    meetings = Objective(
        "1/8",
        "1",
        8,
        "SGQ",
        (
            ind(
                "1/8#1",
                "= Σ delle riunioni",
                "",
                name="Riunioni di riesame",
                derived=DerivedValue(Derivation.SUM),
            ),
            ind(
                "1/8#2",
                ">= 90%",
                "",
                name="Standard di servizio",
                derived=DerivedValue(Derivation.MEAN, leaves_only=True),
            ),
        ),
        (("1", 8),),
    )
    office = Objective(
        "1.1.1/3",
        "1.1.1",
        3,
        "SGQ",
        (
            ind("1.1.1/3#1", "= 2", "3", name="Riunioni di riesame"),
            ind("1.1.1/3#2", ">= 90%", "80%", name="Standard di servizio"),
        ),
    )
    sector = Objective(
        "1.2/4",
        "1.2",
        4,
        "SGQ",
        (
            ind("1.2/4#1", "= 2", "1", name="Riunioni  di riesame"),
            ind("1.2/4#2", ">= 90%", "100%", name="Standard di servizio"),
        ),
    )
    entity = Block(1, "b", Decimal(10), (ind("B1", ">= 10", "5", 100),))
    manager = Objective(
        "1/1",
        "1",
        1,
        "Performance organizzativa",
        (ind("1/1#1", "= 100%", "", 100, derived=DerivedValue(Derivation.ENTITY_SCORE)),),
    )
    score = score_plan(plan((meetings, office, sector, manager), (entity,)))
    sgq = score.objectives["1/8"]
    assert sgq.indicators[0].reading.number == Decimal(4)  # 3 + 1, names compared loosely
    assert sgq.indicators[0].target is not None and sgq.indicators[0].target.low == Decimal(4)
    assert sgq.indicators[1].reading.number == Decimal(90)  # (80 + 100) / 2: both are leaves
    assert (
        score.objectives["1/1"].indicators[0].reading.number
        == score.entity.performance
        == Decimal(5)
    )
    assert score.objectives["1/1"].performance == Decimal(5)


def test_unparseable_target_is_not_measurable_not_a_crash() -> None:
    objective = Objective("1.1/1", "1.1", 1, "O", (ind("1.1/1#1", "circa tanti", "5", 100),))
    result = score_plan(plan((objective,))).objectives["1.1/1"]
    assert result.performance == Decimal(0)
    assert "non riconosciuto" in result.indicators[0].explanation.notes[0]


def test_explanations_can_be_switched_off() -> None:
    objective = Objective("1.1/1", "1.1", 1, "O", (ind("1.1/1#1", ">= 10", "5", 100),))
    result = score_plan(plan((objective,)), explain=False).objectives["1.1/1"]
    assert result.performance == Decimal(50)
    assert result.explanation.formula == ""
