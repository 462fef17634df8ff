"""Entry points for the web app, the API and the command line."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from traguardo.core.engine import score_plan
from traguardo.core.results import PlanScore
from traguardo.plans.models import Cycle
from traguardo.scoring.fetch import fetch_plan


class CycleNotFound(LookupError):
    pass


def get_cycle(year: int) -> Cycle:
    try:
        return Cycle.objects.select_related("entity").filter(year=year).latest("id")
    except ObjectDoesNotExist:
        raise CycleNotFound(
            f"nessun ciclo {year} nel database: caricalo con «traguardo load-demo»"
        ) from None


def score_cycle(cycle: Cycle, *, explain: bool = True) -> PlanScore:
    return score_plan(fetch_plan(cycle), explain=explain)
