"""Fixtures for the Django apps' tests: the 2019 Treviso-Belluno cycle, in miniature."""

import datetime
from decimal import Decimal

import pytest

from traguardo.organisation.models import Entity, OrgUnit
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    OperationalObjective,
    StrategicObjective,
)

START_2019 = datetime.date(2019, 1, 1)


@pytest.fixture
def entity(db: None) -> Entity:
    return Entity.objects.create(
        name="Camera di Commercio di Treviso-Belluno",
        short_name="CCIAA TV-BL",
        kind=Entity.Kind.CAMERA_COMMERCIO,
    )


@pytest.fixture
def cycle(entity: Entity) -> Cycle:
    return Cycle.objects.create(
        entity=entity, year=2019, plan_period_start=2019, plan_period_end=2021
    )


def make_unit(
    entity: Entity, code: str, kind: str, parent: OrgUnit | None = None, short: str = ""
) -> OrgUnit:
    return OrgUnit.objects.create(
        entity=entity,
        code=code,
        short=short,
        name=f"Unità {code}",
        kind=kind,
        parent=parent,
        valid_from=START_2019,
    )


@pytest.fixture
def units(entity: Entity) -> dict[str, OrgUnit]:
    """Areas 0 and 2 and the four sectors whose POs rotated on 21.05.2019."""
    area0 = make_unit(entity, "0", OrgUnit.Kind.AREA, short="STAFF")
    area2 = make_unit(entity, "2", OrgUnit.Kind.AREA, short="SERVI")
    return {
        "0": area0,
        "2": area2,
        "0.1": make_unit(entity, "0.1", OrgUnit.Kind.SETTORE, area0, "SEGR"),
        "2.2": make_unit(entity, "2.2", OrgUnit.Kind.SETTORE, area2, "REI2"),
        "2.3": make_unit(entity, "2.3", OrgUnit.Kind.SETTORE, area2, "REI3"),
        "2.4": make_unit(entity, "2.4", OrgUnit.Kind.SETTORE, area2, "MERC"),
    }


@pytest.fixture
def annual_objective(cycle: Cycle) -> AnnualObjective:
    strumento = StrategicObjective.objects.create(
        cycle=cycle,
        code="6",
        kind=StrategicObjective.Kind.INSTRUMENT,
        title="Miglioramento e efficienza interna",
    )
    return AnnualObjective.objects.create(
        strategic=strumento,
        code="6.4",
        kind=AnnualObjective.Kind.INSTRUMENT,
        title="Qualità, EFQM",
    )


@pytest.fixture
def objective(cycle: Cycle, units: dict[str, OrgUnit]) -> OperationalObjective:
    return OperationalObjective.objects.create(
        cycle=cycle,
        home_unit=units["2.4"],
        number=1,
        title="MANTENIMENTO DEGLI STANDARD DI SERVIZIO",
    )


@pytest.fixture
def block(cycle: Cycle, annual_objective: AnnualObjective) -> EntityBlock:
    return EntityBlock.objects.create(
        cycle=cycle,
        number=1,
        annual_objective=annual_objective,
        heading="Standard di servizio",
        weight_b=Decimal("10"),
    )


@pytest.fixture
def indicator(objective: OperationalObjective) -> Indicator:
    return Indicator.objects.create(
        objective=objective,
        number=1,
        name="Riunioni di riesame",
        direction=Indicator.Direction.EXACT,
        weight=Decimal("50"),
    )
