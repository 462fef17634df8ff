"""What the OIV workspace shows: the checklist matrix and the target-challenge analysis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse

from traguardo.core.challenge import Finding, TargetActual, analyse
from traguardo.monitoring import target_history
from traguardo.monitoring.models import Comment, Evidence, Measurement, Period
from traguardo.monitoring.target_history import TargetChange
from traguardo.oiv.models import Criterion, EvidenceSample, Outcome, ValidationCheck
from traguardo.organisation.models import OrgUnit
from traguardo.plans import labels, scope
from traguardo.plans.marks import revision_marks
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective, Target
from traguardo.scoring.services import score_cycle


@dataclass(frozen=True)
class Cell:
    """The outcome of one criterion for one line, and the start of its note."""

    outcome: str
    note: str

    @property
    def label(self) -> str:
        return str(Outcome(self.outcome).label)  # in the reader's language, when rendered


@dataclass(frozen=True)
class Row:
    """A line of the matrix: the Relazione as a whole, an Allegato B block or an objective."""

    scope: str  # "relazione", "blocco", "obiettivo"
    pk: int
    code: str
    title: str
    cells: tuple[Cell | None, ...] = ()
    # What to check first: an overridden figure, a deviation from a published figure
    # (scoring.adjustments.flags).
    flags: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return all(c is not None and c.outcome != Outcome.PENDING for c in self.cells)

    @property
    def observed(self) -> bool:
        """The OIV observed something: an outcome other than "conforme", or a note."""
        return any(c is not None and (c.outcome in OBSERVED or c.note) for c in self.cells)

    @property
    def key(self) -> str:
        """How a form names the line: "obiettivo-12", "blocco-3", "relazione-0"."""
        return f"{self.scope}-{self.pk}"


NOTE_SHOWN = 60  # characters of a note printed in the matrix
OBSERVED = frozenset({Outcome.REMARKS, Outcome.NOT_OK})

# The workspace's filters (`?filtro=`): every line, those still to check, those observed.
FILTERS = ("tutti", "da-fare", "con-osservazioni")


def filtered(rows: list[Row], wanted: str) -> list[Row]:
    if wanted == "da-fare":
        return [r for r in rows if not r.done]
    if wanted == "con-osservazioni":
        return [r for r in rows if r.observed]
    return rows


def matrix(cycle: Cycle, *, full_notes: bool = False) -> list[Row]:
    checks: dict[tuple[str, int], dict[str, Cell]] = {}
    for objective_id, block_id, criterion, outcome, note in ValidationCheck.objects.filter(
        cycle=cycle
    ).values_list("objective_id", "entity_block_id", "criterion", "outcome", "note"):
        if objective_id is not None:
            key = ("obiettivo", objective_id)
        elif block_id is not None:
            key = ("blocco", block_id)
        else:
            key = ("relazione", 0)
        # A little more than is shown: the template cuts it with its ellipsis.
        shown = note if full_notes else note[: NOTE_SHOWN + 1]
        checks.setdefault(key, {})[criterion] = Cell(outcome, shown)
    lines = [("relazione", 0, "", "")]
    lines += [
        ("blocco", pk, labels.block(number), heading)
        for pk, number, heading in EntityBlock.objects.filter(cycle=cycle)
        .order_by("number")
        .values_list("pk", "number", "heading")
    ]
    # The units' codes apart (the administration's units, by its indexed key): joined in the
    # query, the database reads every administration's units (bench/tenants.py, issue 13).
    codes = dict(OrgUnit.objects.filter(entity_id=cycle.entity_id).values_list("pk", "code"))
    objectives = sorted(
        OperationalObjective.objects.filter(cycle=cycle, replaced_by=None)
        .order_by()  # the model's ordering joins the units too
        .values_list("pk", "home_unit_id", "number", "title"),
        key=lambda row: (codes.get(row[1], ""), row[2]),
    )
    lines += [
        ("obiettivo", pk, f"{codes.get(unit, '')}/{number}", title)
        for pk, unit, number, title in objectives
    ]
    return [
        Row(scope, pk, code, title, tuple(checks.get((scope, pk), {}).get(c) for c in Criterion))
        for scope, pk, code, title in lines
    ]


def progress(rows: list[Row]) -> tuple[int, int]:
    cells = [c for r in rows for c in r.cells]
    return sum(1 for c in cells if c is not None and c.outcome != Outcome.PENDING), len(cells)


def indicator_key(indicator: Indicator) -> str:
    if indicator.entity_block is not None:
        return labels.entity_indicator(indicator.number)
    assert indicator.objective is not None
    return f"{indicator.objective.code}#{indicator.number}"


def _final_values(cycle: Cycle) -> dict[int, str]:
    """The final (31.12) value of each indicator of the cycle, as written."""
    final = Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()
    if final is None:
        return {}
    return {
        m.indicator_id: m.text or (str(m.number) if m.number is not None else "")
        for m in Measurement.objects.filter(period=final)
    }


def _previous_values(cycle: Cycle) -> dict[str, str]:
    """The previous year's final values, by indicator key ("B2", "2.1/1#1")."""
    previous = Cycle.objects.filter(entity_id=cycle.entity_id, year=cycle.year - 1).first()
    if previous is None:
        return {}
    values = _final_values(previous)
    indicators = Indicator.objects.filter(pk__in=values).select_related(
        "entity_block", "objective__home_unit"
    )
    return {indicator_key(i): values[i.pk] for i in indicators if values[i.pk]}


