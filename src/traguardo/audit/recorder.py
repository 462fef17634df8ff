"""Signal handlers that write the audit trail (connected in AuditConfig.ready()).

pre_save reads the row as it is in the database; post_save writes the field-by-field
differences; post_delete writes the last values. The user is the one of the current
request (audit.middleware), or the one set with `acting_as()` by a command.

Bulk operations: every row saved with `save()`/`create()`/`delete()` is recorded one by
one, imports included. A caller that prefers one summary row (a large spreadsheet import)
wraps its work in `summarised(note)`: the rows are then counted per model and action and a
single "bulk" entry is written at the end. `QuerySet.update()` and `bulk_create()` send no
signals and are therefore not recorded: services must not use them on audited models.
Fixture loading (raw saves, as in `traguardo restore`) is not recorded either: the backup
carries the audit trail itself.
"""

from __future__ import annotations

import datetime
import decimal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from traguardo.audit.middleware import current_user
from traguardo.audit.models import AuditEntry
from traguardo.audit.registry import audited_models, cycle_of, parent_of

_OLD = "_audit_old_values"
_M2M_OLD = "_audit_old_m2m"


@dataclass
class _Summary:
    note: str
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    cycles: set[tuple[int, int]] = field(default_factory=set)


_summary: ContextVar[_Summary | None] = ContextVar("traguardo_audit_summary", default=None)
_paused: ContextVar[bool] = ContextVar("traguardo_audit_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """Record nothing inside the block: only for restoring a backup, which carries the
    audit trail itself (loaddata's many-to-many writes are not flagged as raw)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute the changes made inside the block to `user` (commands, scripts, tests)."""
    token = current_user.set(user)
    try:
        yield
    finally:
        current_user.reset(token)


@contextmanager
def summarised(note: str) -> Iterator[None]:
    """Record the block's changes as one "bulk" entry with counts per model and action."""
    summary = _Summary(note)
    token = _summary.set(summary)
    try:
        yield
    finally:
        _summary.reset(token)
    if summary.counts:
        _write_summary(summary)


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return str(value)


def _fields(instance: models.Model) -> list[models.Field[Any, Any]]:
    # Timestamps stamped with "now" on every save repeat the entry's own time: left out.
    return [
        f
        for f in instance._meta.concrete_fields
        if not f.primary_key
        and not (isinstance(f, models.DateTimeField) and f.default is timezone.now)
    ]


def _values(instance: models.Model) -> dict[str, Any]:
    return {f.name: f.value_from_object(instance) for f in _fields(instance)}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(field: models.Field[Any, Any], old: Any, new: Any) -> bool:
    try:
        return bool(field.to_python(old) == field.to_python(new))
    except Exception:
        return bool(old == new)


def _user() -> tuple[Any, str]:
    user = current_user.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user, user.get_username()


def _record(instance: models.Model, action: str, changes: dict[str, Any]) -> None:
    if _paused.get():
        return
    cycle = cycle_of(instance)
    summary = _summary.get()
    label = instance._meta.label_lower
    if summary is not None:
        summary.counts[(label, action)] += 1
        if cycle is not None:
            summary.cycles.add((cycle.pk, cycle.entity_id))
        return
    user, username = _user()
    parent_label, parent_pk = parent_of(instance)
    AuditEntry.objects.create(
        user=user,
        username=username,
        action=action,
        model_label=label,
        object_pk=str(instance.pk),
        object_repr=_repr(instance),
        parent_label=parent_label,
        parent_pk=parent_pk,
        cycle_id=cycle.pk if cycle is not None else None,
        entity_id=cycle.entity_id if cycle is not None else None,
        changes=changes,
    )


def _repr(instance: models.Model) -> str:
    try:
        return str(instance)[:300]
    except Exception:
        return f"{instance._meta.verbose_name} #{instance.pk}"


def record_bulk(
    note: str, changes: dict[str, Any], *, cycle: Any = None, user: Any = None
) -> AuditEntry:
    """One "bulk" entry for work saved without model signals (bulk_create, bulk_update,
    raw UPDATE: spreadsheet imports), so that the trail still says who changed what."""
    if user is not None and getattr(user, "is_authenticated", False):
        username = user.get_username()
    else:
        user, username = _user()
    return AuditEntry.objects.create(
        user=user,
        username=username,
        action=AuditEntry.Action.BULK,
        model_label="bulk",
        object_pk="-",
        object_repr=note[:300],
        cycle_id=getattr(cycle, "pk", None),
        entity_id=getattr(cycle, "entity_id", None),
        changes=changes,
        note=note,
    )


def _write_summary(summary: _Summary) -> None:
    user, username = _user()
    by_model: dict[str, dict[str, int]] = {}
    for (label, action), count in sorted(summary.counts.items()):
        by_model.setdefault(label, {})[action] = count
    cycle_id, entity_id = next(iter(summary.cycles)) if len(summary.cycles) == 1 else (None, None)
    AuditEntry.objects.create(
        user=user,
        username=username,
        action=AuditEntry.Action.BULK,
        model_label="bulk",
        object_pk="-",
        object_repr=summary.note[:300],
        cycle_id=cycle_id,
        entity_id=entity_id,
        changes=by_model,
        note=summary.note,
    )


def on_pre_save(sender: type[models.Model], instance: models.Model, raw: bool, **_: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    setattr(instance, _OLD, _values(old) if old is not None else None)


def on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **_: Any
) -> None:
    if raw:
        return
    new = _values(instance)
    old = None if created else getattr(instance, _OLD, None)
    if old is None:
        changes = {k: [None, jsonable(v)] for k, v in new.items() if not _empty(v)}
        _record(instance, AuditEntry.Action.CREATE, changes)
        return
    delattr(instance, _OLD)
    changes = {
        f.name: [jsonable(old[f.name]), jsonable(new[f.name])]
        for f in _fields(instance)
        if not _same(f, old[f.name], new[f.name])
    }
    if changes:
        _record(instance, AuditEntry.Action.UPDATE, changes)


def on_post_delete(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    changes = {k: [jsonable(v), None] for k, v in _values(instance).items() if not _empty(v)}
    _record(instance, AuditEntry.Action.DELETE, changes)


def on_m2m_changed(
    sender: Any,
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None = None,
    **_: Any,
) -> None:
    """Changes of a many-to-many field (an objective's annual objectives, a card's units).

    One query, before the change; the list after it follows from `pk_set`.
    """
    if reverse or type(instance) not in _AUDITED or not action.startswith(("pre_", "post_")):
        return
    fname = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), None
    )
    if fname is None:
        return
    if action.startswith("pre_"):
        setattr(instance, _M2M_OLD, set(getattr(instance, fname).values_list("pk", flat=True)))
        return
    old: set[Any] | None = getattr(instance, _M2M_OLD, None)
    if old is None:
        return
    delattr(instance, _M2M_OLD)
    if action == "post_add":
        new = old | (pk_set or set())
    elif action == "post_remove":
        new = old - (pk_set or set())
    else:  # post_clear
        new = set()
    if new != old:
        _record(instance, AuditEntry.Action.UPDATE, {fname: [sorted(old), sorted(new)]})


_AUDITED: set[type[models.Model]] = set()


def connect() -> None:
    """Connect the handlers to every audited model (called once, from AppConfig.ready)."""
    for model in audited_models():
        _AUDITED.add(model)
        uid = f"traguardo-audit-{model._meta.label_lower}"
        pre_save.connect(on_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(on_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(on_post_delete, sender=model, dispatch_uid=uid + "-delete")
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(
                on_m2m_changed, sender=m2m.remote_field.through, dispatch_uid=f"{uid}-{m2m.name}"
            )
