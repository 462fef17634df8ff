"""Changing a cycle's state: the one service that web, OIV, API and command line call.

It makes the transition (plans.states: who may, from where to where, recorded) and, in
the same transaction, stores the score of a cycle entering a closed state
(scoring.snapshots). Closing always takes a new snapshot: the figures are final from now
on. Validation and publication take one only if the cycle has none (a cycle closed
before snapshots existed): the OIV validates, and the office publishes, the figures that
were closed; a later change of data, code or settings is shown to the office as a
difference to review, never folded in silently by a state change. Going back from closed
to monitoring keeps the snapshots taken: closing again takes a new one.

Publishing makes version 1 of the published Relazione. A formal correction makes version
N+1 the published one and keeps N listed as superseded: `open_correction` (with its
reason; the office may then change the Relazione's texts and generate its documents
again), then `publish_correction` (or `abandon_correction`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.plans import states, versions
from traguardo.plans.models import Cycle, CycleTransition, Publication
from traguardo.scoring import snapshots

TransitionRefused = states.TransitionRefused
TransitionBlocked = states.TransitionBlocked


def snapshot_reason(target: str, note: str = "") -> str:
    reason = _("Ciclo passato allo stato «%(state)s»") % {"state": Cycle.State(target).label}
    return f"{reason}: {note.strip()}" if note.strip() else reason


@transaction.atomic
def change_state(
    user: Any,
    cycle: Cycle,
    target: str,
    note: str = "",
    *,
    override: bool = False,
    reason: str = "",
) -> CycleTransition:
    """Move the cycle to `target` (TransitionRefused says why not, TransitionBlocked lists
    the blockers unless `override` with a `reason`) and store its score when it enters a
    closed state; publishing makes the first published version."""
    record = states.transition(user, cycle, target, note, override=override, reason=reason)
    if target == Cycle.State.CLOSED or (
        target in snapshots.FROZEN_STATES and snapshots.latest(cycle) is None
    ):
        snapshots.take(cycle, reason=snapshot_reason(target, note), user=user)
    if target == Cycle.State.PUBLISHED:
        recorder.create(Publication, cycle=cycle, number=1, by=user, published_at=timezone.now())
    return record


def can_correct(user: Any, cycle: Cycle) -> bool:
    """A formal correction of the published Relazione: the entity's performance office."""
    return permissions.can_correct_publication(user, cycle)


def publications(cycle: Cycle) -> list[Publication]:
    """Every published version, newest first (not a correction in preparation)."""
    return list(
        cycle.publications.filter(published_at__isnull=False)
        .select_related("by")
        .order_by("-number")
    )


def correction_in_progress(cycle: Cycle) -> Publication | None:
    """The formal correction opened and not yet published, if any."""
    return cycle.publications.filter(published_at__isnull=True).order_by("-number").first()


def can_edit_during_correction(user: Any, cycle: Cycle) -> bool:
    """While a correction is open the office may change the Relazione's texts and
    generate its documents again (nothing else: plan and values stay as published)."""
    return can_correct(user, cycle) and correction_in_progress(cycle) is not None


@transaction.atomic
def open_correction(user: Any, cycle: Cycle, reason: str) -> Publication:
    """Start a formal correction of the published Relazione: version N+1, in preparation,
    with its reason. The published version N stays the one readers see until
    `publish_correction`."""
    if not can_correct(user, cycle):
        raise TransitionRefused(
            _("Solo l'ufficio performance dell'ente rettifica una Relazione pubblicata.")
        )
    if not reason.strip():
        raise TransitionRefused(_("Scrivi il motivo della rettifica formale."))
    Cycle.objects.select_for_update().get(pk=cycle.pk)
    if correction_in_progress(cycle) is not None:
        raise TransitionRefused(_("Una rettifica è già in preparazione: pubblicala o annullala."))
    last = cycle.publications.order_by("-number").first()
    return recorder.create(
        Publication,
        cycle=cycle,
        number=(last.number if last is not None else 0) + 1,
        published_at=None,
        by=user,
        reason=reason.strip(),
    )


def _open_correction(user: Any, cycle: Cycle) -> Publication:
    if not can_correct(user, cycle):
        raise TransitionRefused(
            _("Solo l'ufficio performance dell'ente rettifica una Relazione pubblicata.")
        )
    draft = correction_in_progress(cycle)
    if draft is None:
        raise TransitionRefused(_("Nessuna rettifica in preparazione."))
    return draft


@transaction.atomic
def publish_correction(user: Any, cycle: Cycle) -> Publication:
    """Version N+1 becomes the published one, with a new score snapshot of today's data;
    version N stays listed, marked superseded."""
    Cycle.objects.select_for_update().get(pk=cycle.pk)
    draft = _open_correction(user, cycle)
    now = timezone.now()
    for current in cycle.publications.filter(
        published_at__isnull=False, superseded_at__isnull=True
    ):
        current.superseded_at = now
        recorder.save(current, update_fields=["superseded_at"])
    draft.published_at = now
    draft.by = user
    recorder.save(draft, update_fields=["published_at", "by"])
    snapshots.take(
        cycle,
        reason=_("Rettifica formale, versione %(n)s: %(reason)s")
        % {"n": draft.number, "reason": draft.reason},
        user=user,
    )
    versions.bump([cycle.pk])
    return draft


@transaction.atomic
def abandon_correction(user: Any, cycle: Cycle) -> None:
    """Give up a correction in preparation (texts changed meanwhile stay as they are;
    the published version does not change)."""
    recorder.delete(_open_correction(user, cycle))


def ensure_snapshot(cycle: Cycle, reason: str, user: Any = None) -> None:
    """For loaders that put a cycle in a state directly (the demo): a closed cycle gets
    its snapshot as if it had been closed through `change_state`."""
    if cycle.state in snapshots.FROZEN_STATES and snapshots.latest(cycle) is None:
        snapshots.take(cycle, reason=reason, user=user)
