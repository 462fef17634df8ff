"""Revisions of the plan (open, record, close, compare versions) and the cycle's states.

Readable by every member of the entity; writes by the performance office (revisions) or by
the role each transition belongs to (states), checked on the server for every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.plan_editor.views import _context, _cycle, _refused, _writable
from traguardo.plans import blockers as blocking
from traguardo.plans import editing, snapshots, states
from traguardo.plans import revisions as plan_revisions
from traguardo.plans.forms import (
    CompareForm,
    CorrectionForm,
    PublishCorrectionForm,
    RevisionOpenForm,
    TransitionForm,
)
from traguardo.plans.models import Cycle, Revision
from traguardo.scoring import lifecycle
from traguardo.scoring import snapshots as score_snapshots
from traguardo.scoring.forms import SnapshotForm

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


def _open_revision(request: HttpRequest, cycle: Cycle, data: dict[str, Any]) -> Revision:
    return plan_revisions.open_revision(
        request.user,
        cycle,
        reason=data["reason"],
        act_body=data["act_body"],
        act_type=data["act_type"],
        act_number=data["act_number"],
        act_date=data["act_date"],
    )


def _close_revision(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    try:
        revision = plan_revisions.close_revision(request.user, cycle)
        messages.success(
            request,
            _("Revisione n. %(n)s chiusa con %(c)s variazioni.")
            % {"n": revision.number, "c": revision.variations_count},
        )
    except editing.EditRefused as exc:
        messages.error(request, exc.message)
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


def _transition_targets(request: HttpRequest, cycle: Cycle) -> list[tuple[str, str]]:
    return [(t, str(Cycle.State(t).label)) for t in states.allowed_targets(request.user, cycle)]


def _refuse_published(cycle: Cycle, targets: list[tuple[str, str]], wanted: str) -> None:
    """403 unless the user's role may move the cycle to `wanted` now."""
    if cycle.is_published:
        raise PermissionDenied(
            _("Il ciclo %(year)s è pubblicato: il suo stato non cambia più.") % {"year": cycle.year}
        )
    if not targets:
        raise PermissionDenied(
            _("Il tuo ruolo non consente passaggi di stato del ciclo nello stato attuale.")
        )
    if wanted not in dict(targets):
        raise PermissionDenied(
            _("Il passaggio a «%(t)s» non è consentito al tuo ruolo nello stato attuale.")
            % {"t": wanted}
        )


def _apply_transition(request: HttpRequest, cycle: Cycle, form: TransitionForm) -> bool:
    """Make the change the valid `form` asks for; on refusal the form carries why."""
    data = form.cleaned_data
    wanted = data["target"]
    if wanted in states.IRREVERSIBLE and not data["confirm"]:
        form.add_error(
            "confirm",
            _("Questo passaggio non si può annullare: spunta la conferma per procedere."),
        )
        return False
    try:
        record = lifecycle.change_state(
            request.user,
            cycle,
            wanted,
            data["note"],
            override=data["override"],
            reason=data["reason"],
        )
    except states.TransitionBlocked as exc:
        form.add_error(
            None,
            _(
                "Il passaggio è bloccato da %(n)s impedimenti: risolvili oppure forza il "
                "passaggio scrivendo il motivo."
            )
            % {"n": len(exc.blockers)},
        )
        return False
    except states.TransitionRefused as exc:
        form.add_error(None, exc.message)
        return False
    message = _("Il ciclo è ora nello stato «%(s)s».") % {"s": cycle.get_state_display()}
    if record.blockers:
        message += " " + _("Passaggio forzato: il motivo è nello storico.")
    messages.success(request, message)
    return True


def _correction(
    request: HttpRequest,
    cycle: Cycle,
    action: str,
    correction_form: CorrectionForm,
    publish_form: PublishCorrectionForm,
) -> bool:
    """Open, publish or abandon a formal correction; False when a form carries an error."""
    if not lifecycle.can_correct(request.user, cycle):
        raise PermissionDenied(
            _("Solo l'ufficio performance dell'ente rettifica una Relazione pubblicata.")
        )
    try:
        if action == "correct-open" and correction_form.is_valid():
            draft = lifecycle.open_correction(
                request.user, cycle, correction_form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _(
                    "Rettifica (versione %(n)s) aperta: correggi i testi della Relazione, "
                    "genera di nuovo i documenti, poi pubblicala."
                )
                % {"n": draft.number},
            )
            return True
        if action == "correct-publish" and publish_form.is_valid():
            published = lifecycle.publish_correction(request.user, cycle)
            messages.success(
                request,
                _("Rettifica pubblicata: è in vigore la versione %(n)s.") % {"n": published.number},
            )
            return True
        if action == "correct-abandon":
            lifecycle.abandon_correction(request.user, cycle)
            messages.success(
                request, _("Rettifica annullata: resta in vigore la versione pubblicata.")
            )
            return True
    except states.TransitionRefused as exc:
        messages.error(request, exc.message)
    return False


