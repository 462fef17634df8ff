"""Deleting an objective (strategic, annual, operational), an indicator or an Allegato B
block from the plan.

The editor first shows what goes with the item (`impact`): its indicators, targets, unit
assignments, the monitoring values recorded on it, their evidence files, comments, the
OIV's checks and samples. `delete` then removes it under the same rules as every other
write of the editor (`editing.require_editable`: performance office only, never on a
published, validated or closed cycle, inside an open revision once the plan is approved),
records the removal in the revision and, row by row (`audit.recorder.delete`, cascade
included), in the audit trail, plus one summary entry with the counts; the evidence files
leave the storage once the transaction commits. The cycle's data version is bumped, so the
entity result is recomputed by the next read; `delete` returns it before and after.

Recorded monitoring values: the choice. An item that has values is *not* refused outright,
but its deletion needs an explicit confirmation ("elimino anche i valori registrati").
A performance office removes indicators mostly in a mid-year revision, when the 30.06
values are already in: refusing would leave it no way to carry out a revision its
administration has formally adopted (the values belong to the POs and cannot be cleared by
the office first). Deleting them silently, on the other hand, would lose the monitoring's
record without anyone noticing. So the confirmation page says how many values and files go,
the deletion needs a second, explicit consent, and the audit trail keeps the last values.
Items that a report card refers to are refused: the card must be changed first. So are
strategic and annual objectives that operational objectives, blocks or indicators hang
from: deleting them would drop those links silently and leave the items outside the tree,
so they must be moved (or deleted) first; an annual objective goes with its strategic one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from traguardo.audit.recorder import record_bulk
from traguardo.core.numbers import format_exact
from traguardo.monitoring.evidence import remove_files_on_commit
from traguardo.monitoring.models import Evidence, Measurement
from traguardo.plans import editing
from traguardo.plans.models import (
    AnnualObjective,
    EntityBlock,
    Indicator,
    OperationalObjective,
    StrategicObjective,
)
from traguardo.scoring.services import score_cycle

DELETABLE = (StrategicObjective, AnnualObjective, OperationalObjective, Indicator, EntityBlock)


@dataclass(frozen=True)
class Impact:
    """What a deletion takes with it."""

    item: models.Model
    label: str  # Italian, for the audit trail (editing.label_of)
    title: str  # in the reader's language, for the page (editing.title_of)
    counts: dict[str, int]  # model label -> rows deleted with the item (the item excluded)
    names: dict[str, str]  # model label -> its plural name, in the user's language
    indicators: list[Indicator]
    values: int  # monitoring values recorded on the item's indicators
    evidence: int  # evidence files attached to those values
    protected: list[str] = field(default_factory=list)  # what prevents the deletion

    @property
    def needs_values_confirmation(self) -> bool:
        return self.values > 0

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(plural name, count) of what goes with the item, for the confirmation page."""
        return [(self.names[label], n) for label, n in sorted(self.counts.items()) if n]


@dataclass(frozen=True)
class Deleted:
    title: str  # in the reader's language
    counts: dict[str, int]
    before: Decimal | None  # entity result before and after (None if it cannot be scored)
    after: Decimal | None


def _collector(item: models.Model) -> Collector:
    collector = Collector(using=router.db_for_write(type(item), instance=item))
    collector.collect([item])
    return collector


def impact(item: models.Model) -> Impact:
    if not isinstance(item, DELETABLE):
        raise TypeError(type(item))
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    protected: list[str] = []
    try:
        collector = _collector(item)
    except models.ProtectedError as exc:
        protected = sorted({str(o) for o in exc.protected_objects})
        collector = None
    if collector is not None:
        found: list[tuple[type[models.Model], int]] = [
            (model, len(rows)) for model, rows in collector.data.items()
        ] + [(qs.model, qs.count()) for qs in collector.fast_deletes]
        for model, n in found:
            if model._meta.auto_created:  # many-to-many links: not items of their own
                continue
            counts[model._meta.label] += n
            names[model._meta.label] = str(model._meta.verbose_name_plural)
        counts[type(item)._meta.label] -= 1  # the item itself
    protected = sorted({*protected, *_hanging_objectives(item)})
    indicators = _indicators(item)
    values = Measurement.objects.filter(indicator__in=indicators)
    return Impact(
        item=item,
        label=editing.label_of(item),
        title=editing.title_of(item),
        counts=dict(counts),
        names=names,
        indicators=indicators,
        values=values.count(),
        evidence=Evidence.objects.filter(measurement__in=values).count(),
        protected=protected,
    )


def _hanging_objectives(item: models.Model) -> list[str]:
    """The operational objectives linked to an annual objective, or to the annual objectives
    of a strategic one (a many-to-many link: the database would drop it without a word)."""
    if isinstance(item, AnnualObjective):
        annual = [item.pk]
    elif isinstance(item, StrategicObjective):
        annual = list(item.annual_objectives.values_list("pk", flat=True))
    else:
        return []
    linked = (
        OperationalObjective.objects.filter(annual_objectives__in=annual)
        .distinct()
        .select_related("home_unit")
    )
    return [str(objective) for objective in linked]


def _indicators(item: models.Model) -> list[Indicator]:
    if isinstance(item, Indicator):
        return [item]
    if isinstance(item, OperationalObjective):
        return list(item.indicators.order_by("number", "id"))
    if isinstance(item, EntityBlock):
        return list(item.indicators.order_by("number", "id"))
    return []


def _entity_result(cycle: Any) -> Decimal | None:
    try:
        return score_cycle(cycle, explain=False).entity.performance
    except (ValueError, KeyError, ArithmeticError):
        # A plan being edited may not score (an unreadable target, a missing weight, no
        # blocks left): the figure is then shown as "—" and the deletion still happens.
        return None


@transaction.atomic
def delete(
    user: Any, item: models.Model, version: int | None, *, values_confirmed: bool = False
) -> Deleted:
    """Delete `item` and what goes with it; EditRefused says why not."""
    cycle = editing.cycle_of(item)
    revision = editing.require_editable(user, cycle)
    current = editing.lock(type(item), item.pk, version)
    found = impact(current)
    if found.protected:
        raise editing.EditRefused(
            _(
                "%(item)s non può essere eliminato: vi fanno riferimento %(what)s. "
                "Modifica prima questi elementi."
            )
            % {"item": found.title, "what": "; ".join(found.protected)}
        )
    if found.needs_values_confirmation and not values_confirmed:
        raise editing.EditRefused(
            _(
                "%(item)s ha %(n)s valori di monitoraggio registrati: per eliminarlo conferma "
                "esplicitamente che anche i valori (e i loro documenti) vanno eliminati."
            )
            % {"item": found.title, "n": found.values}
        )
    before = _entity_result(cycle)
    evidence = list(Evidence.objects.filter(measurement__indicator__in=found.indicators))
    pk, model_label = current.pk, current._meta.label_lower
    editing.delete_item(user, current, None)
    counts = {label: n for label, n in found.counts.items() if n}
    # Every deleted row is in the audit trail (recorder.delete); this entry says it was
    # one act.
    record_bulk(
        f"Eliminato dal piano: {found.label}",  # data: Italian, as label_of's labels
        {
            "item": {"model": model_label, "pk": pk},
            "removed": counts,
            "values_confirmed": values_confirmed,
            "revision": revision.number if revision is not None else None,
        },
        cycle=cycle,
        user=user,
        about="plans.cycle",
    )
    remove_files_on_commit(evidence)
    return Deleted(found.title, counts, before, _entity_result(cycle))


def result_text(value: Decimal | None) -> str:
    return "—" if value is None else format_exact(value)
