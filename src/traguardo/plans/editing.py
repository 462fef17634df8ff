"""Changing the plan: who may, under which revision, and without losing anyone's work.

Every write of the plan editor goes through `save_fields`, `set_targets`, `create_item` or
`delete_item` (web, API and command line alike); each records the audit trail
(`audit.recorder`) and bumps the cycle's data version (`plans.versions`) explicitly:

- only the performance office, and only while the cycle's plan is editable
  (`permissions.can_manage_plan`); a published cycle is read-only;
- once the plan is approved it changes only through a formal revision: a revision must be
  open, and each change is recorded in it item by item (field, old value → new value);
- optimistic locking: the form carries the `version` it showed; if someone saved the row
  in the meantime the save is refused with the other person's value, and the form keeps
  what this user typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.core.numbers import format_exact
from traguardo.plans import rule_text, versions
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    Revision,
    RevisionChange,
    StrategicObjective,
    Target,
)

# States in which an edit must belong to an open revision (the plan has been approved).
REVISION_STATES = frozenset({"approved", "monitoring"})


class EditRefused(Exception):
    """The change cannot be made; `message` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditConflict(EditRefused):
    """Someone else saved the same item after this user opened it."""


def refusal(user: Any, cycle: Cycle) -> str | None:
    """Why `user` may not change the plan of `cycle` now, or None if they may."""
    if cycle.is_published:
        return _(
            "Il ciclo %(year)s è pubblicato: il piano è in sola lettura e non può essere "
            "modificato."
        ) % {"year": cycle.year}
    if not permissions.can_view_plan(user, cycle):
        return _("Non fai parte dell'ente di questo ciclo.")
    if not permissions.has_role_in(user, cycle.entity_id, permissions.Role.PERFORMANCE_OFFICE):
        return _("Solo la struttura tecnica permanente (ufficio performance) modifica il piano.")
    if not permissions.can_manage_plan(user, cycle):
        return _(
            "Il ciclo %(year)s è nello stato «%(state)s»: il piano non è più modificabile."
        ) % {"year": cycle.year, "state": cycle.get_state_display()}
    return None


def open_revision(cycle: Cycle) -> Revision | None:
    return Revision.objects.filter(cycle=cycle, is_open=True).first()


def require_editable(user: Any, cycle: Cycle) -> Revision | None:
    """Check that `user` may edit now; return the open revision the edit belongs to."""
    reason = refusal(user, cycle)
    if reason:
        raise EditRefused(reason)
    revision = open_revision(cycle)
    if revision is None and cycle.state in REVISION_STATES:
        raise EditRefused(
            _(
                "Il piano è approvato: per modificarlo apri prima una revisione "
                "(numero e data dell'atto, motivazione) nella pagina Revisioni."
            )
        )
    return revision


def cycle_of(item: models.Model) -> Cycle:
    if isinstance(item, (StrategicObjective, EntityBlock, OperationalObjective)):
        return item.cycle
    if isinstance(item, ObjectiveAssignment):
        return item.cycle
    if isinstance(item, AnnualObjective):
        return item.strategic.cycle
    if isinstance(item, Indicator):
        owner = item.objective or item.entity_block
        assert owner is not None
        return owner.cycle
    if isinstance(item, Target):
        return cycle_of(item.indicator)
    raise TypeError(type(item))


def title_of(item: models.Model) -> str:
    """How an item is named on pages and in messages, in the reader's language
    (`label_of` is the Italian name kept in the revision record and the audit trail)."""
    if isinstance(item, StrategicObjective | AnnualObjective):
        return f"{item.get_kind_display()} {item.code}"
    if isinstance(item, OperationalObjective):
        return _("Obiettivo operativo %(code)s") % {"code": item.code}
    if isinstance(item, EntityBlock):
        return _("Blocco %(n)s della performance dell'ente") % {"n": item.number}
    if isinstance(item, Indicator):
        if item.objective is not None:
            return _("Indicatore %(n)s dell'obiettivo %(code)s") % {
                "n": item.number,
                "code": item.objective.code,
            }
        return _("Indicatore B%(n)s (Allegato B)") % {"n": item.number}
    if isinstance(item, Target):
        return _("Target %(year)s – %(item)s") % {
            "year": item.year,
            "item": title_of(item.indicator),
        }
    if isinstance(item, ObjectiveAssignment):
        return _("Assegnazione di %(objective)s all'unità %(unit)s") % {
            "objective": item.objective.code,
            "unit": item.unit.code,
        }
    return str(item)


