"""The factories build valid rows: every model's own validation passes, and the small plan
is a plan the scoring engine can score."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from tests import factories as f
from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.plans.models import Target

pytestmark = pytest.mark.django_db

FACTORIES = [
    f.EntityFactory,
    f.OrgUnitFactory,
    f.PersonFactory,
    f.AssignmentFactory,
    f.UserFactory,
    f.CycleFactory,
    f.ScoringConfigFactory,
    f.RevisionFactory,
    f.StrategicObjectiveFactory,
    f.AnnualObjectiveFactory,
    f.OperationalObjectiveFactory,
    f.EntityBlockFactory,
    f.IndicatorFactory,
    f.TargetFactory,
    f.PeriodFactory,
    f.MeasurementFactory,
    f.EvidenceFactory,
    f.ReportCardFactory,
    f.FundFactory,
    f.StaffRecordFactory,
]


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda c: c.__name__)
def test_each_factory_builds_a_valid_row(
    factory_class: type, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    row = factory_class()
    assert isinstance(row, models.Model) and row.pk is not None
    row.full_clean()
    # A second row of the same kind does not collide with the first (unique constraints).
    assert factory_class().pk != row.pk


def test_rows_of_one_cycle_belong_to_its_entity() -> None:
    measurement = f.MeasurementFactory()
    indicator = measurement.indicator
    cycle = f.cycle_of(indicator)
    assert measurement.period.cycle == cycle
    assert indicator.objective.home_unit.entity == cycle.entity
    assert Target.objects.get(indicator=indicator).year == cycle.year == 2019
    assert cycle.scoring_config.default_rule == "smvp"


def test_traits() -> None:
    assert f.CycleFactory(published=True).is_published
    block_indicator = f.IndicatorFactory(block=True)
    assert block_indicator.objective is None and block_indicator.entity_block is not None
    assert Target.objects.get(indicator=f.IndicatorFactory(yes_no=True)).text == "SI"
    assert f.MeasurementFactory(not_measurable=True).number is None
    assert f.PeriodFactory(interim=True).date.month == 6


def test_a_po_user_answers_for_the_unit_they_head() -> None:
    plan = f.small_plan()
    po = f.user_with_role(Role.PO, plan.entity, unit=plan.sector)
    office = f.UserFactory(role=Role.PERFORMANCE_OFFICE, role__entity=plan.entity)
    stranger = f.user_with_role(Role.PO, f.EntityFactory())
    assert permissions.can_enter_value(po, plan.objective, plan.cycle)
    assert permissions.can_manage_plan(office, plan.cycle)
    assert not permissions.can_view_plan(stranger, plan.cycle)
    assert f.signed_in(po).get("/").status_code in (200, 302)


def test_the_small_plan_weighs_a_full_hundred() -> None:
    plan = f.small_plan()
    assert sum(i.weight for i in plan.indicators) == Decimal("100")
    assert plan.objective.assignments.get().unit == plan.sector
    assert list(plan.objective.annual_objectives.all()) == [plan.annual]
