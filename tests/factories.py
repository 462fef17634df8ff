"""Factories (factory_boy) for unit tests: each builds the smallest valid row, its parents
included, so that a test creates the few rows it needs instead of loading the 2019 demo.

    indicator = IndicatorFactory(objective__cycle=cycle, weight=50)
    office = UserFactory(office=True, membership__entity=cycle.entity)
    plan = small_plan()            # a cycle with a unit, an objective, two indicators, a block

The 2019 demo (tests/conftest.py `demo`) stays for acceptance tests only: fidelity to the
published documents, the Relazione, the browser tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client

from traguardo.accounts.models import Membership, Role
from traguardo.individual.models import ReportCard, ReportCardObjective
from traguardo.monitoring.models import Evidence, Measurement, Period
from traguardo.organisation.models import Assignment, Entity, OrgUnit, Person
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    Revision,
    ScoringConfig,
    StrategicObjective,
    Target,
)
from traguardo.rewards.models import Fund
from traguardo.staff.models import StaffRecord

# Every factory's password: hashed with MD5 in tests (see tests/conftest.py).
PASSWORD = "traguardo-test"
YEAR = 2019


def _first_of(year_attr: str) -> Any:
    return factory.LazyAttribute(lambda o: datetime.date(getattr(o, year_attr), 1, 1))


# --- organisation ---------------------------------------------------------------------


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Camera di Commercio di Prova {n}")
    short_name = factory.Sequence(lambda n: f"CCIAA P{n}")
    kind = Entity.Kind.CAMERA_COMMERCIO


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """A sector ("settore") valid from the start of 2019; `area=True`: a top-level area."""

    class Meta:
        model = OrgUnit

    entity = factory.SubFactory(EntityFactory)
    code = factory.Sequence(lambda n: f"9.{n}")
    short = ""
    name = factory.LazyAttribute(lambda o: f"Unità {o.code}")
    kind = OrgUnit.Kind.SETTORE
    parent = None
    valid_from = datetime.date(YEAR, 1, 1)

    class Params:
        area = factory.Trait(kind=OrgUnit.Kind.AREA, code=factory.Sequence(lambda n: str(10 + n)))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    entity = factory.SubFactory(EntityFactory)
    display_name = factory.Sequence(lambda n: f"Persona {n}")
    gender = Person.Gender.FEMALE
    category = "D"


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A person heading a unit for the whole of 2019 (PO post by default)."""

    class Meta:
        model = Assignment

    unit = factory.SubFactory(OrgUnitFactory)
    person = factory.SubFactory(PersonFactory, entity=factory.SelfAttribute("..unit.entity"))
    role = Assignment.Role.PO
    start = datetime.date(YEAR, 1, 1)
    end = None


# --- accounts -------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can sign in with PASSWORD, with no role unless one is given:
    `UserFactory(role=Role.PO, role__entity=entity, role__unit=unit)` (see `grant`)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utente{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: Role | str | None, **kwargs: Any) -> None:
        if create and extracted:
            grant(self, extracted, **kwargs)


def grant(
    user: Any,
    role: Role | str,
    entity: Entity,
    *,
    unit: OrgUnit | None = None,
    year: int = YEAR,
) -> Membership:
    """Give `user` a role in `entity`; a post role (SG, dirigente, PO) also gets a person
    heading `unit` (a new sector if None) for the whole of `year`."""
    role = Role(role)
    person = None
    if role in (Role.SEGRETARIO, Role.DIRIGENTE, Role.PO):
        unit = unit or OrgUnitFactory(entity=entity)
        person = PersonFactory(entity=entity, display_name=f"{role.label} ({user.username})")
        AssignmentFactory(
            person=person,
            unit=unit,
            role=role.value,
            start=datetime.date(year, 1, 1),
        )
    return Membership.objects.create(user=user, entity=entity, role=role, person=person)


def user_with_role(
    role: Role | str, entity: Entity, *, unit: OrgUnit | None = None, **fields: Any
) -> Any:
    """A new user holding `role` in `entity` (see `grant`)."""
    return UserFactory(role=role, role__entity=entity, role__unit=unit, **fields)


def signed_in(user: Any) -> Client:
    """A test client signed in as `user` (without the sign-in form's checks)."""
    client = Client()
    client.force_login(user)
    return client


# --- plans ----------------------------------------------------------------------------


class CycleFactory(factory.django.DjangoModelFactory):
    """A 2019 cycle (plan 2019-2021) in monitoring, with the demo's SMVP settings."""

    class Meta:
        model = Cycle
        skip_postgeneration_save = True

    entity = factory.SubFactory(EntityFactory)
    year = YEAR
    plan_period_start = factory.SelfAttribute("year")
    plan_period_end = factory.LazyAttribute(lambda o: o.year + 2)
    state = Cycle.State.MONITORING

    class Params:
        draft = factory.Trait(state=Cycle.State.DRAFT)
        closed = factory.Trait(state=Cycle.State.CLOSED)
        validated = factory.Trait(state=Cycle.State.VALIDATED)
        published = factory.Trait(state=Cycle.State.PUBLISHED)

    scoring_config = factory.RelatedFactory(
        "tests.factories.ScoringConfigFactory", factory_related_name="cycle"
    )


