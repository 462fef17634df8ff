"""The cycle's life: draft → approved → monitoring → closed → validated → published.

Each transition is allowed to one role (accounts.permissions.TRANSITIONS) and recorded
with who and when (the cycle's transitions and the audit trail); a published cycle is
read-only everywhere. `transition` is the one service that changes a cycle's state: web,
API, command line and the OIV's validation call it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.plans import editing, snapshots, versions
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
    open_revision = editing.open_revision(locked)
    if open_revision is not None and target not in editing.REVISION_STATES:
        raise TransitionRefused(
            _("La revisione n. %(n)s è ancora aperta: chiudila prima di chiudere il ciclo.")
            % {"n": open_revision.number}
        )
    record = CycleTransition.objects.create(
        cycle=locked, source=locked.state, target=target, by=user, note=note
    )
    locked.state = target
    recorder.save(locked, update_fields=["state"])
    cycle.state = target
    if target == Cycle.State.APPROVED:
        snapshots.take(locked, 0, _("Piano approvato"))  # what revisions are compared with
    versions.bump([locked.pk])
    return record
