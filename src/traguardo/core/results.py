"""What the engine returns: every figure with its explanation, unrounded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from traguardo.core.explanation import SILENT, Explanation
from traguardo.core.i18n import _
from traguardo.core.model import Role, UnitKind
from traguardo.core.readings import Reading, Target
from traguardo.core.rules import Degree


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    key: str
    number: int
    name: str
    target: Target | None  # None when the written target does not parse
    reading: Reading  # the value used: entered, or computed for a derived indicator
    weight: Decimal
    degree: Degree
    counted: bool  # whether it entered its objective's weighted mean

    @property
    def explanation(self) -> Explanation:
        return self.degree.explanation


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    key: str
    title: str
    performance: Decimal | None
    indicators: tuple[IndicatorScore, ...]
    explanation: Explanation = SILENT


@dataclass(frozen=True, slots=True)
class BlockScore:
    number: int
    heading: str
    achievement: Decimal | None  # A, percent points
    weight: Decimal  # B
    result: Decimal  # A × B / 100, points of the entity result
    indicators: tuple[IndicatorScore, ...]
    explanation: Explanation = SILENT


@dataclass(frozen=True, slots=True)
class EntityScore:
    performance: Decimal
    blocks: tuple[BlockScore, ...]
    explanation: Explanation = SILENT


@dataclass(frozen=True, slots=True)
class UnitScore:
    code: str
    kind: UnitKind
    name: str
    short: str
    performance: Decimal | None
    objectives: tuple[str, ...]  # keys of what was averaged (objectives, or sub-units for areas)
    explanation: Explanation = SILENT


@dataclass(frozen=True, slots=True)
class SynthesisScore:
    label: str
    objectives: tuple[int, ...]
    performance: Decimal | None
    explanation: Explanation = SILENT


@dataclass(frozen=True, slots=True)
class CardScore:
    key: str
    role: Role
    title: str
    units: tuple[str, ...]
    objectives: tuple[tuple[int, str, Decimal | None], ...]  # (card number, ref, performance)
    synthesis: tuple[SynthesisScore, ...]


@dataclass(frozen=True, slots=True)
class LevelScore:
    """A node of a level with no dedicated result type: an annual or strategic objective,
    or a group of a level the administration names itself ("valore pubblico")."""

    level: str  # LevelKey value or the administration's own level key
    code: str  # "1.1", "VP1": the explain code is ``"<prefix><code>"`` (see LEVEL_PREFIXES)
    title: str
    performance: Decimal | None
    parts: tuple[str, ...]  # explain codes of what was combined
    explanation: Explanation = SILENT


@dataclass(frozen=True, slots=True)
class AdjustedFigure:
    """A figure a person overrode: the one used, the one computed, and why."""

    code: str
    used: Decimal
    computed: Decimal | None
    reason: str
    by: str = ""


# Explain codes of the generic levels: "OS-1" (strategic), "OA-1.1" (annual); a named
# level's groups are "<level key>-<group code>".
LEVEL_PREFIXES = {"strategic": "OS-", "annual": "OA-"}


def level_code(level: str, code: str) -> str:
    return LEVEL_PREFIXES.get(level, f"{level}-") + code


@dataclass(frozen=True, slots=True)
class PlanScore:
    entity_name: str
    year: int
    entity: EntityScore
    objectives: dict[str, ObjectiveScore]
    units: tuple[UnitScore, ...]
    cards: tuple[CardScore, ...]
    # Scored levels beyond the above, by level key then node code (insertion = plan order):
    # "annual", "strategic" when the SMVP scores them, and the administration's own levels.
    levels: dict[str, dict[str, LevelScore]] = field(default_factory=dict)
    # Overridden figures by explain code (the computed figure stays visible beside them).
    adjusted: dict[str, AdjustedFigure] = field(default_factory=dict)
    # Figures as published (loading past cycles), by explain code, for deviation checks.
    published: dict[str, Decimal] = field(default_factory=dict)

    def unit(self, code: str) -> UnitScore:
        for unit in self.units:
            if unit.code == code or unit.short == code:
                return unit
        raise KeyError(code)

    def entity_indicator(self, number: int) -> IndicatorScore:
        for block in self.entity.blocks:
            for indicator in block.indicators:
                if indicator.number == number:
                    return indicator
        raise KeyError(number)

    def explain(self, code: str) -> Explanation:
        """The explanation of any node by its code: ``ENTE``, ``B14`` (entity indicator),
        ``BLOCCO-10``, an objective ``2.1/1``, an indicator ``2.1/1#2``, a unit ``2.1`` or
        ``REI1``, a card ``SG``/``PO-0.1``."""
        wanted = code.strip()
        if wanted.upper() in ("ENTE", "ENTITY"):
            return self.entity.explanation
        for level, nodes in self.levels.items():
            for code, node in nodes.items():
                if level_code(level, code) == wanted:
                    return node.explanation
        if wanted.upper().startswith("BLOCCO-"):
            number = int(wanted.split("-", 1)[1])
            return next(b.explanation for b in self.entity.blocks if b.number == number)
        if wanted.upper().startswith("B") and wanted[1:].isdigit():
            return self.entity_indicator(int(wanted[1:])).explanation
        if "#" in wanted:
            objective = self.objectives[wanted.partition("#")[0]]
            return next(i.explanation for i in objective.indicators if i.key == wanted)
        if wanted in self.objectives:
            return self.objectives[wanted].explanation
        for card in self.cards:
            if card.key == wanted:
                return Explanation(
                    subject=_("Scheda {key} — {title}").format(key=card.key, title=card.title),
                    rule=_("sintesi"),
                    formula="; ".join(
                        f"{row.label}: {row.explanation.formula}" for row in card.synthesis
                    ),
                    parts=tuple(row.explanation for row in card.synthesis),
                )
        return self.unit(wanted).explanation
