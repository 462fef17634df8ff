"""Import and export pages: templates to download, upload with a dry-run preview, confirm,
follow the progress, see the result (or retry an interrupted import); the full export of a
cycle. A confirmed import is a background job (exchange.tasks).

Import and export are for the performance office only (checked on every request, crafted
POSTs included); the templates can be downloaded by every member of the entity.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from traguardo.accounts import current, permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.exchange.archive import export_cycle
from traguardo.exchange.models import Upload
from traguardo.exchange.safety import MB, Refused, limits, size_problem
from traguardo.exchange.services import import_file
from traguardo.exchange.tasks import confirm_upload, result_context, retry_upload
from traguardo.exchange.workbooks import plan_workbook, values_csv, values_workbook
from traguardo.jobs import services as jobs
from traguardo.monitoring.models import Period
from traguardo.plans.models import Cycle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Marked for the catalogue; translated with `_` where it is raised.
FORBIDDEN = gettext_noop(
    "Solo la struttura tecnica permanente (ufficio performance) importa ed esporta i dati."
)


def _cycle(request: HttpRequest) -> Cycle | None:
    """The cycle of ?anno= among those of the user's administrations."""
    cycles = Cycle.objects.select_related("entity").order_by("-year", "-id")
    cycles = cycles.filter(entity_id__in=current.entity_ids(request))
    year = request.GET.get("anno") or request.POST.get("anno")
    if year and year.isdigit():
        return cycles.filter(year=int(year)).first()
    return cycles.first()


def _uid(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _is_office(user: Any, cycle: Cycle | None) -> bool:
    if cycle is None:
        return permissions.has_role(user, Role.PERFORMANCE_OFFICE)
    return permissions.can_manage_cycle(user, cycle)


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lingua") or (get_language() or "it")[:2]
    return "en" if lang == "en" else "it"


@member_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    office = _is_office(request.user, cycle)
    check(office or (cycle is not None and permissions.can_view_plan(request.user, cycle)))
    uploads = Upload.objects.filter(user_id=_uid(request)).order_by("-created_at")[:10]
    return render(
        request,
        "exchange/index.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.filter(entity_id__in=current.entity_ids(request)).order_by(
                "-year"
            ),
            "periods": Period.objects.filter(cycle=cycle) if cycle else [],
            "office": office,
            "uploads": uploads if office else [],
            "max_mb": limits().upload_bytes // MB,
        },
    )


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@member_required
@require_GET
def plan_template(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(cycle is not None and permissions.can_view_plan(request.user, cycle))
    assert cycle is not None
    language = _language(request)
    name = f"{'piano' if language == 'it' else 'plan'}-{cycle.year}.xlsx"
    return _attachment(plan_workbook(cycle, language), name, XLSX)


@member_required
@require_GET
def values_template(request: HttpRequest, period: str) -> HttpResponse:
    cycle = _cycle(request)
    check(cycle is not None and permissions.can_view_plan(request.user, cycle))
    found = get_object_or_404(Period, cycle=cycle, code=period)
    language = _language(request)
    stem = f"{'valori' if language == 'it' else 'values'}-{found.code}-{found.cycle.year}"
    if request.GET.get("formato") == "csv":
        return _attachment(values_csv(found.cycle, found, language), f"{stem}.csv", "text/csv")
    return _attachment(values_workbook(found.cycle, found, language), f"{stem}.xlsx", XLSX)


@member_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(
        cycle is not None
        and permissions.has_role_in(request.user, cycle.entity_id, Role.PERFORMANCE_OFFICE),
        _(FORBIDDEN),
    )
    assert cycle is not None
    return _attachment(export_cycle(cycle), f"traguardo-{cycle.year}.zip", "application/zip")


@member_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    # The administration the file goes into: the cycle's, else the page's (an archive may
    # bring an administration's first cycle); its office only.
    entity = cycle.entity if cycle is not None else current.current_entity(request)
    check(
        entity is not None
        and permissions.has_role_in(request.user, entity.pk, Role.PERFORMANCE_OFFICE),
        _(FORBIDDEN),
    )
    # Refuse an oversized upload from its declared length, before Django reads the body.
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    problem = size_problem(declared - 64 * 1024) if declared > 64 * 1024 else None
    if problem:
        return _index_error(request, cycle, problem)
    file = request.FILES.get("file")
    if file is None:
        return _index_error(request, cycle, _("Scegli un file da importare."))
    problem = size_problem(file.size or 0)
    if problem:
        return _index_error(request, cycle, problem)
    data = file.read()
    name = file.name or "file"
    try:
        result = import_file(name, data, cycle, dry_run=True, user=request.user, entity=entity)
    except Refused as exc:
        return _index_error(request, cycle, f"{name}: {exc.message}")
    item = Upload.objects.create(
        user_id=_uid(request),
        cycle=cycle if result.kind != "archive" else None,
        entity=entity,
        name=name[:255],
        data=data,
        preview=result_context(result),
        status=Upload.Status.PREVIEW if result.ok else Upload.Status.FAILED,
    )
    return redirect("exchange:upload", pk=item.pk)


def _index_error(request: HttpRequest, cycle: Cycle | None, message: str) -> HttpResponse:
    response = render(
        request,
        "exchange/index.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.filter(entity_id__in=current.entity_ids(request)).order_by(
                "-year"
            ),
            "periods": Period.objects.filter(cycle=cycle) if cycle else [],
            "office": True,
            "uploads": Upload.objects.filter(user_id=_uid(request))[:10],
            "max_mb": limits().upload_bytes // MB,
            "error": message,
        },
        status=400,
    )
    return response


def _own_upload(request: HttpRequest, pk: int) -> Upload:
    item = get_object_or_404(Upload.objects.select_related("cycle", "entity"), pk=pk)
    check(item.user_id == _uid(request), _(FORBIDDEN))
    if item.cycle is None and item.entity_id is not None:  # a full export, by its office
        check(
            permissions.has_role_in(request.user, item.entity_id, Role.PERFORMANCE_OFFICE),
            _(FORBIDDEN),
        )
    check(_is_office(request.user, item.cycle), _(FORBIDDEN))
    return item


@member_required
@require_GET
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_upload(request, pk)
    if jobs.interrupt_stale(Upload.objects.filter(pk=pk)):
        item.refresh_from_db()
    return render(
        request,
        "exchange/upload.html",
        {
            "upload": item,
            "preview": item.preview,
            "result": item.result,
            "progress": _progress(item),
            "status_url": reverse("exchange:status", args=[item.pk]),
        },
    )


def _progress(item: Upload) -> dict[str, Any]:
    """Rows done and in total of a queued or running import (from its last heartbeat)."""
    live = jobs.live_progress(item)
    total = live.get("total", item.preview.get("rows", 0))
    done = total if item.status == Upload.Status.DONE else live.get("done", 0)
    return {"done": done, "total": total, "label": live.get("label", item.step)}


@member_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_upload(request, pk)
    confirm_upload(item, request.user, get_language())
    return redirect("exchange:upload", pk=item.pk)


@member_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Save again an import that was interrupted (its worker died) or failed unexpectedly."""
    item = _own_upload(request, pk)
    jobs.interrupt_stale(Upload.objects.filter(pk=pk))
    item.refresh_from_db()
    retry_upload(item)
    return redirect("exchange:upload", pk=item.pk)


@member_required
@require_GET
def status(request: HttpRequest, pk: int) -> JsonResponse:
    item = _own_upload(request, pk)
    if jobs.interrupt_stale(Upload.objects.filter(pk=pk)):
        item.refresh_from_db()
    return JsonResponse({"status": item.status, **_progress(item)})
