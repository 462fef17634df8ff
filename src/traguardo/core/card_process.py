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
    Step.ASSIGN: "Assegnazione degli obiettivi",
    Step.ACKNOWLEDGE_OBJECTIVES: "Presa visione degli obiettivi",
    Step.MIDYEAR_INTERVIEW: "Colloquio intermedio",
    Step.EVALUATE: "Valutazione finale",
    Step.ACKNOWLEDGE_EVALUATION: "Presa visione della valutazione",
    Step.APPEAL: "Richiesta di conciliazione",
    Step.DECIDE_APPEAL: "Esito della conciliazione",
    Step.CLOSE: "Chiusura della scheda",
}

STATE_LABELS: dict[State, str] = {
    State.DRAFT: "In preparazione",
    State.ASSIGNED: "Obiettivi assegnati",
    State.OBJECTIVES_ACKNOWLEDGED: "Obiettivi presi in visione",
    State.MIDYEAR_DONE: "Colloquio intermedio svolto",
    State.EVALUATED: "Valutata",
    State.EVALUATION_ACKNOWLEDGED: "Valutazione presa in visione",
    State.APPEALED: "In conciliazione",
    State.APPEAL_DECIDED: "Conciliazione conclusa",
    State.CLOSED: "Chiusa",
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
        step for (source, step), (_, who) in TRANSITIONS.items() if source == state and who & actors
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
            f"«{STEP_LABELS[step]}» non è possibile quando la scheda è «{STATE_LABELS[state]}»"
        )
    target, who = entry
    if not who & actors:
        raise StepRefused(f"«{STEP_LABELS[step]}» non spetta al tuo ruolo su questa scheda")
    if last_step_on is not None and on < last_step_on:
        raise StepRefused("la data è precedente al passo precedente della scheda")
    if step is Step.APPEAL and last_step_on is not None:
        limit = last_step_on + datetime.timedelta(days=deadlines.appeal_days)
        if on > limit:
            raise StepRefused(
                f"termine per la conciliazione scaduto il {limit:%d/%m/%Y} "
                f"({deadlines.appeal_days} giorni dalla presa visione)"
            )
    return target


def decision_due(appealed_on: datetime.date, deadlines: Deadlines = Deadlines()) -> datetime.date:
    """The date by which an appeal must be decided."""
    return appealed_on + datetime.timedelta(days=deadlines.decision_days)