def challenge_items(cycle: Cycle) -> list[TargetActual]:
    """Every numeric target from the cycle's year on, with the actual values to compare.

    The targets of the cycle's year are compared with the previous cycle's final value of
    the same indicator (same key), when there is one; every target (this year's and the
    following years' of the three-year plan) with this cycle's final value.
    """
    actuals = _final_values(cycle)
    previous = _previous_values(cycle)
    targets = Target.objects.filter(
        scope.of_cycles(cycle, "indicator__"),
        year__gte=cycle.year,
    )
    by_indicator: dict[int, list[Any]] = {}
    for target in targets:
        by_indicator.setdefault(target.indicator_id, []).append(target)
    indicators = Indicator.objects.filter(pk__in=by_indicator).select_related(
        "entity_block", "objective__home_unit"
    )
    items: list[TargetActual] = []
    for indicator in sorted(indicators, key=_indicator_order):
        key = indicator_key(indicator)
        ordered = sorted(by_indicator[indicator.pk], key=lambda t: t.year)
        earlier = previous.get(key, "")
        for target in ordered:
            if earlier and target.year == cycle.year:
                items.append(
                    TargetActual(
                        key, indicator.name, target.year, target.text, cycle.year - 1, earlier
                    )
                )
        actual = actuals.get(indicator.pk, "")
        if not actual:
            continue
        for target in ordered:
            items.append(
                TargetActual(key, indicator.name, target.year, target.text, cycle.year, actual)
            )
    return items


def _indicator_order(indicator: Indicator) -> tuple[int, str, int]:
    if indicator.entity_block is not None:
        return (0, f"{indicator.entity_block.number:04d}", indicator.number)
    assert indicator.objective is not None
    return (1, indicator.objective.code, indicator.number)


def challenge(cycle: Cycle, margin: Decimal) -> list[Finding]:
    return analyse(challenge_items(cycle), margin)


@dataclass(frozen=True)
class RevisedTarget:
    """An indicator whose target for the cycle's year a revision changed after its value
    was known: the OIV judges whether the revision was legitimate (LG 5/2019)."""

    key: str
    label: str
    changes: list[TargetChange]

    @property
    def easier(self) -> bool:
        return any(c.easier for c in self.changes if c.after_value)


def revised_after_value(cycle: Cycle) -> list[RevisedTarget]:
    indicators = scope.indicators_of(cycle).select_related("entity_block", "objective__home_unit")
    by_id = {i.pk: i for i in indicators}
    found = []
    for indicator_id, changes in target_history.history(by_id, cycle.year).items():
        if any(c.after_value for c in changes):
            indicator = by_id[indicator_id]
            found.append(RevisedTarget(indicator_key(indicator), indicator.name, changes))
    order = {i.pk: _indicator_order(i) for i in by_id.values()}
    keys = {indicator_key(i): order[i.pk] for i in by_id.values()}
    return sorted(found, key=lambda r: keys[r.key])


def evidence(cycle: Cycle) -> list[EvidenceSample]:
    return list(
        EvidenceSample.objects.filter(cycle=cycle).select_related(
            "indicator__entity_block", "indicator__objective__home_unit", "checked_by"
        )
    )


# -- the check page of one item: what the OIV judges ------------------------------------


@dataclass(frozen=True)
class IndicatorFacts:
    """One indicator of the item under check, with what the OIV must judge."""

    indicator: Indicator
    code: str  # "2.1/1#1" (the explain code) or "B14"
    target: str  # the year's target as in force now
    changes: list[TargetChange]  # its history through the revisions
    value: str  # the 31.12 value as written ("" when missing)
    interim: str  # the 30.06 value as written
    degree: Decimal | None
    status: str  # core DegreeStatus value ("scored", "missing", ...)
    explanation: Any  # core Explanation of the degree, or None when unscored
    justification: str  # the owner's reason for a deviation (31.12)
    comment: str  # the owner's notes on the value (31.12)
    not_measurable_reason: str
    evidence: list[Evidence]  # the files documenting the value (any period)
    comments: list[Comment]  # the notes exchanged on the indicator
    revisions: list[int]  # the revisions that changed it
    samples: list[EvidenceSample]  # the OIV's own sampled checks of it
    explain_url: str  # its "perché" page ("" when unscored)


