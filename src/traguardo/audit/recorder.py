"""The audit trail's writing side: services call these functions explicitly.

No signals: each write service (plans.editing, monitoring.services, oiv.services, the
imports, the admin through `plans.recorded_admin.RecordedAdmin`) says what it changed:

- `save(instance)` / `create(model, **fields)` / `delete(instance)` save the row and record
  it in one go (the old values are read from the database before the save; a delete also
  records the rows it cascades to);
- `before(instance)` + `record_saved(instance, old)` when the service saves the row itself
  (a form's `save()`, an `update_or_create`);
- `record_m2m(instance, field, old, new)` for a many-to-many field;
- `record_bulk(note, changes, cycle=)` for work saved in bulk (`bulk_create`,
  `QuerySet.update`), and `summarised(note)` to turn the recorded rows of a block into one
  "bulk" entry with counts per model and action.

The user is the one of the current request (audit.middleware), or the one set with
`acting_as()` by a command. A model that is not audited (`registry.is_audited`) is saved
without an entry, so services may use the same calls for every model.
"""

from __future__ import annotations

import datetime
import decimal
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from traguardo.audit.middleware import current_user
from traguardo.audit.models import AuditEntry
from traguardo.audit.registry import (
    audited_models,
    cycle_lookups,
    cycle_of,
    is_audited,
    parent_of,
)

M = TypeVar("M", bound=models.Model)
Values = dict[str, Any]


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
    audit trail itself."""
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


def values_of(instance: models.Model) -> Values:
    """The recorded fields of `instance` as they are in memory."""
    return {f.name: f.value_from_object(instance) for f in _fields(instance)}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(field: models.Field[Any, Any], old: Any, new: Any) -> bool:
    if type(old) is type(new) and old == new:
        return True  # the common case, without converting both sides
    try:
        return bool(field.to_python(old) == field.to_python(new))
    except Exception:
        return bool(old == new)


def _user() -> tuple[Any, str]:
    user = current_user.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user, user.get_username()


def _given_or_acting(user: Any) -> tuple[Any, str]:
    """The user a service names, else the one acting (request, `acting_as`)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user, user.get_username()
    return _user()


def _audited(instance: models.Model) -> bool:
    return not _paused.get() and is_audited(instance._meta.label_lower)


def _record(instance: models.Model, action: str, changes: dict[str, Any]) -> None:
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
        # A row outside any cycle (a role grant) still belongs to its administration.
        entity_id=cycle.entity_id if cycle is not None else getattr(instance, "entity_id", None),
        changes=changes,
    )


def _repr(instance: models.Model) -> str:
    try:
        return str(instance)[:300]
    except Exception:
        return f"{instance._meta.verbose_name} #{instance.pk}"


# --- the explicit API ----------------------------------------------------------------------


def before(instance: models.Model) -> Values | None:
    """The row's recorded fields as stored now (None for a row not saved yet): pass them
    to `record_saved` after the save. One query, and none for a model not audited."""
    if instance.pk is None or instance._state.adding or not _audited(instance):
        return None
    old = type(instance)._base_manager.filter(pk=instance.pk).first()
    return values_of(old) if old is not None else None


def record_saved(instance: models.Model, old: Values | None) -> None:
    """Record a saved row: a creation when `old` is None, else the fields that changed."""
    if not _audited(instance):
        return
    new = values_of(instance)
    if old is None:
        changes = {k: [None, jsonable(v)] for k, v in new.items() if not _empty(v)}
        _record(instance, AuditEntry.Action.CREATE, changes)
        return
    changes = {
        f.name: [jsonable(old[f.name]), jsonable(new[f.name])]
        for f in _fields(instance)
        if f.name in old and not _same(f, old[f.name], new[f.name])
    }
    if changes:
        _record(instance, AuditEntry.Action.UPDATE, changes)


