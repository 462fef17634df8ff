"""The JSON contract of ``traguardo score --format json`` (the API reuses it).

Schema ``traguardo.score/1`` (documented in docs/score-contract.md). Figures are
strings with a dot decimal rounded to two places (``"72.63"``), or null when undefined;
every figure comes with its ``explanation``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from traguardo.core.numbers import to_contract
from traguardo.core.results import IndicatorScore, ObjectiveScore, PlanScore

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


def to_contract_dict(score: PlanScore) -> dict[str, Any]:
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
