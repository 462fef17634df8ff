"""What a document shows of a cycle, as its SMVP and its plan say: the one place the
Relazione, the public results page, the open data and the API ask.

Treviso-Belluno's documents have an entity table (Allegato B: blocks, A, B, Σ A × B), an
"art. 67" column, areas, report cards and targets for the three years of the plan. Another
administration's SMVP may have none of these: a document then leaves the section, column or
annex out (or shows the administration's own: its level names, its decimals, the results of
its strategic and annual objectives when it scores them), rather than printing it empty.

Built once per document from the cycle, its SMVP (:func:`plans.smvp_settings.cycle_smvp`)
and its PlanScore; the queries are a handful of ``exists()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from django.db.models import Q

from traguardo.core.levels import (
    TVBL_LEVELS,
    EntitySource,
    Level,
    LevelKey,
    Method,
    Rounding,
    RoundingMode,
)
from traguardo.core.model import Smvp
from traguardo.core.numbers import format_it, to_contract
from traguardo.core.results import LevelScore, PlanScore, level_code
from traguardo.plans import scope
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective, Target
from traguardo.plans.smvp_settings import cycle_smvp

# The built-in labels: a document keeps its historic wording ("Performance di area") when
# the administration did not rename the level, and uses the administration's name otherwise.
DEFAULT_LABELS: Mapping[str, str] = MappingProxyType({lv.key: lv.label for lv in TVBL_LEVELS})

# Levels whose nodes the engine reports in PlanScore.levels (annual, strategic, own levels).
GENERIC_LEVELS = (LevelKey.STRATEGIC, LevelKey.ANNUAL)


@dataclass(frozen=True, slots=True)
class LevelView:
    """A level as a document shows it: its name and its decimals."""

    key: str
    label: str
    scored: bool
    rounding: Rounding = field(default_factory=Rounding)
    method: Method = Method.MEAN
    renamed: bool = False  # the administration's own name, not the built-in one

    @property
    def places(self) -> int:
        return self.rounding.places

    @property
    def mode(self) -> str:
        return self.rounding.mode.value

    def rounded(self, value: Decimal) -> Decimal:
        return self.rounding.apply(value)

    def number(self, value: Decimal | None, *, trim: bool = False, missing: str = "") -> str:
        """Italian form with the level's decimals and rounding (``72,63``; ``72,6``)."""
        if value is None:
            return missing
        return format_it(self.rounded(value), self.places, trim=trim)

    def percent(self, value: Decimal | None, *, trim: bool = False) -> str:
        if value is None:
            return "n.d."
        return self.number(value, trim=trim) + "%"

    def contract(self, value: Decimal | None) -> str | None:
        """Dot-decimal form for the API and open data (``"72.63"``)."""
        return None if value is None else to_contract(self.rounded(value), self.places)

    def title(self, default: str) -> str:
        """The document's historic wording for the level, unless the administration named
        it itself: then its name."""
        return self.label if self.renamed else default


def _level_view(level: Level) -> LevelView:
    default = DEFAULT_LABELS.get(level.key)
    return LevelView(
        key=level.key,
        label=level.label,
        scored=level.scored,
        rounding=level.rounding,
        method=level.method,
        renamed=default is None or level.label != default,
    )


@dataclass(frozen=True, slots=True)
class LevelResults:
    """The nodes of a scored level beyond the fixed ones (strategic, annual, own)."""

    level: LevelView
    nodes: tuple[LevelScore, ...]

    def explain_code(self, node: LevelScore) -> str:
        return level_code(self.level.key, node.code)


