"""Public results pages: the entity result and the performance tree with every score."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from traguardo.accounts import current, permissions
from traguardo.accounts.permissions import can_view_card
from traguardo.individual.models import ReportCard
from traguardo.plans.models import Cycle, OperationalObjective
from traguardo.reports import explain_page, public_charts
from traguardo.scoring import adjustments, lifecycle
from traguardo.scoring.score_cache import part
from traguardo.scoring.services import score_cycle
from traguardo.scoring.smvp_view import build_view


class ChooseEntity(Exception):
    """Several administrations could be meant (no code in the URL, a visitor without
    roles): the page lists the published cycles of each instead of guessing."""

    def __init__(self, cycles: list[Cycle]) -> None:
        super().__init__("scegli l'ente")
        self.cycles = cycles


def _cycle(request: HttpRequest, year: int | None) -> Cycle:
    """The cycle of the page, if the visitor may read it.

    Whose: the administration of the URL's code, else the member's current one, else the
    installation's only one (traguardo.accounts.current.public_entity); with several
    administrations and none of these, ChooseEntity. Citizens read published cycles only; a
    cycle they may not read answers 404, exactly like one that does not exist, so that the
    URL reveals nothing about unpublished work.
    """
    cycles = Cycle.objects.select_related("entity").order_by("-year", "-id")
    if year is not None:
        cycles = cycles.filter(year=year)
    entity = current.public_entity(request)
    if entity is not None:
        cycles = cycles.filter(entity=entity)
    readable = [c for c in cycles if permissions.can_view_public(request.user, c)]
    if not readable:
        if year is None:
            raise Http404("nessun ciclo pubblicato")
        raise Http404(f"nessun ciclo {year} pubblicato")
    if entity is None:
        latest: dict[int, Cycle] = {}
        for cycle in readable:  # newest first: one line per administration
            latest.setdefault(cycle.entity_id, cycle)
        raise ChooseEntity(sorted(latest.values(), key=lambda c: c.entity.name))
    return readable[0]


def _choose(request: HttpRequest, choice: ChooseEntity) -> HttpResponse:
    """The administrations whose page this could be, each with its link."""
    match = request.resolver_match
    view = match.view_name if match is not None else "reports:latest"
    kwargs = match.kwargs if match is not None else {}
    rows = [
        {"cycle": c, "url": current.reverse_for(request, c.entity, view, kwargs=kwargs)}
        for c in choice.cycles
    ]
    return render(request, "reports/choose_entity.html", {"rows": rows})


def _card(cycle: Cycle, code: str) -> ReportCard | None:
    wanted = code.strip()
    if "/" in wanted or "#" in wanted:
        return None  # an objective or an indicator
    return ReportCard.objects.filter(cycle=cycle, key=wanted).select_related("cycle").first()


def results(request: HttpRequest, year: int | None = None) -> HttpResponse:
    try:
        cycle = _cycle(request, year)
    except ChooseEntity as choice:
        return _choose(request, choice)
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
    view = build_view(cycle, score)
    tree = []
    for strategic in cycle.strategic_objectives.prefetch_related("annual_objectives").order_by(
        "id"
    ):
        tree.append(
            {
                "strategic": strategic,
                # The SMVP's result of the node, when it scores strategic/annual objectives.
                "result": view.node("strategic", strategic.code),
                "annual": [
                    {
                        "annual": a,
                        "result": view.node("annual", a.code),
                        "objectives": by_annual.get(a.id, []),
                    }
                    for a in strategic.annual_objectives.order_by("id")
                ],
            }
        )
    areas = [u for u in score.units if u.kind.value == "area"]
    sectors = {u.code: u for u in score.units if u.kind.value == "settore"}
    charts = [public_charts.areas(score), public_charts.degrees(score), public_charts.trend(cycle)]
    return {
        "cycle": cycle,
        "score": score,
        "view": view,
        "charts": [c for c in charts if c is not None],
        "tree": tree,
        "areas": [
            {"area": a, "sectors": [sectors[c] for c in a.objectives if c in sectors]}
            for a in areas
        ],
    }


def explain(request: HttpRequest, year: int, code: str) -> HttpResponse:
    try:
        cycle = _cycle(request, year)
    except ChooseEntity as choice:
        return _choose(request, choice)
    card = _card(cycle, code)
    if card is not None and not can_view_card(request.user, card):
        # A card's results are part of a person's evaluation: never public, and to members
        # only as the card itself (docs/individual.md). 404 as for an unknown code.
        raise Http404(f"codice «{code}» non trovato")

    def body() -> dict[str, Any]:
        score = score_cycle(cycle)
        try:
            explanation = score.explain(code)
        except (KeyError, StopIteration, ValueError):
            raise Http404(f"codice «{code}» non trovato") from None
        return {
            "cycle": cycle,
            "code": code,
            "explanation": explanation,
            "justifications": explain_page.justifications(cycle, code),
            "target_changes": explain_page.target_changes(cycle, code),
            **explain_page.adjustment(cycle, score, code),
        }

    # An unknown code raises before anything is cached: only real figures fill the cache.
    body_html = part("reports/_explain_body.html", cycle.pk, code, body)
    return render(
        request,
        "reports/explain.html",
        {
            "cycle": cycle,
            "code": code,
            "heading": explain_page.heading(score_cycle(cycle), code),
            "body": body_html,
            # The override and published-figure forms, for the roles that set them.
            "can_override": adjustments.can_override(request.user, cycle),
            "can_set_published": adjustments.can_set_published(request.user, cycle),
            "next": request.get_full_path(),
        },
    )