@dataclass(frozen=True)
class SubjectFacts:
    """The item (objective or block) as scored, and its indicators."""

    code: str  # explain code: "2.1/1" or "BLOCCO-3"
    performance: Decimal | None
    explanation: Any
    revisions: list[int]
    indicators: list[IndicatorFacts]
    year: int = 0

    @property
    def explain_url(self) -> str:
        return reverse("reports:explain", args=[self.year, self.code]) if self.explanation else ""


def _scored(
    score: Any, item: OperationalObjective | EntityBlock
) -> tuple[str, Any, dict[int, Any]]:
    """The item's explain code, its score, and its indicators' scores by number (an
    objective's by position, as the engine numbers them)."""
    if isinstance(item, EntityBlock):
        block = next((b for b in score.entity.blocks if b.number == item.number), None)
        if block is None:
            return f"BLOCCO-{item.number}", None, {}
        return f"BLOCCO-{item.number}", block, {i.number: i for i in block.indicators}
    objective = score.objectives.get(item.code)
    if objective is None:
        return item.code, None, {}
    return item.code, objective, {}


def subject_facts(cycle: Cycle, item: OperationalObjective | EntityBlock) -> SubjectFacts:
    indicators = sorted(item.indicators.all(), key=lambda i: (i.number, i.id))
    score = score_cycle(cycle)
    code, scored, by_number = _scored(score, item)
    if isinstance(item, OperationalObjective) and scored is not None:
        by_position = dict(enumerate(scored.indicators, start=1))
        scores = {i.pk: by_position.get(n) for n, i in enumerate(indicators, start=1)}
    else:
        scores = {i.pk: by_number.get(i.number) for i in indicators}
    ids = [i.pk for i in indicators]
    targets = {
        t.indicator_id: t.text for t in Target.objects.filter(indicator_id__in=ids, year=cycle.year)
    }
    changes = target_history.history(ids, cycle.year)
    measurements: dict[tuple[int, str], Measurement] = {
        (m.indicator_id, m.period.code): m
        for m in Measurement.objects.filter(indicator_id__in=ids, period__cycle=cycle)
        .select_related("period")
        .prefetch_related("evidence")
    }
    comments: dict[int, list[Comment]] = {}
    for note in Comment.objects.filter(indicator_id__in=ids).select_related("author", "period"):
        comments.setdefault(note.indicator_id, []).append(note)
    samples: dict[int, list[EvidenceSample]] = {}
    for sample in EvidenceSample.objects.filter(cycle=cycle, indicator_id__in=ids):
        samples.setdefault(sample.indicator_id, []).append(sample)
    marks = revision_marks(cycle)
    facts = []
    for indicator in indicators:
        final = measurements.get((indicator.pk, Period.Code.FINAL))
        interim = measurements.get((indicator.pk, Period.Code.INTERIM))
        indicator_score = scores.get(indicator.pk)
        code = indicator_score.key if indicator_score is not None else ""
        files = [
            e
            for m in (interim, final)
            if m is not None
            for e in m.evidence.all()  # prefetched
        ]
        facts.append(
            IndicatorFacts(
                indicator=indicator,
                code=code,
                target=targets.get(indicator.pk, ""),
                changes=changes.get(indicator.pk, []),
                value=_written(final),
                interim=_written(interim),
                degree=indicator_score.degree.value if indicator_score is not None else None,
                status=indicator_score.degree.status.value if indicator_score is not None else "",
                explanation=indicator_score.explanation if indicator_score is not None else None,
                justification=final.justification if final is not None else "",
                comment=final.comment if final is not None else "",
                not_measurable_reason=final.not_measurable_reason if final is not None else "",
                evidence=files,
                comments=comments.get(indicator.pk, []),
                revisions=marks.of(indicator),
                samples=samples.get(indicator.pk, []),
                explain_url=reverse("reports:explain", args=[cycle.year, code]) if code else "",
            )
        )
    performance = None
    if scored is not None:
        performance = scored.achievement if isinstance(item, EntityBlock) else scored.performance
    return SubjectFacts(
        code=code,
        performance=performance,
        explanation=scored.explanation if scored is not None else None,
        revisions=marks.of(item),
        indicators=facts,
        year=cycle.year,
    )


def _written(measurement: Measurement | None) -> str:
    if measurement is None:
        return ""
    if measurement.text:
        return measurement.text
    return str(measurement.number) if measurement.number is not None else ""
