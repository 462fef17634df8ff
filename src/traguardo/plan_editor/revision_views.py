"""Revisions of the plan (open, record, close, compare versions) and the cycle's states.

Readable by every member of the entity; writes by the performance office (revisions) or by
the role each transition belongs to (states), checked on the server for every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.plan_editor.views import _context, _cycle, _refused, _writable
from traguardo.plans import editing, snapshots, states
from traguardo.plans.forms import CompareForm, RevisionOpenForm, TransitionForm
from traguardo.plans.models import Act, Cycle, Revision

# --- revisions ----------------------------------------------------------------------------


@member_required
def revisions(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )
    form = RevisionOpenForm(request.POST or None)
    if request.method == "POST":
        _writable(request, cycle)
        action = request.POST.get("action")
        if action == "close":
            return _close_revision(request, cycle)
        if action == "open" and form.is_valid():
            try:
                revision = _open_revision(request, cycle, form.cleaned_data)
                messages.success(
                    request,
                    _(
                        "Revisione n. %(n)s aperta: le modifiche al piano "
                        "vengono registrate in essa."
                    )
                    % {"n": revision.number},
                )
                return redirect(reverse("plans:revisions") + f"?anno={cycle.year}")
            except editing.EditRefused as exc:
                _refused(request, exc)  # the form may be hidden (a revision is open)
    rows = (
        Revision.objects.filter(cycle=cycle)
        .select_related("act")
        .prefetch_related("changes__by")
        .order_by("number")
    )
    return render(
        request,
        "plans/revisions.html",
        _context(
            request,
            cycle,
            revisions=rows,
            form=form,
            can_manage=editing.refusal(request.user, cycle) is None,
            compare_form=_compare_form(cycle),
        ),
    )


@transaction.atomic
def _open_revision(request: HttpRequest, cycle: Cycle, data: dict[str, Any]) -> Revision:
    Cycle.objects.select_for_update().get(pk=cycle.pk)  # one opening at a time
    if editing.open_revision(cycle) is not None:
        raise editing.EditRefused(
            _("C'è già una revisione aperta: chiudila prima di aprirne un'altra.")
        )
    if cycle.state == Cycle.State.DRAFT:
        raise editing.EditRefused(
            _(
                "Il piano non è ancora approvato: in preparazione si "
                "modifica direttamente, senza revisione."
            )
        )
    last = Revision.objects.filter(cycle=cycle).order_by("-number").first()
    number = (last.number if last else 0) + 1
    snapshots.take(
        cycle,
        number - 1,
        _("Piano approvato")
        if number == 1
        else _("Piano dopo la revisione n. %(n)s") % {"n": number - 1},
    )
    act = Act.objects.create(
        cycle=cycle,
        kind=Act.Kind.REVISION,
        body=data["act_body"],
        act_type=data["act_type"],
        number=data["act_number"],
        date=data["act_date"],
        subject=_("Revisione n. %(n)s del Piano della performance") % {"n": number},
    )
    return Revision.objects.create(
        cycle=cycle,
        number=number,
        act=act,
        reason=data["reason"],
        is_open=True,
        opened_by=request.user if request.user.is_authenticated else None,
        opened_at=timezone.now(),
    )


def _close_revision(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(cycle=cycle, is_open=True).first()
        if revision is None:
            messages.error(request, _("Nessuna revisione aperta da chiudere."))
        else:
            revision.is_open = False
            revision.closed_at = timezone.now()
            revision.variations_count = revision.changes.count()
            revision.save()
            snapshots.take(
                cycle,
                revision.number,
                _("Piano dopo la revisione n. %(n)s") % {"n": revision.number},
            )
            messages.success(
                request,
                _("Revisione n. %(n)s chiusa con %(c)s variazioni.")
                % {"n": revision.number, "c": revision.variations_count},
            )
    return redirect(reverse("plans:revisions") + f"?anno={cycle.year}")


def _compare_form(cycle: Cycle) -> CompareForm:
    versions = snapshots.versions(cycle)
    return CompareForm(versions=versions, initial={"a": versions[0][0], "b": snapshots.CURRENT})


@member_required
def compare(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )
    versions = snapshots.versions(cycle)
    form = CompareForm(request.GET or None, versions=versions)
    differences = None
    labels = dict(versions)
    if form.is_valid():
        differences = snapshots.compare(
            snapshots.data_of(cycle, form.cleaned_data["a"]),
            snapshots.data_of(cycle, form.cleaned_data["b"]),
        )
    return render(
        request,
        "plans/compare.html",
        _context(
            request,
            cycle,
            form=form,
            differences=differences,
            label_a=labels.get(form.data.get("a", ""), ""),
            label_b=labels.get(form.data.get("b", ""), ""),
        ),
    )


# --- cycle states -------------------------------------------------------------------------


@member_required
def states_view(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )
    targets = [(t, str(Cycle.State(t).label)) for t in states.allowed_targets(request.user, cycle)]
    form = TransitionForm(request.POST or None, targets=targets)
    if request.method == "POST":
        wanted = request.POST.get("target", "")
        if cycle.is_published:
            raise PermissionDenied(
                _("Il ciclo %(year)s è pubblicato: il suo stato non cambia più.")
                % {"year": cycle.year}
            )
        if not targets:
            raise PermissionDenied(
                _("Il tuo ruolo non consente passaggi di stato del ciclo nello stato attuale.")
            )
        open_rev = editing.open_revision(cycle)
        if form.is_valid() and open_rev is not None and wanted not in editing.REVISION_STATES:
            form.add_error(
                None,
                _("La revisione n. %(n)s è ancora aperta: chiudila prima di chiudere il ciclo.")
                % {"n": open_rev.number},
            )
        if form.is_valid():
            try:
                states.transition(request.user, cycle, wanted, form.cleaned_data["note"])
                if wanted == Cycle.State.APPROVED:
                    snapshots.take(cycle, 0, _("Piano approvato"))
                messages.success(
                    request,
                    _("Il ciclo è ora nello stato «%(s)s».") % {"s": cycle.get_state_display()},
                )
                return redirect(reverse("plans:states") + f"?anno={cycle.year}")
            except states.TransitionRefused as exc:
                form.add_error(None, exc.message)
    history = cycle.transitions.select_related("by").order_by("at", "id")
    return render(
        request,
        "plans/states.html",
        _context(
            request,
            cycle,
            form=form,
            targets=targets,
            history=history,
            all_states=Cycle.State.choices,
        ),
    )
