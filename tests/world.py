"""A small world for unit tests: the 2019 demo's shape in miniature, built with factories.

The same unit codes, objective codes and usernames as the demo where tests name them (PO
`po` heads sector 2.1, `po2` sector 3.1, `dirigente` area 2, ...), so that a test written
against the demo keeps its intent, but with about fifty rows instead of thousands:

    area 0 (SG)   area 1 > sector 1.1      area 2 > sectors 2.1, 2.2      area 3 > sector 3.1
    1.1/1 #1 #2 #3 (40/30/30)   2.1/1 #1 #2 (50/50)   2.1/2 #1 "= 150" (150), #2 "> 100" (141)
    2.2/4 #1      3.1/1 #1      Allegato B block 1 #1
    strategic 1 > annual 1.1 (the objectives of areas 1 and 2, the block), strategic 2 > 2.1
    periods 30.06 and 31.12, both closed; a value at 31.12 for every indicator
    revision n. 1, closed; report cards PO-2.1 (of `po`, objective 2.1/1), PO-3.1, DIR-2, SG

Users (password DEMO_PASSWORD): ufficio, segretario, dirigente, po, po2, oiv.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from traguardo.accounts.models import Role
from traguardo.demo.users import DEMO_PASSWORD
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Entity, OrgUnit, Person
from traguardo.plans.models import Cycle, Indicator, OperationalObjective

from . import factories as f

# (objective code, indicator number) -> (target, value at 31.12, weight)
INDICATORS: dict[tuple[str, int], tuple[str, str, str]] = {
    ("1.1/1", 1): (">= 10", "12", "40"),
    ("1.1/1", 2): (">= 10", "12", "30"),
    ("1.1/1", 3): (">= 10", "12", "30"),
    ("2.1/1", 1): (">= 100", "120", "50"),
    ("2.1/1", 2): ("SI", "SI", "50"),
    ("2.1/2", 1): ("= 150", "150", "50"),
    ("2.1/2", 2): ("> 100", "141", "50"),
    ("2.2/4", 1): ("<= 30", "25", "100"),
    ("3.1/1", 1): (">= 5", "7", "100"),
}
# Titles that the editor's search reads (accents typed or not, as the demo's plan writes them).
TITLES = {
    "2.2/4": "Sportello digitale, seconda annualità",
    "3.1/1": "Registro delle imprese (ANNUALITA' 2)",
}
# Report cards (key, role, whose, unit, objectives), named as the demo's.
CARDS = (
    ("PO-2.1", "po", "po", "2.1", ("2.1/1",)),
    ("PO-3.1", "po", "po2", "3.1", ("3.1/1",)),
    ("DIR-2", "dirigente", "dirigente", "2", ("2.2/4",)),
    ("SG", "segretario_generale", "segretario", "0", ("2.2/4",)),
)
USERS: dict[str, tuple[Role, str]] = {
    "ufficio": (Role.PERFORMANCE_OFFICE, ""),
    "segretario": (Role.SEGRETARIO, "0"),
    "dirigente": (Role.DIRIGENTE, "2"),
    "po": (Role.PO, "2.1"),
    "po2": (Role.PO, "3.1"),
    "oiv": (Role.OIV, ""),
}

# The second administration of `two_worlds` (tests/conftest.py): the same shape, other names.
SECOND_WORLD = {
    "name": "Comune di Altrove",
    "short_name": "CA",
    "users": "b_",
    "titles": "Attività",
}


@dataclass
class World:
    cycle: Cycle
    units: dict[str, OrgUnit] = field(default_factory=dict)
    objectives: dict[str, OperationalObjective] = field(default_factory=dict)
    indicators: dict[tuple[str, int], Indicator] = field(default_factory=dict)
    block_indicator: Indicator | None = None

    @property
    def entity(self) -> Entity:
        return self.cycle.entity

    def unit(self, code: str) -> OrgUnit:
        return self.units[code]

    def indicator(self, objective: str, number: int) -> Indicator:
        return self.indicators[(objective, number)]

    @property
    def final(self) -> Period:
        return Period.objects.get(cycle=self.cycle, code=Period.Code.FINAL)

    @property
    def interim(self) -> Period:
        return Period.objects.get(cycle=self.cycle, code=Period.Code.INTERIM)


def build_world(
    state: str = Cycle.State.MONITORING,
    *,
    name: str = "Camera di Commercio di Treviso-Belluno",
    short_name: str = "TB",
    users: str = "",
    titles: str = "Obiettivo",
) -> World:
    """The small world; a second administration beside it takes another `name`, a prefix
    for its `users` ("b_": b_ufficio, b_po, ...) and another word for its objectives'
    `titles` (the same shape, told apart by name)."""
    cycle = f.CycleFactory(state=state, entity__name=name, entity__short_name=short_name)
    world = World(cycle=cycle)
    entity = cycle.entity
    for area in ("0", "1", "2", "3"):
        world.units[area] = f.OrgUnitFactory(entity=entity, area=True, code=area)
    for sector in ("1.1", "2.1", "2.2", "3.1"):
        world.units[sector] = f.OrgUnitFactory(
            entity=entity, code=sector, parent=world.units[sector.split(".")[0]]
        )
    strategic = f.StrategicObjectiveFactory(cycle=cycle, code="1")
    annual = f.AnnualObjectiveFactory(strategic=strategic, code="1.1")
    other_annual = f.AnnualObjectiveFactory(
        strategic=f.StrategicObjectiveFactory(cycle=cycle, code="2"), code="2.1"
    )
    f.RevisionFactory(cycle=cycle, number=1)
    final = f.PeriodFactory(cycle=cycle, closed=True)
    f.PeriodFactory(cycle=cycle, interim=True, closed=True)
    for (code, number), (target, value, weight) in INDICATORS.items():
        objective = world.objectives.get(code)
        if objective is None:
            unit, _, local = code.partition("/")
            objective = f.OperationalObjectiveFactory(
                cycle=cycle,
                home_unit=world.units[unit],
                number=int(local),
                annual=other_annual if unit == "3.1" else annual,
                title=(TITLES.get(code) if not users else None) or f"{titles} {code}",
            )
            world.objectives[code] = objective
        indicator = f.IndicatorFactory(
            objective=objective,
            number=number,
            weight=Decimal(weight),
            target=target,
            yes_no=target == "SI",
            lower=target.startswith("<"),
        )
        world.indicators[(code, number)] = indicator
        _value(indicator, final, value)
    block = f.EntityBlockFactory(cycle=cycle, number=1, annual_objective=annual)
    world.block_indicator = f.IndicatorFactory(objective=None, entity_block=block, number=1)
    _value(world.block_indicator, final, "120")
    for username, (role, unit) in USERS.items():
        f.UserFactory(
            username=users + username,
            password=DEMO_PASSWORD,
            role=role,
            role__entity=entity,
            role__unit=world.units.get(unit),
        )
    for key, role, username, unit, objectives in CARDS:
        f.ReportCardFactory(
            cycle=cycle,
            key=key,
            role=role,
            person=Person.objects.get(memberships__user__username=users + username),
            units=[world.units[unit]],
            objectives=[world.objectives[code] for code in objectives],
        )
    return world


def _value(indicator: Indicator, period: Period, text: str) -> Measurement:
    if text in ("SI", "NO"):
        yes_or_no = {"yes": True} if text == "SI" else {"no": True}
        return f.MeasurementFactory(indicator=indicator, period=period, **yes_or_no)
    return f.MeasurementFactory(indicator=indicator, period=period, number=Decimal(text), text=text)
