"""The JSON contract of ``traguardo score --format json`` (the API reuses it).

Schema ``traguardo.score/1`` (documented in docs/score-contract.md). Figures are
strings with a dot decimal rounded to two places (``"72.63"``), or null when undefined;
every figure comes with its ``explanation``. Given the cycle's SMVP (the API, when asked
with ``?livelli=1``), ``smvp`` adds its levels (name, method, decimals) and the results of
the levels the fields above have no place for (strategic and annual objectives, the
administration's own levels), each rounded to its level's decimals; their explanations are
at ``score/explain`` by ``explain_code``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from traguardo.core.levels import Level
from traguardo.core.model import Smvp
from traguardo.core.numbers import to_contract
from traguardo.core.results import IndicatorScore, ObjectiveScore, PlanScore, level_code

SCHEMA = "traguardo.score/1"


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else to_contract(value)


def _indicator(score: IndicatorScore) -> dict[str, Any]:
    return {
        "key": score.key,
        "number": score.number,
        "name": score.name,
        "target": score.target.text if score.target else None,
        "value": score.reading.text,
        "value_kind": score.reading.kind.value,
        "weight": _figure(score.weight),
        "degree": _figure(score.degree.value),
        "status": score.degree.status.value,
        "explanation": score.explanation.as_dict(),
    }


def _objective(score: ObjectiveScore) -> dict[str, Any]:
    return {
        "code": score.key,
        "title": score.title,
        "performance": _figure(score.performance),
        "indicators": [_indicator(i) for i in score.indicators],
        "explanation": score.explanation.as_dict(),
    }


def _level_figure(level: Level, value: Decimal | None) -> str | None:
    if value is None:
        return None
    return to_contract(level.rounding.apply(value), level.rounding.places)


def smvp_dict(smvp: Smvp, score: PlanScore) -> dict[str, Any]:
    """The SMVP's levels and the results of those PlanScore.levels holds."""
    levels = []
    for level in smvp.levels:
        nodes = (score.levels or {}).get(level.key, {}) if level.scored else {}
        levels.append(
            {
                "key": level.key,
                "label": level.label,
                "scored": level.scored,
                "method": level.method.value,
                "places": level.rounding.places,
                "rounding": level.rounding.mode.value,
                "rounded_before_next": level.rounding.before_next,
                "results": [
                    {
                        "code": node.code,
                        "explain_code": level_code(level.key, node.code),
                        "title": node.title,
                        "performance": _level_figure(level, node.performance),
                        "parts": list(node.parts),
                    }
                    for node in nodes.values()
                ],
            }
        )
    return {"name": smvp.name, "levels": levels}


def to_contract_dict(score: PlanScore, smvp: Smvp | None = None) -> dict[str, Any]:
    data = _contract(score)
    if smvp is not None:
        data["smvp"] = smvp_dict(smvp, score)
    return data


def _contract(score: PlanScore) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "entity": {
            "name": score.entity_name,
            "year": score.year,
            "performance": _figure(score.entity.performance),
            "explanation": score.entity.explanation.as_dict(),
        },
        "entity_indicators": [_indicator(i) for b in score.entity.blocks for i in b.indicators],
        "blocks": [
            {
                "number": b.number,
                "heading": b.heading,
                "indicators": [i.number for i in b.indicators],
                "achievement": _figure(b.achievement),
                "weight": _figure(b.weight),
                "result": _figure(b.result),
                "explanation": b.explanation.as_dict(),
            }
            for b in score.entity.blocks
        ],
        "objectives": [_objective(o) for o in score.objectives.values()],
        "units": [
            {
                "code": u.code,
                "short": u.short,
                "name": u.name,
                "kind": u.kind.value,
                "performance": _figure(u.performance),
                "explanation": u.explanation.as_dict(),
            }
            for u in score.units
        ],
        "cards": [
            {
                "key": c.key,
                "role": c.role.value,
                "title": c.title,
                "unit": c.units[0] if c.units else None,
                "units": list(c.units),
                "objectives": [
                    {"number": n, "code": ref, "performance": _figure(p)}
                    for n, ref, p in c.objectives
                ],
                "synthesis": [
                    {
                        "label": s.label,
                        "objectives": list(s.objectives),
                        "performance": _figure(s.performance),
                        "explanation": s.explanation.as_dict(),
                    }
                    for s in c.synthesis
                ],
            }
            for c in score.cards
        ],
    }
