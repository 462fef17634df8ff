"""The yearly cycle, from the web: the performance office chooses the new year and the
plan's span, sees the preview of what the previous cycle carries and what is missing, and
confirms. The same service as `traguardo cycle add --from` (monitoring.cycles.add_cycle):
the plan carried forward, the periods 30.06 and 31.12 open, one entry in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django import forms
from traguardo.accounts import permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.monitoring.cycles import add_cycle
from traguardo.organisation.models import Entity
from traguardo.plan_editor.views import OFFICE_ONLY
from traguardo.plans.carry_forward import Preview
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import OnboardingRefused

FIRST_YEAR, LAST_YEAR = 2000, 2100


class NewCycleForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Anno del nuovo ciclo"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    plan_start = forms.IntegerField(
        label=gettext_lazy("Piano: primo anno"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    plan_end = forms.IntegerField(
        label=gettext_lazy("Piano: ultimo anno"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("plan_start"), data.get("plan_end")
        if start is not None and end is not None and start > end:
            self.add_error("plan_end", _("L'ultimo anno del piano precede il primo."))
        return data

    @property
    def plan(self) -> str:
        return f"{self.cleaned_data['plan_start']}-{self.cleaned_data['plan_end']}"


def _entity(request: HttpRequest) -> Entity:
    """The administration whose performance office the user is (403 otherwise); with
    several, the one of the latest cycle."""
    check(permissions.has_role(request.user, Role.PERFORMANCE_OFFICE), OFFICE_ONLY)
    offices = {
        m.entity_id
        for m in permissions.memberships(request.user)
        if m.role == Role.PERFORMANCE_OFFICE.value
    }
    latest = Cycle.objects.filter(entity_id__in=offices).order_by("-year").first()
    entity_id = latest.entity_id if latest is not None else min(offices)
    return Entity.objects.get(pk=entity_id)


def _defaults(entity: Entity) -> dict[str, int]:
    """Next year after the latest cycle, within its plan if the plan covers it (else a new
    three-year plan starting that year)."""
    latest = Cycle.objects.filter(entity=entity).order_by("-year").first()
    if latest is None:
        year = timezone.localdate().year
        return {"year": year, "plan_start": year, "plan_end": year + 2}
    year = latest.year + 1
    if latest.plan_period_start <= year <= latest.plan_period_end:
        return {
            "year": year,
            "plan_start": latest.plan_period_start,
            "plan_end": latest.plan_period_end,
        }
    return {"year": year, "plan_start": year, "plan_end": year + 2}


def _preview(entity: Entity, form: NewCycleForm) -> tuple[Preview | None, str]:
    year = form.cleaned_data["year"]
    try:
        _cycle, result = add_cycle(entity, year, form.plan, from_year=year - 1, dry_run=True)
    except OnboardingRefused as exc:
        return None, exc.message
    return result, ""


@member_required
def new_cycle(request: HttpRequest) -> HttpResponse:
    entity = _entity(request)
    status = 200
    if request.method == "POST":
        form = NewCycleForm(request.POST)
    else:
        form = NewCycleForm(request.GET if "year" in request.GET else None)
        if not form.is_bound:
            form = NewCycleForm(_defaults(entity))
    preview: Preview | None = None
    refusal = ""
    if form.is_valid():
        if request.method == "POST":
            year = form.cleaned_data["year"]
            try:
                cycle, _result = add_cycle(entity, year, form.plan, from_year=year - 1)
            except OnboardingRefused as exc:
                refusal, status = exc.message, 400
            else:
                assert cycle is not None
                messages.success(
                    request,
                    _(
                        "Creato il ciclo %(year)s (bozza) dal ciclo %(previous)s: completa "
                        "ciò che manca, poi approvalo da «Stato del ciclo»."
                    )
                    % {"year": year, "previous": year - 1},
                )
                return redirect(reverse("plans:editor") + f"?anno={cycle.year}")
        else:
            preview, refusal = _preview(entity, form)
    elif form.is_bound:
        status = 400
    return render(
        request,
        "plans/new_cycle.html",
        {
            "entity": entity,
            "form": form,
            "preview": preview,
            "refusal": refusal,
            "cycles": Cycle.objects.filter(entity=entity).order_by("-year"),
        },
        status=status,
    )