def record_saved_many(
    saved: Iterable[tuple[models.Model, Values | None]], *, user: Any = None, batch: int = 2000
) -> int:
    """`record_saved` for many rows saved in bulk (an import of thousands of values): the
    same entry for each row, written in batches by one prepared INSERT. `user`: the one
    the service names, else the acting one. Returns how many entries were recorded."""
    if _paused.get():
        return 0
    summary = _summary.get()
    who, username = _given_or_acting(user)
    now = timezone.now()
    pending: list[dict[str, Any]] = []
    written = 0
    fields_of: dict[type[models.Model], list[models.Field[Any, Any]]] = {}
    for instance, old in saved:
        label = instance._meta.label_lower
        if not is_audited(label):
            continue
        fields = fields_of.get(type(instance))
        if fields is None:
            fields = fields_of[type(instance)] = _fields(instance)
        new = {f.name: f.value_from_object(instance) for f in fields}
        if old is None:
            action = AuditEntry.Action.CREATE
            changes = {k: [None, jsonable(v)] for k, v in new.items() if not _empty(v)}
        else:
            action = AuditEntry.Action.UPDATE
            changes = {
                f.name: [jsonable(old[f.name]), jsonable(new[f.name])]
                for f in fields
                if f.name in old and not _same(f, old[f.name], new[f.name])
            }
            if not changes:
                continue
        written += 1
        cycle = cycle_of(instance)
        if summary is not None:
            summary.counts[(label, action)] += 1
            if cycle is not None:
                summary.cycles.add((cycle.pk, cycle.entity_id))
            continue
        parent_label, parent_pk = parent_of(instance)
        pending.append(
            {  # the fields of an AuditEntry, as _record fills them
                "at": now,
                "user": who.pk if who is not None else None,
                "username": username,
                "action": action.value,
                "model_label": label,
                "object_pk": str(instance.pk),
                "object_repr": _repr(instance),
                "parent_label": parent_label,
                "parent_pk": parent_pk,
                "cycle_id": cycle.pk if cycle is not None else None,
                "entity_id": cycle.entity_id
                if cycle is not None
                else getattr(instance, "entity_id", None),
                "changes": changes,
                "note": "",
            }
        )
        if len(pending) >= batch:
            _insert_many(pending)
            pending = []
    if pending:
        _insert_many(pending)
    return written


def _insert_many(entries: list[dict[str, Any]]) -> None:
    """One prepared INSERT run with `executemany`, without building model instances:
    `bulk_create` compiles a statement per few dozen rows on SQLite (its limit on
    parameters), slow for tens of thousands. The entries' ids are not needed afterwards."""
    connection = connections[router.db_for_write(AuditEntry)]
    meta = AuditEntry._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    missing = {f.name for f in fields} - set(entries[0])
    assert not missing, f"audit entry fields not filled: {missing}"  # a field added later
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [[f.get_db_prep_save(entry[f.name], connection) for f in fields] for entry in entries],
        )


def record_deleted(instance: models.Model) -> None:
    """Record a deleted row with its last values (call before the delete: the pk)."""
    if not _audited(instance):
        return
    changes = {k: [jsonable(v), None] for k, v in values_of(instance).items() if not _empty(v)}
    _record(instance, AuditEntry.Action.DELETE, changes)


def record_m2m(instance: models.Model, name: str, old: Iterable[Any], new: Iterable[Any]) -> None:
    """A many-to-many field changed (an objective's annual objectives, a card's units)."""
    if not _audited(instance):
        return
    old_ids = sorted({getattr(o, "pk", o) for o in old})
    new_ids = sorted({getattr(o, "pk", o) for o in new})
    if old_ids != new_ids:
        _record(instance, AuditEntry.Action.UPDATE, {name: [old_ids, new_ids]})


def m2m_ids(instance: models.Model, name: str) -> list[Any]:
    """The ids a many-to-many field holds now (to pass as `old` to `record_m2m`)."""
    return list(getattr(instance, name).values_list("pk", flat=True))


def save(instance: M, **kwargs: Any) -> M:
    """`instance.save(**kwargs)` and its audit entry."""
    old = before(instance)
    instance.save(**kwargs)
    record_saved(instance, old)
    return instance


