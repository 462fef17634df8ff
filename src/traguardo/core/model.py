"""The plan of one cycle as plain, frozen data: what the engine scores.

Built by a fetcher (from the database, from the demo fixture, from an import) and never
mutated afterwards. Identities are codes, never titles: an operational objective is
``"<unit>/<number>"`` (``"2.1/1"``) because the seed has different objectives with the
same title; an indicator of the entity table is ``"B<number>"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from traguardo.core.levels import TVBL_LEVELS, Level
from traguardo.core.payout import Payout

EMPTY: Mapping[str, Any] = MappingProxyType({})


class UnitKind(StrEnum):
    AREA = "area"
    SECTOR = "settore"
    OFFICE = "ufficio"
    STAFF_PDC = "staff_pdc"  # personale in diretta collaborazione con una PO


class Role(StrEnum):
    SECRETARY_GENERAL = "segretario_generale"
    MANAGER = "dirigente"
    PO = "po"
    STAFF = "staff"


class Derivation(StrEnum):
    ENTITY_SCORE = "entity_score"  # the value is the entity performance (managers' objective 1)
    SUM = "sum"  # Σ of a same-named indicator over the sub-units (riunioni di riesame)
    MEAN = "mean"  # mean of a same-named indicator over the sub-units (standard di servizio)


@dataclass(frozen=True, slots=True)
class DerivedValue:
    """How an indicator's value is computed instead of entered."""

    kind: Derivation
    indicator_name: str = ""  # for SUM/MEAN: the name of the sub-units' indicator
    unit_kinds: tuple[UnitKind, ...] = ()  # for SUM/MEAN: which sub-units count (empty: all)
    leaves_only: bool = (
        False  # for SUM/MEAN: only units with no sub-units (where services are delivered)
    )


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    kind: UnitKind
    name: str
    parent: str | None = None
    short: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    number: int
    name: str
    target: str  # as written, for the year being scored
    value: str  # as written, at the period being scored
    weight: Decimal
    rule: str | None = None  # None: the SMVP default
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    derived: DerivedValue | None = None
    # The plan's "verso" (IndicatorDirection value: higher, lower, range, exact, yes_no,
    # derived; "" when unknown): decides the rule for a bare target such as "5 gg".
    direction: str = ""


@dataclass(frozen=True, slots=True)
class Objective:
    key: str  # "<home unit>/<number>"
    unit: str  # home unit code
    number: int
    title: str
    indicators: tuple[Indicator, ...]
    # Every unit that carries the objective, with its number there (home included):
    # transversal objectives appear in several units under different numbers.
    assignments: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """One row group of the entity table (Allegato B): indicators, and the weight B."""

    number: int
    heading: str
    weight: Decimal
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class CardObjective:
    number: int  # as numbered on the card
    ref: str  # the objective key it is


@dataclass(frozen=True, slots=True)
class SynthesisRow:
    label: str
    objectives: tuple[int, ...]  # card objective numbers averaged in this row


@dataclass(frozen=True, slots=True)
class Card:
    """A report card (scheda) of a manager or PO holder: the results part."""

    key: str
    role: Role
    title: str
    units: tuple[str, ...]
    objectives: tuple[CardObjective, ...]
    synthesis: tuple[SynthesisRow, ...]


class MissingPolicy(StrEnum):
    ZERO = "zero"  # a missing or unreadable value scores 0 (LG 5/2019: not shown, not achieved)
    EXCLUDE = "exclude"  # left out of the weighted mean, its weight redistributed


@dataclass(frozen=True, slots=True)
class Smvp:
    """The entity's scoring rulebook for the cycle (see docs/smvp.md and core.smvp)."""

    rule: str = "smvp"
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    missing_value: MissingPolicy = MissingPolicy.ZERO
    not_measurable: MissingPolicy = MissingPolicy.ZERO
    levels: tuple[Level, ...] = TVBL_LEVELS
    payout: Payout = field(default_factory=Payout)
    name: str = ""  # the preset it was made from, or the administration's own name

    def level(self, key: str) -> Level:
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class AnnualGoal:
    """An annual objective of the tree and the operational objectives that pursue it."""

    code: str
    title: str
    objectives: tuple[str, ...]  # operational objective keys ("2.1/1")


@dataclass(frozen=True, slots=True)
class StrategicGoal:
    code: str
    title: str
    annual: tuple[AnnualGoal, ...]


@dataclass(frozen=True, slots=True)
class Adjustment:
    """What a person set on one scored figure, by its code (see PlanScore.explain):
    the figure as published (loading a past cycle), and/or an override with its reason."""

    published: Decimal | None = None
    override: Decimal | None = None
    reason: str = ""
    by: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    entity: str
    year: int
    units: tuple[Unit, ...]
    blocks: tuple[Block, ...]
    objectives: tuple[Objective, ...]
    cards: tuple[Card, ...] = ()
    smvp: Smvp = field(default_factory=Smvp)
    strategic: tuple[StrategicGoal, ...] = ()
    adjustments: Mapping[str, Adjustment] = field(default_factory=dict)


T = TypeVar("T")


def code_key(code: str) -> list[tuple[int, int, str]]:
    """Sort key of a dotted code read as numbers: ``1.2`` before ``1.10``, numbers before
    suffixes such as ``PDC``."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]


def tree_order(
    items: list[T], code: Callable[[T], str], parent: Callable[[T], str | None]
) -> list[T]:
    """Units depth-first, siblings in the entity's numbering (``2.1`` before ``2.10``, numbers
    before suffixes such as ``PDC``): the order a reader of the plan expects. Items whose
    parent is missing are appended at the end rather than dropped."""

    def key(item: T) -> list[tuple[int, int, str]]:
        return code_key(code(item))

    children: dict[str | None, list[T]] = {}
    for item in items:
        children.setdefault(parent(item), []).append(item)
    ordered: list[T] = []
    stack = sorted(children.get(None, []), key=key, reverse=True)
    while stack:
        item = stack.pop()
        ordered.append(item)
        stack.extend(sorted(children.get(code(item), []), key=key, reverse=True))
    seen = {id(i) for i in ordered}
    return ordered + [i for i in items if id(i) not in seen]
