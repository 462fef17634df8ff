"""Scoring a plan without explanations: the bulk path of ``score_plan(explain=False)``.

The figures are those of the explaining path to the last digit, not merely once rounded:
the same :class:`~decimal.Decimal` operations in the same order, in the same context.
Each rule's :meth:`~traguardo.core.rules.Rule.value` is the arithmetic its ``degree``
explains, and the means below repeat :mod:`traguardo.core.aggregation`'s sums term by
term. What this path leaves out is everything that is only read by a person: no formula,
note or label is formatted, no :class:`Part` or explanation is made, each distinct value
text of the plan is read once and each distinct target text once per process
(:func:`~traguardo.core.readings.target_or_none`).

tests/core/test_fast_path.py holds the two paths equal on thousands of random plans and on
the demo; bench/scoring.py measures the gain.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from traguardo.core.engine import _Scorer
from traguardo.core.model import Block, Card, Indicator, MissingPolicy, Plan, UnitKind
from traguardo.core.numbers import HUNDRED, ZERO
from traguardo.core.readings import (
    Reading,
    ReadingKind,
    TargetKind,
    parse_reading,
    target_or_none,
)
from traguardo.core.results import (
    BlockScore,
    CardScore,
    EntityScore,
    IndicatorScore,
    ObjectiveScore,
    SynthesisScore,
    UnitScore,
)
from traguardo.core.rules import _QUIET, Degree, DegreeStatus, Rule

_SCORED = DegreeStatus.SCORED
_EXCLUDED_STATUS = DegreeStatus.EXCLUDED
_MISSING_STATUS = DegreeStatus.MISSING
# The degrees without a figure are always the same three: shared, not made per indicator.
_EXCLUDED = Degree(None, DegreeStatus.EXCLUDED)
_MISSING = Degree(None, DegreeStatus.MISSING)
_NOT_MEASURABLE = Degree(None, DegreeStatus.NOT_MEASURABLE)

_NONE = TargetKind.NONE
_AGGREGATE = TargetKind.AGGREGATE
_EMPTY = ReadingKind.EMPTY
_UNREADABLE = ReadingKind.NOT_MEASURABLE


def _explains_only(rule: Rule) -> bool:
    """Whether `rule` has no value() of its own (a rule registered from outside)."""
    return type(rule).value is Rule.value


class FastScorer(_Scorer):
    """:class:`~traguardo.core.engine._Scorer` with explanations off, without the text."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan, explain=False)
        self.default = self.rules.default
        self.default_has_value = not _explains_only(self.default)
        self.missing_counts = plan.smvp.missing_value is MissingPolicy.ZERO
        self.unmeasurable_counts = plan.smvp.not_measurable is MissingPolicy.ZERO
        # Readings are memoised per plan, not per process: the reason of an unreadable
        # value is in the reader's language, which is constant within one scoring.
        self.readings: dict[str, Reading] = {}

    # One indicator, as engine.score_indicator + engine._degree without explanations ------
    def indicator(self, indicator: Indicator) -> IndicatorScore:
        text = indicator.value
        reading = self.readings.get(text)
        if reading is None:
            reading = self.readings[text] = parse_reading(text)
        target = target_or_none(indicator.target)
        if target is None:
            degree = _NOT_MEASURABLE
        elif target.kind is _NONE:
            degree = _EXCLUDED
        elif reading.kind is _EMPTY:
            degree = _MISSING
        elif target.kind is _AGGREGATE:
            degree = _NOT_MEASURABLE
        else:
            rule = self.rules.for_indicator(indicator)  # the direction may pick the rule
            default = rule is self.default
            has_value = self.default_has_value if default else not _explains_only(rule)
            if reading.kind is _UNREADABLE and not getattr(rule, "reads_words", False):
                degree = _NOT_MEASURABLE
            elif has_value:
                value = rule.value(target, reading)
                degree = _NOT_MEASURABLE if value is None else Degree(value, _SCORED)
            else:
                degree = rule.degree(target, reading, _QUIET)
        return IndicatorScore(
            indicator.key,
            indicator.number,
            indicator.name,
            target,
            reading,
            indicator.weight,
            degree,
            degree.status is not _EXCLUDED_STATUS,
        )

    def weighted(self, scored: Iterable[IndicatorScore]) -> Decimal | None:
        """aggregation.weighted_mean's figure: the same sums, term by term."""
        numerator = ZERO
        denominator = ZERO
        for score in scored:
            degree = score.degree
            status = degree.status
            if status is _SCORED:
                value = degree.value
                assert value is not None
            elif status is _EXCLUDED_STATUS:
                continue
            elif self.missing_counts if status is _MISSING_STATUS else self.unmeasurable_counts:
                value = ZERO
            else:
                continue
            weight = score.weight
            numerator += value * weight
            denominator += weight
        return numerator / denominator if denominator else None

    # 1. entity table ---------------------------------------------------------------------
    def entity(self) -> EntityScore:
        blocks = tuple([self.block(block) for block in self.plan.blocks])
        return EntityScore(sum((b.result for b in blocks), ZERO), blocks)

    def block(self, block: Block) -> BlockScore:
        scored = tuple([self.indicator(i) for i in block.indicators])
        achievement = self.weighted(scored)
        result = (achievement or ZERO) * block.weight / HUNDRED
        return BlockScore(block.number, block.heading, achievement, block.weight, result, scored)

    # 2-3. operational objectives ---------------------------------------------------------
    def objectives(self, entity: EntityScore) -> dict[str, ObjectiveScore]:
        indicator = self.indicator
        plain: dict[str, tuple[IndicatorScore | None, ...]] = {}
        waiting: set[str] = set()  # objectives with derived indicators, scored second
        for objective in self.plan.objectives:
            indicators = objective.indicators
            if any(i.derived is not None for i in indicators):
                waiting.add(objective.key)
                plain[objective.key] = tuple(
                    [indicator(i) if i.derived is None else None for i in indicators]
                )
            else:
                plain[objective.key] = tuple([indicator(i) for i in indicators])
        result: dict[str, ObjectiveScore] = {}
        for objective in self.plan.objectives:
            row = plain[objective.key]
            if objective.key in waiting:
                row = tuple(
                    s if s is not None else self._indicator(objective, i, entity, plain)
                    for i, s in zip(objective.indicators, row, strict=True)
                )
            scored: tuple[IndicatorScore, ...] = row  # type: ignore[assignment]
            result[objective.key] = ObjectiveScore(
                objective.key, objective.title, self.weighted(scored), scored
            )
        return result

    # 4. units ----------------------------------------------------------------------------
    def units_scores(self, objectives: dict[str, ObjectiveScore]) -> tuple[UnitScore, ...]:
        own: dict[str, UnitScore] = {}
        for unit in self.plan.units:
            if unit.kind is UnitKind.AREA:
                continue
            keys = tuple(o.key for o in self.by_unit.get(unit.code, ()))
            performance = _mean([objectives[key].performance for key in keys])
            own[unit.code] = UnitScore(
                unit.code, unit.kind, unit.name, unit.short, performance, keys
            )
        areas: dict[str, UnitScore] = {}
        for unit in self.plan.units:
            if unit.kind is not UnitKind.AREA:
                continue
            sectors = [
                own[c]
                for c in self.children.get(unit.code, [])
                if self.units[c].kind is UnitKind.SECTOR
            ]
            areas[unit.code] = UnitScore(
                unit.code,
                unit.kind,
                unit.name,
                unit.short,
                _mean([s.performance for s in sectors]),
                tuple(s.code for s in sectors),
            )
        return tuple(areas.get(u.code) or own[u.code] for u in self.plan.units)

    # 5. cards ----------------------------------------------------------------------------
    def card(self, card: Card, objectives: dict[str, ObjectiveScore]) -> CardScore:
        refs = {o.number: o.ref for o in card.objectives}
        rows = tuple(
            SynthesisScore(
                row.label,
                row.objectives,
                _mean([objectives[refs[n]].performance for n in row.objectives]),
            )
            for row in card.synthesis
        )
        listed = tuple((o.number, o.ref, objectives[o.ref].performance) for o in card.objectives)
        return CardScore(card.key, card.role, card.title, card.units, listed, rows)


def _mean(values: list[Decimal | None]) -> Decimal | None:
    """aggregation.plain_mean's figure: the defined values summed from 0, over their count."""
    defined = [v for v in values if v is not None]
    return sum(defined, ZERO) / len(defined) if defined else None
