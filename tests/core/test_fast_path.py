"""score_plan(explain=False) gives exactly the figures of score_plan(explain=True).

Without explanations the engine takes a path of its own (core.fast) that builds no text;
these tests hold every figure it returns equal, digit for digit (same Decimal, same
exponent), to the explaining path on random plans that use every target form the parser
reads, every kind of value, every built-in rule and its parameters, both missing-value
policies, entity blocks, derived indicators and report cards, and on the 2019 demo.

``TRAGUARDO_FAST_PATH_PLANS`` raises the number of seeded random plans (default 1,000,
a few seconds); hypothesis adds its own examples, shrunk to the smallest plan on failure.
"""

from __future__ import annotations

import os
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from traguardo.core.engine import score_plan
from traguardo.core.model import (
    Block,
    Card,
    CardObjective,
    Derivation,
    DerivedValue,
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
from traguardo.core.readings import TargetKind, parse_target
from traguardo.core.results import IndicatorScore, PlanScore
from traguardo.core.rules import DegreeStatus

PLANS = int(os.environ.get("TRAGUARDO_FAST_PATH_PLANS", "1000"))

UNITS = (
    Unit("1", UnitKind.AREA, "Area", short="A1"),
    Unit("1.1", UnitKind.SECTOR, "Settore uno", "1", "S1"),
    Unit("1.1.1", UnitKind.OFFICE, "Ufficio", "1.1"),
    Unit("1.1.2", UnitKind.STAFF_PDC, "Staff", "1.1"),
    Unit("1.2", UnitKind.SECTOR, "Settore due", "1", "S2"),
    Unit("2", UnitKind.AREA, "Area vuota"),
)
SHARED_NAMES = ("Riunioni di riesame", "Standard di servizio")


# Numbers as people write them ---------------------------------------------------------------
def number(rng: random.Random, *, signed: bool = False) -> str:
    """An Italian-format number: small or large, integer or with up to 6 decimals."""
    magnitude = rng.choice((1, 10, 100, 1_000, 100_000, 10**9, 10**13))
    whole = rng.randrange(0, magnitude + 1)
    places = rng.choice((0, 0, 1, 2, 2, 3, 6))
    frac = "".join(rng.choice("0123456789") for _ in range(places))
    grouped = rng.random() < 0.5
    text = f"{whole:,}".replace(",", ".") if grouped else str(whole)
    if frac:
        text += "," + frac
    if signed and rng.random() < 0.1:
        text = rng.choice("-\u2212") + text
    return text


def target_text(rng: random.Random) -> str:
    form = rng.randrange(17)
    n = number(rng)
    if form == 0:
        return f">= {n}"
    if form == 1:
        return f"> {n}"
    if form == 2:
        return f"<= {n} gg"
    if form == 3:
        return f"< {n}"
    if form == 4:
        return f"= {n}%"
    if form == 5:
        return f"= {n}"
    if form == 6:
        low, high = sorted((number(rng), number(rng)), key=lambda t: parse_target(t).low or 0)
        return f"compresi tra n. {low} e n. {high}"
    if form == 7:
        return rng.choice(("si", "SI", "sì", "no", "NO"))
    if form == 8:
        return rng.choice(("===", "—", "n.a."))
    if form == 9:
        return "= Σ delle riunioni delle unità"
    if form == 10:
        return n  # a bare number reads as "at least"
    if form == 11:
        return f">= {n}% dei verbali"
    if form == 12:
        return f"≥ {n} €"
    if form == 13:
        return f"=< {n} giorni"
    if form == 14:
        return rng.choice(("boh", ">= tanti", "compresi tra 15 e 10"))  # unreadable
    if form == 15:
        return f"> {n} euro"
    return f">= {rng.choice(('0', '0,0', '1', '100'))}"


def value_text(rng: random.Random) -> str:
    form = rng.randrange(12)
    n = number(rng, signed=True)
    if form <= 3:
        return n
    if form == 4:
        return f"{n}%"
    if form == 5:
        return rng.choice(("SI", "NO", "si", "No", "sì."))
    if form == 6:
        return rng.choice(("", "  "))
    if form == 7:
        return f"{rng.choice(('oltre', '>', 'più di', 'almeno'))} {n}"
    if form == 8:
        return f"{n} ispezioni svolte"
    if form == 9:
        return rng.choice(("n.d.", "in corso", "ITAT1044"))
    if form == 10:
        return f"{n} €"
    return f"{n} gg"


def rule_and_params(rng: random.Random) -> tuple[str | None, dict[str, Any]]:
    cap = rng.choice((100, 100, 120, "80"))
    floor = rng.choice((None, None, 30, "50,5"))
    choice = rng.randrange(10)
    if choice < 3:
        return None, {}
    if choice == 3:
        return "higher_is_better", {"cap": cap, "floor": floor}
    if choice == 4:
        return "lower_is_better", {"cap": cap, "floor": floor}
    if choice == 5:
        return "exact", {"tolerance": rng.choice((0, 1, "0,5")), "cap": cap}
    if choice == 6:
        return "range", {"above": rng.choice(("full", "proportional")), "cap": cap}
    if choice == 7:
        return "yes_no", {"cap": cap}
    if choice == 8:
        bands = [[rng.randint(0, 150), rng.randint(0, 120)] for _ in range(rng.randint(1, 4))]
        return "bands", {"bands": bands, "interpolate": rng.random() < 0.5}
    return None, {"equal_means": rng.choice(("at_least", "exact")), "floor": floor}


def smvp_of(rng: random.Random) -> Smvp:
    params: dict[str, Any] = {}
    if rng.random() < 0.5:
        params = {
            "equal_means": rng.choice(("at_least", "exact")),
            "range_above": rng.choice(("full", "proportional")),
            "cap": rng.choice((100, 110)),
            "floor": rng.choice((None, 20)),
        }
    return Smvp(
        "smvp",
        params,
        rng.choice(tuple(MissingPolicy)),
        rng.choice(tuple(MissingPolicy)),
    )


def indicator(rng: random.Random, key: str, number_: int, name: str) -> Indicator:
    rule, params = rule_and_params(rng)
    weight = Decimal(rng.choice(("0", "1", "20", "33,3".replace(",", "."), "12.345678", "50")))
    return Indicator(
        key,
        number_,
        name,
        target_text(rng),
        value_text(rng),
        weight,
        rule,
        {k: v for k, v in params.items() if v is not None},
        # The plan's direction decides how a bare target reads (RuleBook.for_indicator).
        direction=rng.choice(("", "higher", "lower", "exact", "range", "yes_no", "derived")),
    )


def random_plan(rng: random.Random) -> Plan:
    blocks = tuple(
        Block(
            b,
            f"Blocco {b}",
            Decimal(rng.choice(("0", "4.33", "8", "10", "25"))),
            tuple(
                indicator(rng, f"B{b * 10 + i}", b * 10 + i, f"Indicatore {i}")
                for i in range(rng.randint(0, 4))
            ),
        )
        for b in range(1, rng.randint(0, 3) + 1)
    )
    objectives: list[Objective] = []
    homes = [u.code for u in UNITS if u.kind is not UnitKind.AREA]
    for o in range(1, rng.randint(1, 8) + 1):
        home = rng.choice(homes)
        key = f"{home}/{o}"
        items: list[Indicator] = []
        for i in range(1, rng.randint(1, 5) + 1):
            name = rng.choice((f"Indicatore {i}", *SHARED_NAMES))
            item = indicator(rng, f"{key}#{i}", i, name)
            if rng.random() < 0.12:
                kind = rng.choice(tuple(Derivation))
                derived = DerivedValue(
                    kind,
                    rng.choice(("", *SHARED_NAMES)),
                    rng.choice(((), (UnitKind.SECTOR,), (UnitKind.OFFICE, UnitKind.STAFF_PDC))),
                    rng.random() < 0.3,
                )
                target = "= Σ delle riunioni" if rng.random() < 0.5 else item.target
                item = Indicator(
                    item.key,
                    i,
                    name,
                    target,
                    "",
                    item.weight,
                    item.rule,
                    item.params,
                    derived,
                    item.direction,
                )
            items.append(item)
        seats: tuple[tuple[str, int], ...] = ()
        if rng.random() < 0.3:
            others = rng.sample(homes, rng.randint(1, 2))
            seats = ((home, o), *((code, o + 10) for code in others if code != home))
        objectives.append(Objective(key, home, o, f"Obiettivo {o}", tuple(items), seats))
    cards = []
    for c in range(rng.randint(0, 2)):
        listed = tuple(
            CardObjective(n, obj.key) for n, obj in enumerate(rng.sample(objectives, 1), 1)
        ) + tuple(CardObjective(n + 10, obj.key) for n, obj in enumerate(objectives, 1))
        numbers = [co.number for co in listed]
        synthesis = tuple(
            SynthesisRow(f"Riga {r}", tuple(rng.sample(numbers, rng.randint(1, len(numbers)))))
            for r in range(rng.randint(0, 3))
        )
        cards.append(Card(f"PO-{c}", Role.PO, f"Scheda {c}", ("1.1",), listed, synthesis))
    return Plan("Ente", 2024, UNITS, blocks, tuple(objectives), tuple(cards), smvp_of(rng))


# Comparing two scores, every figure but the explanations ------------------------------------
def exact(value: Decimal | None) -> object:
    """A Decimal as its digits and exponent: 1.0 and 1.00 differ here."""
    return None if value is None else value.as_tuple()


def indicator_figures(score: IndicatorScore) -> tuple[object, ...]:
    reading = score.reading
    target = score.target
    return (
        score.key,
        score.number,
        score.name,
        None
        if target is None
        else (target.text, target.kind, exact(target.low), exact(target.high), target.unit),
        (
            reading.text,
            reading.kind,
            exact(reading.number),
            reading.unit,
            reading.qualifier,
            reading.reason,
        ),
        exact(score.weight),
        exact(score.degree.value),
        score.degree.status,
        score.counted,
    )


def figures(score: PlanScore) -> dict[str, object]:
    return {
        "entity": (score.entity_name, score.year, exact(score.entity.performance)),
        "blocks": [
            (
                b.number,
                b.heading,
                exact(b.achievement),
                exact(b.weight),
                exact(b.result),
                [indicator_figures(i) for i in b.indicators],
            )
            for b in score.entity.blocks
        ],
        "objectives": {
            key: (o.title, exact(o.performance), [indicator_figures(i) for i in o.indicators])
            for key, o in score.objectives.items()
        },
        "units": [
            (u.code, u.kind, u.name, u.short, exact(u.performance), u.objectives)
            for u in score.units
        ],
        "cards": [
            (
                c.key,
                c.role,
                c.title,
                c.units,
                [(n, ref, exact(p)) for n, ref, p in c.objectives],
                [(r.label, r.objectives, exact(r.performance)) for r in c.synthesis],
            )
            for c in score.cards
        ],
    }


def assert_same(plan: Plan) -> PlanScore:
    """The fast path's score, after checking it against the explaining path's. Every
    random plan is scored: a ratio with a zero divisor (a negative value under a range
    that starts at 0) is "not measurable" on both paths, never an exception."""
    explained = score_plan(plan, explain=True)
    fast = score_plan(plan, explain=False)
    assert figures(fast) == figures(explained)
    return fast


# The tests ----------------------------------------------------------------------------------
def test_the_generator_reaches_every_case() -> None:
    """The random plans really exercise what the comparison is meant to cover."""
    statuses: set[DegreeStatus] = set()
    kinds: set[TargetKind | None] = set()
    rules: set[str | None] = set()
    derived = blocks = cards = 0
    for n in range(300):
        plan = random_plan(random.Random(n))
        items = [i for o in plan.objectives for i in o.indicators]
        items += [i for b in plan.blocks for i in b.indicators]
        derived += sum(i.derived is not None for i in items)
        rules.update(i.rule for i in items)
        blocks += len(plan.blocks)
        cards += len(plan.cards)
        try:
            score = score_plan(plan, explain=False)
        except ArithmeticError:
            continue
        for scored in score.objectives.values():
            for item in scored.indicators:
                statuses.add(item.degree.status)
                kinds.add(item.target.kind if item.target else None)
    assert statuses == set(DegreeStatus)
    assert kinds == {*TargetKind, None}
    assert {"higher_is_better", "lower_is_better", "exact", "range", "yes_no", "bands"} <= rules
    assert derived > 100
    assert blocks > 100
    assert cards > 100


def test_fast_path_equals_explaining_path_on_seeded_random_plans() -> None:
    rng = random.Random(20_171)
    for n in range(PLANS):
        plan = random_plan(rng)
        try:
            assert_same(plan)
        except AssertionError:
            pytest.fail(f"plan {n} of the seeded sweep differs: {plan!r}")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.randoms(use_true_random=False))
