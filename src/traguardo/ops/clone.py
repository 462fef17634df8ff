"""Copies of one administration under new codes, for the scale benchmark (bench/tenants.py).

`clone_entity(source, codes)` copies every row that belongs to `source` (its units, people,
cycles, plan, values, report cards, fund, OIV work, audit entries, and the users who have a
role in it with their roles) once per code: each copy is a new Entity with its own rows,
pointing only to its own rows. Users are copied with the code added to their username
(`ufficio` → `ufficio.<code>`), so each copy has its own office.

Hand-written on purpose: loading the demo 600 times through its loader would take hours,
and Django's fixtures and serialisers go through Python one object at a time. No library
copies "the rows that belong to this row" across ~50 tables with their keys remapped. Here
each table is copied with one `INSERT ... SELECT` per copy, inside the database, on SQLite
and PostgreSQL alike:

- which rows belong to the source is found by following foreign keys from the Entity row,
  to a fixed point (a row belongs if one of its keys points to a row that belongs; a user
  belongs through a role in the administration; an audit entry through its `entity_id`);
- copy `k` of a table's row `id` gets the id `id + k × base`, `base` being one more than
  the table's largest id before copying: every copy's ids are disjoint from the others'
  and from every existing row, and a foreign key is remapped by the same arithmetic on its
  target table, with no lookup table;
- the few values unique across administrations (code, name, username, snapshot token) and
  each indicator's identity across cycles (`lineage`) get a value derived from the copy.

Not a service: it writes no audit entry and bumps no version, like a restore. Only for
benchmarks and tests of scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper

from traguardo.accounts.models import Membership
from traguardo.audit.models import AuditEntry
from traguardo.organisation.models import Entity

# Not copied: credentials, sessions, installation-wide rows and Django's own tables.
SKIPPED_APPS = frozenset({"admin", "auth", "contenttypes", "sessions", "authtoken", "api"})
SKIPPED_MODELS = frozenset({"accounts.signinfailure", "accounts.installationadmin"})
SOURCE_TABLE = "traguardo_clone_source"


@dataclass(frozen=True)
class CloneReport:
    codes: tuple[str, ...]
    rows_per_copy: dict[str, int]  # table → rows copied for each administration

    @property
    def total(self) -> int:
        return sum(self.rows_per_copy.values()) * len(self.codes)


def copied_models() -> list[type[models.Model]]:
    """Every table whose rows may belong to an administration, users first."""
    user = get_user_model()
    chosen: list[type[models.Model]] = [user]
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in SKIPPED_APPS:
            continue
        if meta.label_lower in SKIPPED_MODELS or model is user:
            continue
        chosen.append(model)
    return chosen


def clone_entity(source: Entity, codes: Sequence[str]) -> CloneReport:
    """One copy of `source` per code (codes must be new); all or nothing."""
    taken = set(Entity.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken or len(set(codes)) != len(codes):
        raise ValueError(f"codici già usati o ripetuti: {sorted(taken) or list(codes)}")
    chosen = copied_models()
    with transaction.atomic(), connection.cursor() as cursor:
        _collect(cursor, source, chosen)
        bases = {m._meta.db_table: _base(cursor, m) for m in chosen}
        counts = {m._meta.db_table: _count(cursor, m._meta.db_table) for m in chosen}
        for k, code in enumerate(codes, start=1):
            for model in chosen:
                if counts[model._meta.db_table]:
                    _copy(cursor, model, k, code, source, bases)
        cursor.execute(f"DROP TABLE {SOURCE_TABLE}")
        for statement in connection.ops.sequence_reset_sql(no_style(), chosen):
            cursor.execute(statement)
    return CloneReport(tuple(codes), {t: n for t, n in counts.items() if n})


def rows_of(entity: Entity) -> dict[str, int]:
    """How many rows of each table belong to `entity`, found as `clone_entity` finds them:
    equal for a source and each of its copies when every copy is complete and isolated (a
    copy's row pointing to a row of another administration would belong to both)."""
    chosen = copied_models()
    with transaction.atomic(), connection.cursor() as cursor:
        _collect(cursor, entity, chosen)
        counts = {m._meta.db_table: _count(cursor, m._meta.db_table) for m in chosen}
        cursor.execute(f"DROP TABLE {SOURCE_TABLE}")
    return {table: n for table, n in counts.items() if n}


def _target(field: models.Field[Any, Any]) -> str:
    """The table a foreign key points to ("" for any other field)."""
    model = field.related_model if field.is_relation else None
    return model._meta.db_table if isinstance(model, type) else ""


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _owned(table: str) -> str:
    return f"SELECT id FROM {SOURCE_TABLE} WHERE tbl = '{table}'"


def _collect(cursor: CursorWrapper, source: Entity, chosen: list[type[models.Model]]) -> None:
    """Fill the source table with the ids of every row of `source`, to a fixed point."""
    cursor.execute(f"DROP TABLE IF EXISTS {SOURCE_TABLE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {SOURCE_TABLE} (tbl varchar(100), id bigint)")
    cursor.execute(f"CREATE INDEX {SOURCE_TABLE}_idx ON {SOURCE_TABLE} (tbl, id)")
    tables = {m._meta.db_table for m in chosen}
    cursor.execute(
        f"INSERT INTO {SOURCE_TABLE} VALUES (%s, %s)", [Entity._meta.db_table, source.pk]
    )
    user_table = get_user_model()._meta.db_table
    while True:
        added = 0
        for model in chosen:
            table = model._meta.db_table
            if table == Entity._meta.db_table:
                continue
            if table == user_table:  # a user belongs through a role in the administration
                owners = [
                    f"{_q('id')} IN (SELECT user_id FROM {_q(Membership._meta.db_table)} "
                    f"WHERE id IN ({_owned(Membership._meta.db_table)}))"
                ]
            elif model is AuditEntry:
                owners = [f"entity_id = {int(source.pk)}"]
            else:
                owners = [
                    f"{_q(f.column)} IN ({_owned(target)})"
                    for f in model._meta.concrete_fields
                    if (target := _target(f))
                    and f.related_model is not model
                    and target in tables
                    and target != user_table
                ]
            if not owners:
                continue
            cursor.execute(
                f"INSERT INTO {SOURCE_TABLE} SELECT '{table}', id FROM {_q(table)} "
                f"WHERE ({' OR '.join(owners)}) AND id NOT IN ({_owned(table)})"
            )
            added += max(cursor.rowcount, 0)
        if not added:
            return


def _base(cursor: CursorWrapper, model: type[models.Model]) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {_q(model._meta.db_table)}")
    return int(cursor.fetchone()[0])


def _count(cursor: CursorWrapper, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {SOURCE_TABLE} WHERE tbl = %s", [table])
    return int(cursor.fetchone()[0])


def _derived(column: str, k: int, *, uuid: bool = False) -> str:
    """A value of the copy `k` derived from the source's: same length, deterministic."""
    if connection.vendor == "postgresql":
        text = f"md5({_q(column)}::text || '-{k}')"
        return f"{text}::uuid" if uuid else text
    # SQLite keeps UUIDs and tokens as 32 hex digits: the last 8 become the copy's number
    # (`%%`: the statement goes through the driver's parameter formatting).
    return f"substr({_q(column)}, 1, 24) || printf('%%08x', {k})"


def _copy(
    cursor: CursorWrapper,
    model: type[models.Model],
    k: int,
    code: str,
    source: Entity,
    bases: dict[str, int],
) -> None:
    table = model._meta.db_table
    user_table = get_user_model()._meta.db_table
    params: list[str] = []
    columns: list[str] = []
    values: list[str] = []
    for field in model._meta.concrete_fields:
        column = field.column
        expression = _q(column)
        if field.primary_key:
            expression = f"{_q(column)} + {k * bases[table]}"
        elif (target := _target(field)) in bases:
            shift = k * bases[target]
            if target == user_table:  # another user (an administrator) stays as is
                expression = (
                    f"CASE WHEN {_q(column)} IN ({_owned(target)}) "
                    f"THEN {_q(column)} + {shift} ELSE {_q(column)} END"
                )
            else:
                expression = f"{_q(column)} + {shift}"
        elif model is Entity and column in ("code", "name"):
            expression = "%s"
            params.append(code if column == "code" else f"{source.name} ({code})")
        elif table == user_table and column == "username":
            expression = f"{_q(column)} || %s"
            params.append(f".{code}")
        elif model is AuditEntry and column in ("entity_id", "cycle_id"):
            target = Entity._meta.db_table if column == "entity_id" else "plans_cycle"
            expression = f"{_q(column)} + {k * bases[target]}"
        elif model is AuditEntry and column in ("object_pk", "parent_pk"):
            expression = _audit_key(
                column, "model_label" if column == "object_pk" else "parent_label", k, bases
            )
        elif column in ("lineage", "token"):
            expression = _derived(column, k, uuid=column == "lineage")
        columns.append(_q(column))
        values.append(expression)
    cursor.execute(
        f"INSERT INTO {_q(table)} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {_q(table)} WHERE id IN ({_owned(table)})",
        params,
    )


def _audit_key(column: str, label_column: str, k: int, bases: dict[str, int]) -> str:
    """An audit entry keeps the id of its item as text: the copy's item id, by its label."""
    cases = []
    for model in copied_models():
        table = model._meta.db_table
        if model._meta.auto_created:
            continue
        shift = k * bases[table]
        cases.append(
            f"WHEN '{model._meta.label_lower}' THEN "
            f"CAST(CAST({_q(column)} AS bigint) + {shift} AS varchar(64))"
        )
    return (
        f"CASE WHEN {_q(column)} = '' THEN {_q(column)} ELSE "
        f"CASE lower({_q(label_column)}) {' '.join(cases)} ELSE {_q(column)} END END"
    )
