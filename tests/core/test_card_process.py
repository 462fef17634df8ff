"""The evaluation process of a report card."""

import datetime

import pytest

from traguardo.core.card_process import (
    Actor,
    Deadlines,
    State,
    Step,
    StepRefused,
    allowed_steps,
    decision_due,
    take_step,
)

DAY = datetime.date(2020, 3, 1)
PERSON = frozenset({Actor.PERSON})
EVALUATOR = frozenset({Actor.EVALUATOR})
OFFICE = frozenset({Actor.OFFICE})


def test_the_whole_process_in_order() -> None:
    state = State.DRAFT
    for step, actors in [
        (Step.ASSIGN, EVALUATOR),
        (Step.ACKNOWLEDGE_OBJECTIVES, PERSON),
        (Step.MIDYEAR_INTERVIEW, EVALUATOR),
        (Step.EVALUATE, EVALUATOR),
        (Step.ACKNOWLEDGE_EVALUATION, PERSON),
        (Step.APPEAL, PERSON),
        (Step.DECIDE_APPEAL, OFFICE),
        (Step.CLOSE, OFFICE),
    ]:
        state = take_step(state, step, actors, on=DAY)
    assert state is State.CLOSED


def test_person_cannot_evaluate_and_evaluator_cannot_acknowledge() -> None:
    with pytest.raises(StepRefused, match="non spetta"):
        take_step(State.OBJECTIVES_ACKNOWLEDGED, Step.EVALUATE, PERSON, on=DAY)
    with pytest.raises(StepRefused, match="non spetta"):
        take_step(State.ASSIGNED, Step.ACKNOWLEDGE_OBJECTIVES, EVALUATOR, on=DAY)


def test_steps_out_of_order_refused() -> None:
    with pytest.raises(StepRefused, match="non è possibile"):
        take_step(State.ASSIGNED, Step.EVALUATE, EVALUATOR, on=DAY)


def test_appeal_deadline() -> None:
    acknowledged = datetime.date(2020, 3, 1)
    ok = take_step(
        State.EVALUATION_ACKNOWLEDGED,
        Step.APPEAL,
        PERSON,
        on=datetime.date(2020, 3, 16),
        last_step_on=acknowledged,
    )
    assert ok is State.APPEALED
    with pytest.raises(StepRefused, match="scaduto il 16/03/2020"):
        take_step(
            State.EVALUATION_ACKNOWLEDGED,
            Step.APPEAL,
            PERSON,
            on=datetime.date(2020, 3, 17),
            last_step_on=acknowledged,
        )
    assert decision_due(acknowledged, Deadlines(decision_days=30)) == datetime.date(2020, 3, 31)


def test_allowed_steps_by_actor() -> None:
    assert allowed_steps(State.OBJECTIVES_ACKNOWLEDGED, EVALUATOR) == [
        Step.MIDYEAR_INTERVIEW,
        Step.EVALUATE,
    ]
    assert allowed_steps(State.OBJECTIVES_ACKNOWLEDGED, PERSON) == []
    assert allowed_steps(State.EVALUATION_ACKNOWLEDGED, PERSON) == [Step.APPEAL]


def test_dates_cannot_go_back() -> None:
    with pytest.raises(StepRefused, match="precedente"):
        take_step(
            State.ASSIGNED,
            Step.ACKNOWLEDGE_OBJECTIVES,
            PERSON,
            on=datetime.date(2019, 1, 1),
            last_step_on=datetime.date(2019, 2, 1),
        )
