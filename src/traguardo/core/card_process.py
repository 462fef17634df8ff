"""The evaluation process of a report card as a small state machine.

Objectives are assigned and acknowledged at the start of the year; a mid-year interview
(colloquio intermedio) may follow; the evaluator writes the final evaluation (for the
Segretario generale, the OIV proposes it); the person acknowledges it and may appeal
(procedura di conciliazione) within the SMVP's deadline; the appeal is decided within its
own deadline; the office closes the card. Who may act is an *actor kind* here; the web
layer maps users to actor kinds through the permission checks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from traguardo.core.i18n import N_, _


class State(StrEnum):
    DRAFT = "draft"
    ASSIGNED = "assigned"
    OBJECTIVES_ACKNOWLEDGED = "objectives_acknowledged"
    MIDYEAR_DONE = "midyear_done"
    EVALUATED = "evaluated"
    EVALUATION_ACKNOWLEDGED = "evaluation_acknowledged"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    CLOSED = "closed"


class Step(StrEnum):
    ASSIGN = "assign"
    ACKNOWLEDGE_OBJECTIVES = "acknowledge_objectives"
    MIDYEAR_INTERVIEW = "midyear_interview"
    EVALUATE = "evaluate"
    ACKNOWLEDGE_EVALUATION = "acknowledge_evaluation"
    APPEAL = "appeal"
    DECIDE_APPEAL = "decide_appeal"
    CLOSE = "close"


class Actor(StrEnum):
    PERSON = "person"  # the person the card is about
    EVALUATOR = "evaluator"  # dirigente, SG, or the OIV for the SG's card
    OFFICE = "office"  # performance office


# (from state, step) -> (to state, who may take the step)
TRANSITIONS: dict[tuple[State, Step], tuple[State, frozenset[Actor]]] = {
    (State.DRAFT, Step.ASSIGN): (State.ASSIGNED, frozenset({Actor.EVALUATOR, Actor.OFFICE})),
    (State.ASSIGNED, Step.ACKNOWLEDGE_OBJECTIVES): (
        State.OBJECTIVES_ACKNOWLEDGED,
        frozenset({Actor.PERSON}),
    ),
    (State.OBJECTIVES_ACKNOWLEDGED, Step.MIDYEAR_INTERVIEW): (
        State.MIDYEAR_DONE,
        frozenset({Actor.EVALUATOR}),
    ),
    (State.OBJECTIVES_ACKNOWLEDGED, Step.EVALUATE): (
        State.EVALUATED,
        frozenset({Actor.EVALUATOR}),
    ),
    (State.MIDYEAR_DONE, Step.EVALUATE): (State.EVALUATED, frozenset({Actor.EVALUATOR})),
    (State.EVALUATED, Step.ACKNOWLEDGE_EVALUATION): (
        State.EVALUATION_ACKNOWLEDGED,
        frozenset({Actor.PERSON}),
    ),
    (State.EVALUATION_ACKNOWLEDGED, Step.APPEAL): (State.APPEALED, frozenset({Actor.PERSON})),
    (State.APPEALED, Step.DECIDE_APPEAL): (
        State.APPEAL_DECIDED,
        frozenset({Actor.EVALUATOR, Actor.OFFICE}),
    ),
    (State.EVALUATION_ACKNOWLEDGED, Step.CLOSE): (State.CLOSED, frozenset({Actor.OFFICE})),
    (State.APPEAL_DECIDED, Step.CLOSE): (State.CLOSED, frozenset({Actor.OFFICE})),
}

STEP_LABELS: dict[Step, str] = {
    Step.ASSIGN: N_("Assegnazione degli obiettivi"),
    Step.ACKNOWLEDGE_OBJECTIVES: N_("Presa visione degli obiettivi"),
    Step.MIDYEAR_INTERVIEW: N_("Colloquio intermedio"),
    Step.EVALUATE: N_("Valutazione finale"),
    Step.ACKNOWLEDGE_EVALUATION: N_("Presa visione della valutazione"),
    Step.APPEAL: N_("Richiesta di conciliazione"),
    Step.DECIDE_APPEAL: N_("Esito della conciliazione"),
    Step.CLOSE: N_("Chiusura della scheda"),
}

STATE_LABELS: dict[State, str] = {
    State.DRAFT: N_("In preparazione"),
    State.ASSIGNED: N_("Obiettivi assegnati"),
    State.OBJECTIVES_ACKNOWLEDGED: N_("Obiettivi presi in visione"),
    State.MIDYEAR_DONE: N_("Colloquio intermedio svolto"),
    State.EVALUATED: N_("Valutata"),
    State.EVALUATION_ACKNOWLEDGED: N_("Valutazione presa in visione"),
    State.APPEALED: N_("In conciliazione"),
    State.APPEAL_DECIDED: N_("Conciliazione conclusa"),
    State.CLOSED: N_("Chiusa"),
}


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Days allowed by the SMVP: to appeal after acknowledging, to decide an appeal."""

    appeal_days: int = 15
    decision_days: int = 30


class StepRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_steps(state: State, actors: frozenset[Actor]) -> list[Step]:
    """Steps these actors may take from `state`, in process order."""
    return [
        step
        for (source, step), (_target, who) in TRANSITIONS.items()
        if source == state and who & actors
    ]


def take_step(
    state: State,
    step: Step,
    actors: frozenset[Actor],
    *,
    on: datetime.date,
    last_step_on: datetime.date | None = None,
    deadlines: Deadlines = Deadlines(),
) -> State:
    """The state after `step`, or StepRefused saying why not.

    `last_step_on` is the date of the step that opened the current state: an appeal must
    come within `appeal_days` of the acknowledgement of the evaluation.
    """
    entry = TRANSITIONS.get((state, step))
    if entry is None:
        raise StepRefused(
            _("«{step}» non è possibile quando la scheda è «{state}»").format(
                step=_(STEP_LABELS[step]), state=_(STATE_LABELS[state])
            )
        )
    target, who = entry
    if not who & actors:
        raise StepRefused(
            _("«{step}» non spetta al tuo ruolo su questa scheda").format(step=_(STEP_LABELS[step]))
        )
    if last_step_on is not None and on < last_step_on:
        raise StepRefused(_("la data è precedente al passo precedente della scheda"))
    if step is Step.APPEAL and last_step_on is not None:
        limit = last_step_on + datetime.timedelta(days=deadlines.appeal_days)
        if on > limit:
            raise StepRefused(
                _(
                    "termine per la conciliazione scaduto il {limit} "
                    "({days} giorni dalla presa visione)"
                ).format(limit=f"{limit:%d/%m/%Y}", days=deadlines.appeal_days)
            )
    return target


def decision_due(appealed_on: datetime.date, deadlines: Deadlines = Deadlines()) -> datetime.date:
    """The date by which an appeal must be decided."""
    return appealed_on + datetime.timedelta(days=deadlines.decision_days)
