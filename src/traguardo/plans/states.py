"""The cycle's life: draft → approved → monitoring → closed → validated → published.

Each transition is allowed to one role (accounts.permissions.TRANSITIONS) and recorded
with who and when; a published cycle is read-only everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from traguardo.accounts import permissions
from traguardo.plans.models import Cycle, CycleTransition


class TransitionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_targets(user: Any, cycle: Cycle) -> list[str]:
    return [
        target
        for (source, target) in permissions.TRANSITIONS
        if source == cycle.state and permissions.can_transition(user, cycle, target)
    ]


@transaction.atomic
def transition(user: Any, cycle: Cycle, target: str, note: str = "") -> CycleTransition:
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if (locked.state, target) not in permissions.TRANSITIONS:
        raise TransitionRefused(
            f"Da «{locked.get_state_display()}» non si passa a «{Cycle.State(target).label}»."
        )
    if not permissions.can_transition(user, locked, target):
        raise TransitionRefused("Il tuo ruolo non consente questo passaggio di stato.")
    record = CycleTransition.objects.create(
        cycle=locked, source=locked.state, target=target, by=user, note=note
    )
    locked.state = target
    locked.save(update_fields=["state"])
    cycle.state = target
    return record
