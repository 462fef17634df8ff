"""A new cycle ready for monitoring: the plan (plans.carry_forward) and its two periods.

The one service behind `traguardo cycle add` (and, later, its page): the plan of the new
year, empty or carried forward from a previous cycle of the same administration, and the
periods 30.06 and 31.12, open and with no values yet.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from traguardo.audit import recorder
from traguardo.monitoring.models import Period
from traguardo.organisation.lookup import EntityNotFound, get_entity
from traguardo.organisation.models import Entity
from traguardo.plans.carry_forward import Preview, new_cycle, parse_plan, preview
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import OnboardingRefused


def _source(entity: Entity, from_year: int | None) -> Cycle | None:
    if from_year is None:
        return None
    source = Cycle.objects.filter(entity=entity, year=from_year).first()
    if source is None:
        years = ", ".join(
            str(y)
            for y in Cycle.objects.filter(entity=entity)
            .order_by("year")
            .values_list("year", flat=True)
        )
        raise OnboardingRefused(
            f"l'ente «{entity.code}» non ha un ciclo {from_year} da cui partire "
            f"(cicli: {years or 'nessuno'})"
        )
    return source


def add_cycle(
    entity: str | Entity | None,
    year: int,
    plan: str,
    *,
    from_year: int | None = None,
    dry_run: bool = False,
) -> tuple[Cycle | None, Preview]:
    """The `year` cycle of the administration (draft, periods open); with `dry_run`, only
    the preview of what would be carried and what is missing (the cycle is None)."""
    try:
        owner = get_entity(entity)
    except EntityNotFound as exc:
        raise OnboardingRefused(str(exc)) from None
    span = parse_plan(plan)
    source = _source(owner, from_year)
    if dry_run:
        return None, preview(owner, year, span, source)
    with transaction.atomic():
        cycle, result = new_cycle(owner, year, span, source)
        for code, day in (
            (Period.Code.INTERIM, datetime.date(year, 6, 30)),
            (Period.Code.FINAL, datetime.date(year, 12, 31)),
        ):
            recorder.create(Period, cycle=cycle, code=code, date=day, closed=False)
    return cycle, result
