"""Writing the Relazione's texts: the narratives of its sections and the headline
indicators of section 1. The services the editing page (and any other caller) use: they
check the role, record the audit trail and bump the cycle's data version explicitly."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator
from traguardo.reports.models import HeadlineIndicator, Narrative
from traguardo.scoring import lifecycle


def can_edit(user: Any, cycle: Cycle) -> bool:
    """The office, before publication or during a formal correction of the published
    Relazione (scoring.lifecycle.open_correction)."""
    return permissions.can_manage_cycle(user, cycle) or lifecycle.can_edit_during_correction(
        user, cycle
    )


def _require(user: Any, cycle: Cycle) -> None:
    if not can_edit(user, cycle):
        raise PermissionDenied(_("Solo l'ufficio performance modifica i testi della Relazione."))


@transaction.atomic
def save_narrative(user: Any, cycle: Cycle, section: str, html: str) -> Narrative:
    """Store the (already sanitised) text of a section."""
    _require(user, cycle)
    narrative = Narrative.objects.select_for_update().filter(cycle=cycle, section=section).first()
    if narrative is None:
        narrative = Narrative(cycle=cycle, section=section)
    old = recorder.before(narrative)
    narrative.html = html
    narrative.updated_by = user
    narrative.save()
    recorder.record_saved(narrative, old)
    versions.bump([cycle.pk])
    return narrative


@transaction.atomic
def add_headline(user: Any, cycle: Cycle, indicator: Indicator, label: str) -> HeadlineIndicator:
    """A headline indicator at the end of the list (`label`: the plan's name if empty)."""
    _require(user, cycle)
    last = HeadlineIndicator.objects.filter(cycle=cycle).aggregate(m=Max("position"))["m"] or 0
    headline = recorder.create(
        HeadlineIndicator,
        cycle=cycle,
        position=last + 1,
        label=" ".join(label.split()) or indicator.name,
        indicator=indicator,
    )
    versions.bump([cycle.pk])
    return headline


@transaction.atomic
def remove_headline(user: Any, cycle: Cycle, pk: int) -> bool:
    """Remove one headline indicator of the cycle; False if there was none."""
    _require(user, cycle)
    headline = HeadlineIndicator.objects.filter(cycle=cycle, pk=pk).first()
    if headline is None:
        return False
    recorder.delete(headline)
    versions.bump([cycle.pk])
    return True
