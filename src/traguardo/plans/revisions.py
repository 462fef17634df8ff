"""Opening and closing a revision of an approved plan: the services web, API and command
line call (`editing` records the changes made while it is open).

Opening stores the plan as it was (the approved plan, or the plan after the previous
revision) and creates the revision's act; closing counts its changes and stores the plan as
it is now. Both record the audit trail and bump the cycle's data version explicitly.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.audit import recorder
from traguardo.plans import editing, snapshots, versions
from traguardo.plans.models import Act, Cycle, Revision


@transaction.atomic
def open_revision(
    user: Any,
    cycle: Cycle,
    *,
    reason: str,
    act_body: str = "",
    act_type: str = "",
    act_number: str = "",
    act_date: datetime.date | None = None,
) -> Revision:
    """Open revision n+1 of the cycle's plan; EditRefused says why not."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)  # one opening at a time
    refusal = editing.refusal(user, locked)
    if refusal:
        raise editing.EditRefused(refusal)
    if editing.open_revision(locked) is not None:
        raise editing.EditRefused(
            _("C'è già una revisione aperta: chiudila prima di aprirne un'altra.")
        )
    if locked.state == Cycle.State.DRAFT:
        raise editing.EditRefused(
            _(
                "Il piano non è ancora approvato: in preparazione si "
                "modifica direttamente, senza revisione."
            )
        )
    last = Revision.objects.filter(cycle=locked).order_by("-number").first()
    number = (last.number if last else 0) + 1
    snapshots.take(
        locked,
        number - 1,
        _("Piano approvato")
        if number == 1
        else _("Piano dopo la revisione n. %(n)s") % {"n": number - 1},
    )
    act = recorder.create(
        Act,
        cycle=locked,
        kind=Act.Kind.REVISION,
        body=act_body,
        act_type=act_type,
        number=act_number,
        date=act_date,
        subject=_("Revisione n. %(n)s del Piano della performance") % {"n": number},
    )
    revision = recorder.create(
        Revision,
        cycle=locked,
        number=number,
        act=act,
        reason=reason,
        is_open=True,
        opened_by=user if getattr(user, "is_authenticated", False) else None,
        opened_at=timezone.now(),
    )
    versions.bump([locked.pk])
    return revision


@transaction.atomic
def close_revision(user: Any, cycle: Cycle) -> Revision:
    """Close the cycle's open revision; EditRefused if there is none or `user` may not."""
    refusal = editing.refusal(user, cycle)
    if refusal:
        raise editing.EditRefused(refusal)
    revision = Revision.objects.select_for_update().filter(cycle=cycle, is_open=True).first()
    if revision is None:
        raise editing.EditRefused(_("Nessuna revisione aperta da chiudere."))
    old = recorder.values_of(revision)
    revision.is_open = False
    revision.closed_at = timezone.now()
    revision.variations_count = revision.changes.count()
    revision.save()
    recorder.record_saved(revision, old)
    snapshots.take(
        cycle, revision.number, _("Piano dopo la revisione n. %(n)s") % {"n": revision.number}
    )
    versions.bump([cycle.pk])
    return revision
