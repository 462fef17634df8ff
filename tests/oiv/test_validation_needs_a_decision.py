"""Issue 15, point 11: the OIV cannot move a cycle to "validated" without recording its
validation decision (documento di validazione) first."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from tests.world import World
from traguardo.accounts import permissions
from traguardo.oiv.models import DecisionOutcome, ValidationDecision
from traguardo.oiv.services import decide
from traguardo.plans import states
from traguardo.plans.models import Cycle


def _closed(world: World) -> Cycle:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.CLOSED)
    return Cycle.objects.get(pk=world.cycle.pk)


def test_no_validation_without_a_positive_decision(world: World) -> None:
    cycle = _closed(world)
    oiv = get_user_model().objects.get(username="oiv")
    assert not permissions.can_transition(oiv, cycle, "validated")
    assert "validated" not in states.allowed_targets(oiv, cycle)
    with pytest.raises(states.TransitionRefused):
        states.transition(oiv, cycle, "validated", "senza decisione")
    ValidationDecision.objects.create(
        cycle=cycle, outcome=DecisionOutcome.NOT_VALIDATED, date=datetime.date(2020, 4, 30)
    )
    assert not permissions.can_transition(oiv, Cycle.objects.get(pk=cycle.pk), "validated")
    assert Cycle.objects.get(pk=cycle.pk).state == Cycle.State.CLOSED


def test_the_decision_validates_the_cycle(world: World) -> None:
    cycle = _closed(world)
    oiv = get_user_model().objects.get(username="oiv")
    # The world's checks are open and its texts not written: forced, with the reason.
    decide(
        oiv,
        cycle,
        DecisionOutcome.VALIDATED,
        datetime.date(2020, 4, 30),
        "Validata",
        override=True,
        override_reason="Verifiche svolte fuori dal sistema",
    )
    assert Cycle.objects.get(pk=cycle.pk).state == Cycle.State.VALIDATED
