"""The gender budget page: rates overall, by category and age band, charts; the office
imports the registry (CSV/XLSX) or adds one person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django import forms
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.accounts.permissions import can_view_plan, has_role_in
from traguardo.core.gender import bar_chart_svg
from traguardo.plans.selectors import selected_cycle
from traguardo.staff.models import StaffRecord
from traguardo.staff.services import (
    DuplicateCode,
    add_record,
    gender_figures,
    import_registry,
)

MAX_UPLOAD = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File del personale (CSV o XLSX)"),
        help_text=gettext_lazy(
            "Colonne: codice, genere (F/M), categoria, fascia_eta, part_time (sì/no), ruolo."
        ),
    )


if TYPE_CHECKING:
    RecordFormBase = forms.ModelForm[StaffRecord]
else:
    RecordFormBase = forms.ModelForm  # not subscriptable at run time


class RecordForm(RecordFormBase):
    class Meta:
        model = StaffRecord
        fields = ("code", "gender", "category", "age_band", "part_time", "role")


@member_required
def gender(request: HttpRequest) -> HttpResponse:
    cycle = selected_cycle(request)
    check(can_view_plan(request.user, cycle))
    office = has_role_in(request.user, cycle.entity_id, Role.PERFORMANCE_OFFICE)
    import_form = ImportForm()
    record_form = RecordForm()
    if request.method == "POST":
        check(office, _("Solo la struttura tecnica aggiorna l'anagrafica del personale."))
        if request.POST.get("action") == "import":
            import_form = ImportForm(request.POST, request.FILES)
            if import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                if upload.size > MAX_UPLOAD:
                    messages.error(request, _("File troppo grande (massimo 5 MB)."))
                else:
                    result = import_registry(cycle, upload.name, upload.read())
                    if result.errors:
                        for error in result.errors[:50]:
                            messages.error(request, error)
                        messages.error(
                            request,
                            _("Nessuna riga importata: l'anagrafica precedente è invariata."),
                        )
                    else:
                        messages.success(
                            request, _("Importate %(n)d persone.") % {"n": result.created}
                        )
                        return redirect(f"{request.path}?anno={cycle.year}")
        else:
            record_form = RecordForm(request.POST)
            if record_form.is_valid():
                try:
                    add_record(cycle, record_form.save(commit=False))
                    messages.success(request, _("Persona aggiunta."))
                    return redirect(f"{request.path}?anno={cycle.year}")
                except DuplicateCode:
                    record_form.add_error("code", _("Codice già presente nell'anagrafica."))
    budget = gender_figures(cycle)
    charts = []
    if budget is not None:
        charts = [
            bar_chart_svg(budget.by_category, _("Personale per categoria e genere"), "chart-cat"),
            bar_chart_svg(
                budget.by_age_band, _("Personale per fascia di età e genere"), "chart-age"
            ),
        ]
    return render(
        request,
        "staff/gender.html",
        {
            "cycle": cycle,
            "budget": budget,
            "charts": charts,
            "office": office,
            "import_form": import_form,
            "record_form": record_form,
            "examples": StaffRecord.objects.filter(cycle=cycle, is_example=True).exists(),
        },
    )
