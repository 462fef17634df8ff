"""Published figures against computed ones, and the figures a person overrode.

A past cycle loaded from its published Relazione may carry, for any scored item, the figure
that was published (`PlanScore.published`, by explain code). The published figure was
rounded by the SMVP of that cycle: it is compared with the computed figure rounded to the
places of the item's level (`Smvp.level(key).rounding`), so that 72,63 published against
72,6266 computed is no deviation, and 72,60 is one.

The computed figure of an overridden item is the one the engine would have used
(`AdjustedFigure.computed`), not the override: a deviation says whether the data and the
rules reproduce what was published.

Pure Python, like the rest of the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.i18n import _
from traguardo.core.levels import LevelKey, Rounding
from traguardo.core.model import Smvp, UnitKind
from traguardo.core.results import PlanScore, level_code


def _level_node(score: PlanScore, code: str) -> tuple[str, object] | None:
    for level, nodes in score.levels.items():
        for node_code, node in nodes.items():
            if level_code(level, node_code) == code:
                return level, node
    return None


def level_key(score: PlanScore, code: str) -> str:
    """The SMVP level of the item named by `code` (an explain code, see PlanScore.explain):
    ``ENTE`` the entity, ``BLOCCO-n`` a block, ``Bn`` and ``2.1/1#2`` indicators, ``2.1/1``
    an objective, ``OS-1``/``OA-1.1`` strategic and annual objectives, a unit's code the
    unit (or the area); KeyError for a code that names nothing scored."""
    wanted = code.strip()
    if wanted.upper() in ("ENTE", "ENTITY"):
        return LevelKey.ENTITY.value
    found = _level_node(score, wanted)
    if found is not None:
        return found[0]
    if wanted.upper().startswith("BLOCCO-"):
        return LevelKey.BLOCK.value
    if (wanted.upper().startswith("B") and wanted[1:].isdigit()) or "#" in wanted:
        return LevelKey.INDICATOR.value
    if wanted in score.objectives:
        return LevelKey.OBJECTIVE.value
    unit = score.unit(wanted)  # KeyError when it is no unit either
    return LevelKey.AREA.value if unit.kind is UnitKind.AREA else LevelKey.UNIT.value


def computed_figure(score: PlanScore, code: str) -> Decimal | None:
    """The figure of the item as it stands in the score (the override when there is one);
    KeyError when the code names nothing scored. None: no figure (n.d.)."""
    wanted = code.strip()
    if wanted.upper() in ("ENTE", "ENTITY"):
        return score.entity.performance
    found = _level_node(score, wanted)
    if found is not None:
        performance: Decimal | None = getattr(found[1], "performance", None)
        return performance
    if wanted.upper().startswith("BLOCCO-"):
        number = wanted.split("-", 1)[1]
        for block in score.entity.blocks:
            if str(block.number) == number:
                return block.achievement
        raise KeyError(code)
    if wanted.upper().startswith("B") and wanted[1:].isdigit():
        return score.entity_indicator(int(wanted[1:])).degree.value
    if "#" in wanted:
        objective = score.objectives[wanted.partition("#")[0]]
        for indicator in objective.indicators:
            if indicator.key == wanted:
                return indicator.degree.value
        raise KeyError(code)
    if wanted in score.objectives:
        return score.objectives[wanted].performance
    return score.unit(wanted).performance


def figure(score: PlanScore, code: str) -> Decimal | None:
    """The computed figure of an item: for an overridden one, what the engine computed
    before the override (`AdjustedFigure.computed`). KeyError for an unknown code."""
    adjusted = score.adjusted.get(code.strip())
    if adjusted is not None:
        return adjusted.computed
    return computed_figure(score, code)


def label(score: PlanScore, code: str) -> str:
    """The item in a few words, for lists: "Obiettivo 2.1/1 — …", "Indicatore B14 — …"."""
    wanted = code.strip()
    try:
        if wanted.upper() in ("ENTE", "ENTITY"):
            return _("Performance di Ente")
        found = _level_node(score, wanted)
        if found is not None:
            return f"{wanted} — {getattr(found[1], 'title', '')}".rstrip(" —")
        if wanted.upper().startswith("BLOCCO-"):
            number = wanted.split("-", 1)[1]
            block = next(b for b in score.entity.blocks if str(b.number) == number)
            return _("Blocco {n} — {heading}").format(n=block.number, heading=block.heading)
        if wanted.upper().startswith("B") and wanted[1:].isdigit():
            indicator = score.entity_indicator(int(wanted[1:]))
            return _("Indicatore {code} — {name}").format(code=wanted, name=indicator.name)
        if "#" in wanted:
            objective = score.objectives[wanted.partition("#")[0]]
            scored = next(i for i in objective.indicators if i.key == wanted)
            return _("Indicatore {code} — {name}").format(code=wanted, name=scored.name)
        if wanted in score.objectives:
            return _("Obiettivo {code} — {title}").format(
                code=wanted, title=score.objectives[wanted].title
            )
        unit = score.unit(wanted)
        return f"{unit.code} — {unit.name}"
    except (KeyError, StopIteration, ValueError):
        return wanted


def exists(score: PlanScore, code: str) -> bool:
    """Whether `code` names a scored figure of the plan (cards are not single figures)."""
    try:
        level_key(score, code)
        computed_figure(score, code)
    except (KeyError, StopIteration, ValueError):
        return False
    return True


def rounding(smvp: Smvp, key: str) -> Rounding:
    try:
        return smvp.level(key).rounding
    except KeyError:
        return Rounding()


@dataclass(frozen=True, slots=True)
class Deviation:
    """A published figure that the computed one, rounded as the SMVP rounds its level,
    does not reproduce."""

    code: str
    label: str
    level: str  # the SMVP level key ("" when the code names nothing in the plan any more)
    published: Decimal
    computed: Decimal | None  # unrounded; None: not computable (no value, unknown item)
    rounded: Decimal | None  # computed, rounded to the level's places
    difference: Decimal | None  # published − rounded


def check(score: PlanScore, smvp: Smvp, code: str, published: Decimal) -> tuple[Deviation, bool]:
    """The comparison for one published figure, and whether it is a deviation."""
    try:
        key = level_key(score, code)
        computed = figure(score, code)
    except (KeyError, StopIteration, ValueError):
        return Deviation(code, code, "", published, None, None, None), True
    rounded = None if computed is None else rounding(smvp, key).apply(computed)
    difference = None if rounded is None else published - rounded
    entry = Deviation(code, label(score, code), key, published, computed, rounded, difference)
    return entry, rounded is None or published != rounded


def deviations(
    score: PlanScore, smvp: Smvp, published: Mapping[str, Decimal] | None = None
) -> list[Deviation]:
    """Every published figure that differs from the computed one rounded at its level's
    places, in the order given. `published` defaults to the score's own
    (`PlanScore.published`); a caller holding a stored score of a closed cycle passes the
    figures recorded since."""
    figures = score.published if published is None else published
    found = []
    for code, value in figures.items():
        entry, deviates = check(score, smvp, code, value)
        if deviates:
            found.append(entry)
    return found
