"""The admin's writes recorded like the services' (issue 12: no side effects in signals).

Here, in the plans layer, because a saved row may change the scores of cycles: the mixin
needs both the audit recorder and `plans.versions`. The admins of the apps below plans
(organisation) are registered from `plans.organisation_admin` for the same reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from traguardo.audit import recorder
from traguardo.audit.registry import cycle_of
from traguardo.plans import versions


class RecordedAdmin(admin.ModelAdmin):
    """An admin whose saves and deletions go through the same recording as the services:
    the audit entry of each row (inline rows and many-to-many fields included) and a new
    data version for the cycles whose scores the row may change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        old = recorder.before(obj) if change else None
        super().save_model(request, obj, form, change)
        recorder.record_saved(obj, old)
        bump_for(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        bump_for(obj)  # before: the row's way to its cycle goes with it
        recorder.delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        names = [f.name for f in obj._meta.many_to_many if f.name in form.cleaned_data]
        old = {name: recorder.m2m_ids(obj, name) for name in names}
        super().save_related(request, form, formsets, change)
        for name in names:
            recorder.record_m2m(obj, name, old[name], recorder.m2m_ids(obj, name))
        if names:
            bump_for(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for obj in formset.save(commit=False):
            recorder.save(obj)
            bump_for(obj)
        for obj in formset.deleted_objects:
            bump_for(obj)
            recorder.delete(obj)
        formset.save_m2m()


def bump_for(obj: Any) -> None:
    """A new data version for the cycle of `obj`, or of its entity, or of every cycle."""
    cycle = cycle_of(obj)
    if cycle is not None:
        versions.bump([cycle.pk])
    elif getattr(obj, "entity_id", None) is not None:
        versions.bump_entity(obj.entity_id)
    else:
        versions.bump_all()
