"""Report cards: read a card with its scores (selectors) and move it through its process
(the one write service, with permission checks and the dated audit record)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.accounts.models import Role
from traguardo.accounts.permissions import (
    can_evaluate_card,
    can_view_card,
    has_role_in,
    person_ids,
)
from traguardo.audit import recorder
from traguardo.core import card_process as process
from traguardo.core.cards import (
    Band,
    Competence,
    FinalScore,
    PostRows,
    RoleScheme,
    SplitResults,
    final_score,
    results_by_post,
)
from traguardo.core.numbers import Limits, NumberFormatError, parse_number
from traguardo.core.results import CardScore, PlanScore
from traguardo.individual.models import (
    BehaviourRating,
    CardEvent,
    CardProcess,
    CardScheme,
    EvaluationConfig,
    ReportCard,
)
from traguardo.organisation.models import Assignment
from traguardo.plans import versions

if TYPE_CHECKING:
    from traguardo.accounts.permissions import User


class StepForbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def core_scheme(scheme: CardScheme) -> RoleScheme:
    return RoleScheme(
        role=scheme.role,
        results_weight=scheme.results_weight,
        behaviours_weight=scheme.behaviours_weight,
        scale_min=scheme.scale_min,
        scale_max=scheme.scale_max,
        synthesis_weights=tuple(Decimal(str(w)) for w in scheme.synthesis_weights),
        bands=tuple(Band(b["name"], Decimal(str(b["minimum"]))) for b in scheme.bands),
        competences=tuple(Competence(c.code, c.name, c.weight) for c in scheme.competences.all()),
    )


def state_of(card: ReportCard) -> process.State:
    proc = CardProcess.objects.filter(card=card).first()
    return process.State(proc.state if proc else CardProcess._meta.get_field("state").default)


def actors_for(user: User, card: ReportCard) -> frozenset[process.Actor]:
    """The roles the user plays on this card (the person, the evaluator, the office)."""
    actors = set()
    if card.person_id is not None and card.person_id in person_ids(user):
        actors.add(process.Actor.PERSON)
    if can_evaluate_card(user, card):
        actors.add(process.Actor.EVALUATOR)
    if has_role_in(user, card.cycle.entity_id, Role.PERFORMANCE_OFFICE):
        actors.add(process.Actor.OFFICE)
    return frozenset(actors)


def deadlines(card: ReportCard) -> process.Deadlines:
    config = EvaluationConfig.objects.filter(cycle_id=card.cycle_id).first()
    if config is None:
        return process.Deadlines()
    return process.Deadlines(config.appeal_days, config.decision_days)


@dataclass(frozen=True)
class CardView:
    card: ReportCard
    score: CardScore | None
    scheme: CardScheme | None
    final: FinalScore | None
    ratings: dict[str, Decimal | None]
    state: process.State
    events: list[CardEvent]
    # the results part split by post (SMVP split_by_days and a mid-year change), else None
    split: SplitResults | None = None


def ratings_of(card: ReportCard) -> dict[str, Decimal | None]:
    return {
        code: rating
        for code, rating in BehaviourRating.objects.filter(card=card).values_list(
            "competence__code", "rating"
        )
    }


@dataclass(frozen=True)
class CardsData:
    """What the scores of a set of cards are computed from, read with one query per kind
    (the list of cards would otherwise read each card's scheme, ratings, SMVP settings and
    posts: about five queries per card)."""

    schemes: dict[str, CardScheme]  # by role, with their competences
    ratings: dict[int, dict[str, Decimal | None]]  # by card id
    config: EvaluationConfig | None
    posts: dict[int, list[Post]]  # by person id, read only when the SMVP splits by days


def cards_data(cards: list[ReportCard]) -> CardsData:
    """Assumes the cards share one cycle (every page lists the cards of one cycle)."""
    if not cards:
        return CardsData({}, {}, None, {})
    cycle_id = cards[0].cycle_id
    schemes: dict[str, CardScheme] = {}
    for scheme in (
        CardScheme.objects.filter(cycle_id=cycle_id, role__in={c.role for c in cards})
        .prefetch_related("competences")
        .order_by("id")
    ):
        schemes.setdefault(scheme.role, scheme)  # the first, as .first() did
    ratings: dict[int, dict[str, Decimal | None]] = {c.pk: {} for c in cards}
    for card_id, code, rating in BehaviourRating.objects.filter(
        card_id__in=list(ratings)
    ).values_list("card_id", "competence__code", "rating"):
        ratings[card_id][code] = rating
    config = EvaluationConfig.objects.filter(cycle_id=cycle_id).first()
    posts: dict[int, list[Post]] = {}
    if config is not None and config.split_by_days:
        posts = _posts_of(cards[0], {c.person_id for c in cards if c.person_id is not None})
    return CardsData(schemes, ratings, config, posts)


def card_view(card: ReportCard, plan_score: PlanScore, data: CardsData | None = None) -> CardView:
    score, scheme, ratings, final, split = card_results(card, plan_score, data)
    events = list(card.events.select_related("user").order_by("on", "id"))
    return CardView(card, score, scheme, final, ratings, state_of(card), events, split)


def card_results(
    card: ReportCard, plan_score: PlanScore, data: CardsData | None = None
) -> tuple[
    CardScore | None,
    CardScheme | None,
    dict[str, Decimal | None],
    FinalScore | None,
    SplitResults | None,
]:
    """The card's score, scheme, ratings, final score and split by post (no process)."""
    data = data or cards_data([card])
    score = next((c for c in plan_score.cards if c.key == card.key), None)
    scheme = data.schemes.get(card.role)
    ratings = data.ratings.get(card.pk, {})
    final = None
    split = None
    core = (
        core_scheme(scheme)
        if scheme is not None
        # no scheme: equal row weights, enough to show each post's results part
        else RoleScheme(card.role, Decimal(100), Decimal(0), Decimal(5))
    )
    try:
        split = split_by_post(card, plan_score, core, data)
    except ValueError:
        split = None  # row weights that do not fit a post's card, or overlapping posts
    if scheme is not None and score is not None:
        rows = [(row.label, row.performance) for row in score.synthesis]
        full = {c.code: ratings.get(c.code) for c in core.competences}
        try:
            final = final_score(
                core,
                rows,
                full,
                subject=_("Punteggio finale {key}").format(key=card.key),
                results=split.whole if split is not None else None,
            )
        except ValueError:
            final = None  # a scheme whose row weights do not fit this card: shown as n.d.
    return score, scheme, ratings, final, split


