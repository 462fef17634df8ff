"""Public pages of "Amministrazione trasparente > Performance": a page per administration
listing its published cycles, a page per published cycle with its documents, and the
documents themselves, all without signing in.

Only published cycles exist here, for members too: an unpublished cycle answers 404 exactly
like a year with no cycle, so that nothing about work in progress shows.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from traguardo.accounts import current
from traguardo.oiv.views import validation_document_response
from traguardo.organisation.models import Entity
from traguardo.plans.models import Act, Cycle
from traguardo.reports.relazione.generate import CONTENT_TYPES, EXTENSIONS
from traguardo.reports.relazione.opendata import render_opendata
from traguardo.scoring import lifecycle
from traguardo.transparency import documents


class _Choose(Exception):
    """No administration in the URL and several in the installation."""


def _entity(request: HttpRequest) -> Entity:
    entity = current.public_entity(request)
    if entity is None:
        raise _Choose
    return entity


def _published(entity: Entity) -> list[Cycle]:
    return list(
        Cycle.objects.filter(entity=entity, state=Cycle.State.PUBLISHED)
        .select_related("entity")
        .order_by("-year")
    )


def published_cycle(request: HttpRequest, year: int) -> Cycle:
    entity = _entity(request)
    cycle = next((c for c in _published(entity) if c.year == year), None)
    if cycle is None:
        raise Http404(_("Nessun ciclo %(year)s pubblicato.") % {"year": year})
    return cycle


def _choose(request: HttpRequest) -> HttpResponse:
    """The administrations with something published, each with its transparency page."""
    rows = []
    for entity in Entity.objects.order_by("name"):
        cycles = _published(entity)
        if cycles:
            url = current.reverse_for(request, entity, "transparency:index", kwargs={})
            rows.append({"entity": entity, "cycles": cycles, "url": url})
    return render(request, "transparency/choose.html", {"rows": rows})


def index(request: HttpRequest) -> HttpResponse:
    try:
        entity = _entity(request)
    except _Choose:
        return _choose(request)
    return render(
        request, "transparency/index.html", {"entity": entity, "cycles": _published(entity)}
    )


def cycle_page(request: HttpRequest, year: int) -> HttpResponse:
    try:
        cycle = published_cycle(request, year)
    except _Choose:
        return _choose(request)
    return render(
        request,
        "transparency/cycle.html",
        {
            "cycle": cycle,
            "plan_acts": Act.objects.filter(
                cycle=cycle, kind__in=["plan_approval", "revision"]
            ).order_by("date", "id"),
            "report_acts": Act.objects.filter(cycle=cycle, kind="report_approval"),
            "versions": documents.relazione_versions(cycle),
            "publications": lifecycle.publications(cycle),
            "validation": documents.validation(cycle),
            **_rewards(cycle),
            "min_group": documents.MIN_GROUP,
        },
    )


def _rewards(cycle: Cycle) -> dict[str, object]:
    try:
        return {"rewards": documents.rewards(cycle), "rewards_unavailable": False}
    except documents.RewardsUnavailable:
        return {"rewards": None, "rewards_unavailable": True}


def _cycle_or_404(request: HttpRequest, year: int) -> Cycle:
    try:
        return published_cycle(request, year)
    except _Choose:
        raise Http404(_("Indica l'amministrazione nell'indirizzo.")) from None


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def relazione_file(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = _cycle_or_404(request, year)
    job = documents.public_job(cycle, pk)
    if job is None:
        raise Http404(_("Questo file non è tra quelli pubblicati."))
    name = f"relazione-performance-{cycle.entity.code}-{cycle.year}.{EXTENSIONS[job.format]}"
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il file non è più disponibile.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.format]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a streaming response, served the same way


def validation_document(request: HttpRequest, year: int) -> HttpResponse:
    decision = documents.validation(_cycle_or_404(request, year))
    if decision is None:
        raise Http404(_("Nessun documento di validazione."))
    return validation_document_response(decision)


def plan_csv(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle_or_404(request, year)
    name = f"piano-performance-{cycle.entity.code}-{cycle.year}.csv"
    return _attachment(documents.plan_csv(cycle), name, "text/csv; charset=utf-8")


def rewards_csv(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle_or_404(request, year)
    try:
        summary = documents.rewards(cycle)
    except documents.RewardsUnavailable:
        summary = None
    if summary is None:
        raise Http404(_("Nessun dato sui premi per questo ciclo."))
    name = f"premi-{cycle.entity.code}-{cycle.year}.csv"
    return _attachment(documents.rewards_csv(summary, cycle.year), name, "text/csv; charset=utf-8")


def open_data(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle_or_404(request, year)
    name = f"open-data-performance-{cycle.entity.code}-{cycle.year}.zip"
    return _attachment(render_opendata(cycle), name, "application/zip")
