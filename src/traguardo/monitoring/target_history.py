"""A target's history through the plan's revisions, for every page that shows a target.

A revision may change a target after the value was already known (lowered below the actual,
say): the reader of a figure, and above all the OIV, must see the target that was in force
before and when it changed ("target >= 75% fino alla revisione n. 2 del 12/09/2019").
The editor records each change item by item (plans.editing.record_change: a RevisionChange
with item_type "plans.target" and field "target <year>"); values carry their entry time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from traguardo.core.readings import TargetFormatError, TargetKind, parse_target
from traguardo.monitoring.models import Measurement
from traguardo.plans.models import RevisionChange

EASIER_WHEN_LOWER = (TargetKind.AT_LEAST, TargetKind.MORE_THAN, TargetKind.EQUAL)
EASIER_WHEN_HIGHER = (TargetKind.AT_MOST, TargetKind.LESS_THAN)


@dataclass(frozen=True)
class TargetChange:
    revision: int  # the revision's number
    act_date: datetime.date | None  # the date of the revision's act, when recorded
    at: datetime.datetime | None  # when the change was recorded
    old: str
    new: str
    # The indicator already had a value (any period) when its target changed, and that value.
    value_known: str
    easier: bool  # the new target is easier to meet than the old (a lower ">=", a higher "<=")

    @property
    def date(self) -> datetime.date | None:
        return self.act_date or (self.at.date() if self.at else None)

    @property
    def after_value(self) -> bool:
        return bool(self.value_known)


def _easier(old: str, new: str) -> bool:
    try:
        before, after = parse_target(old), parse_target(new)
    except TargetFormatError:
        return False
    if before.kind != after.kind or before.low is None or after.low is None:
        return False
    if before.kind in EASIER_WHEN_LOWER:
        return after.low < before.low
    if before.kind in EASIER_WHEN_HIGHER:
        return after.low > before.low
    return False


def history(indicator_ids: Iterable[int], year: int) -> dict[int, list[TargetChange]]:
    """indicator id -> the changes of its `year` target, oldest first (indicators whose
    target never changed are absent). Two queries whatever the number of indicators."""
    ids = list(indicator_ids)
    if not ids:
        return {}
    changes = list(
        RevisionChange.objects.filter(
            indicator_id__in=ids, item_type="plans.target", field=f"target {year}"
        )
        .select_related("revision__act")
        .order_by("at", "pk")
    )
    if not changes:
        return {}
    values: dict[int, list[Measurement]] = defaultdict(list)
    changed_ids = {c.indicator_id for c in changes}
    for measurement in (
        Measurement.objects.filter(indicator_id__in=changed_ids)
        .exclude(text="")
        .order_by("entered_at")
    ):
        values[measurement.indicator_id].append(measurement)
    out: dict[int, list[TargetChange]] = defaultdict(list)
    for change in changes:
        assert change.indicator_id is not None
        known = [
            m.text
            for m in values.get(change.indicator_id, [])
            if change.at is not None and m.entered_at <= change.at
        ]
        act = change.revision.act
        out[change.indicator_id].append(
            TargetChange(
                revision=change.revision.number,
                act_date=act.date if act is not None else None,
                at=change.at,
                old=change.old_value,
                new=change.new_value,
                value_known=known[-1] if known else "",
                easier=_easier(change.old_value, change.new_value),
            )
        )
    return dict(out)
