"""Every row of one administration, field by field: to prove that something else left it
unchanged (tests/security/test_isolation.py) or brought it back whole (a backup of one
administration, tests/ops/test_backup_entity.py)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from traguardo.audit.models import AuditEntry
from traguardo.audit.registry import cycle_lookups
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle


def entity_rows(entity: Entity) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that belongs to `entity`, field by field, per table: its own row, the rows
    of its cycles (through any path, `audit.registry.cycle_lookups`), the rows that name it
    directly, and its audit trail."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        config = model._meta.app_config
        if config is None or not config.name.startswith("traguardo.") or model._meta.proxy:
            continue
        label = model._meta.label_lower
        where = Q()
        if model is Entity:
            where = Q(pk=entity.pk)
        elif model is AuditEntry:
            where = Q(entity_id=entity.pk)
        elif model is Cycle:
            where = Q(entity=entity)
        else:
            for lookup in cycle_lookups(model):
                where |= Q(**{f"{lookup}__entity": entity})
            names = {f.name for f in model._meta.get_fields() if f.many_to_one}
            if "entity" in names:
                where |= Q(entity=entity)
        if not where:
            continue
        found = model._base_manager.filter(where).distinct().order_by("pk").values_list()
        rows[label] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in found
        ]
    return rows
