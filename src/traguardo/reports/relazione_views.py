"""The Relazione in the web application: generate a format for a cycle in the background,
follow its progress, download the files kept; read the HTML version; edit the narratives.

Members of the entity read and download; the performance office generates and edits
(permissions.can_manage_cycle), checked on every request including crafted POSTs.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from traguardo.accounts import current, permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.plans import scope
from traguardo.plans.models import Cycle
from traguardo.reports import published
from traguardo.reports.models import HeadlineIndicator, Narrative, ReportJob
from traguardo.reports.relazione import texts
from traguardo.reports.relazione.content import Builder
from traguardo.reports.relazione.generate import CONTENT_TYPES, EXTENSIONS, FORMATS
from traguardo.reports.relazione.html import body_html
from traguardo.reports.relazione.jobs import interrupt_stale
from traguardo.reports.relazione.placeholders import unknown_names
from traguardo.reports.relazione.sanitize import clean_html
from traguardo.reports.tasks import request_job, retry_job
from traguardo.scoring import lifecycle

# A section of the Relazione is a few pages of HTML; beyond this it is not a text typed
# in the page (issue 15, point 13: every free text has a limit, as in the API).
NARRATIVE_MAX_LENGTH = 200_000


def _cycles(request: HttpRequest) -> list[Cycle]:
    entities = current.entity_ids(request)  # the URL's administration, else the user's
    return list(Cycle.objects.filter(entity_id__in=entities).select_related("entity"))


def _cycle(request: HttpRequest, year: int | None) -> Cycle:
    cycles = _cycles(request)
    if not cycles:
        raise Http404(_("Nessun ciclo della performance per il tuo ente."))
    if year is None:
        return max(cycles, key=lambda c: c.year)
    for cycle in cycles:
        if cycle.year == year:
            return cycle
    raise Http404(_("Nessun ciclo %(year)s per il tuo ente.") % {"year": year})


def _job_json(job: ReportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "step": job.step,
        "message": job.message,
        "attempts": job.attempts,
        "can_retry": job.can_retry,
        "download": reverse("relazione:download", args=[job.pk])
        if job.status == ReportJob.Status.DONE and job.file
        else "",
    }


@member_required
def index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    if year is None and request.GET.get("anno", "").isdigit():
        year = int(request.GET["anno"])
    cycle = _cycle(request, year)
    check(permissions.can_view_plan(request.user, cycle))
    interrupt_stale(ReportJob.objects.filter(cycle=cycle))
    jobs = list(
        ReportJob.objects.filter(cycle=cycle)
        .select_related("requested_by")
        .order_by("-requested_at", "-id")[:30]
    )
    return render(
        request,
        "relazione/index.html",
        {
            "cycle": cycle,
            "cycles": _cycles(request),
            "jobs": jobs,
            "formats": ReportJob.Format.choices,
            "can_generate": texts.can_edit(request.user, cycle),
            "active": any(j.status in ("queued", "running") for j in jobs),
            "published_versions": published.relazione_versions(cycle) if cycle.is_published else [],
            "correction": lifecycle.correction_in_progress(cycle),
        },
    )


@require_POST
@member_required
def generate(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    check(
        texts.can_edit(request.user, cycle),
        _("Solo l'ufficio performance può generare la Relazione (e non dopo la pubblicazione)."),
    )
    fmt = request.POST.get("format", "")
    if fmt not in FORMATS:
        messages.error(request, _("Scegli un formato tra quelli elencati."))
        return redirect("relazione:year", year=cycle.year)
    job = request_job(cycle, fmt, request.user)
    messages.success(
        request,
        _("Generazione %(format)s avviata: l'avanzamento è mostrato nell'elenco.")
        % {"format": job.get_format_display()},
    )
    return redirect("relazione:year", year=cycle.year)


@require_POST
@member_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again a generation that failed or whose worker died."""
    job = get_object_or_404(ReportJob.objects.select_related("cycle"), pk=pk)
    check(
        texts.can_edit(request.user, job.cycle),
        _("Solo l'ufficio performance può generare la Relazione (e non dopo la pubblicazione)."),
    )
    interrupt_stale(ReportJob.objects.filter(pk=pk))
    if retry_job(job):
        messages.success(
            request,
            _("Generazione %(format)s di nuovo in coda.") % {"format": job.get_format_display()},
        )
    else:
        messages.error(
            request, _("Questa generazione non è da riprovare: è in coda, in corso o completata.")
        )
    return redirect("relazione:year", year=job.cycle.year)


@member_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(ReportJob.objects.select_related("cycle"), pk=pk)
    check(permissions.can_view_plan(request.user, job.cycle))
    if interrupt_stale(ReportJob.objects.filter(pk=pk)):
        job.refresh_from_db()
    return JsonResponse(_job_json(job))