@member_required
def states_view(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )
    targets = _transition_targets(request, cycle)
    snapshot_form = SnapshotForm(
        request.POST if request.POST.get("action") == "snapshot" else None,
        prefix="snapshot",
    )
    action = request.POST.get("action", "")
    correction_form = CorrectionForm(
        request.POST if action == "correct-open" else None, prefix="correct"
    )
    publish_form = PublishCorrectionForm(
        request.POST if action == "correct-publish" else None, prefix="publish"
    )
    form = TransitionForm(
        None if action == "snapshot" or action.startswith("correct") else (request.POST or None),
        targets=targets,
    )
    if request.method == "POST" and request.POST.get("action") == "snapshot":
        if not score_snapshots.can_take(request.user, cycle):
            raise PermissionDenied(score_snapshots.not_allowed())
        if snapshot_form.is_valid():
            try:
                score_snapshots.retake(request.user, cycle, snapshot_form.cleaned_data["reason"])
            except score_snapshots.SnapshotRefused as exc:
                snapshot_form.add_error("reason", exc.message)
            else:
                messages.success(request, score_snapshots.taken_message())
                return redirect(reverse("plans:states") + f"?anno={cycle.year}")
    elif request.method == "POST" and action.startswith("correct"):
        if _correction(request, cycle, action, correction_form, publish_form):
            return redirect(reverse("plans:states") + f"?anno={cycle.year}")
    elif request.method == "POST":
        _refuse_published(cycle, targets, request.POST.get("target", ""))
        if form.is_valid() and _apply_transition(request, cycle, form):
            return redirect(reverse("plans:states") + f"?anno={cycle.year}")
    history = cycle.transitions.select_related("by").order_by("at", "id")
    # The review computes the cycle live (both periods): only for the office, who acts on it.
    can_snapshot = score_snapshots.can_take(request.user, cycle)
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
            review=score_snapshots.review(cycle) if can_snapshot else None,
            snapshot_history=score_snapshots.history(cycle) if can_snapshot else [],
            snapshot_form=snapshot_form,
            can_snapshot=can_snapshot,
            notices=blocking.notices(cycle),
            publications=lifecycle.publications(cycle),
            can_correct=lifecycle.can_correct(request.user, cycle),
            can_add_cycle=permissions.has_role_in(
                request.user, cycle.entity_id, Role.PERFORMANCE_OFFICE
            ),
            correction=lifecycle.correction_in_progress(cycle) if cycle.is_published else None,
            correction_form=correction_form,
            publish_form=publish_form,
        ),
    )


@member_required
def states_confirm(request: HttpRequest) -> HttpResponse:
    """One change of state, shown before it is made: what happens, what blocks it; the
    POST makes it only with the confirmation (irreversible steps) or the override."""
    cycle = _cycle(request)
    check(
        permissions.can_view_plan(request.user, cycle),
        _("Non fai parte dell'ente di questo ciclo."),
    )
    targets = _transition_targets(request, cycle)
    wanted = request.POST.get("target") or request.GET.get("stato", "")
    _refuse_published(cycle, targets, wanted)
    form = TransitionForm(request.POST or None, targets=targets, initial={"target": wanted})
    if request.method == "POST" and form.is_valid() and _apply_transition(request, cycle, form):
        return redirect(reverse("plans:states") + f"?anno={cycle.year}")
    backward = states.is_backward(cycle.state, wanted)
    return render(
        request,
        "plans/states_confirm.html",
        _context(
            request,
            cycle,
            form=form,
            target=wanted,
            target_label=Cycle.State(wanted).label,
            what_happens=states.what_happens(cycle.state, wanted),
            irreversible=wanted in states.IRREVERSIBLE,
            backward=backward,
            blockers=[] if backward else blocking.blockers(cycle, wanted),
            notices=blocking.notices(cycle),
        ),
    )
