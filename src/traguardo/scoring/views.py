"""The "Scostamenti e rettifiche" page and the form that sets an override or a published
figure (from that page and from an item's "perché" page). Writes go through
scoring.adjustments, which checks the role and the cycle's state again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from traguardo.accounts import current
from traguardo.accounts.decorators import check, member_required
from traguardo.core import deviations as core_deviations
from traguardo.core.numbers import NumberFormatError, parse_number
from traguardo.core.results import PlanScore
from traguardo.plans.models import Cycle
from traguardo.scoring import adjustments
from traguardo.scoring.models import ScoreAdjustment
from traguardo.scoring.services import score_cycle


@dataclass(frozen=True)
class Line:
    """One item with an override or a published figure, as the page lists it."""

    code: str
    label: str
    computed: Decimal | None
    override: Decimal | None
    reason: str
    published: Decimal | None
    deviation: core_deviations.Deviation | None
    set_by: str
    set_at: Any


def _cycle(request: HttpRequest, year: int | None) -> Cycle:
    cycles = (
        Cycle.objects.filter(entity_id__in=current.entity_ids(request))
        .select_related("entity")
        .order_by("-year")
    )
    cycle: Cycle | None = cycles.filter(year=year).first() if year is not None else cycles.first()
    if cycle is None:
        raise Http404(_("Nessun ciclo della performance per questo anno."))
    check(
        adjustments.can_view(request.user, cycle),
        _(
            "Scostamenti e rettifiche: riservato alla struttura tecnica permanente, al "
            "Segretario generale e all'OIV."
        ),
    )
    return cycle


def lines(cycle: Cycle, score: PlanScore) -> tuple[list[Line], list[core_deviations.Deviation]]:
    found = adjustments.deviations_of(cycle, score)
    by_code = {d.code: d for d in found}
    rows = []
    for row in ScoreAdjustment.objects.filter(cycle=cycle).select_related("set_by"):
        try:
            computed = core_deviations.figure(score, row.code)
        except (KeyError, StopIteration, ValueError):
            computed = None
        rows.append(
            Line(
                row.code,
                core_deviations.label(score, row.code),
                computed,
                row.override,
                row.reason,
                row.published,
                by_code.get(row.code),
                row.set_by.get_username() if row.set_by else "",
                row.set_at,
            )
        )
    return rows, found


@member_required
def page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("anno", "")
    cycle = _cycle(request, int(raw) if raw.isdigit() else None)
    score = score_cycle(cycle)
    rows, found = lines(cycle, score)
    return render(
        request,
        "scoring/adjustments.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.filter(entity_id=cycle.entity_id).order_by("-year"),
            "rows": rows,
            "deviations": found,
            "overridden": [r for r in rows if r.override is not None],
            "can_override": adjustments.can_override(request.user, cycle),
            "can_set_published": adjustments.can_set_published(request.user, cycle),
            "override_refusal": adjustments.override_refusal(request.user, cycle),
        },
    )


def _number(text: str, what: str) -> Decimal | None:
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        return parse_number(text)
    except NumberFormatError as error:
        raise adjustments.AdjustmentRefused(f"{what}: {error}") from None


@member_required
@require_POST
def adjust(request: HttpRequest, year: int) -> HttpResponse:
    """`action`: "override" (value, reason), "clear" (back to the computed figure),
    "published" (value; empty removes it). Back to `next` (the item's page) or the list."""
    cycle = _cycle(request, year)
    user = request.user
    check(
        adjustments.can_override(user, cycle) or adjustments.can_set_published(user, cycle),
        _("Il tuo ruolo non rettifica i risultati e non registra i valori pubblicati."),
    )
    code = request.POST.get("code", "").strip()
    action = request.POST.get("action", "")
    try:
        if not code:
            raise adjustments.AdjustmentRefused(_("Indica il codice dell'elemento."))
        if action == "override":
            value = _number(request.POST.get("value", ""), _("Valore rettificato"))
            if value is None:
                raise adjustments.AdjustmentRefused(_("Valore rettificato: scrivi il valore."))
            adjustments.override(cycle, code, value, reason=request.POST.get("reason", ""), by=user)
            messages.success(request, _("Valore di %(code)s rettificato.") % {"code": code})
        elif action == "clear":
            adjustments.clear_override(cycle, code, by=user)
            messages.success(request, _("%(code)s torna al valore calcolato.") % {"code": code})
        elif action == "published":
            value = _number(request.POST.get("value", ""), _("Valore pubblicato"))
            adjustments.set_published(cycle, code, value, by=user)
            messages.success(
                request, _("Valore pubblicato di %(code)s registrato.") % {"code": code}
            )
        else:
            raise adjustments.AdjustmentRefused(_("Operazione non riconosciuta."))
    except adjustments.AdjustmentRefused as refused:
        messages.error(request, refused.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("scoring:adjustments") + f"?anno={cycle.year}"
    return redirect(target)