@member_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob.objects.select_related("cycle"), pk=pk)
    check(permissions.can_view_plan(request.user, job.cycle))
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404(_("Il file non è (ancora) disponibile."))
    stamp = date_format(job.finished_at, "Ymd-Hi") if job.finished_at else str(job.pk)
    name = f"relazione-{job.cycle.year}-{stamp}.{EXTENSIONS[job.format]}"
    if job.format == "opendata":
        name = f"open-data-{job.cycle.year}-{stamp}.zip"
    with job.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=CONTENT_TYPES[job.format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required
def preview(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    check(permissions.can_view_plan(request.user, cycle))
    document = Builder(cycle).build()
    return render(
        request,
        "relazione/preview.html",
        {"cycle": cycle, "document": document, "body": body_html(document, top=2)},
    )


# The editor offers what the sanitiser keeps (sanitize.clean_html): paragraphs, bold,
# italic, lists, headings, links; anything else pasted in is dropped on the server anyway.
EDITOR_CONFIG = json.dumps(
    {
        "types": [
            "Bold",
            "Italic",
            "Heading",
            "BulletList",
            "OrderedList",
            "ListItem",
            "Link",
            "HardBreak",
            "Paragraph",
        ],
        "history": True,
        "html": False,
        "typographic": True,
        "headingLevels": [3, 4],
    }
)


@member_required
def narratives(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    check(permissions.can_view_plan(request.user, cycle))
    can_edit = texts.can_edit(request.user, cycle)
    builder = Builder(cycle)
    stored = {n.section: n for n in Narrative.objects.filter(cycle=cycle)}
    errors: dict[str, str] = {}
    drafts: dict[str, str] = {}
    if request.method == "POST":
        check(can_edit, _("Solo l'ufficio performance modifica i testi della Relazione."))
        if request.POST.get("action", "").startswith("headline"):
            return _headline(request, cycle)
        section = request.POST.get("section", "")
        if section not in Narrative.Section.values:
            raise Http404(_("Sezione sconosciuta."))
        raw = request.POST.get("html", "")
        html = clean_html(raw) if len(raw) <= NARRATIVE_MAX_LENGTH else ""
        unknown = unknown_names(html, builder.values)
        if len(raw) > NARRATIVE_MAX_LENGTH:
            drafts[section] = raw[:NARRATIVE_MAX_LENGTH]
            errors[section] = _(
                "Testo troppo lungo: al massimo %(limit)s caratteri (ne hai scritti %(n)s). "
                "Il testo non è stato salvato."
            ) % {"limit": NARRATIVE_MAX_LENGTH, "n": len(raw)}
        elif unknown:
            drafts[section] = request.POST.get("html", "")
            errors[section] = _(
                "Segnaposto sconosciuti: %(names)s. Il testo non è stato salvato: correggi "
                "i nomi usando l'elenco dei segnaposto disponibili."
            ) % {"names": ", ".join("{{ " + n + " }}" for n in unknown)}
        else:
            texts.save_narrative(request.user, cycle, section, html)
            messages.success(request, _("Testo salvato."))
            return redirect(f"{reverse('relazione:narratives', args=[cycle.year])}#s-{section}")
    sections = [
        {
            "key": key,
            "label": label,
            "html": drafts.get(key, stored[key].html if key in stored else ""),
            "error": errors.get(key, ""),
            "updated": stored.get(key),
        }
        for key, label in Narrative.Section.choices
    ]
    return render(
        request,
        "relazione/narratives.html",
        {
            "cycle": cycle,
            "sections": sections,
            "can_edit": can_edit,
            "placeholders": sorted(builder.values.items()),
            "editor_config": EDITOR_CONFIG,
            "headlines": _headline_rows(builder),
            "indicators": scope.indicators_of(cycle)
            .select_related("objective__home_unit", "entity_block")
            .order_by("entity_block__number", "objective__home_unit__code", "number"),
        },
        status=400 if errors else 200,
    )


def _headline_rows(builder: Builder) -> list[dict[str, Any]]:
    return [
        {"item": item, "value": builder.headline_value(item)}
        for item in HeadlineIndicator.objects.filter(cycle=builder.cycle).select_related(
            "indicator"
        )
    ]


def _headline(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Add (from a plan indicator) or remove a headline indicator of section 1."""
    target = f"{reverse('relazione:narratives', args=[cycle.year])}#headline-title"

    def posted_id(name: str) -> int:
        value = request.POST.get(name, "")
        return int(value) if value.isdigit() else 0

    if request.POST.get("action") == "headline_delete":
        texts.remove_headline(request.user, cycle, posted_id("id"))
        messages.success(request, _("Indicatore di sintesi rimosso."))
        return redirect(target)
    indicator = scope.indicators_of(cycle).filter(pk=posted_id("indicator")).first()
    if indicator is None:
        messages.error(request, _("Scegli un indicatore del piano di questo ciclo."))
        return redirect(target)
    label = request.POST.get("label", "")
    if len(label) > TEXT_MAX_LENGTH:
        messages.error(
            request,
            _("Etichetta troppo lunga: al massimo %(limit)s caratteri.")
            % {"limit": TEXT_MAX_LENGTH},
        )
        return redirect(target)
    texts.add_headline(request.user, cycle, indicator, label)
    messages.success(request, _("Indicatore di sintesi aggiunto."))
    return redirect(target)
