"""The OIV workspace: LG 3/2018 checklist, sampled evidence, target challenge, decision.

The OIV and the performance office read; only the OIV writes (checked again by the
services on every POST).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from traguardo import table_export
from traguardo.accounts import current, permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.core.challenge import DEFAULT_MARGIN, FindingKind
from traguardo.monitoring.evidence import ALLOWED
from traguardo.oiv import selectors, services
from traguardo.oiv.forms import (
    CheckForm,
    DecisionDocumentForm,
    DecisionForm,
    EvidenceForm,
    parse_margin,
)
from traguardo.oiv.models import (
    CRITERION_HELP,
    Criterion,
    EvidenceSample,
    Outcome,
    ValidationCheck,
    ValidationDecision,
)
from traguardo.plans import blockers as blocking
from traguardo.plans import labels, states
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective
from traguardo.scoring import adjustments

SCOPES = ("relazione", "blocco", "obiettivo")
MATRIX_LINES = 40  # lines of the matrix per page: the ~140 of a plan, one click apart


def _cycles(request: HttpRequest) -> Any:
    entities = current.entity_ids(request)  # the URL's administration, else the user's
    return Cycle.objects.filter(entity_id__in=entities).select_related("entity").order_by("-year")


def _cycle(request: HttpRequest, year: int | None) -> Cycle:
    cycles = _cycles(request)
    cycle: Cycle | None = cycles.filter(year=year).first() if year is not None else cycles.first()
    if cycle is None:
        raise Http404(_("Nessun ciclo della performance per questo anno."))
    check(
        services.can_read(request.user, cycle),
        _("Lo spazio dell'OIV è riservato all'OIV e alla struttura tecnica permanente."),
    )
    return cycle


def _year_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("anno", "")
    return int(raw) if raw.isdigit() else None


def _filter_param(request: HttpRequest) -> str:
    wanted = request.GET.get("filtro", "")
    return wanted if wanted in selectors.FILTERS else "tutti"


def checks_table(cycle: Cycle, rows: list[selectors.Row], wanted: str) -> table_export.Table:
    """The checks of the workspace's filter as a table (the OIV's working file)."""
    headers = [_("Tipo"), _("Codice"), _("Oggetto")]
    for criterion in Criterion:
        headers += [
            f"{criterion.label} — {_('esito')}",
            f"{criterion.label} — {_('note')}",
        ]
    headers.append(_("Verifica completata"))
    kinds = {
        "relazione": _("Relazione"),
        "blocco": _("Blocco dell'Allegato B"),
        "obiettivo": _("Obiettivo operativo"),
    }
    data = []
    for row in rows:
        line: list[Any] = [
            kinds[row.scope],
            row.code,
            _("Relazione nel complesso") if row.scope == "relazione" else row.title,
        ]
        for cell in row.cells:
            line += [cell.label if cell else str(Outcome.PENDING.label), cell.note if cell else ""]
        line.append(_("SI") if row.done else _("NO"))
        data.append(line)
    suffix = "" if wanted == "tutti" else f"-{wanted}"
    return table_export.Table(
        f"verifiche-oiv-{cycle.entity.code}-{cycle.year}{suffix}",
        _("Verifiche OIV %(year)s") % {"year": cycle.year},
        headers,
        data,
        (22, 12, 50, *([18, 40] * len(Criterion)), 12),
    )


@member_required
def workspace(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request, _year_param(request))
    wanted = _filter_param(request)
    if table_export.wanted(request):
        full = selectors.filtered(selectors.matrix(cycle, full_notes=True), wanted)
        download = table_export.download(request, checks_table(cycle, full, wanted))
        assert download is not None
        return download
    all_rows = selectors.matrix(cycle)
    flags = adjustments.flags(cycle)
    all_rows = [replace(row, flags=tuple(flags.get(row.code, ()))) for row in all_rows]
    rows = selectors.filtered(all_rows, wanted)
    done, total = selectors.progress(all_rows)
    lines_done = sum(1 for r in all_rows if r.done)
    page = Paginator(rows, MATRIX_LINES).get_page(request.GET.get("pagina"))
    can_write = services.can_write(request.user, cycle)
    decisions = services.decisions(cycle)
    decision = decisions[0] if decisions else None
    can_decide = permissions.can_oiv(request.user, cycle) and cycle.state == "closed"
    return render(
        request,
        "oiv/workspace.html",
        {
            "cycle": cycle,
            "cycles": _cycles(request),
            "rows": page.object_list,
            "page": page,
            "pending_label": Outcome.PENDING.label,
            "criteria": [(c, CRITERION_HELP[c]) for c in Criterion],
            "done": done,
            "total": total,
            "percent": (done * 100 // total) if total else 0,
            "lines_done": lines_done,
            "lines_total": len(all_rows),
            "filter": wanted,
            "filters": [
                ("tutti", _("Tutte le voci"), len(all_rows)),
                ("da-fare", _("Da fare"), len(all_rows) - lines_done),
                (
                    "con-osservazioni",
                    _("Con osservazioni"),
                    sum(1 for r in all_rows if r.observed),
                ),
            ],
            "export_links": table_export.links(request),
            "can_write": can_write,
            "can_attach": permissions.can_oiv(request.user, cycle),
            "document_form": DecisionDocumentForm(),
            "can_decide": can_decide,
            "decision": decision,
            "decisions": decisions,
            # What blocks the validation, shown before the OIV decides (and to the office).
            "blockers": blocking.blockers(cycle, "validated") if cycle.state == "closed" else [],
            "what_happens": states.what_happens("closed", "validated"),
            "decision_form": DecisionForm(initial={"outcome": "validated", "date": None}),
            "evidence": selectors.evidence(cycle),
            "transitions": cycle.transitions.select_related("by"),
            "flagged": sum(len(f) for f in flags.values()),
        },
    )


@member_required
@require_POST
def no_remarks(request: HttpRequest, year: int) -> HttpResponse:
    """Bulk "nessuna osservazione": the chosen lines' open checks become "conforme"."""
    cycle = _cycle(request, year)
    check(
        permissions.can_oiv(request.user, cycle),
        _("Solo l'OIV dell'ente scrive nello spazio di validazione."),
    )
    wanted = request.POST.get("filtro", "")
    back = reverse("oiv:workspace") + f"?anno={cycle.year}"
    if wanted in selectors.FILTERS and wanted != "tutti":
        back += f"&filtro={wanted}"
    if not request.POST.get("conferma"):
        messages.error(
            request,
            _("Spunta la conferma: le voci scelte risulteranno verificate senza osservazioni."),
        )
        return redirect(back + "#matrice")
    try:
        marked = services.mark_no_remarks(request.user, cycle, request.POST.getlist("voce"))
    except services.OivRefused as exc:
        messages.error(request, exc.message)
        return redirect(back + "#matrice")
    if marked.lines:
        messages.success(
            request,
            ngettext(
                "Segnata senza osservazioni %(n)s voce (%(checks)s verifiche): %(lines)s.",
                "Segnate senza osservazioni %(n)s voci (%(checks)s verifiche): %(lines)s.",
                len(marked.lines),
            )
            % {"n": len(marked.lines), "checks": marked.checks, "lines": ", ".join(marked.lines)},
        )
    if marked.skipped:
        messages.warning(
            request,
            _("Lasciate come sono, perché hanno già osservazioni o note: %(lines)s.")
            % {"lines": ", ".join(marked.skipped)},
        )
    return redirect(back + "#matrice")