def label_of(item: models.Model) -> str:
    """The item's name in Italian whatever the reader's language: the revision record and
    the audit trail are data, written once for everybody."""
    with translation.override("it"):
        return title_of(item)


def display(value: Any) -> str:
    """A field value as the revision record and the comparison show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, Decimal):
        return format_exact(value)
    if isinstance(value, Mapping):  # a rule's parameters: as the template writes them
        return rule_text.format_params(value)
    if isinstance(value, models.Model):
        return label_of(value) if not isinstance(value, Revision) else str(value)
    return str(value)


def _links(item: models.Model) -> tuple[OperationalObjective | None, Indicator | None]:
    if isinstance(item, OperationalObjective):
        return item, None
    if isinstance(item, Indicator):
        return item.objective, item
    if isinstance(item, Target):
        return item.indicator.objective, item.indicator
    if isinstance(item, ObjectiveAssignment):
        return item.objective, None
    return None, None


@translation.override("it")  # the record is data: Italian labels whatever the user's language
def record_change(
    revision: Revision | None,
    user: Any,
    item: models.Model,
    field: str,
    old: str,
    new: str,
    kind: str = RevisionChange.Kind.EDIT,
) -> RevisionChange | None:
    """One line of the revision's record; marks the operational objective as revised."""
    if revision is None:
        return None
    objective, indicator = _links(item)
    change = recorder.create(
        RevisionChange,
        revision=revision,
        kind=kind,
        text=f"{label_of(item)}: {field} «{old}» → «{new}»",
        objective=objective,
        indicator=indicator,
        item_type=item._meta.label_lower,
        item_id=item.pk,
        item_label=label_of(item)[:300],
        field=field[:100],
        old_value=old,
        new_value=new,
        by=user if getattr(user, "is_authenticated", False) else None,
        at=timezone.now(),
    )
    if objective is not None and objective.revised_by_id != revision.pk:
        OperationalObjective.objects.filter(pk=objective.pk).update(revised_by=revision)
        objective.revised_by = revision
    return change


@dataclass(frozen=True)
class Saved:
    item: models.Model
    changed: list[tuple[str, str, str]]  # (field label, old, new)


def lock(model: type[models.Model], pk: int, version: int | None, what: str = "") -> Any:
    """The row locked for update, or EditConflict if its version moved on."""
    current: Any = model._default_manager.select_for_update().get(pk=pk)
    if version is not None and current.version != version:
        raise EditConflict(
            _(
                "%(item)s è stato modificato da un altro utente dopo che hai "
                "aperto la pagina: le tue modifiche non sono state salvate. Qui sotto trovi i "
                "valori attuali e quelli che hai inserito: ricontrolla e salva di nuovo."
            )
            % {"item": what or title_of(current)}
        )
    return current


@transaction.atomic
def save_fields(
    user: Any,
    item: models.Model,
    values: Mapping[str, Any],
    version: int | None,
    *,
    kind: str = RevisionChange.Kind.EDIT,
) -> Saved:
    """Set `values` on `item` (a saved row) under the optimistic lock and record them."""
    cycle = cycle_of(item)
    revision = require_editable(user, cycle)
    model = type(item)
    current = lock(model, item.pk, version)
    old_home = getattr(current, "home_unit_id", None)
    old_values = recorder.values_of(current)
    changed: list[tuple[str, str, str]] = []
    for name, new in values.items():
        field: Any = model._meta.get_field(name)
        # The revision record is data: its labels are Italian whatever the user's language.
        with translation.override("it"):
            verbose = str(field.verbose_name)
        if field.many_to_many:
            old_set = set(getattr(current, name).all())
            new_set = set(new)
            if old_set != new_set:
                old_text = ", ".join(sorted(display(o) for o in old_set))
                new_text = ", ".join(sorted(display(o) for o in new_set))
                recorder.set_m2m(current, name, new_set)
                changed.append((verbose, old_text, new_text))
            continue
        old = getattr(current, name)
        if _same(old, new):
            continue
        setattr(current, name, new)
        changed.append((verbose, display(old), display(new)))
    if changed:
        current.full_clean(exclude=["version"])
        current.save()
        recorder.record_saved(current, old_values)
        model._default_manager.filter(pk=current.pk).update(version=F("version") + 1)
        current.refresh_from_db()
        if isinstance(current, OperationalObjective):
            sync_home_assignment(current, old_home)
        for label, old_text, new_text in changed:
            record_change(revision, user, current, label, old_text, new_text, kind)
        versions.bump([cycle.pk])
    return Saved(current, changed)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except Exception:
            return False
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return bool(old == new)