def split_by_post(
    card: ReportCard, plan_score: PlanScore, scheme: RoleScheme, data: CardsData | None = None
) -> SplitResults | None:
    """The card's results part split by the days in each post, when the cycle's SMVP says
    so (EvaluationConfig.split_by_days) and the person changed post during the year.

    The objectives of a post are those assigned with the Piano to whoever held it on
    1 January: the card of that holder (same role). With the 2019 rotations, PO-0.1's
    holder led 2.4 until 20.05 (its card's own objectives) and 0.1 from 21.05 (the
    objectives on PO-2.4's card, whose holder led 0.1 on 1 January)."""
    config = (
        data.config
        if data is not None
        else EvaluationConfig.objects.filter(cycle_id=card.cycle_id).first()
    )
    if config is None or not config.split_by_days:
        return None
    posts = data.posts.get(card.person_id, []) if data is not None and card.person_id else None
    if posts is None:
        posts = posts_in_year(card)
    if all(p.whole_year for p in posts):
        return None
    by_key = {c.key: c for c in plan_score.cards}
    parts = []
    for post in posts:
        source = card_for_post(card, post)
        found = by_key.get(source.key) if source is not None else None
        label = (
            _("%(unit)s (obiettivi della scheda %(key)s)") % {"unit": post.unit, "key": source.key}
            if source is not None
            else _("%(unit)s (nessuna scheda con i suoi obiettivi)") % {"unit": post.unit}
        )
        rows = (
            tuple((row.label, row.performance) for row in found.synthesis)
            if found is not None
            else ((str(label), None),)
        )
        parts.append(PostRows(str(label), post.start, post.end, rows))
    subject = _("Parte risultati per incarico {key}").format(key=card.key)
    return results_by_post(scheme, parts, subject=subject)


def card_for_post(card: ReportCard, post: Post) -> ReportCard | None:
    """The card (same cycle and role) carrying the objectives of the post's unit: the card
    of the person who held the unit on 1 January, else a card naming the unit."""
    if post.unit_id in _first_units(card):
        return card  # the person's own objectives were assigned for this post
    holders = Assignment.objects.on(_january_first(card)).filter(
        unit_id=post.unit_id, role=card.role
    )
    same = ReportCard.objects.filter(cycle_id=card.cycle_id, role=card.role)
    return (
        same.filter(person_id__in=holders.values("person_id")).order_by("id").first()
        or same.filter(units__id=post.unit_id).order_by("id").first()
    )


def _january_first(card: ReportCard) -> datetime.date:
    """The day the Piano assigns the year's objectives to whoever holds each post."""
    return datetime.date(card.cycle.year, 1, 1)


def _first_units(card: ReportCard) -> set[int]:
    if card.person_id is None:
        return set()
    return set(
        Assignment.objects.on(_january_first(card))
        .filter(person_id=card.person_id, role=card.role)
        .values_list("unit_id", flat=True)
    )


def _field_limits(model: type, name: str) -> Limits:
    field = model._meta.get_field(name)  # type: ignore[attr-defined]
    return Limits(field.max_digits, field.decimal_places)