def _indicators(cycle: Cycle) -> Any:
    return (
        Indicator.objects.filter(objective__cycle=cycle)
        | Indicator.objects.filter(entity_block__cycle=cycle)
    ).select_related("objective__home_unit", "entity_block")


def _subject(cycle: Cycle, scope: str, pk: int) -> tuple[Any, dict[str, Any], str]:
    """The checked item, the filter for its checks, and its title."""
    if scope == "relazione":
        return None, {"objective": None, "entity_block": None}, _("Relazione nel complesso")
    if scope == "blocco":
        block = get_object_or_404(EntityBlock, pk=pk, cycle=cycle)
        title = f"{labels.block(block.number)}: {block.heading}"
        return block, {"objective": None, "entity_block": block}, title
    if scope == "obiettivo":
        objective = get_object_or_404(
            OperationalObjective.objects.select_related("home_unit"), pk=pk, cycle=cycle
        )
        return objective, {"objective": objective, "entity_block": None}, str(objective)
    raise Http404


@member_required
def subject(request: HttpRequest, year: int, scope: str, pk: int) -> HttpResponse:
    cycle = _cycle(request, year)
    item, where, title = _subject(cycle, scope, pk)
    existing = {c.criterion: c for c in ValidationCheck.objects.filter(cycle=cycle, **where)}
    can_write = services.can_write(request.user, cycle)
    if request.method == "POST":
        check(
            permissions.can_oiv(request.user, cycle),
            _("Solo l'OIV dell'ente scrive nello spazio di validazione."),
        )
        forms = [(c, CheckForm(request.POST, prefix=c.value)) for c in Criterion]
        if all(form.is_valid() for _c, form in forms):
            try:
                for criterion, form in forms:
                    services.save_check(
                        request.user,
                        cycle,
                        criterion.value,
                        form.cleaned_data["outcome"],
                        form.cleaned_data["note"],
                        objective=where["objective"],
                        entity_block=where["entity_block"],
                    )
            except services.OivRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Verifiche salvate: %(title)s.") % {"title": title})
                # Back to the page of the matrix that holds the line just checked.
                # Back to the page of the matrix that holds the line just checked (a
                # replaced objective has no line: the first page).
                line_pk = item.pk if item is not None else 0
                line = next(
                    (
                        i
                        for i, row in enumerate(selectors.matrix(cycle))
                        if (row.scope, row.pk) == (scope, line_pk)
                    ),
                    0,
                )
                return redirect(
                    reverse("oiv:workspace")
                    + f"?anno={cycle.year}&pagina={line // MATRIX_LINES + 1}"
                    + f"#riga-{scope}-{line_pk}"
                )
    else:
        forms = [
            (
                c,
                CheckForm(
                    prefix=c.value,
                    initial={
                        "outcome": existing[c].outcome if c in existing else Outcome.PENDING,
                        "note": existing[c].note if c in existing else "",
                    },
                ),
            )
            for c in Criterion
        ]
    indicators = list(item.indicators.all()) if item is not None else []
    facts = selectors.subject_facts(cycle, item) if item is not None else None
    return render(
        request,
        "oiv/subject.html",
        {
            "cycle": cycle,
            "item": item,
            "title": title,
            "forms": [(c, CRITERION_HELP[c], f) for c, f in forms],
            "can_write": can_write,
            "indicators": indicators,
            "facts": facts,
            "evidence_form": EvidenceForm(
                indicators=item.indicators.order_by("number"),
                initial={"outcome": "confirmed"},
            )
            if can_write and indicators
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@member_required
@require_POST
def evidence(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    check(permissions.can_oiv(request.user, cycle), _("Solo l'OIV registra le evidenze."))
    form = EvidenceForm(request.POST, request.FILES, indicators=_indicators(cycle))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    else:
        data = form.cleaned_data
        try:
            services.add_evidence(
                request.user,
                cycle,
                data["indicator"],
                data["source"],
                data["outcome"],
                data["note"],
                data.get("document"),
            )
        except services.OivRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Evidenza registrata."))
    return_to = request.POST.get("return_to", "")
    prefix = reverse("oiv:workspace") + f"{cycle.year}/verifica/"
    if return_to.startswith(prefix) and url_has_allowed_host_and_scheme(
        return_to, allowed_hosts=None
    ):
        return redirect(return_to)
    return redirect(reverse("oiv:workspace") + f"?anno={cycle.year}#evidenze")


@member_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """A sampled evidence's document, to those who read the OIV workspace of its cycle,
    always as an attachment (docs/deploy.md: /media/ is never served directly)."""
    sample = get_object_or_404(EvidenceSample.objects.select_related("cycle"), pk=pk)
    check(
        services.can_read(request.user, sample.cycle),
        _("Lo spazio dell'OIV è riservato all'OIV e alla struttura tecnica permanente."),
    )
    if not sample.document:
        raise Http404(_("Questa evidenza non ha un documento."))
    try:
        handle = sample.document.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il file non è più disponibile.")) from None
    name = sample.document.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = ALLOWED[extension][0] if extension in ALLOWED else "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a streaming response, served the same way


@member_required
@require_POST
def decision(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    check(permissions.can_oiv(request.user, cycle), _("Solo l'OIV decide sulla validazione."))
    form = DecisionForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    else:
        data = form.cleaned_data
        try:
            services.decide(
                request.user,
                cycle,
                data["outcome"],
                data["date"],
                data["reasons"],
                override=data["override"],
                override_reason=data["override_reason"],
                document=data.get("document"),
            )
        except services.OivRefused as exc:
            messages.error(request, exc.message)
        else:
            cycle.refresh_from_db()
            messages.success(
                request,
                _("Decisione registrata. Stato del ciclo: %(state)s.")
                % {"state": cycle.get_state_display()},
            )
    return redirect(reverse("oiv:workspace") + f"?anno={cycle.year}#decisione")


@member_required
def decision_document(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The signed validation document of a decision: read by the OIV and the office (as an
    attachment), uploaded (POST) by the OIV. Citizens get it from the transparency page
    once the cycle is published (traguardo.reports.transparency)."""
    cycle = _cycle(request, year)
    decision = get_object_or_404(ValidationDecision, pk=pk, cycle=cycle)
    if request.method == "POST":
        check(permissions.can_oiv(request.user, cycle), _("Solo l'OIV carica il documento."))
        form = DecisionDocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Scegli il PDF firmato del documento di validazione."))
        else:
            try:
                services.attach_decision_document(
                    request.user, decision, form.cleaned_data["document"]
                )
            except services.OivRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Documento di validazione caricato."))
        return redirect(reverse("oiv:workspace") + f"?anno={cycle.year}#decisione")
    return validation_document_response(decision)


def validation_document_response(decision: ValidationDecision) -> HttpResponse:
    """The decision's document as a PDF attachment; 404 when there is none."""
    if not decision.document:
        raise Http404(_("Questa decisione non ha un documento caricato."))
    try:
        handle = decision.document.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il file non è più disponibile.")) from None
    name = f"validazione-oiv-{decision.cycle.year}-{decision.round}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a streaming response, served the same way


@member_required
def challenge(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    margin, error = parse_margin(request.GET.get("margine"), DEFAULT_MARGIN)
    findings = selectors.challenge(cycle, margin)
    return render(
        request,
        "oiv/challenge.html",
        {
            "cycle": cycle,
            "margin_percent": margin * 100,
            "error": error,
            "already_met": [f for f in findings if f.kind is FindingKind.ALREADY_MET],
            "wide": [f for f in findings if f.kind is FindingKind.WIDE_MARGIN],
            "revised": selectors.revised_after_value(cycle),
        },
    )
