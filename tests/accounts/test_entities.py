"""Issue 15, point 3: a member of administration A never reads or changes B's cycle, cards
or fund, and `?anno=` picks the cycle of the user's own administration."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import World
from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.individual.models import ReportCard
from traguardo.plans.models import Cycle
from traguardo.rewards.services import CopyRefused, copy_card_scores


@pytest.fixture
def other(world: World) -> Cycle:
    """Administration B: a cycle of the same year, created after A's (a higher id)."""
    return f.CycleFactory(entity=f.EntityFactory(name="Altro ente", short_name="B"))


def _user(role: Role, cycle: Cycle) -> object:
    return f.user_with_role(role, cycle.entity)


def test_the_office_and_the_oiv_of_b_do_not_read_a_card_of_a(world: World, other: Cycle) -> None:
    card = ReportCard.objects.get(cycle=world.cycle, key="PO-2.1")
    for role in (Role.PERFORMANCE_OFFICE, Role.OIV, Role.SEGRETARIO):
        user = _user(role, other)
        assert not permissions.can_view_card(user, card), role
        assert not permissions.can_evaluate_card(user, card), role
        assert f.signed_in(user).get(reverse("individual:card", args=[card.pk])).status_code == 403
    sg_card = ReportCard.objects.get(cycle=world.cycle, key="SG")
    assert not permissions.can_evaluate_card(_user(Role.OIV, other), sg_card)


def test_the_office_of_b_does_not_manage_a(world: World, other: Cycle) -> None:
    office_b = _user(Role.PERFORMANCE_OFFICE, other)
    assert permissions.can_manage_cycle(office_b, other)
    assert not permissions.can_manage_cycle(office_b, world.cycle)
    assert not permissions.can_manage_plan(office_b, world.cycle)
    assert not permissions.can_view_fund(office_b, world.cycle)
    assert permissions.can_view_fund(office_b, other)
    objective = world.objectives["2.1/1"]
    assert not permissions.can_enter_value(office_b, objective, world.cycle)


def test_the_office_of_b_does_not_copy_scores_into_a_fund(world: World, other: Cycle) -> None:
    fund = f.FundFactory(cycle=world.cycle)
    with pytest.raises(CopyRefused):
        copy_card_scores(fund, _user(Role.PERFORMANCE_OFFICE, other))


@pytest.mark.parametrize(
    "url", ["exchange:index", "rewards:fund", "staff:gender", "individual:cards"]
)
def test_anno_picks_the_cycle_of_the_users_administration(
    world: World, other: Cycle, sign_in: Callable[[str], Client], url: str
) -> None:
    # Both cycles are of the same year; B's is the newer row.
    response = sign_in("ufficio").get(reverse(url) + f"?anno={world.cycle.year}")
    assert response.status_code == 200
    assert response.context["cycle"].pk == world.cycle.pk
    response = f.signed_in(_user(Role.OIV, other)).get(reverse(url))
    if url != "exchange:index":  # the data page is the office's
        assert response.status_code == 200
        assert response.context["cycle"].pk == other.pk


def test_the_office_of_a_cannot_import_into_b(world: World, other: Cycle) -> None:
    office_a = get_user_model().objects.get(username="ufficio")
    assert not permissions.can_manage_cycle(office_a, other)
    response = f.signed_in(office_a).get(reverse("exchange:index") + f"?anno={other.year}")
    assert response.context["cycle"].pk == world.cycle.pk


def test_the_office_of_b_has_no_objective_of_a_in_scope(world: World, other: Cycle) -> None:
    from traguardo.monitoring.selectors import objectives_in_scope

    office_b = _user(Role.PERFORMANCE_OFFICE, other)
    assert not objectives_in_scope(office_b, world.cycle).exists()
    office_a = get_user_model().objects.get(username="ufficio")
    assert objectives_in_scope(office_a, world.cycle).count() == len(world.objectives)