def parse_ratings(card: ReportCard, raw: dict[str, str]) -> dict[str, Decimal]:
    """The ratings of an evaluation form: every competence of the card's scheme, on the
    scale; StepForbidden with what and where otherwise."""
    scheme = CardScheme.objects.filter(cycle_id=card.cycle_id, role=card.role).first()
    if scheme is None:
        raise StepForbidden("Nessuno schema di valutazione configurato per questo ruolo.")
    out: dict[str, Decimal] = {}
    for competence in scheme.competences.all():
        text = (raw.get(competence.code) or "").strip()
        if not text:
            raise StepForbidden(f"«{competence.name}»: valutazione mancante.")
        try:  # the one strict parser: "NaN", "1e3", "1_0" are not ratings
            value = parse_number(text, _field_limits(BehaviourRating, "rating"))
        except NumberFormatError as exc:
            raise StepForbidden(f"«{competence.name}»: {exc}") from None
        if not scheme.scale_min <= value <= scheme.scale_max:
            raise StepForbidden(
                f"«{competence.name}»: {text} è fuori dalla scala "
                f"{scheme.scale_min.normalize()}–{scheme.scale_max.normalize()}."
            )
        out[competence.code] = value
    return out


@transaction.atomic
def take_step(
    user: User,
    card: ReportCard,
    step: process.Step,
    *,
    on: datetime.date | None = None,
    note: str = "",
    ratings: dict[str, Decimal] | None = None,
    plan_score: PlanScore | None = None,
) -> CardEvent:
    """Move the card one step, recording who, when and what. Checks on the server that the
    user may see the card and plays the role the step needs."""
    if not can_view_card(user, card):
        raise StepForbidden("Non puoi vedere questa scheda.")
    proc, created = CardProcess.objects.select_for_update().get_or_create(card=card)
    if created:
        recorder.record_saved(proc, None)
    state = process.State(proc.state)
    last = card.events.order_by("-on", "-id").first()
    day = on or timezone.localdate()
    actors = actors_for(user, card)
    try:
        target = process.take_step(
            state,
            step,
            actors,
            on=day,
            last_step_on=last.on if last else None,
            deadlines=deadlines(card),
        )
    except process.StepRefused as exc:
        raise StepForbidden(exc.message[0].upper() + exc.message[1:] + ".") from None
    final_value = None
    if step is process.Step.EVALUATE:
        if ratings is None:
            raise StepForbidden("La valutazione finale richiede le valutazioni delle competenze.")
        scheme = CardScheme.objects.get(cycle_id=card.cycle_id, role=card.role)
        for competence in scheme.competences.all():
            rating = BehaviourRating.objects.filter(card=card, competence=competence).first()
            if rating is None:
                recorder.create(
                    BehaviourRating,
                    card=card,
                    competence=competence,
                    rating=ratings[competence.code],
                )
            else:
                rating.rating = ratings[competence.code]
                recorder.save(rating)
        if plan_score is not None:
            view = card_view(card, plan_score)
            final_value = view.final.value if view.final else None
    acting = sorted(a.value for a in actors if a in _who(state, step))
    event = recorder.create(
        CardEvent,
        card=card,
        step=step.value,
        from_state=state.value,
        to_state=target.value,
        on=day,
        user=user if user.is_authenticated else None,
        actor=",".join(acting),
        note=note,
        final_score=final_value,
    )
    proc.state = target.value
    recorder.save(proc, update_fields=["state"])
    versions.bump([card.cycle_id])  # ratings and states are part of the cycle's figures
    return event


def _who(state: process.State, step: process.Step) -> frozenset[process.Actor]:
    return process.TRANSITIONS[(state, step)][1]


ACTOR_LABELS = {
    "person": _("interessato"),
    "evaluator": _("valutatore"),
    "office": _("struttura tecnica"),
}


@dataclass(frozen=True)
class Post:
    unit: str
    start: datetime.date
    end: datetime.date
    days: int
    unit_id: int = 0

    @property
    def whole_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)


def posts_in_year(card: ReportCard) -> list[Post]:
    """The person's posts during the cycle's year, clipped to the year, with their days:
    what a split of the card by days would weigh (core.cards.pro_rata_by_days)."""
    if card.person_id is None:
        return []
    return _posts_of(card, {card.person_id}).get(card.person_id, [])


def _posts_of(card: ReportCard, person_ids: set[int]) -> dict[int, list[Post]]:
    """posts_in_year() of several people, in the year of `card`'s cycle, in one query."""
    first = _january_first(card)
    last = datetime.date(card.cycle.year, 12, 31)
    out: dict[int, list[Post]] = {}
    for a in (
        Assignment.objects.filter(person_id__in=person_ids, start__lte=last)
        .exclude(end__lt=first)
        .select_related("unit")
        .order_by("start", "id")
    ):
        start, end = max(a.start, first), min(a.end or last, last)
        out.setdefault(a.person_id, []).append(
            Post(str(a.unit), start, end, (end - start).days + 1, a.unit_id)
        )
    return out


def visible_cards(user: User, cycle_id: int) -> list[ReportCard]:
    cards = ReportCard.objects.filter(cycle_id=cycle_id).prefetch_related("units")
    return [c for c in cards.select_related("cycle", "process") if can_view_card(user, c)]
