"""The levels of an SMVP: which nodes of the plan carry a score, and how each is computed.

An SMVP (sistema di misurazione e valutazione della performance) says, for every level of
the tree, whether it is scored, how its parts are combined, and how its result is rounded.
Treviso-Belluno 2019 is one configuration among many (:data:`TVBL_LEVELS`): operational
objectives are weighted means of their indicators, sectors plain means of their objectives,
the entity Σ A × B over the Allegato B blocks, nothing rounded before the end. Parsing and
checking a configuration written by a person lives in :mod:`traguardo.core.smvp`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from types import MappingProxyType

from traguardo.core.i18n import N_
from traguardo.core.numbers import round_half_up


class Method(StrEnum):
    """How a level combines the figures of its parts."""

    WEIGHTED_MEAN = "weighted_mean"  # Σ v × w / Σ w: weights normalised to their sum
    MEAN = "mean"  # plain arithmetic mean, no weights
    WEIGHTED_SUM = "weighted_sum"  # Σ v × w / 100, e.g. Σ A × B with B in points of 100
    MINIMUM = "minimum"  # the worst part: 100 only if every part reached its target
    FIXED_TOTAL = "fixed_total"  # Σ v × factor: points on a fixed total


METHOD_LABELS: Mapping[Method, str] = MappingProxyType(
    {
        Method.WEIGHTED_MEAN: N_("media ponderata"),
        Method.MEAN: N_("media semplice"),
        Method.WEIGHTED_SUM: N_("somma ponderata (Σ valore × peso / 100)"),
        Method.MINIMUM: N_("risultato peggiore (tutti i target raggiunti)"),
        Method.FIXED_TOTAL: N_("totale fisso (Σ valore × fattore)"),
    }
)

WEIGHTED_METHODS = frozenset((Method.WEIGHTED_MEAN, Method.WEIGHTED_SUM))


class RoundingMode(StrEnum):
    HALF_UP = "half_up"  # 0,5 away from zero: the Italian school rule
    HALF_EVEN = "half_even"  # 0,5 to the even digit (banker's rounding)


@dataclass(frozen=True, slots=True)
class Rounding:
    """How a level's result is rounded: for display always, before the next level only
    when ``before_next`` (otherwise the next level uses the unrounded figure)."""

    places: int = 2
    mode: RoundingMode = RoundingMode.HALF_UP
    before_next: bool = False

    def apply(self, value: Decimal) -> Decimal:
        if self.mode is RoundingMode.HALF_UP:
            return round_half_up(value, self.places)
        quantum = Decimal(1).scaleb(-self.places)
        return value.quantize(quantum, rounding=ROUND_HALF_EVEN)

    def passed_on(self, value: Decimal | None) -> Decimal | None:
        """The figure the next level uses."""
        if value is None or not self.before_next:
            return value
        return self.apply(value)


class LevelKey(StrEnum):
    """The levels of the tree Traguardo knows; an SMVP may add levels of its own."""

    INDICATOR = "indicator"  # degree of achievement of one indicator
    OBJECTIVE = "objective"  # operational objective, from its indicators
    ANNUAL = "annual"  # annual objective, from its operational objectives
    STRATEGIC = "strategic"  # strategic objective, from its annual objectives
    UNIT = "unit"  # sector or office, from the objectives assigned to it
    AREA = "area"  # area, from its sectors
    BLOCK = "block"  # Allegato B block (the entity table), from its indicators
    ENTITY = "entity"  # the entity's organisational performance
    CARD = "card"  # a synthesis row of a report card, from the card's objectives


class EntitySource(StrEnum):
    """What the entity's result is computed from."""

    BLOCKS = "blocks"  # the entity table's blocks (weights B)
    STRATEGIC = "strategic"  # the strategic objectives
    AREAS = "areas"  # the areas (or top units when there are no areas)
    OBJECTIVES = "objectives"  # every operational objective


@dataclass(frozen=True, slots=True)
class Group:
    """One node of a level the administration names itself (e.g. a "valore pubblico")."""

    code: str
    label: str
    members: tuple[str, ...]  # keys of the source level's items


@dataclass(frozen=True, slots=True)
class Level:
    key: str  # a LevelKey, or the administration's own key for a named level
    label: str  # the administration's own name for it ("Performance di Ente")
    scored: bool = True
    method: Method = Method.MEAN
    rounding: Rounding = field(default_factory=Rounding)
    # weighted_mean/weighted_sum at levels whose parts carry no weight in the plan
    # (units, annual and strategic objectives, named groups): key of the part -> weight;
    # a part not listed weighs 1.
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    factor: Decimal = Decimal(1)  # fixed_total only
    source: str = ""  # entity: an EntitySource; named levels: the LevelKey they group
    groups: tuple[Group, ...] = ()  # named levels only

    def weight_of(self, key: str) -> Decimal:
        return self.weights.get(key, Decimal(1))


# Levels whose parts carry their weight in the plan itself (indicator weights, block B).
PLAN_WEIGHTED = frozenset((LevelKey.OBJECTIVE, LevelKey.BLOCK))

TVBL_LEVELS: tuple[Level, ...] = (
    Level(LevelKey.INDICATOR, N_("Grado di realizzazione dell'indicatore")),
    Level(LevelKey.OBJECTIVE, N_("Obiettivo operativo"), method=Method.WEIGHTED_MEAN),
    Level(LevelKey.ANNUAL, N_("Obiettivo annuale"), scored=False),
    Level(LevelKey.STRATEGIC, N_("Obiettivo strategico"), scored=False),
    Level(LevelKey.UNIT, N_("Performance del settore")),
    Level(LevelKey.AREA, N_("Performance dell'area")),
    Level(LevelKey.BLOCK, N_("Realizzazione (A) del blocco"), method=Method.WEIGHTED_MEAN),
    Level(
        LevelKey.ENTITY,
        N_("Performance di Ente"),
        method=Method.WEIGHTED_SUM,
        source=EntitySource.BLOCKS,
    ),
    Level(LevelKey.CARD, N_("Sintesi della scheda")),
)


def level_map(levels: tuple[Level, ...]) -> Mapping[str, Level]:
    return MappingProxyType({level.key: level for level in levels})