def create(model: type[M], **fields: Any) -> M:
    """`model.objects.create(**fields)` and its audit entry."""
    instance = model(**fields)
    instance.save(force_insert=True)
    record_saved(instance, None)
    return instance


def set_m2m(instance: models.Model, name: str, values: Iterable[Any]) -> None:
    """`instance.<name>.set(values)` and its audit entry."""
    values = list(values)
    old = m2m_ids(instance, name)
    getattr(instance, name).set(values)
    record_m2m(instance, name, old, values)


def deleted_rows(instance: models.Model) -> list[models.Model]:
    """`instance` and every row its deletion cascades to, as Django will delete them."""
    collector = Collector(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    rows: list[models.Model] = []
    for objs in collector.data.values():
        rows.extend(objs)
    for qs in collector.fast_deletes:
        rows.extend(qs)
    return rows


def delete(instance: models.Model) -> None:
    """`instance.delete()` and one entry for it and for each audited row it cascades to
    (an indicator's targets and values). ProtectedError leaves nothing recorded."""
    with transaction.atomic():
        rows = deleted_rows(instance)
        for row in rows:
            record_deleted(row)
        instance.delete()


def record_bulk(
    note: str, changes: dict[str, Any], *, cycle: Any = None, user: Any = None, about: str = ""
) -> AuditEntry:
    """One "bulk" entry for work saved in bulk (bulk_create, bulk_update, raw UPDATE:
    spreadsheet imports, the demo loader), so that the trail still says who changed what.

    `about` is the label of the model the work changed ("rewards.fund", "plans.cycle"): the
    entry is shown with that model's rule (audit.access); without it, to the office and the
    OIV only, unless `changes` counts rows per model label."""
    user, username = _given_or_acting(user)
    return AuditEntry.objects.create(
        user=user,
        username=username,
        action=AuditEntry.Action.BULK,
        model_label="bulk",
        object_pk="-",
        object_repr=note[:300],
        parent_label=about,
        cycle_id=getattr(cycle, "pk", None),
        entity_id=getattr(cycle, "entity_id", None),
        changes=changes,
        note=note,
    )


def record_created(
    instance: models.Model,
    summary: dict[str, Any],
    *,
    description: str,
    cycle: Any,
    note: str = "",
    user: Any = None,
) -> AuditEntry:
    """One "create" entry for a row too large to list field by field (a score snapshot
    holds megabytes of JSON): `summary` says what matters about it, `note` why."""
    user, username = _given_or_acting(user)
    return AuditEntry.objects.create(
        user=user,
        username=username,
        action=AuditEntry.Action.CREATE,
        model_label=instance._meta.label_lower,
        object_pk=str(instance.pk),
        object_repr=description[:300],
        cycle_id=getattr(cycle, "pk", None),
        entity_id=getattr(cycle, "entity_id", None),
        changes={key: jsonable(value) for key, value in summary.items()},
        note=note,
    )


def record_loaded(note: str, cycle: Any) -> AuditEntry:
    """One "bulk" entry counting every audited row of `cycle` as created: for a loader
    that writes a whole cycle at once (the demo) rather than a history of each row."""
    counts: dict[str, dict[str, int]] = {}
    for model in audited_models():
        label = model._meta.label_lower
        if label == "plans.cycle":
            counts[label] = {"create": 1}
            continue
        lookups = cycle_lookups(model)
        if not lookups:
            continue
        where = Q()
        for lookup in lookups:
            where |= Q(**{lookup: cycle})
        n = model._base_manager.filter(where).count()
        if n:
            counts[label] = {"create": n}
    return record_bulk(note, dict(sorted(counts.items())), cycle=cycle)


def _write_summary(summary: _Summary) -> None:
    by_model: dict[str, dict[str, int]] = {}
    for (label, action), count in sorted(summary.counts.items()):
        by_model.setdefault(label, {})[action] = count
    cycle_id, entity_id = next(iter(summary.cycles)) if len(summary.cycles) == 1 else (None, None)
    user, username = _user()
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
