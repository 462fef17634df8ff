"""Plan editor, revisions and cycle states (performance office; pages readable by members).

Every write checks on the server, for every request (crafted POSTs included): the user is
the performance office (`permissions.can_manage_plan`), the cycle is not published, and
once approved the plan changes only inside an open revision (`editing.require_editable`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from traguardo.accounts import current, permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import ValueRefused, record_value
from traguardo.plan_editor import deletion
from traguardo.plans import checks, editing, filters, rule_text, scope, tree
from traguardo.plans.forms import (
    AnnualForm,
    AssignmentForm,
    BlockForm,
    IndicatorForm,
    MoveForm,
    ObjectiveForm,
    StrategicForm,
    WeightsForm,
)
from traguardo.plans.marks import revision_marks
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    StrategicObjective,
    Target,
)
from traguardo.plans.smvp_settings import cycle_smvp
from traguardo.scoring import whatif

OFFICE_ONLY = "Solo la struttura tecnica permanente (ufficio performance) gestisce il piano."


# --- helpers -------------------------------------------------------------------------------


def _cycle(request: HttpRequest) -> Cycle:
    """The cycle named by ?anno= (or the form's "anno"), else the latest one of the user."""
    entities = current.entity_ids(request)  # the URL's administration, else the user's
    cycles = Cycle.objects.select_related("entity").filter(entity_id__in=entities)
    year = request.GET.get("anno") or request.POST.get("anno")
    if year:
        if not str(year).isdigit():
            raise Http404("anno non valido")
        return get_object_or_404(cycles, year=int(year))
    cycle = cycles.order_by("-year").first()
    if cycle is None:
        raise Http404("nessun ciclo della performance nel database")
    return cycle


def _office(request: HttpRequest) -> None:
    check(permissions.has_role(request.user, Role.PERFORMANCE_OFFICE), OFFICE_ONLY)


def _office_of(request: HttpRequest, cycle: Cycle) -> None:
    """403 unless the user is the performance office of the cycle's entity."""
    _office(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )


def _writable(request: HttpRequest, cycle: Cycle) -> None:
    """403 with the reason unless the user may change the plan of `cycle` now."""
    _office(request)
    reason = editing.refusal(request.user, cycle)
    check(reason is None, reason or "")


def _context(request: HttpRequest, cycle: Cycle, **extra: Any) -> dict[str, Any]:
    revision = editing.open_revision(cycle)
    reason = editing.refusal(request.user, cycle)
    needs_revision = revision is None and cycle.state in editing.REVISION_STATES
    return {
        "cycle": cycle,
        "open_revision": revision,
        "read_only_reason": reason,
        "can_edit": reason is None and not needs_revision,
        "needs_revision": reason is None and needs_revision,
        "marks": revision_marks(cycle),
        "year_query": f"?anno={cycle.year}",
        **extra,
    }


def _refused(request: HttpRequest, exc: editing.EditRefused) -> None:
    messages.error(request, exc.message)


def _move_form(cycle: Cycle, item: Any) -> MoveForm | None:
    if isinstance(item, StrategicObjective) or item is None or item.pk is None:
        return None
    parents = [(n.id, "\u00a0\u00a0" * n.depth + n.label) for n in tree.nodes(cycle)]
    form = MoveForm(
        parents=parents,
        initial={"node": tree.node_id(item), "version": item.version, "parent": _parent_node(item)},
    )
    if not isinstance(item, Indicator):
        del form.fields["position"]  # only indicators are ordered by position
    return form


def _parent_node(item: Any) -> str:
    """The node the item hangs from now (the move form starts there)."""
    if isinstance(item, AnnualObjective):
        return f"strategic:{item.strategic_id}"
    if isinstance(item, EntityBlock):
        return f"annual:{item.annual_objective_id}" if item.annual_objective_id else ""
    if isinstance(item, OperationalObjective):
        first = item.annual_objectives.order_by("code").first()
        return f"annual:{first.pk}" if first else ""
    if isinstance(item, Indicator):
        return (
            f"operational:{item.objective_id}"
            if item.objective_id
            else f"block:{item.entity_block_id}"
        )
    return ""


# --- the editor's overview -----------------------------------------------------------------


@member_required
def editor(request: HttpRequest) -> HttpResponse:
    _office(request)
    cycle = _cycle(request)
    indicators: dict[int, list[Indicator]] = {}
    targets = {
        t.indicator_id: t.text
        for t in Target.objects.filter(year=cycle.year).filter(
            scope.of_cycles(cycle, "indicator__")
        )
    }
    for ind in scope.indicators_of(cycle).order_by("number", "id"):
        ind.target_text = targets.get(ind.pk, "")  # type: ignore[attr-defined]
        owner = ind.objective_id or -(ind.entity_block_id or 0)
        indicators.setdefault(owner, []).append(ind)

    weighted = checks.weights_shown(cycle)

    def objective_row(o: OperationalObjective) -> dict[str, Any]:
        inds = indicators.get(o.pk, [])
        total = sum((i.weight or Decimal(0) for i in inds), Decimal(0))
        return {
            "objective": o,
            "indicators": inds,
            "total": total,
            "weights_ok": total == 100 or not inds or not weighted,
        }

    chosen = filters.parse(cycle, request.GET.get("unita"), request.GET.get("q"))
    all_objectives = OperationalObjective.objects.filter(cycle=cycle)
    objectives = list(
        filters.apply(all_objectives, chosen)
        .select_related("home_unit", "revised_by")
        .prefetch_related("annual_objectives")
    )
    by_annual: dict[int, list[dict[str, Any]]] = {}
    orphans = []
    for o in objectives:
        annual_ids = [a.pk for a in o.annual_objectives.all()]
        row = objective_row(o)
        for pk in annual_ids:
            by_annual.setdefault(pk, []).append(row)
        if not annual_ids:
            orphans.append(row)
    strategic = []
    in_order = models.Prefetch(
        "annual_objectives", queryset=AnnualObjective.objects.order_by("code")
    )
    for s in (
        StrategicObjective.objects.filter(cycle=cycle).prefetch_related(in_order).order_by("code")
    ):
        annual = [
            {"annual": a, "objectives": by_annual.get(a.pk, [])}
            for a in s.annual_objectives.all()  # prefetched in code order: no query per row
        ]
        if chosen.active:  # only the branches with a matching objective
            annual = [branch for branch in annual if branch["objectives"]]
            if not annual:
                continue
        strategic.append({"strategic": s, "annual": annual})
    blocks = [
        {"block": b, "indicators": indicators.get(-b.pk, [])}
        for b in EntityBlock.objects.filter(cycle=cycle).order_by("number")
    ]
    total_b = checks.block_weights_total(cycle)
    return render(
        request,
        "plans/editor.html",
        _context(
            request,
            cycle,
            strategic=strategic,
            orphans=orphans,
            blocks=blocks,
            total_b=total_b,
            total_b_ok=total_b == 100 or not checks.block_weights_used(cycle_smvp(cycle)),
            weights_used=weighted,
            issues=checks.plan_issues(cycle),
            filter=chosen,
            filter_units=filters.units(cycle),
            shown=len(objectives),
            total_objectives=all_objectives.count(),
        ),
    )


# --- deleting an objective, an indicator or a block ----------------------------------------

DELETABLE: dict[str, type[models.Model]] = {
    "strategic": StrategicObjective,
    "annual": AnnualObjective,
    "objective": OperationalObjective,
    "indicator": Indicator,
    "block": EntityBlock,
}


def _after_delete_url(item: Any, cycle: Cycle) -> str:
    """Where the user lands once the item is gone: its parent's page, else the editor."""
    if isinstance(item, Indicator):
        if item.objective_id is not None:
            return reverse("plans:objective", args=[item.objective_id])
        if item.entity_block_id is not None:
            return reverse("plans:block", args=[item.entity_block_id])
    return reverse("plans:editor") + f"?anno={cycle.year}"


@member_required
def delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Confirmation page (GET) listing what goes with the item; the deletion (POST)."""
    _office(request)
    model = DELETABLE[kind]
    item = get_object_or_404(model, pk=pk)
    cycle = editing.cycle_of(item)
    _office_of(request, cycle)
    error = None
    if request.method == "POST":
        _writable(request, cycle)
        version_text = request.POST.get("version") or ""
        try:
            done = deletion.delete(
                request.user,
                item,
                int(version_text) if version_text.isdigit() else None,
                values_confirmed=request.POST.get("values_confirmed") == "on",
            )
            messages.success(
                request,
                _("Eliminato: %(item)s. Risultato dell'ente ricalcolato: %(before)s → %(after)s.")
                % {
                    "item": done.title,
                    "before": deletion.result_text(done.before),
                    "after": deletion.result_text(done.after),
                },
            )
            return redirect(_after_delete_url(item, cycle))
        except editing.EditRefused as exc:
            error = exc.message
        item = get_object_or_404(model, pk=pk)
    return render(
        request,
        "plans/delete.html",
        _context(
            request,
            cycle,
            item=item,
            impact=deletion.impact(item),
            error=error,
            back_url=_url_of(item),
        ),
    )


# --- strategic, annual, operational objectives and blocks ------------------------------------


def _model_edit(
    request: HttpRequest,
    *,
    model: type[models.Model],
    form_class: Any,
    pk: int | None,
    template: str,
    title: str,
    cycle_of_item: Any,
    new_item: Any,
    extra: Any = None,
) -> HttpResponse:
    _office(request)
    item = get_object_or_404(model, pk=pk) if pk is not None else None
    cycle = cycle_of_item(item) if item is not None else _cycle(request)
    _office_of(request, cycle)
    instance = model._default_manager.get(pk=pk) if pk is not None else new_item(cycle)
    form = form_class(
        request.POST or None,
        instance=instance,
        cycle=cycle,
        initial={"version": getattr(item, "version", None)},
    )
    conflict: Any = None
    if request.method == "POST":
        _writable(request, cycle)
        if form.is_valid():
            values = {n: form.cleaned_data[n] for n in form.Meta.fields}
            try:
                if item is None:
                    many = {n: values[n] for n in ("annual_objectives",) if n in values}
                    created = editing.create_item(
                        request.user, cycle, form.save(commit=False), many
                    )
                    messages.success(
                        request, _("Elemento creato: %(l)s") % {"l": editing.title_of(created)}
                    )
                    return redirect(_url_of(created))
                saved = editing.save_fields(
                    request.user, item, values, form.cleaned_data.get("version")
                )
                messages.success(
                    request,
                    _("Modifiche salvate (%(n)s campi).") % {"n": len(saved.changed)}
                    if saved.changed
                    else _("Nessuna modifica da salvare."),
                )
                return redirect(_url_of(saved.item))
            except editing.EditConflict as exc:
                conflict = model._default_manager.get(pk=item.pk) if item else None
                form.add_error(None, exc.message)
            except editing.EditRefused as exc:
                form.add_error(None, exc.message)
            except IntegrityError:
                form.add_error(
                    None,
                    _("Il salvataggio viola un vincolo del piano (codice o numero già usato)."),
                )
    context = _context(
        request,
        cycle,
        form=form,
        item=item,
        title=title,
        conflict=conflict,
        move_form=_move_form(cycle, item),
        delete_url=_delete_url(item),
    )
    if extra is not None and item is not None:
        context.update(extra(request, cycle, item))
    return render(request, template, context)


def _delete_url(item: Any) -> str | None:
    """The deletion page of an objective, indicator or block (None for other items)."""
    for kind, model in DELETABLE.items():
        if isinstance(item, model) and item.pk is not None:
            return reverse(f"plans:{kind}_delete", args=[item.pk])
    return None


def _url_of(item: Any) -> str:
    if isinstance(item, StrategicObjective):
        return reverse("plans:strategic", args=[item.pk])
    if isinstance(item, AnnualObjective):
        return reverse("plans:annual", args=[item.pk])
    if isinstance(item, OperationalObjective):
        return reverse("plans:objective", args=[item.pk])
    if isinstance(item, EntityBlock):
        return reverse("plans:block", args=[item.pk])
    if isinstance(item, Indicator):
        return reverse("plans:indicator", args=[item.pk])
    return reverse("plans:editor")


@member_required
def strategic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _model_edit(
        request,
        model=StrategicObjective,
        form_class=StrategicForm,
        pk=pk,
        template="plans/item_form.html",
        title=_("Obiettivo strategico"),
        cycle_of_item=lambda i: i.cycle,
        new_item=lambda c: StrategicObjective(cycle=c),
    )


@member_required
def annual_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _model_edit(
        request,
        model=AnnualObjective,
        form_class=AnnualForm,
        pk=pk,
        template="plans/item_form.html",
        title=_("Obiettivo annuale"),
        cycle_of_item=lambda i: i.strategic.cycle,
        new_item=lambda c: AnnualObjective(),
    )


def _objective_extra(request: HttpRequest, cycle: Cycle, item: Any) -> dict[str, Any]:
    indicators = list(item.indicators.order_by("number", "id"))
    targets = dict(
        Target.objects.filter(indicator__in=indicators, year=cycle.year).values_list(
            "indicator_id", "text"
        )
    )
    for ind in indicators:
        ind.target_text = targets.get(ind.pk, "")
    total = sum((i.weight or Decimal(0) for i in indicators), Decimal(0))
    weighted = checks.weights_shown(cycle)
    return {
        "indicators": indicators,
        "weights_form": WeightsForm(indicators=indicators, prefix="w", weighted=weighted),
        "weights_used": weighted,
        "weights_total": total,
        "weights_message": checks.weights_message(total) if indicators and weighted else None,
        "assignments": item.assignments.select_related("unit").order_by("unit__code"),
        "assignment_form": AssignmentForm(cycle=cycle, prefix="a"),
    }


@member_required
def objective_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _model_edit(
        request,
        model=OperationalObjective,
        form_class=ObjectiveForm,
        pk=pk,
        template="plans/objective_form.html",
        title=_("Obiettivo operativo"),
        cycle_of_item=lambda i: i.cycle,
        new_item=lambda c: OperationalObjective(cycle=c),
        extra=_objective_extra,
    )


@member_required
def block_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _office(request)
    if pk is None:
        return _model_edit(
            request,
            model=EntityBlock,
            form_class=BlockForm,
            pk=None,
            template="plans/item_form.html",
            title=_("Blocco dell'Allegato B"),
            cycle_of_item=lambda i: i.cycle,
            new_item=lambda c: EntityBlock(cycle=c),
        )
    block = get_object_or_404(EntityBlock.objects.select_related("cycle__entity"), pk=pk)
    cycle = block.cycle
    _office_of(request, cycle)
    form = BlockForm(
        request.POST or None,
        instance=EntityBlock.objects.get(pk=pk),
        cycle=cycle,
        initial={"version": block.version},
    )
    preview = conflict = None
    if request.method == "POST":
        _writable(request, cycle)
        if form.is_valid():
            data = form.cleaned_data
            weight_changed = data["weight_b"] != block.weight_b
            if weight_changed and not data.get("confirmed"):
                preview = whatif.preview_block_weight(cycle, block, data["weight_b"])
                form = BlockForm(
                    {**request.POST.dict(), "confirmed": "on"},
                    instance=EntityBlock.objects.get(pk=pk),
                    cycle=cycle,
                )
                form.is_valid()
            else:
                values = {n: data[n] for n in BlockForm.Meta.fields}
                try:
                    saved = editing.save_fields(request.user, block, values, data.get("version"))
                    messages.success(request, _("Blocco salvato."))
                    return redirect(_url_of(saved.item))
                except editing.EditConflict as exc:
                    conflict = EntityBlock.objects.get(pk=pk)
                    form.add_error(None, exc.message)
                except editing.EditRefused as exc:
                    form.add_error(None, exc.message)
    indicators = list(block.indicators.order_by("number"))
    return render(
        request,
        "plans/item_form.html",
        _context(
            request,
            cycle,
            form=form,
            item=block,
            title=_("Blocco dell'Allegato B"),
            preview=preview,
            conflict=conflict,
            move_form=_move_form(cycle, block),
            delete_url=_delete_url(block),
            block_indicators=indicators,
            total_b=checks.block_weights_total(cycle),
        ),
    )


@member_required
@require_POST
def objective_weights(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    objective = get_object_or_404(OperationalObjective.objects.select_related("cycle"), pk=pk)
    cycle = objective.cycle
    _writable(request, cycle)
    indicators = list(objective.indicators.order_by("number", "id"))
    form = WeightsForm(
        request.POST, indicators=indicators, prefix="w", weighted=checks.weights_shown(cycle)
    )
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, f"{_('Obiettivo')} {objective.code}: {error}")
        for name, errors in form.errors.items():
            if name != "__all__":
                text = " ".join(str(e) for e in errors)
                messages.error(request, f"{form.fields[name].label}: {text}")
        return redirect(_url_of(objective))
    try:
        with transaction.atomic():
            for ind in indicators:
                weight = form.cleaned_data[f"weight_{ind.pk}"]
                editing.save_fields(
                    request.user,
                    ind,
                    {"weight": weight},
                    form.cleaned_data.get(f"version_{ind.pk}"),
                )
        messages.success(request, _("Pesi salvati."))
    except editing.EditRefused as exc:
        _refused(request, exc)
    return redirect(_url_of(objective))


@member_required
@require_POST
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    objective = get_object_or_404(OperationalObjective.objects.select_related("cycle"), pk=pk)
    cycle = objective.cycle
    _writable(request, cycle)
    try:
        if request.POST.get("remove"):
            row = get_object_or_404(
                ObjectiveAssignment, pk=request.POST["remove"], objective=objective
            )
            if row.unit_id == objective.home_unit_id:
                raise editing.EditRefused(
                    _(
                        "L'assegnazione all'unità di appartenenza non si "
                        "elimina: cambia l'unità dell'obiettivo."
                    )
                )
            editing.delete_item(request.user, row, None)
            messages.success(request, _("Assegnazione eliminata."))
        else:
            form = AssignmentForm(request.POST, cycle=cycle, prefix="a")
            if not form.is_valid():
                for name, errors in form.errors.items():
                    messages.error(request, f"{name}: {' '.join(str(e) for e in errors)}")
                return redirect(_url_of(objective))
            unit, number = form.cleaned_data["unit"], form.cleaned_data["local_number"]
            clash = ObjectiveAssignment.objects.filter(cycle=cycle, unit=unit, local_number=number)
            if clash.exists():
                raise editing.EditRefused(
                    _("L'unità %(u)s ha già un obiettivo con il numero %(n)s.")
                    % {"u": unit.code, "n": number}
                )
            if ObjectiveAssignment.objects.filter(objective=objective, unit=unit).exists():
                raise editing.EditRefused(
                    _("L'obiettivo è già assegnato all'unità %(u)s.") % {"u": unit.code}
                )
            editing.create_item(
                request.user,
                cycle,
                ObjectiveAssignment(
                    cycle=cycle, objective=objective, unit=unit, local_number=number
                ),
            )
            messages.success(request, _("Assegnazione aggiunta."))
    except editing.EditRefused as exc:
        _refused(request, exc)
    return redirect(_url_of(objective))


@member_required
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    _office(request)
    node = request.POST.get("node", "")
    cycle = _cycle(request)
    try:
        item = tree.get_node(cycle, node)
    except editing.EditRefused as exc:
        raise Http404(exc.message) from exc
    _writable(request, cycle)
    version_text = request.POST.get("version") or ""
    position_text = request.POST.get("position") or ""
    try:
        moved = tree.move(
            request.user,
            cycle,
            node,
            request.POST.get("parent", ""),
            int(position_text) if position_text.isdigit() else None,
            int(version_text) if version_text.isdigit() else None,
        )
        messages.success(request, _("Elemento spostato: %(l)s") % {"l": editing.title_of(moved)})
        return redirect(_url_of(moved))
    except editing.EditRefused as exc:
        _refused(request, exc)
    return redirect(_url_of(item))


# --- indicators: targets, weight, value, with the what-if before saving ---------------------


def _final_period(cycle: Cycle) -> Period | None:
    return Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()


def _indicator_initial(ind: Indicator, cycle: Cycle) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": ind.version,
        "number": ind.number,
        "name": ind.name,
        "method": ind.method,
        "source": ind.source,
        "unit_label": ind.unit_label,
        "kind": ind.kind,
        "direction": ind.direction,
        "weight": ind.weight,
        "scoring_rule": ind.scoring_rule,
        "rule_params": rule_text.format_params(ind.rule_params),
    }
    for t in ind.targets.all():
        initial[f"target_{t.year}"] = t.text
    period = _final_period(cycle)
    if period is not None:
        value = Measurement.objects.filter(indicator=ind, period=period).first()
        initial["value"] = value.text if value else ""
    return initial


PLAIN_FIELDS = [
    "number",
    "name",
    "method",
    "source",
    "unit_label",
    "kind",
    "direction",
    "weight",
    "scoring_rule",
    "rule_params",
]


@member_required
def indicator_new(request: HttpRequest) -> HttpResponse:
    _office(request)
    objective_id, block_id = request.GET.get("obiettivo"), request.GET.get("blocco")
    objective = block = None
    if objective_id and objective_id.isdigit():
        objective = get_object_or_404(
            OperationalObjective.objects.select_related("cycle"), pk=int(objective_id)
        )
        cycle = objective.cycle
    elif block_id and block_id.isdigit():
        block = get_object_or_404(EntityBlock.objects.select_related("cycle"), pk=int(block_id))
        cycle = block.cycle
    else:
        raise Http404("indica ?obiettivo=<id> o ?blocco=<id>")
    _office_of(request, cycle)
    next_number = 1 + max(
        [
            0,
            *(
                objective.indicators.values_list("number", flat=True)
                if objective
                else Indicator.objects.filter(entity_block__cycle=cycle).values_list(
                    "number", flat=True
                )
            ),
        ]
    )
    form = IndicatorForm(
        request.POST or None,
        cycle=cycle,
        block=block,
        initial={
            "number": next_number,
            "direction": "higher",
            "weight": 0
            if checks.indicator_weights_used(cycle_smvp(cycle), block is not None)
            else None,
        },
    )
    if request.method == "POST":
        _writable(request, cycle)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    ind = Indicator(
                        objective=objective,
                        entity_block=block,
                        **{n: data[n] or "" if n in ("kind",) else data[n] for n in PLAIN_FIELDS},
                    )
                    editing.create_item(request.user, cycle, ind)
                    editing.set_targets(request.user, ind, form.targets(), None)
                messages.success(request, _("Indicatore creato."))
                return redirect(_url_of(ind))
            except editing.EditRefused as exc:
                form.add_error(None, exc.message)
    return render(
        request,
        "plans/indicator_form.html",
        _context(
            request,
            cycle,
            form=form,
            item=None,
            owner=objective or block,
            title=_("Nuovo indicatore"),
        ),
    )


@member_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    ind = get_object_or_404(
        Indicator.objects.select_related(
            "objective__cycle__entity", "objective__home_unit", "entity_block__cycle__entity"
        ),
        pk=pk,
    )
    cycle = editing.cycle_of(ind)
    _office_of(request, cycle)
    period = _final_period(cycle)
    # The value is offered only where monitoring would accept it (record_value checks again).
    with_value = period is not None and not period.closed and cycle.state == Cycle.State.MONITORING
    initial = _indicator_initial(ind, cycle)
    form = IndicatorForm(
        request.POST or None,
        cycle=cycle,
        with_value=with_value,
        block=ind.entity_block,
        exclude_pk=ind.pk,
        initial=initial,
    )
    preview = conflict = None
    if request.method == "POST":
        _writable(request, cycle)
        if form.is_valid():
            data = form.cleaned_data
            new_target = form.targets()[cycle.year]
            change = whatif.Change(
                target=new_target
                if new_target != initial.get(f"target_{cycle.year}", "")
                else None,
                weight=data["weight"] if data["weight"] != ind.weight else None,
                value=data.get("value")
                if with_value
                and data.get("value")
                and data.get("value") != initial.get("value", "")
                else None,
            )
            if change != whatif.Change() and not data.get("confirmed"):
                preview = whatif.preview_indicator(cycle, ind, change)
                form = IndicatorForm(
                    {**request.POST.dict(), "confirmed": "on"},
                    cycle=cycle,
                    with_value=with_value,
                    block=ind.entity_block,
                    exclude_pk=ind.pk,
                    initial=initial,
                )
                form.is_valid()
            else:
                try:
                    saved = _save_indicator(request, ind, form, initial, change, period)
                    messages.success(
                        request, _("Indicatore salvato (%(n)s modifiche).") % {"n": saved}
                    )
                    return redirect(_url_of(ind))
                except editing.EditConflict as exc:
                    conflict = _indicator_initial(Indicator.objects.get(pk=pk), cycle)
                    form.add_error(None, exc.message)
                except editing.EditRefused as exc:
                    form.add_error(None, exc.message)
    ind.refresh_from_db()
    return render(
        request,
        "plans/indicator_form.html",
        _context(
            request,
            cycle,
            form=form,
            item=ind,
            owner=ind.objective or ind.entity_block,
            title=_("Indicatore"),
            preview=preview,
            conflict=conflict,
            conflict_rows=_conflict_rows(form, conflict),
            move_form=_move_form(cycle, ind),
            delete_url=_delete_url(ind),
            changes=ind.revision_changes.select_related("revision").order_by("-at", "-pk")[:20],
            weights_warning=_weights_warning(ind, form),
            rule_words=rule_text.describe(ind.scoring_rule, ind.rule_params),
        ),
    )


def _weights_warning(ind: Indicator, form: IndicatorForm) -> str | None:
    """With the weight in the form, do the objective's indicators still sum to 100?"""
    if ind.objective_id is None or not form.weighted:
        return None
    weight = (
        form.cleaned_data.get("weight") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    weight = (ind.weight or Decimal(0)) if weight is None else weight
    others = Indicator.objects.filter(objective_id=ind.objective_id).exclude(pk=ind.pk)
    total = weight + sum((w or 0 for w in others.values_list("weight", flat=True)), Decimal(0))
    message = checks.weights_message(total)
    if message is None:
        return None
    return _(
        "Obiettivo %(code)s: con questo peso %(m)s; riequilibra i pesi nella pagina dell'obiettivo."
    ) % {"code": ind.objective.code if ind.objective else "", "m": message}


def _conflict_rows(form: IndicatorForm, current: dict[str, Any] | None) -> list[Any]:
    if not current:
        return []
    rows = []
    for name, field in form.fields.items():
        if name in ("version", "confirmed"):
            continue
        now = current.get(name, "")
        mine = form.data.get(name, "")
        now_text = editing.display(now) if not isinstance(now, str) else now
        if str(mine).strip() != str(now_text).strip():
            rows.append({"label": field.label, "current": now_text, "mine": mine})
    return rows


@transaction.atomic
def _save_indicator(
    request: HttpRequest,
    ind: Indicator,
    form: IndicatorForm,
    initial: dict[str, Any],
    change: whatif.Change,
    period: Period | None,
) -> int:
    """Fields and targets under one lock; the value through monitoring's record_value."""
    data = form.cleaned_data
    version = data.get("version")
    values = {n: (data[n] or "") if n == "kind" else data[n] for n in PLAIN_FIELDS}
    plan_changed = any(not editing._same(getattr(ind, n), v) for n, v in values.items()) or any(
        (initial.get(f"target_{y}") or "") != t for y, t in form.targets().items()
    )
    count = 0
    if plan_changed:
        editing.require_editable(request.user, editing.cycle_of(ind))
        editing.lock(Indicator, ind.pk, version)
        count += len(editing.save_fields(request.user, ind, values, None).changed)
        count += len(editing.set_targets(request.user, ind, form.targets(), None).changed)
    elif version is not None and Indicator.objects.get(pk=ind.pk).version != version:
        editing.lock(Indicator, ind.pk, version)
    if change.value is not None and period is not None:
        try:
            record_value(request.user, ind, period, change.value)
            count += 1
        except ValueRefused as exc:
            raise editing.EditRefused(exc.message) from exc
    return count