@dataclass(frozen=True, slots=True)
class SmvpView:
    smvp: Smvp
    levels: Mapping[str, LevelView]
    plan_years: tuple[int, ...]  # the years of the plan (cycle year first)
    has_blocks: bool  # an entity table (Allegato B) with its blocks
    weighted_sum: bool  # the entity is Σ A × B over the blocks: only then A, B, A × B
    art67_indicators: bool  # some indicator is "art. 67": only then that column
    art67_objectives: bool  # some operational objective has an art. 67 project card
    block_target_years: tuple[int, ...]  # years with a target among the block indicators
    objective_target_years: tuple[int, ...]  # same among the objectives' indicators
    has_areas: bool
    has_cards: bool
    results: tuple[LevelResults, ...] = ()  # strategic, annual, own levels when scored

    def level(self, key: str) -> LevelView:
        found = self.levels.get(key)
        if found is not None:
            return found
        return _level_view(Level(key, DEFAULT_LABELS.get(key, key)))

    @property
    def entity(self) -> LevelView:
        return self.level(LevelKey.ENTITY)

    @property
    def objective(self) -> LevelView:
        return self.level(LevelKey.OBJECTIVE)

    @property
    def indicator(self) -> LevelView:
        return self.level(LevelKey.INDICATOR)

    @property
    def unit(self) -> LevelView:
        return self.level(LevelKey.UNIT)

    @property
    def area(self) -> LevelView:
        return self.level(LevelKey.AREA)

    @property
    def block(self) -> LevelView:
        return self.level(LevelKey.BLOCK)

    @property
    def card(self) -> LevelView:
        return self.level(LevelKey.CARD)

    @property
    def strategic(self) -> LevelView:
        return self.level(LevelKey.STRATEGIC)

    @property
    def annual(self) -> LevelView:
        return self.level(LevelKey.ANNUAL)

    @property
    def places(self) -> Mapping[str, int]:
        return {key: level.places for key, level in self.levels.items()}

    def result_of(self, key: str) -> LevelResults | None:
        return next((r for r in self.results if r.level.key == key), None)

    def node(self, key: str, code: str) -> LevelScore | None:
        results = self.result_of(key)
        if results is None:
            return None
        return next((n for n in results.nodes if n.code == code), None)


def _years_with_targets(cycle: Cycle, indicators: Q, years: Iterable[int]) -> tuple[int, ...]:
    found = set(
        Target.objects.filter(indicators, year__in=list(years))
        .exclude(text="")
        .values_list("year", flat=True)
        .distinct()
    )
    return tuple(y for y in years if y in found)


def level_results(smvp: Smvp, score: PlanScore | None) -> tuple[LevelResults, ...]:
    """The scored strategic, annual and own levels with the nodes the engine reported."""
    if score is None:
        return ()
    found = []
    for level in smvp.levels:
        if not level.scored:
            continue
        nodes = (score.levels or {}).get(level.key)
        if (level.key in GENERIC_LEVELS or level.key not in DEFAULT_LABELS) and nodes:
            found.append(LevelResults(_level_view(level), tuple(nodes.values())))
    order = {LevelKey.STRATEGIC: 0, LevelKey.ANNUAL: 1}
    return tuple(sorted(found, key=lambda r: order.get(r.level.key, 2)))  # type: ignore[call-overload]


def build_view(cycle: Cycle, score: PlanScore | None = None, smvp: Smvp | None = None) -> SmvpView:
    smvp = smvp if smvp is not None else cycle_smvp(cycle)
    levels = {level.key: _level_view(level) for level in smvp.levels}
    entity = smvp.level(LevelKey.ENTITY) if LevelKey.ENTITY in levels else None
    blocks = EntityBlock.objects.filter(cycle=cycle)
    has_blocks = blocks.exists() if score is None else bool(score.entity.blocks)
    has_blocks = has_blocks and blocks.exists()
    source = entity.source if entity is not None else EntitySource.BLOCKS
    method = entity.method if entity is not None else Method.WEIGHTED_SUM
    weighted_sum = has_blocks and method is Method.WEIGHTED_SUM and source == EntitySource.BLOCKS
    years = tuple(range(cycle.year, max(cycle.plan_period_end or cycle.year, cycle.year) + 1))
    in_cycle = scope.of_cycles(cycle, "indicator__")
    block_targets = Q(in_cycle, indicator__entity_block__isnull=False)
    objective_targets = Q(in_cycle, indicator__objective__isnull=False)
    indicators = Indicator.objects.filter(Q(objective__cycle=cycle) | Q(entity_block__cycle=cycle))
    units = score.units if score is not None else ()
    from traguardo.individual.models import ReportCard  # individual imports reports

    return SmvpView(
        smvp=smvp,
        levels=MappingProxyType(levels),
        plan_years=years,
        has_blocks=has_blocks,
        weighted_sum=weighted_sum,
        art67_indicators=indicators.filter(art67=True).exists(),
        art67_objectives=OperationalObjective.objects.filter(
            cycle=cycle, art67_scheda__isnull=False
        ).exists(),
        block_target_years=_years_with_targets(cycle, block_targets, years) if has_blocks else (),
        objective_target_years=_years_with_targets(cycle, objective_targets, years),
        has_areas=any(u.kind.value == "area" for u in units),
        has_cards=ReportCard.objects.filter(cycle=cycle).exists(),
        results=level_results(smvp, score),
    )


__all__ = ["LevelResults", "LevelView", "RoundingMode", "SmvpView", "build_view"]
