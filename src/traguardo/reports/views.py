"""Public results pages: the entity result and the performance tree with every score."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from traguardo.accounts import permissions
from traguardo.accounts.permissions import can_view_card
from traguardo.individual.models import ReportCard
from traguardo.plans.models import Cycle, OperationalObjective
from traguardo.scoring import lifecycle
from traguardo.scoring.score_cache import part
from traguardo.scoring.services import score_cycle


def _cycle(request: HttpRequest, year: int | None) -> Cycle:
    """The cycle of the page, if the visitor may read it.

    Citizens read published cycles only; a cycle they may not read answers 404, exactly
    like one that does not exist, so that the URL reveals nothing about unpublished work.
    """
    # Several administrations may have a cycle of a year: a member reads their own
    # administration's, anyone else a published one (never another's by mistake).
    cycles = Cycle.objects.select_related("entity").order_by("-year", "-id")
    if year is not None:
        cycles = cycles.filter(year=year)
    candidates = list(cycles)
    own = [c for c in candidates if permissions.is_member_of(request.user, c.entity_id)]
    readable = own or [c for c in candidates if c.is_published]
    if not readable:
        if year is None:
            raise Http404("nessun ciclo pubblicato")
        raise Http404(f"nessun ciclo {year} pubblicato")
    return readable[0]


def _card(cycle: Cycle, code: str) -> ReportCard | None:
    wanted = code.strip()
    if "/" in wanted or "#" in wanted:
        return None  # an objective or an indicator
    return ReportCard.objects.filter(cycle=cycle, key=wanted).select_related("cycle").first()


def results(request: HttpRequest, year: int | None = None) -> HttpResponse:
    cycle = _cycle(request, year)
    published = (
        cycle.transitions.filter(target=Cycle.State.PUBLISHED).order_by("-at", "-id").first()
    )
    return render(
        request,
        "reports/results.html",
        {
            "cycle": cycle,
            "published": published,
            "publications": lifecycle.publications(cycle),
            "body": results_part(cycle),
        },
    )


def results_part(cycle: Cycle) -> SafeString:
    """The results of the cycle as citizens read them."""
    return part("reports/_results_body.html", cycle.pk, None, lambda: _body(cycle))


def _body(cycle: Cycle) -> dict[str, Any]:
    score = score_cycle(cycle)
    objectives = (
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("home_unit")
        .prefetch_related("annual_objectives")
        .order_by("id")
    )
    by_annual: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for objective in objectives:
        key = f"{objective.home_unit.code}/{objective.number}"
        row = {
            "key": key,
            "title": objective.title,
            "unit": objective.home_unit,
            "score": score.objectives[key],
        }
        for annual in objective.annual_objectives.all():
            by_annual[annual.id].append(row)
    tree = []
    for strategic in cycle.strategic_objectives.prefetch_related("annual_objectives").order_by(
        "id"
    ):
        tree.append(
            {
                "strategic": strategic,
                "annual": [
                    {"annual": a, "objectives": by_annual.get(a.id, [])}
                    for a in strategic.annual_objectives.order_by("id")
                ],
            }
        )
    areas = [u for u in score.units if u.kind.value == "area"]
    sectors = {u.code: u for u in score.units if u.kind.value == "settore"}
    return {
        "cycle": cycle,
        "score": score,
        "tree": tree,
        "areas": [
            {"area": a, "sectors": [sectors[c] for c in a.objectives if c in sectors]}
            for a in areas
        ],
    }


def explain(request: HttpRequest, year: int, code: str) -> HttpResponse:
    cycle = _cycle(request, year)
    card = _card(cycle, code)
    if card is not None and not can_view_card(request.user, card):
        # A card's results are part of a person's evaluation: never public, and to members
        # only as the card itself (docs/individual.md). 404 as for an unknown code.
        raise Http404(f"codice «{code}» non trovato")

    def body() -> dict[str, Any]:
        try:
            explanation = score_cycle(cycle).explain(code)
        except (KeyError, StopIteration, ValueError):
            raise Http404(f"codice «{code}» non trovato") from None
        return {"cycle": cycle, "code": code, "explanation": explanation}

    # An unknown code raises before anything is cached: only real figures fill the cache.
    return render(
        request,
        "reports/explain.html",
        {
            "cycle": cycle,
            "code": code,
            "body": part("reports/_explain_body.html", cycle.pk, code, body),
        },
    )
