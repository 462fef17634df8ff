"""Report card pages: the list of the cards a user may see, and one card with its
results, behaviours, final score and process (every action checked on the server)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from traguardo import table_export
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.permissions import can_view_card
from traguardo.core import card_process as process
from traguardo.individual.models import (
    CardProcess,
    CardState,
    CardStep,
    EvaluationConfig,
    ReportCard,
)
from traguardo.individual.services import (
    ACTOR_LABELS,
    StepForbidden,
    actors_for,
    card_results,
    card_view,
    cards_data,
    deadlines,
    parse_ratings,
    posts_in_year,
    take_step,
    visible_cards,
)
from traguardo.plans.selectors import selected_cycle
from traguardo.plans.smvp_settings import cycle_smvp
from traguardo.scoring.services import score_cycle

CARD_NOTE_MAX_LENGTH = 2000


def step_label(report: ReportCard, step: process.Step) -> str:
    """The SG's final evaluation is the OIV's proposal (art. 14 D.Lgs. 150/2009)."""
    if step is process.Step.EVALUATE and report.role == "segretario_generale":
        return str(_("Proposta di valutazione dell'OIV"))
    return str(CardStep(step.value).label)


@member_required
def cards(request: HttpRequest) -> HttpResponse:
    cycle = selected_cycle(request)
    score = score_cycle(cycle)
    rows = []
    states = dict(CardProcess.objects.filter(card__cycle=cycle).values_list("card_id", "state"))
    cards = visible_cards(request.user, cycle.pk)
    data = cards_data(cards)  # one query per kind, not five per card
    lines: list[list[Any]] = []  # the same, for the download
    for card in cards:
        state = CardState(states.get(card.pk, "draft")).label
        final = card_results(card, score, data)[3]
        rows.append({"card": card, "state": state, "final": final})
        lines.append(
            [
                card.key,
                card.title,
                card.get_role_display(),
                state,
                final.value if final else None,
                final.band if final else "",
            ]
        )
    table = table_export.Table(
        f"schede-{cycle.entity.code}-{cycle.year}",
        _("Schede %(year)s") % {"year": cycle.year},
        [_("Codice"), _("Scheda"), _("Ruolo"), _("Stato"), _("Punteggio finale"), _("Fascia")],
        lines,
        (12, 50, 24, 18, 14, 14),
    )
    if (download := table_export.download(request, table)) is not None:
        return download
    return render(
        request,
        "individual/cards.html",
        {"cycle": cycle, "rows": rows, "export_links": table_export.links(request)},
    )


@member_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ReportCard.objects.select_related("cycle", "person"), pk=pk)
    check(can_view_card(request.user, report), _("Questa scheda è riservata."))
    score = score_cycle(report.cycle)
    if request.method == "POST":
        step_text = request.POST.get("step", "")
        try:
            step = process.Step(step_text)
        except ValueError:
            messages.error(request, _("Passo sconosciuto."))
            return redirect("individual:card", pk=pk)
        note = request.POST.get("note", "")
        if len(note) > CARD_NOTE_MAX_LENGTH:  # refused, never cut
            messages.error(
                request,
                _("Nota troppo lunga: al massimo %(limit)s caratteri (ne hai scritti %(n)s).")
                % {"limit": CARD_NOTE_MAX_LENGTH, "n": len(note)},
            )
            return redirect("individual:card", pk=pk)
        try:
            ratings = parse_ratings(report, request.POST) if step is process.Step.EVALUATE else None
            take_step(
                request.user,
                report,
                step,
                note=note,
                ratings=ratings,
                plan_score=score,
            )
        except StepForbidden as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Registrato: %(step)s.") % {"step": CardStep(step.value).label}
            )
        return redirect("individual:card", pk=pk)
    view = card_view(report, score)
    actors = actors_for(request.user, report)
    steps = process.allowed_steps(view.state, actors)
    objectives = {
        o.number: o for o in report.objectives.select_related("objective", "objective__home_unit")
    }
    competences = list(view.scheme.competences.all()) if view.scheme else []
    posts = posts_in_year(report)
    total_days = sum(p.days for p, _ in view.split.posts) if view.split else 0
    appeal_due = None
    if view.state is process.State.APPEALED and view.events:
        appeal_due = process.decision_due(view.events[-1].on, deadlines(report))
    for event in view.events:
        event.actor_label = ", ".join(  # type: ignore[attr-defined]
            str(ACTOR_LABELS.get(a, a)) for a in event.actor.split(",") if a
        )
    scale = (
        [int(v) for v in range(int(view.scheme.scale_min), int(view.scheme.scale_max) + 1)]
        if view.scheme
        else []
    )
    # The SMVP's bands or curve from score to points for the bonus, when it has them.
    payout = cycle_smvp(report.cycle).payout
    payout_step = (
        payout.step(view.final.value)
        if view.final and view.final.value is not None and not payout.is_proportional
        else ""
    )
    return render(
        request,
        "individual/card.html",
        {
            "cycle": report.cycle,
            "view": view,
            "report": report,
            "objective_rows": [
                {"number": n, "code": code, "performance": perf, "entry": objectives.get(n)}
                for n, code, perf in (view.score.objectives if view.score else ())
            ],
            "competence_rows": [
                {"competence": c, "rating": view.ratings.get(c.code)} for c in competences
            ],
            "scale": scale,
            "steps": [{"value": s.value, "label": step_label(report, s)} for s in steps],
            "state_label": CardState(view.state.value).label,
            "appeal_due": appeal_due,
            # a rotation: some post did not last the whole year (the SG's two areas did)
            "posts": posts if any(not p.whole_year for p in posts) else [],
            "post_parts": [
                {"post": post, "score": part, "total_days": total_days}
                for post, part in (view.split.posts if view.split else ())
            ],
            "config": EvaluationConfig.objects.filter(cycle=report.cycle).first(),
            "payout_step": payout_step,
        },
    )