class ScoringConfigFactory(factory.django.DjangoModelFactory):
    """The SMVP of the 2019 demo (smvp.yaml): missing and unmeasurable values count 0."""

    class Meta:
        model = ScoringConfig
        django_get_or_create = ("cycle",)

    cycle = factory.SubFactory(CycleFactory, scoring_config=None)
    default_rule = "smvp"
    options = factory.LazyFunction(
        lambda: {
            "params": {"equal_means": "at_least", "range_above": "full", "cap": 100},
            "missing_value": "zero",
            "not_measurable": "zero",
        }
    )


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revision

    cycle = factory.SubFactory(CycleFactory)
    number = factory.Sequence(lambda n: n + 1)
    reason = "Rimodulazione dei target"
    is_open = False


class StrategicObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicObjective

    cycle = factory.SubFactory(CycleFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    kind = StrategicObjective.Kind.STRATEGIC
    title = factory.LazyAttribute(lambda o: f"Obiettivo strategico {o.code}")


class AnnualObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualObjective

    strategic = factory.SubFactory(StrategicObjectiveFactory)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    kind = AnnualObjective.Kind.ANNUAL
    title = factory.LazyAttribute(lambda o: f"Obiettivo annuale {o.code}")


class OperationalObjectiveFactory(factory.django.DjangoModelFactory):
    """An objective of its home unit, with the home unit's assignment row (as the importer
    and the editor create it) and, if `annual` is given, linked to that annual objective."""

    class Meta:
        model = OperationalObjective
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    home_unit = factory.SubFactory(OrgUnitFactory, entity=factory.SelfAttribute("..cycle.entity"))
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Obiettivo operativo {o.number}")

    @factory.post_generation
    def home_assignment(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            ObjectiveAssignment.objects.create(
                cycle=self.cycle, objective=self, unit=self.home_unit, local_number=self.number
            )

    @factory.post_generation
    def annual(self, create: bool, extracted: AnnualObjective | None, **kwargs: Any) -> None:
        if create and extracted is not None:
            self.annual_objectives.add(extracted)


class EntityBlockFactory(factory.django.DjangoModelFactory):
    """A block of Allegato B (the entity's performance) weighing 100."""

    class Meta:
        model = EntityBlock

    cycle = factory.SubFactory(CycleFactory)
    number = factory.Sequence(lambda n: n + 1)
    heading = factory.LazyAttribute(lambda o: f"Blocco {o.number}")
    weight_b = Decimal("100")


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A numeric "higher is better" indicator of an operational objective, with a target
    ">= 100" for the cycle's year. `block=True` (or `entity_block=...`, `objective=None`):
    an Allegato B indicator instead. Traits: `yes_no`, `percentage`, `lower`."""

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    objective = factory.SubFactory(OperationalObjectiveFactory)
    entity_block = None
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Indicatore {o.number}")
    kind = Indicator.Kind.NUMERIC
    direction = Indicator.Direction.HIGHER
    weight = Decimal("100")

    class Params:
        block = factory.Trait(objective=None, entity_block=factory.SubFactory(EntityBlockFactory))
        yes_no = factory.Trait(kind=Indicator.Kind.YES_NO, direction=Indicator.Direction.YES_NO)
        percentage = factory.Trait(kind=Indicator.Kind.PERCENTAGE, unit_label="%")
        lower = factory.Trait(direction=Indicator.Direction.LOWER)

    @factory.post_generation
    def target(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """`target=">= 50"` (default ">= 100", "SI" for yes/no); `target=False`: none."""
        if not create or extracted is False:
            return
        text = extracted or ("SI" if self.kind == Indicator.Kind.YES_NO else ">= 100")
        Target.objects.create(indicator=self, year=cycle_of(self).year, text=text)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory, target=False)
    year = factory.LazyAttribute(lambda o: cycle_of(o.indicator).year)
    text = ">= 100"


def cycle_of(indicator: Indicator) -> Cycle:
    owner = indicator.objective or indicator.entity_block
    assert owner is not None
    return owner.cycle


# --- monitoring -----------------------------------------------------------------------


class PeriodFactory(factory.django.DjangoModelFactory):
    """The final period (31.12) of a cycle, open; `interim=True`: the 30.06 one."""

    class Meta:
        model = Period
        django_get_or_create = ("cycle", "code")

    cycle = factory.SubFactory(CycleFactory)
    code = Period.Code.FINAL
    date = factory.LazyAttribute(
        lambda o: (
            datetime.date(o.cycle.year, 6, 30)
            if o.code == Period.Code.INTERIM
            else datetime.date(o.cycle.year, 12, 31)
        )
    )
    closed = False

    class Params:
        interim = factory.Trait(code=Period.Code.INTERIM)


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A numeric value (120) of an indicator at the final period of its cycle.
    Traits: `yes`, `no`, `not_measurable`."""

    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.LazyAttribute(lambda o: PeriodFactory(cycle=cycle_of(o.indicator)))
    number = Decimal("120")
    text = factory.LazyAttribute(lambda o: "" if o.number is None else str(o.number))
    reading_kind = Measurement.ReadingKind.NUMBER

    class Params:
        yes = factory.Trait(reading_kind=Measurement.ReadingKind.YES, number=None, text="SI")
        no = factory.Trait(reading_kind=Measurement.ReadingKind.NO, number=None, text="NO")
        not_measurable = factory.Trait(
            reading_kind=Measurement.ReadingKind.NOT_MEASURABLE,
            number=None,
            text="",
            not_measurable_reason="Dato non disponibile",
        )


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to a measurement (stored under MEDIA_ROOT)."""

    class Meta:
        model = Evidence

    measurement = factory.SubFactory(MeasurementFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%%EOF\n", name="relazione.pdf"))
    original_name = "relazione.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)
    uploaded_by = factory.SubFactory(UserFactory)


# --- individual, rewards, staff -------------------------------------------------------


class ReportCardFactory(factory.django.DjangoModelFactory):
    """A PO's report card over one unit; `objectives=[objective, ...]` lists its rows."""

    class Meta:
        model = ReportCard
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    key = factory.Sequence(lambda n: f"E-{n}")
    role = ReportCard.Role.PO
    title = factory.LazyAttribute(lambda o: f"Scheda {o.key}")
    person = factory.SubFactory(PersonFactory, entity=factory.SelfAttribute("..cycle.entity"))

    @factory.post_generation
    def units(self, create: bool, extracted: list[OrgUnit] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.units.set(extracted)

    @factory.post_generation
    def objectives(
        self, create: bool, extracted: list[OperationalObjective] | None, **kwargs: Any
    ) -> None:
        for number, objective in enumerate(extracted or [], start=1):
            ReportCardObjective.objects.create(card=self, number=number, objective=objective)


class FundFactory(factory.django.DjangoModelFactory):
    """A productivity fund of 10 000 € with the CCNL's defaults."""

    class Meta:
        model = Fund

    cycle = factory.SubFactory(CycleFactory)
    base_amount = Decimal("10000.00")
    coefficients = factory.LazyFunction(lambda: {"B": "1", "C": "1.1", "D": "1.2"})


class StaffRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRecord

    cycle = factory.SubFactory(CycleFactory)
    code = factory.Sequence(lambda n: f"M{n:04d}")
    gender = Person.Gender.FEMALE
    category = "C"
    age_band = "40-49"


# --- a whole small plan ---------------------------------------------------------------


@dataclass
class SmallPlan:
    """A cycle with one area and its sector, one operational objective of the sector (two
    indicators, weights 60 and 40, targets ">= 100"), one Allegato B block with one
    indicator, the two monitoring periods, and the people heading the units."""

    cycle: Cycle
    area: OrgUnit
    sector: OrgUnit
    strategic: StrategicObjective
    annual: AnnualObjective
    objective: OperationalObjective
    indicators: list[Indicator]
    block: EntityBlock
    block_indicator: Indicator
    interim: Period
    final: Period

    @property
    def entity(self) -> Entity:
        return self.cycle.entity


def small_plan(**cycle_fields: Any) -> SmallPlan:
    cycle = CycleFactory(**cycle_fields)
    entity = cycle.entity
    area = OrgUnitFactory(entity=entity, area=True, code="2", short="SERVI")
    sector = OrgUnitFactory(entity=entity, code="2.1", short="REG", parent=area)
    strategic = StrategicObjectiveFactory(cycle=cycle, code="1")
    annual = AnnualObjectiveFactory(strategic=strategic, code="1.1")
    objective = OperationalObjectiveFactory(
        cycle=cycle, home_unit=sector, number=1, annual=annual, title="Tempi di evasione"
    )
    indicators = [
        IndicatorFactory(objective=objective, number=1, weight=Decimal("60")),
        IndicatorFactory(objective=objective, number=2, weight=Decimal("40")),
    ]
    block = EntityBlockFactory(cycle=cycle, number=1, annual_objective=annual)
    block_indicator = IndicatorFactory(objective=None, entity_block=block, number=1)
    return SmallPlan(
        cycle=cycle,
        area=area,
        sector=sector,
        strategic=strategic,
        annual=annual,
        objective=objective,
        indicators=indicators,
        block=block,
        block_indicator=block_indicator,
        interim=PeriodFactory(cycle=cycle, interim=True),
        final=PeriodFactory(cycle=cycle),
    )
