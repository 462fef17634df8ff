"""The fund page (art. 67 release, distribution per person, selectivity) and its XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django import forms
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.accounts.permissions import can_view_fund, has_role_in
from traguardo.core.fund import RulesError
from traguardo.core.numbers import format_percent
from traguardo.plans.selectors import selected_cycle
from traguardo.rewards.models import Fund
from traguardo.rewards.services import (
    CopyRefused,
    copy_card_scores,
    fund_report,
    import_beneficiaries,
    payroll_xlsx,
    previous_cycle,
    selectivity,
)
from traguardo.scoring.services import score_cycle

MAX_UPLOAD = 5 * 1024 * 1024


class BeneficiaryImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Valutazioni del personale (CSV o XLSX)"),
        help_text=gettext_lazy(
            "Colonne: matricola, categoria, punteggio; facoltative giorni_assenza, part_time "
            "(%), scheda (codice della scheda di valutazione)."
        ),
    )


@member_required
def fund(request: HttpRequest) -> HttpResponse:
    cycle = selected_cycle(request)
    check(
        can_view_fund(request.user, cycle),
        _("Il fondo e i premi sono riservati alla struttura tecnica e all'OIV."),
    )
    record = Fund.objects.filter(cycle=cycle).first()
    office = has_role_in(request.user, cycle.entity_id, Role.PERFORMANCE_OFFICE)
    form = BeneficiaryImportForm()
    if request.method == "POST":
        check(office and record is not None, _("Solo la struttura tecnica aggiorna i beneficiari."))
        assert record is not None
        if request.POST.get("action") == "copy_scores":
            copy_scores(request, record)
            return redirect(f"{request.path}?anno={cycle.year}")
        form = BeneficiaryImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                messages.error(request, _("File troppo grande (massimo 5 MB)."))
            elif (
                result := import_beneficiaries(record, upload.name, upload.read(), request.user)
            ).errors:
                for problem in result.errors[:50]:
                    messages.error(request, problem)
                messages.error(
                    request, _("Nessuna riga importata: i beneficiari precedenti sono invariati.")
                )
            else:
                messages.success(request, _("Importati %(n)d beneficiari.") % {"n": result.created})
                return redirect(f"{request.path}?anno={cycle.year}")
    score = score_cycle(cycle)
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
            "office": office,
            "form": form,
            "previous_groups": selectivity(previous, score_cycle(previous)) if previous else None,
        },
    )


def copy_scores(request: HttpRequest, record: Fund) -> None:
    """The office's action: evaluated card scores into the beneficiaries, each change listed."""
    try:
        result = copy_card_scores(record, request.user, score_cycle(record.cycle))
    except CopyRefused as exc:
        messages.error(request, exc.message)
        return
    for change in result.changed[:50]:
        messages.info(
            request,
            _("%(code)s: %(old)s → %(new)s (scheda %(card)s)")
            % {
                "code": change.code,
                "old": format_percent(change.old) if change.old is not None else _("non valutato"),
                "new": format_percent(change.new),
                "card": change.card,
            },
        )
    for reason in result.skipped[:50]:
        messages.warning(request, _("Non aggiornato: %(why)s.") % {"why": reason})
    messages.success(
        request,
        _(
            "Punteggi copiati dalle schede valutate: %(changed)d aggiornati, %(same)d già "
            "uguali, %(skipped)d non ancora valutati, %(unlinked)d beneficiari senza scheda "
            "invariati."
        )
        % {
            "changed": len(result.changed),
            "same": len(result.unchanged),
            "skipped": len(result.skipped),
            "unlinked": result.unlinked,
        },
    )


@member_required
def payroll(request: HttpRequest) -> HttpResponse:
    cycle = selected_cycle(request)
    check(
        can_view_fund(request.user, cycle),
        _("Il fondo e i premi sono riservati alla struttura tecnica e all'OIV."),
    )
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
