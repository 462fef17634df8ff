"""Entry points for the web app, the API and the command line.

`get_cycle(year, entity)` and `CycleNotFound` come from `traguardo.plans.lookup`."""

from __future__ import annotations

from traguardo.core.engine import score_plan
from traguardo.core.model import Plan
from traguardo.core.results import PlanScore
from traguardo.monitoring.models import Period
from traguardo.plans.lookup import CycleNotFound, get_cycle
from traguardo.plans.models import Cycle
from traguardo.scoring import snapshots
from traguardo.scoring.fetch import fetch_plan
from traguardo.scoring.score_cache import scored

__all__ = ["CycleNotFound", "get_cycle", "live", "plan_of", "score_cycle"]


def _plan_and_score(cycle: Cycle, period: str) -> tuple[Plan, PlanScore]:
    # A closed, validated or published cycle shows its stored score, never a new one.
    if cycle.state in snapshots.FROZEN_STATES:
        stored = snapshots.stored(cycle, period)
        if stored is not None:
            return stored
    return live(cycle, period)


def live(cycle: Cycle, period: str = Period.Code.FINAL) -> tuple[Plan, PlanScore]:
    """The plan and score from today's data, code and settings, whatever the state."""

    def compute() -> tuple[Plan, PlanScore]:
        plan = fetch_plan(cycle, period)
        # Always with explanations: the cached score serves the "why" pages too.
        return plan, score_plan(plan, explain=True)

    return scored(cycle.pk, period, compute)


def plan_of(cycle: Cycle, period: str = Period.Code.FINAL) -> Plan:
    """The cycle's plan as the core sees it (frozen: callers change copies)."""
    return _plan_and_score(cycle, period)[0]


def score_cycle(
    cycle: Cycle, *, explain: bool = True, period: str = Period.Code.FINAL
) -> PlanScore:
    """The cycle scored at a period (the 31.12 by default), with explanations; for a
    closed, validated or published cycle, its stored snapshot (scoring.snapshots).

    `explain` is kept for callers that do not need explanations; the cached score carries
    them anyway, computed once per data version (scoring.score_cache)."""
    del explain
    return _plan_and_score(cycle, period)[1]
