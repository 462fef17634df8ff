"""Issue 17.4: the work pages read the database a fixed number of times, whatever the size of
the plan. Each page is requested on the small world, then again after adding units (with
their heads and objectives), strategic and annual objectives, indicators with targets and
values, and report cards: the number of queries must be the same (no query per row).

Counts, not times: speed is measured by bench/load.py. Both requests of a page are made in
the same state of the score cache (the cycle's data version bumped just before each), so
both compute the score afresh and compare like with like.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.world import World
from traguardo.individual.models import ReportCard
from traguardo.monitoring.models import Period
from traguardo.organisation.models import Assignment, Person
from traguardo.plans import versions

MORE = 3  # of each kind added; one more row per kind would be enough to show an N+1


def grow(world: World, n: int = MORE) -> None:
    """`n` more sectors of area 2 (the dirigente's), each with a PO holder, a strategic >
    annual > operational objective, two indicators with targets and values at both
    periods, and the holder's report card over the sector."""
    cycle = world.cycle
    final, interim = world.final, world.interim
    for i in range(n):
        code = f"2.{5 + i}"
        unit = f.OrgUnitFactory(entity=cycle.entity, code=code, parent=world.unit("2"))
        holder = f.PersonFactory(entity=cycle.entity)
        f.AssignmentFactory(unit=unit, person=holder, role=Assignment.Role.PO)
        strategic = f.StrategicObjectiveFactory(cycle=cycle, code=f"9{i}")
        annual = f.AnnualObjectiveFactory(strategic=strategic, code=f"9{i}.1")
        objective = f.OperationalObjectiveFactory(
            cycle=cycle, home_unit=unit, number=1, annual=annual
        )
        for number in (1, 2):
            indicator = f.IndicatorFactory(objective=objective, number=number, weight=50)
            for period in (final, interim):
                f.MeasurementFactory(indicator=indicator, period=period, number=120, text="120")
        f.ReportCardFactory(
            cycle=cycle, key=f"PO-{code}", person=holder, units=[unit], objectives=[objective]
        )


def queries(client: Client, url: str, world: World) -> int:
    versions.bump([world.cycle.pk])  # a fresh score for this request, as after a change
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def own_card(username: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        person = Person.objects.get(memberships__user__username=username)
        card = ReportCard.objects.get(cycle=world.cycle, person=person)
        return f"/schede/{card.pk}/"

    return url


PAGES: list[tuple[str, str | Callable[[World], str]]] = [
    ("dirigente", "/monitoraggio/"),
    ("ufficio", "/monitoraggio/"),
    ("ufficio", "/piano/"),
    ("ufficio", "/relazione/{year}/anteprima/"),
    ("oiv", "/oiv/"),
    ("ufficio", "/oiv/"),
    ("ufficio", "/schede/"),
    ("dirigente", "/schede/"),
    ("po", "/schede/"),
    ("po", own_card("po")),
    ("dirigente", own_card("dirigente")),
]


@pytest.mark.parametrize(
    ("username", "page"),
    PAGES,
    ids=[f"{u} {p if isinstance(p, str) else 'card'}" for u, p in PAGES],
)
def test_work_page_queries_do_not_grow_with_the_plan(
    world: World, username: str, page: str | Callable[[World], str]
) -> None:
    # The to-do lists list every indicator only while a campaign is open.
    Period.objects.filter(cycle=world.cycle).update(closed=False)
    client = f.signed_in(f.UserFactory(username=username))
    url = page(world) if callable(page) else page.format(year=world.cycle.year)
    small = queries(client, url, world)
    cards = ReportCard.objects.filter(cycle=world.cycle).count()
    grow(world)
    assert ReportCard.objects.filter(cycle=world.cycle).count() == cards + MORE
    assert queries(client, url, world) == small


def test_the_grown_world_is_on_the_pages(world: World) -> None:
    """The rows added by grow() are those the pages list (else the test above proves
    nothing): the dirigente sees the new sectors' indicators and cards."""
    Period.objects.filter(cycle=world.cycle).update(closed=False)
    grow(world)
    dirigente = f.signed_in(f.UserFactory(username="dirigente"))
    todo = dirigente.get("/monitoraggio/").content.decode()
    cards = dirigente.get("/schede/").content.decode()
    for i in range(MORE):
        assert f"2.{5 + i}/1" in todo
        assert f"PO-2.{5 + i}" in cards
    office = f.signed_in(f.UserFactory(username="ufficio"))
    assert f"9{MORE - 1}.1" in office.get("/piano/").content.decode()
