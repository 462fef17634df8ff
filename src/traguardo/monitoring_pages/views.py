"""Monitoring pages: campaigns (periods), the to-do list, an indicator and its values.

Views are thin: every rule (who may write, closed periods, justification, conflicts) is
in the services, which the API and imports share; views only translate their refusals
into messages, 403 or 409.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from django import forms
from traguardo import table_export
from traguardo.accounts import current, permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.core.numbers import format_exact
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.monitoring import campaigns
from traguardo.monitoring.degrees import Grader, misses_target
from traguardo.monitoring.evidence import EvidenceRefused, attach_evidence, delete_evidence
from traguardo.monitoring.forms import (
    CommentForm,
    DeadlineForm,
    EvidenceForm,
    OpenPeriodForm,
    ReopenPeriodForm,
    ValueForm,
)
from traguardo.monitoring.models import (
    Evidence,
    Measurement,
    Period,
    PeriodEvent,
    UnitValidation,
)
from traguardo.monitoring.selectors import (
    Scope,
    is_computed,
    open_periods,
    unit_measurements,
    units_to_validate,
)
from traguardo.monitoring.selectors import todo as todo_rows
from traguardo.monitoring.services import (
    ValueConflict,
    ValueForbidden,
    ValueRefused,
    add_comment,
    cycle_of,
    record_value,
)
from traguardo.monitoring.trend import YearValue, previous_years, year_value
from traguardo.monitoring.validation import (
    ValidationRefused,
    may_send_back,
    may_undo,
    send_back,
    undo_validation,
    validate_unit,
)
from traguardo.monitoring_pages.sparkline import sparkline
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, Indicator, Target
from traguardo.scoring import impact

IMPACT_KEY = "monitoring_impact"
STATUS_FILTERS = {
    "missing": "missing",
    "entered": "entered",
    "late": "late",
    "to_justify": "to_justify",
    "validated": "validated",
}


def _can_enter(user: Any, indicator: Indicator, cycle: Cycle) -> bool:
    if indicator.objective is not None:
        return permissions.can_enter_value(user, indicator.objective, cycle)
    return permissions.can_manage_cycle(user, cycle) and cycle.state == Cycle.State.MONITORING


# -- to-do list ----------------------------------------------------------------------


@member_required
def todo(request: HttpRequest) -> HttpResponse:
    user = request.user
    wanted = request.GET.get("stato", "")
    status = STATUS_FILTERS.get(wanted)
    sections = []
    scopes: dict[tuple[int, bool], Scope] = {}  # each cycle's indicators read once
    for period in open_periods(user, current.entity_ids(request)):
        summary = todo_rows(user, period, scopes=scopes)
        rows = [r for r in summary.rows if getattr(r, status)] if status else summary.rows
        sections.append(
            {
                "period": period,
                "summary": summary,
                "rows": rows,
                "units": units_to_validate(user, period),
            }
        )
    if table_export.wanted(request):
        download = table_export.download(request, _todo_table(sections, wanted if status else ""))
        assert download is not None
        return download
    return render(
        request,
        "monitoring/todo.html",
        {
            "sections": sections,
            "export_links": table_export.links(request),
            "status": wanted if status else "",
            "filters": [
                ("", _("Tutti")),
                ("missing", _("Da inserire")),
                ("entered", _("Inseriti")),
                ("late", _("In ritardo")),
                ("to_justify", _("Da motivare")),
                ("validated", _("Validati")),
            ],
            "is_office": permissions.has_role(user, Role.PERFORMANCE_OFFICE),
            # monitoring:indicator without its id, reversed once rather than once per row
            "indicator_url": reverse("monitoring:indicator", args=[0]).removesuffix("0/"),
        },
    )


def _todo_table(sections: list[dict[str, Any]], status: str) -> table_export.Table:
    """The to-do list as shown (its filter), every period one after the other."""
    rows = []
    for section in sections:
        for row in section["rows"]:
            states = [
                _("da inserire") if row.missing else _("inserito"),
                *([_("in ritardo")] if row.late else []),
                *([_("da motivare")] if row.to_justify else []),
                *([_("validato")] if row.validated else []),
                *([_("rimandato: da ricontrollare")] if row.returned else []),
            ]
            rows.append(
                [
                    str(section["period"]),
                    row.code,
                    row.indicator.number,
                    row.indicator.name,
                    row.target,
                    row.measurement.text if row.measurement else "",
                    row.degree.value if row.degree else None,
                    ", ".join(str(s) for s in states),
                ]
            )
    headers = [_("Periodo"), _("Obiettivo"), _("N."), _("Indicatore"), _("Target")]
    headers += [_("Valore"), _("Grado"), _("Stato")]
    return table_export.Table(
        "monitoraggio" + (f"-{status}" if status else ""),
        _("Monitoraggio"),
        headers,
        rows,
        (12, 12, 6, 60, 16, 16, 10, 30),
    )


@member_required
def validate(request: HttpRequest) -> HttpResponse:
    """The dirigente's (or SG's) validation of a unit's values for a period: the GET shows
    what will be confirmed; the POST needs the confirmation box."""
    period = get_object_or_404(Period.objects.select_related("cycle"), pk=_int(request, "period"))
    unit = get_object_or_404(OrgUnit, pk=_int(request, "unit"), entity_id=period.cycle.entity_id)
    check(
        permissions.can_validate_unit(request.user, unit, period.cycle),
        _("Non puoi validare i valori di questa unità: non è della tua area."),
    )
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "on":
            error = _("Spunta la conferma per validare i valori dell'unità.")
        else:
            try:
                record = validate_unit(request.user, unit, period)
            except ValidationRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Valori dell'unità %(unit)s al %(period)s validati (%(count)s confermati).")
                    % {"unit": unit.code, "period": period, "count": record.count},
                )
            return HttpResponseRedirect(reverse("monitoring:todo"))
    values = list(
        unit_measurements(unit, period)
        .select_related("indicator__objective__home_unit", "validated_by")
        .prefetch_related("evidence")
        .order_by("indicator__objective__home_unit__code", "indicator__objective__number")
    )
    rows = validation_rows(period, values)
    return render(
        request,
        "monitoring/validate_confirm.html",
        {
            "cycle": period.cycle,
            "period": period,
            "unit": unit,
            "rows": rows,
            "values": values,
            "to_confirm": sum(1 for v in values if v.validated_at is None),
            "below_target": sum(1 for r in rows if r["misses"]),
            "without_evidence": sum(1 for r in rows if not r["evidence"]),
            "validations": [
                (v, may_undo(request.user, v))
                for v in UnitValidation.objects.filter(unit=unit, period=period)
                .select_related("by", "period__cycle", "unit")
                .order_by("-at")
            ],
            "error": error,
        },
        status=400 if error else 200,
    )


def validation_rows(period: Period, values: list[Measurement]) -> list[dict[str, Any]]:
    """What the dirigente validates, value by value: the degree (and whether it misses the
    target), the justification, the evidence attached."""
    grader = Grader.for_cycle(period.cycle)
    targets = {
        t.indicator_id: t.text
        for t in Target.objects.filter(
            indicator_id__in=[v.indicator_id for v in values], year=period.cycle.year
        )
    }
    rows = []
    for value in values:
        degree = grader.degree(value.indicator, value.text, targets.get(value.indicator_id, ""))
        rows.append(
            {
                "value": value,
                "target": targets.get(value.indicator_id, ""),
                "degree": degree,
                "misses": degree is not None and misses_target(degree),
                "evidence": list(value.evidence.all()),
            }
        )
    return rows


@require_POST
@member_required
def validation_undo(request: HttpRequest, pk: int) -> HttpResponse:
    validation = get_object_or_404(
        UnitValidation.objects.select_related("period__cycle", "unit", "by"), pk=pk
    )
    check(
        permissions.can_validate_unit(request.user, validation.unit, validation.period.cycle),
        _("Non puoi annullare questa validazione: l'unità non è della tua area."),
    )
    try:
        count = undo_validation(request.user, validation)
    except ValidationRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Validazione annullata: %(count)s valori tornano da validare.") % {"count": count},
        )
    return HttpResponseRedirect(
        f"{reverse('monitoring:validate')}?period={validation.period_id}&unit={validation.unit_id}"
    )


@require_POST
@member_required
def value_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(
        Measurement.objects.select_related("period__cycle", "indicator__objective__home_unit"),
        pk=pk,
    )
    unit = request.POST.get("unit", "")
    check(
        may_send_back(request.user, measurement),
        _("Non puoi rimandare questo valore: non è della tua area."),
    )
    try:
        send_back(request.user, measurement, request.POST.get("note", "")[:TEXT_MAX_LENGTH])
    except ValidationRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Valore rimandato al responsabile con la tua nota."))
    return HttpResponseRedirect(
        f"{reverse('monitoring:validate')}?period={measurement.period_id}&unit={unit}"
    )


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name) or request.GET.get(name) or "")
    except ValueError:
        raise Http404(name) from None


# -- indicator page ------------------------------------------------------------------


def _load_indicator(pk: int) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related(
            "objective__home_unit",
            "objective__cycle__entity",
            "entity_block__cycle__entity",
        ),
        pk=pk,
    )


def _selected_period(request: HttpRequest, periods: list[Period]) -> Period | None:
    raw = request.POST.get("period") or request.GET.get("periodo")
    if raw:
        chosen = next((p for p in periods if str(p.pk) == raw), None)
        if chosen is None:
            raise Http404("periodo")
        return chosen
    open_ = [p for p in periods if not p.closed]
    if open_:
        return open_[-1]
    return periods[-1] if periods else None


@member_required
@require_http_methods(["GET", "POST"])
def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _load_indicator(pk)
    cycle = cycle_of(item)
    check(permissions.can_view_plan(user, cycle), _("Questo indicatore non è del tuo ente."))
    periods = list(cycle.periods.order_by("date"))
    period = _selected_period(request, periods)
    can_enter = _can_enter(user, item, cycle) and not is_computed(item)
    measurement = (
        Measurement.objects.filter(indicator=item, period=period)
        .select_related("entered_by", "validated_by")
        .first()
        if period
        else None
    )
    value_form = evidence_form = comment_form = None
    status = 200
    conflict: Measurement | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        if period is None:
            return HttpResponseBadRequest("periodo mancante")
        if action == "value":
            check(can_enter, _("Non puoi inserire valori per questo indicatore."))
            value_form, status, conflict, done = _post_value(request, item, period)
            if done:
                return done
        elif action == "evidence":
            check(can_enter, _("Non puoi allegare documenti a questo indicatore."))
            evidence_form, status, done = _post_evidence(request, measurement, period, item)
            if done:
                return done
        elif action == "comment":
            check(can_enter, _("Non puoi commentare questo indicatore."))
            comment_form = CommentForm(request.POST)
            if comment_form.is_valid():
                try:
                    add_comment(request.user, item, period, comment_form.cleaned_data["text"])
                except ValueForbidden as exc:
                    raise PermissionDenied(exc.message) from None
                except ValueRefused as exc:
                    comment_form.add_error(None, exc.message)
                    status = 400
                else:
                    messages.success(request, _("Commento aggiunto."))
                    return _back(item, period)
            else:
                status = 400
        else:
            return HttpResponseBadRequest("azione sconosciuta")
    if period is not None and value_form is None:
        value_form = ValueForm(
            initial={
                "text": measurement.text if measurement else "",
                "numerator": format_exact(measurement.numerator)
                if measurement and measurement.numerator is not None
                else "",
                "denominator": format_exact(measurement.denominator)
                if measurement and measurement.denominator is not None
                else "",
                "justification": measurement.justification if measurement else "",
                "comment": measurement.comment if measurement else "",
                "version": measurement.version if measurement else 0,
            }
        )
    history = _history(item, cycle, periods)
    context = {
        "indicator": item,
        "cycle": cycle,
        "objective": item.objective,
        "periods": periods,
        "period": period,
        "measurement": measurement,
        "can_enter": can_enter and period is not None and not period.closed,
        "computed": is_computed(item),
        "value_form": value_form,
        "evidence_form": evidence_form or EvidenceForm(),
        "comment_form": comment_form or CommentForm(),
        "conflict": conflict,
        "targets": item.targets.order_by("year"),
        "history": history,
        "deletable_evidence": _deletable_evidence(user, history),
        "comments": item.comments.select_related("author", "period").order_by("at"),
        "changes": _pop_impact(request, item, period),
        "code": impact.indicator_code(item),
        "final": period is not None and period.code == Period.Code.FINAL,
    }
    context.update(_years(item, cycle))
    return render(request, "monitoring/indicator.html", context, status=status)


def _years(item: Indicator, cycle: Cycle) -> dict[str, Any]:
    """The indicator in the earlier cycles (same lineage) and this year, with a sparkline
    of the final values (empty without an earlier year)."""
    earlier = previous_years(item, cycle)
    if not earlier:
        return {"years": [], "trend_chart": ""}
    rows: list[YearValue] = [*earlier, year_value(item, cycle)]
    chart = sparkline(
        f"trend-{item.pk}",
        _("Andamento del valore al 31.12 negli anni: indicatore {n}").format(n=item.number),
        [(row.year, row.number) for row in rows if row.number is not None],
    )
    return {"years": rows, "trend_chart": chart}


def _back(item: Indicator, period: Period) -> HttpResponse:
    url = reverse("monitoring:indicator", args=[item.pk])
    return HttpResponseRedirect(f"{url}?periodo={period.pk}")


def _post_value(
    request: HttpRequest, item: Indicator, period: Period
) -> tuple[ValueForm, int, Measurement | None, HttpResponse | None]:
    form = ValueForm(request.POST)
    if not form.is_valid():
        return form, 400, None, None
    data = form.cleaned_data
    before = impact.figures(impact.score_at(period), item)
    try:
        recorded = record_value(
            request.user,
            item,
            period,
            data["text"],
            numerator=data["numerator"],
            denominator=data["denominator"],
            comment=data["comment"],
            justification=data["justification"],
            expected_version=data["version"],
        )
    except ValueForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ValueConflict as exc:
        # Keep what the user typed; the form now carries the current version, so saving
        # again is a deliberate overwrite of a value the user has seen.
        fresh = request.POST.copy()
        fresh["version"] = str(exc.current.version if exc.current else 0)
        form = ValueForm(fresh)
        form.is_valid()
        form.add_error(None, exc.message)
        return form, 409, exc.current, None
    except ValueRefused as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return form, 400, None, None
    if recorded.changed:
        request.session[IMPACT_KEY] = {
            "indicator": item.pk,
            "period": period.pk,
            "before": {f.code: str(f.value) if f.value is not None else None for f in before},
        }
        messages.success(request, _("Valore salvato."))
    else:
        messages.info(request, _("Il valore è uguale a quello già salvato: nulla da cambiare."))
    return form, 200, None, _back(item, period)


def _post_evidence(
    request: HttpRequest, measurement: Measurement | None, period: Period, item: Indicator
) -> tuple[EvidenceForm, int, HttpResponse | None]:
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, 400, None
    if measurement is None:
        form.add_error(None, _("Salva prima il valore del periodo, poi allega i documenti."))
        return form, 400, None
    try:
        attach_evidence(
            request.user,
            measurement,
            form.cleaned_data["file"],
            form.cleaned_data["description"],
        )
    except EvidenceRefused as exc:
        form.add_error("file", exc.message)
        return form, 400, None
    messages.success(request, _("Documento allegato."))
    return form, 200, _back(item, period)


def _pop_impact(
    request: HttpRequest, item: Indicator, period: Period | None
) -> list[impact.Change]:
    saved = request.session.get(IMPACT_KEY)
    if not saved or period is None or saved.get("indicator") != item.pk:
        return []
    if saved.get("period") != period.pk:
        return []
    del request.session[IMPACT_KEY]
    before = []
    for code, value in saved["before"].items():
        try:
            number = Decimal(value) if value is not None else None
        except InvalidOperation:
            number = None
        before.append(impact.Figure(code, code, number, impact.Explanation("", "", "")))
    return impact.compare(before, impact.figures(impact.score_at(period), item))


def _history(item: Indicator, cycle: Cycle, periods: list[Period]) -> list[dict[str, Any]]:
    grader = Grader.for_cycle(cycle)
    target = grader.target_text(item)
    by_period = {
        m.period_id: m
        for m in item.measurements.select_related("entered_by", "validated_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at"))
        )
    }
    rows = []
    for period in periods:
        measurement = by_period.get(period.pk)
        degree = grader.degree(item, measurement.text, target) if measurement else None
        rows.append(
            {
                "period": period,
                "measurement": measurement,
                "degree": degree,
                # A derived indicator (e.g. the entity result) is computed, not entered:
                # its deviation is explained by the indicators it is computed from.
                "misses": degree is not None
                and misses_target(degree)
                and item.direction != item.Direction.DERIVED,
            }
        )
    return rows


def _deletable_evidence(user: Any, history: list[dict[str, Any]]) -> set[int]:
    """The evidence files this user may delete now (the service checks again)."""
    return {
        file.pk
        for row in history
        if row["measurement"] is not None and not row["period"].closed
        for file in row["measurement"].evidence.all()
        if permissions.can_delete_evidence(user, file)
    }


@member_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an evidence file: its uploader or the performance office, period open."""
    item = get_object_or_404(
        Evidence.objects.select_related("measurement__period__cycle", "measurement__indicator"),
        pk=pk,
    )
    check(
        permissions.can_delete_evidence(request.user, item),
        _(
            "Solo chi ha caricato il documento o l'ufficio performance può eliminarlo, "
            "e solo mentre il ciclo è in monitoraggio."
        ),
    )
    measurement = item.measurement
    name = item.original_name
    try:
        delete_evidence(request.user, item)
        messages.success(request, _("Documento eliminato: %(name)s.") % {"name": name})
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
    return _back(measurement.indicator, measurement.period)


