"""Reading the audit trail: one item's history, with the history of what belongs to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from traguardo.audit.models import AuditEntry


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: Any
    new: Any


def history(label: str, pk: str | int, *, with_children: bool = True) -> QuerySet[AuditEntry]:
    """Entries of the item and (by default) of its targets, values, checks and so on."""
    query = Q(model_label=label, object_pk=str(pk))
    if with_children:
        query |= Q(parent_label=label, parent_pk=str(pk))
    return AuditEntry.objects.filter(query).select_related("user").order_by("-at", "-id")


def bulk_entries(cycle_id: int | None) -> QuerySet[AuditEntry]:
    if cycle_id is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(action=AuditEntry.Action.BULK, cycle_id=cycle_id)


def field_label(model_label: str, name: str) -> str:
    try:
        model = apps.get_model(model_label)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, Exception):
        return name


def model_name(model_label: str) -> str:
    try:
        return str(apps.get_model(model_label)._meta.verbose_name)
    except (LookupError, ValueError):
        return model_label


def changes_of(entry: AuditEntry) -> list[Change]:
    if entry.action == AuditEntry.Action.BULK:
        return [
            Change(label, model_name(label), None, counts)
            for label, counts in sorted(entry.changes.items())
        ]
    return [
        Change(name, field_label(entry.model_label, name), pair[0], pair[1])
        for name, pair in entry.changes.items()
        if isinstance(pair, list) and len(pair) == 2
    ]


def rows(entries: Any) -> list[dict[str, Any]]:
    """Entries shaped for the templates (the page and the inline tag share them)."""
    return [
        {
            "entry": e,
            "kind": model_name(e.model_label),
            "changes": changes_of(e),
        }
        for e in entries
    ]
