"""The SMVP page of a cycle: choose a preset, adjust it, preview its effect, save it.

Every member of the administration reads the SMVP in force and its acts; the performance
office (`plans.smvp_services.refusal`) changes it, checked again on the server for every
POST. "Anteprima" scores the current plan with the candidate (scoring.smvp_preview) and
writes nothing; "Salva" calls `set_cycle_smvp`, the service of the command line.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from traguardo.accounts import permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.core.levels import METHOD_LABELS, Method
from traguardo.core.model import Smvp
from traguardo.core.smvp import PRESET_LABELS, PRESETS, SmvpError, preset
from traguardo.organisation.models import Entity
from traguardo.plan_editor.smvp_forms import (
    LEVEL_FIELDS,
    MODE_YAML,
    SmvpForm,
    field_name,
)
from traguardo.plan_editor.views import _context, _cycle
from traguardo.plans import smvp_services
from traguardo.plans.models import Act, Cycle
from traguardo.scoring.smvp_preview import Preview, preview

GENERAL_FIELDS = (
    "regola",
    "parametri",
    "valore_mancante",
    "non_misurabile",
    "entity__fonte",
    "premi_tipo",
    "premi_punti",
)
FIELD_OF_SETTING = {
    "regola": "regola",
    "parametri": "parametri",
    "valore_mancante": "valore_mancante",
    "non_misurabile": "non_misurabile",
    "premi.tipo": "premi_tipo",
    "premi.punti": "premi_punti",
    "livelli.entity.fonte": "entity__fonte",
}


def _field_for(form: SmvpForm, where: str, mode: str) -> str:
    """The form field showing the setting `where` names (the YAML text when none does)."""
    if mode == MODE_YAML:
        return "documento"
    for prefix, name in FIELD_OF_SETTING.items():
        if where == prefix or where.startswith(prefix + "["):
            return name
    parts = where.split(".")
    if len(parts) == 3 and parts[0] == "livelli" and parts[2] in LEVEL_FIELDS:
        name = field_name(parts[1], parts[2])
        if name in form.fields:
            return name
    return "documento"


def _checked(form: SmvpForm, cycle: Cycle) -> tuple[dict[str, Any] | None, Smvp | None]:
    """The candidate document and SMVP, or (None, None) with the errors on the form."""
    if not form.is_valid():
        return None, None
    document = form.document()
    if document is None:
        return None, None
    try:
        return document, smvp_services.parse_for(cycle, document)
    except SmvpError as exc:
        form.add_error(
            _field_for(form, exc.where, form.cleaned_data.get("mode", "")),
            f"{exc.where}: {exc.message}",
        )
        return None, None


@member_required
@require_http_methods(["GET", "POST"])
def smvp(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )
    return _page(request, cycle, reverse("plans:smvp"), {})


@require_http_methods(["GET", "POST"])
def installation_smvp(request: HttpRequest, code: str) -> HttpResponse:
    """The same page for the installation administrator, about the administration of
    `code` (?anno=YEAR, else its latest cycle): they set up a new administration's SMVP."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    check(
        permissions.is_installation_admin(request.user),
        _("Pagina riservata agli amministratori dell'installazione."),
    )
    entity = get_object_or_404(Entity, code=code)
    cycles = Cycle.objects.select_related("entity").filter(entity=entity)
    year = request.GET.get("anno") or request.POST.get("anno") or ""
    if year:
        if not str(year).isdigit():
            raise Http404("anno non valido")
        cycle = get_object_or_404(cycles, year=int(year))
    else:
        found = cycles.order_by("-year").first()
        if found is None:
            raise Http404("l'ente non ha ancora un ciclo")
        cycle = found
    return _page(
        request,
        cycle,
        reverse("plans:smvp_installation", args=[entity.code]),
        {"installation": True},
    )


def _page(request: HttpRequest, cycle: Cycle, url: str, extra: dict[str, Any]) -> HttpResponse:
    refusal = smvp_services.refusal(request.user, cycle)
    here = url + f"?anno={cycle.year}"
    current = smvp_services.document_of(cycle)
    candidate: Smvp | None = None
    chosen = request.GET.get("preset", "")
    form: SmvpForm | None = None
    status = 200
    if request.method == "POST":
        check(refusal is None, refusal or "")
        form = SmvpForm(request.POST)
        document, candidate = _checked(form, cycle)
        if candidate is not None and request.POST.get("action") == "save":
            try:
                saved = smvp_services.set_cycle_smvp(
                    cycle,
                    document,
                    by=request.user,
                    act_reference=form.cleaned_data["atto"],
                    reason=form.cleaned_data["motivo"],
                )
            except smvp_services.SmvpRefused as exc:
                form.add_error(exc.where if exc.where in ("atto", "motivo") else None, exc.message)
                candidate = None
            else:
                if not saved.stored:
                    messages.info(request, _("Lo SMVP è già questo: nulla da salvare."))
                elif saved.revision is not None:
                    messages.success(
                        request,
                        _(
                            "SMVP salvato: %(n)s impostazioni cambiate, registrate nella "
                            "revisione n. %(rev)s."
                        )
                        % {"n": len(saved.changed), "rev": saved.revision.number},
                    )
                else:
                    messages.success(
                        request,
                        _("SMVP salvato: %(n)s impostazioni cambiate.") % {"n": len(saved.changed)},
                    )
                return redirect(here)
        if form.errors:
            status = 400
    elif refusal is None:
        initial = current
        if chosen:
            if chosen in PRESETS:
                initial = smvp_services.canonical(preset(chosen))
            else:
                messages.error(request, _("Modello «%(name)s» sconosciuto.") % {"name": chosen})
                chosen = ""
        form = SmvpForm(initial=SmvpForm.initial_of(initial))
        if chosen:
            try:
                candidate = smvp_services.parse_for(cycle, initial)
            except SmvpError as exc:
                messages.error(
                    request,
                    _("Il modello non si applica a questo piano: %(where)s: %(message)s")
                    % {"where": exc.where, "message": exc.message},
                )
    what_if: Preview | None = preview(cycle, candidate) if candidate is not None else None
    acts = Act.objects.filter(cycle=cycle, kind=Act.Kind.SMVP).order_by("-pk")
    levels = current.get("livelli", {})
    return render(
        request,
        "plans/smvp.html",
        _context(
            request,
            cycle,
            form=form,
            refusal=refusal,
            can_change=refusal is None,
            revising=smvp_services.needs_revision(cycle),
            presets=[(name, _(PRESET_LABELS[name])) for name in PRESETS],
            chosen=chosen,
            current_yaml=smvp_services.to_yaml(current),
            current_name=current.get("nome", ""),
            current_levels=[
                (key, settings, _(METHOD_LABELS[Method(settings["metodo"])]))
                for key, settings in levels.items()
            ],
            has_blocks=smvp_services.has_blocks(cycle),
            what_if=what_if,
            acts=acts,
            level_headers=[form[field_name("entity", s)].label for s in LEVEL_FIELDS]
            if form is not None
            else [],
            general_fields=GENERAL_FIELDS,
            page_url=url,
            **extra,
        ),
        status=status,
    )
