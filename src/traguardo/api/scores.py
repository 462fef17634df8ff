"""Scores for the API: computed by the core (never here), once per request, and matched
to the indicators stored in the database through the contract's keys."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from traguardo.accounts.permissions import can_view_card
from traguardo.core.results import IndicatorScore, PlanScore
from traguardo.individual.models import ReportCard
from traguardo.plans.models import Cycle, Indicator
from traguardo.scoring.services import score_cycle

_CACHE = "_traguardo_api_scores"


def plan_score(request: Any, cycle: Cycle) -> PlanScore:
    """The cycle's PlanScore, computed once per request."""
    cache: dict[int, PlanScore] = getattr(request, _CACHE, None) or {}
    if cycle.pk not in cache:
        cache[cycle.pk] = score_cycle(cycle)
        setattr(request, _CACHE, cache)
    return cache[cycle.pk]


def hidden_card_keys(user: Any, cycle: Cycle) -> set[str]:
    """Keys of the cycle's report cards `user` may not read (`can_view_card`): a card's
    results are part of a person's evaluation, never public (docs/individual.md)."""
    cards = ReportCard.objects.filter(cycle=cycle).select_related("cycle").prefetch_related("units")
    return {c.key for c in cards if not can_view_card(user, c)}


def is_card_code(cycle: Cycle, code: str) -> bool:
    """Does `code` name one of the cycle's report cards (SG, DIR-2, PO-3.1)?"""
    wanted = code.strip()
    return (
        "/" not in wanted
        and "#" not in wanted
        and (ReportCard.objects.filter(cycle=cycle, key=wanted).exists())
    )


def indicator_keys(cycle: Cycle) -> dict[int, str]:
    """Database id → contract key: ``B<number>`` for Allegato B, ``<objective>#<row>`` for
    an objective's indicator, rows counted in the order scoring.fetch reads them
    (number, then id)."""
    keys: dict[int, str] = {}
    rows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pk, number, unit_code, objective_number in Indicator.objects.filter(
        objective__cycle=cycle
    ).values_list("id", "number", "objective__home_unit__code", "objective__number"):
        rows[f"{unit_code}/{objective_number}"].append((number, pk))
    for objective_code, items in rows.items():
        for row, (_number, pk) in enumerate(sorted(items), start=1):
            keys[pk] = f"{objective_code}#{row}"
    for pk, number in Indicator.objects.filter(entity_block__cycle=cycle).values_list(
        "id", "number"
    ):
        keys[pk] = f"B{number}"
    return keys


def scores_by_key(score: PlanScore) -> dict[str, IndicatorScore]:
    found = {i.key: i for block in score.entity.blocks for i in block.indicators}
    for objective in score.objectives.values():
        found.update({i.key: i for i in objective.indicators})
    return found


def is_off_target(indicator: IndicatorScore) -> bool:
    """Scored and below 100% of its target (missing and unmeasurable values count too:
    they score as the SMVP's policy says, never as achieved)."""
    degree = indicator.degree
    if degree.status.value == "excluded" or degree.value is None:
        return False
    return degree.value < 100