@transaction.atomic
def set_targets(
    user: Any, indicator: Indicator, texts: Mapping[int, str], version: int | None
) -> Saved:
    """Save an indicator's targets (year → text as written) under the indicator's lock.

    The targets are part of the indicator for locking: the indicator's version moves on
    whenever one of its targets changes, so two people editing the same target collide.
    """
    cycle = cycle_of(indicator)
    revision = require_editable(user, cycle)
    current = lock(Indicator, indicator.pk, version)
    existing = {t.year: t for t in Target.objects.select_for_update().filter(indicator=current)}
    changed: list[tuple[str, str, str]] = []
    for year, text in sorted(texts.items()):
        text = text.strip()
        row = existing.get(year)
        old = row.text if row else ""
        if old == text:
            continue
        label = f"target {year}"
        if row is None:
            row = recorder.create(Target, indicator=current, year=year, text=text)
            record_change(revision, user, row, label, "", text, RevisionChange.Kind.ADD)
        elif not text:
            record_change(revision, user, row, label, old, "", RevisionChange.Kind.REMOVE)
            recorder.delete(row)
        else:
            row.text = text
            row.version = row.version + 1
            recorder.save(row, update_fields=["text", "version"])
            record_change(revision, user, row, label, old, text)
        changed.append((label, old, text))
    if changed:
        Indicator.objects.filter(pk=current.pk).update(version=F("version") + 1)
        current.refresh_from_db()
        versions.bump([cycle.pk])
    return Saved(current, changed)


@transaction.atomic
def create_item(
    user: Any, cycle: Cycle, item: models.Model, many: Mapping[str, Any] | None = None
) -> models.Model:
    """Save a new row of the plan (and its many-to-many fields, `many`: name → rows) and
    record its insertion in the open revision."""
    revision = require_editable(user, cycle)
    item.full_clean(exclude=["version"])
    recorder.save(item)
    for name, rows in (many or {}).items():
        recorder.set_m2m(item, name, rows)
    record_change(revision, user, item, "elemento", "", display(item), RevisionChange.Kind.ADD)
    if isinstance(item, OperationalObjective):
        sync_home_assignment(item, None)
    versions.bump([cycle.pk])
    return item


def sync_home_assignment(objective: OperationalObjective, old_home: int | None) -> None:
    """Keep the home unit's assignment row (local number = objective number) in step."""
    if old_home is not None and old_home != objective.home_unit_id:
        for old in ObjectiveAssignment.objects.filter(objective=objective, unit_id=old_home):
            recorder.delete(old)
    row = ObjectiveAssignment.objects.filter(
        objective=objective, unit_id=objective.home_unit_id
    ).first()
    if row is None:
        recorder.create(
            ObjectiveAssignment,
            cycle=objective.cycle,
            objective=objective,
            unit_id=objective.home_unit_id,
            local_number=objective.number,
        )
    elif row.local_number != objective.number:
        row.local_number = objective.number
        recorder.save(row, update_fields=["local_number"])


@transaction.atomic
def delete_item(user: Any, item: models.Model, version: int | None) -> None:
    cycle = cycle_of(item)
    revision = require_editable(user, cycle)
    current = lock(type(item), item.pk, version)
    label = label_of(current)
    record_change(revision, user, current, "elemento", label, "", RevisionChange.Kind.REMOVE)
    try:
        recorder.delete(current)
    except models.ProtectedError as exc:
        raise EditRefused(
            _("%(item)s non può essere eliminato: altri elementi del piano vi fanno riferimento.")
            % {"item": title_of(current)}
        ) from exc
    versions.bump([cycle.pk])
