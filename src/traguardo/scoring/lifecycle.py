"""Changing a cycle's state: the one service that web, OIV, API and command line call.

It makes the transition (plans.states: who may, from where to where, recorded) and, in
the same transaction, stores the score of a cycle entering a closed state
(scoring.snapshots). Closing always takes a new snapshot: the figures are final from now
on. Validation and publication take one only if the cycle has none (a cycle closed
before snapshots existed): the OIV validates, and the office publishes, the figures that
were closed; a later change of data, code or settings is shown to the office as a
difference to review, never folded in silently by a state change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from traguardo.plans import states
from traguardo.plans.models import Cycle, CycleTransition
from traguardo.scoring import snapshots

TransitionRefused = states.TransitionRefused


def snapshot_reason(target: str, note: str = "") -> str:
    reason = _("Ciclo passato allo stato «%(state)s»") % {"state": Cycle.State(target).label}
    return f"{reason}: {note.strip()}" if note.strip() else reason


@transaction.atomic
def change_state(user: Any, cycle: Cycle, target: str, note: str = "") -> CycleTransition:
    """Move the cycle to `target` (TransitionRefused says why not) and store its score
    when it enters a closed state."""
    record = states.transition(user, cycle, target, note)
    if target == Cycle.State.CLOSED or (
        target in snapshots.FROZEN_STATES and snapshots.latest(cycle) is None
    ):
        snapshots.take(cycle, reason=snapshot_reason(target, note), user=user)
    return record


def ensure_snapshot(cycle: Cycle, reason: str, user: Any = None) -> None:
    """For loaders that put a cycle in a state directly (the demo): a closed cycle gets
    its snapshot as if it had been closed through `change_state`."""
    if cycle.state in snapshots.FROZEN_STATES and snapshots.latest(cycle) is None:
        snapshots.take(cycle, reason=reason, user=user)
