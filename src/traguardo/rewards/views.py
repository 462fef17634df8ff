"""The fund page (art. 67 release, distribution per person, selectivity) and its XLSX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.accounts.permissions import has_role
from traguardo.core.fund import RulesError
from traguardo.individual.views import selected_cycle
from traguardo.rewards.models import Fund
from traguardo.rewards.services import fund_report, payroll_xlsx, previous_cycle, selectivity
from traguardo.scoring.services import score_cycle


def can_view_fund(request: HttpRequest) -> bool:
    """Amounts per person are personal data: the performance office and the OIV only."""
    return has_role(request.user, Role.PERFORMANCE_OFFICE, Role.OIV)


@member_required
def fund(request: HttpRequest) -> HttpResponse:
    check(
        can_view_fund(request),
        _("Il fondo e i premi sono riservati alla struttura tecnica e all'OIV."),
    )
    cycle = selected_cycle(request)
    score = score_cycle(cycle)
    record = Fund.objects.filter(cycle=cycle).first()
    report = error = None
    if record is not None:
        try:
            report = fund_report(record, score)
        except RulesError as exc:
            error = str(exc)
    previous = previous_cycle(cycle)
    return render(
        request,
        "rewards/fund.html",
        {
            "cycle": cycle,
            "record": record,
            "report": report,
            "error": error,
            "groups": selectivity(cycle, score),
            "previous": previous,
            "previous_groups": selectivity(previous, score_cycle(previous)) if previous else None,
        },
    )


@member_required
def payroll(request: HttpRequest) -> HttpResponse:
    check(
        can_view_fund(request),
        _("Il fondo e i premi sono riservati alla struttura tecnica e all'OIV."),
    )
    cycle = selected_cycle(request)
    record = Fund.objects.filter(cycle=cycle).first()
    check(record is not None, _("Nessun fondo configurato per il ciclo."))
    assert record is not None
    try:
        report = fund_report(record, score_cycle(cycle))
    except RulesError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        payroll_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="premi-{cycle.year}.xlsx"'
    return response