def test_fast_path_equals_explaining_path_on_hypothesis_plans(rng: random.Random) -> None:
    assert_same(random_plan(rng))


def test_fast_path_equals_explaining_path_on_the_demo() -> None:
    from traguardo.demo.fixture import load_cycle

    fast = assert_same(load_cycle(2019).plan())
    assert fast is not None
    assert str(fast.entity.performance).startswith("98.606734")


def test_a_rule_without_its_own_value_is_asked_for_its_degree() -> None:
    """A rule registered from outside, with only degree(), scores the same both ways."""
    from traguardo.core.readings import Reading, Target
    from traguardo.core.rules import RULES, Context, Degree, Rule, register

    @register
    class Halves(Rule):
        slug = "test_halves"
        label = "test"

        def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
            if reading.number is None:
                return Degree(None, DegreeStatus.NOT_MEASURABLE)
            return Degree(reading.number / 2, DegreeStatus.SCORED)

    try:
        item = Indicator("1.1/1#1", 1, "I", ">= 10", "7", Decimal(1), "test_halves")
        plan = Plan("E", 2024, UNITS, (), (Objective("1.1/1", "1.1", 1, "O", (item,)),))
        fast = assert_same(plan)
        assert fast is not None
        assert fast.objectives["1.1/1"].performance == Decimal("3.5")
    finally:
        del RULES["test_halves"]