@member_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Evidence.objects.select_related("measurement__period__cycle"), pk=pk)
    cycle = item.measurement.period.cycle
    check(permissions.can_view_plan(request.user, cycle), _("Questo documento non è del tuo ente."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il file non è più disponibile.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"  # never sniffed into HTML (also in debug)
    return response  # type: ignore[return-value]  # a streaming response, served the same way


# -- campaigns -----------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def periods(request: HttpRequest) -> HttpResponse:
    user = request.user
    check(
        permissions.has_role(user, Role.PERFORMANCE_OFFICE),
        _("Le campagne di monitoraggio sono gestite dalla struttura tecnica permanente."),
    )
    entity_ids = current.entity_ids(request)  # the URL's administration, else the user's
    cycles = list(
        Cycle.objects.filter(entity_id__in=entity_ids)
        .select_related("entity")
        .prefetch_related("periods")
        .order_by("-year")
    )
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        response, bound = _post_period(request, cycles)
        if response is not None:
            return response
        status = 400
    blocks = []
    for cycle in cycles:
        existing = {p.code for p in cycle.periods.all()}
        rows = []
        for period in cycle.periods.all():
            prefix = f"p{period.pk}"
            rows.append(
                {
                    "period": period,
                    "reopen": bound.get(f"reopen-{period.pk}")
                    or ReopenPeriodForm(prefix=prefix, initial={"deadline": period.deadline}),
                    "deadline": bound.get(f"deadline-{period.pk}")
                    or DeadlineForm(prefix=prefix + "d", initial={"deadline": period.deadline}),
                    "events": PeriodEvent.objects.filter(period=period).select_related("by"),
                }
            )
        missing = [(c, label) for c, label in Period.Code.choices if c not in existing]
        open_form = bound.get(f"open-{cycle.pk}") or OpenPeriodForm(prefix=f"c{cycle.pk}")
        code_field = open_form.fields["code"]
        assert isinstance(code_field, forms.ChoiceField)
        code_field.choices = missing
        blocks.append(
            {
                "cycle": cycle,
                "rows": rows,
                "open_form": open_form if missing else None,
                "manageable": permissions.can_manage_cycle(user, cycle),
            }
        )
    return render(request, "monitoring/periods.html", {"blocks": blocks}, status=status)


def _post_period(
    request: HttpRequest, cycles: list[Cycle]
) -> tuple[HttpResponse | None, dict[str, Any]]:
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "open":
            cycle = next((c for c in cycles if c.pk == _int(request, "cycle")), None)
            if cycle is None:
                raise Http404("ciclo")
            form: Any = OpenPeriodForm(request.POST, prefix=f"c{cycle.pk}")
            if not form.is_valid():
                return None, {f"open-{cycle.pk}": form}
            period = campaigns.open_period(
                user, cycle, form.cleaned_data["code"], form.cleaned_data["deadline"]
            )
            messages.success(request, _("Periodo %(p)s aperto.") % {"p": period})
            return HttpResponseRedirect(reverse("monitoring:periods")), {}
        period = get_object_or_404(
            Period.objects.select_related("cycle"),
            pk=_int(request, "period"),
            cycle__in=cycles,
        )
        if action == "close":
            campaigns.close_period(user, period)
            messages.success(
                request, _("Periodo %(p)s chiuso: i suoi valori sono bloccati.") % {"p": period}
            )
        elif action == "reopen":
            form = ReopenPeriodForm(request.POST, prefix=f"p{period.pk}")
            if not form.is_valid():
                return None, {f"reopen-{period.pk}": form}
            campaigns.reopen_period(
                user, period, form.cleaned_data["reason"], form.cleaned_data["deadline"]
            )
            messages.success(request, _("Periodo %(p)s riaperto.") % {"p": period})
        elif action == "deadline":
            form = DeadlineForm(request.POST, prefix=f"p{period.pk}d")
            if not form.is_valid():
                return None, {f"deadline-{period.pk}": form}
            campaigns.change_deadline(user, period, form.cleaned_data["deadline"])
            messages.success(request, _("Scadenza del periodo %(p)s aggiornata.") % {"p": period})
        else:
            return HttpResponseBadRequest("azione sconosciuta"), {}
    except campaigns.CampaignForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except campaigns.CampaignRefused as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("monitoring:periods")), {}