@pytest.mark.parametrize("default", ["smvp", "higher_is_better"])
def test_a_bare_target_reads_by_the_direction_on_both_paths(default: str) -> None:
    """Issue 14: "5 gg" with direction "lower" and value 4 scores 100% (it scored 80%),
    whatever the SMVP's default rule; "<= 5 gg" and ">= 5" keep their sign's reading."""
    items = (
        Indicator("1.1/1#1", 1, "Tempi", "5 gg", "4", Decimal(1), direction="lower"),
        Indicator("1.1/1#2", 2, "Tempi", "5 gg", "6", Decimal(1), direction="lower"),
        Indicator("1.1/1#3", 3, "Pratiche", "5", "4", Decimal(1), direction="higher"),
        Indicator("1.1/1#4", 4, "Esatto", "5", "6", Decimal(1), direction="exact"),
        Indicator("1.1/1#5", 5, "Segno", ">= 5", "4", Decimal(1), direction="lower"),
        Indicator("1.1/1#6", 6, "Senza verso", "5", "4", Decimal(1)),
    )
    smvp = Smvp(default, {}, MissingPolicy.ZERO, MissingPolicy.ZERO)
    plan = Plan("E", 2024, UNITS, (), (Objective("1.1/1", "1.1", 1, "O", items),), smvp=smvp)
    fast = assert_same(plan)
    assert fast is not None
    slow = score_plan(plan)
    degrees = [i.degree.value for i in slow.objectives["1.1/1"].indicators]
    assert degrees == [
        Decimal(100),
        Decimal(5) / Decimal(6) * 100,
        Decimal(80),
        Decimal(0),
        Decimal(80),
        Decimal(80),
    ]
