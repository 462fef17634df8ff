"""Issue 15, points 1 and 2: a history page applies the rule of the object it belongs to, and
the "Operazioni massive" box shows only the bulk entries the reader may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import Role
from traguardo.audit import recorder
from traguardo.audit.access import RULES
from traguardo.audit.recorder import acting_as
from traguardo.audit.registry import audited_models
from traguardo.individual.models import (
    BehaviourRating,
    CardEvent,
    CardProcess,
    CardScheme,
    Competence,
    ReportCard,
)


def test_every_audited_model_has_a_history_rule() -> None:
    missing = sorted(m._meta.label_lower for m in audited_models())
    missing = [label for label in missing if label not in RULES]
    assert missing == [], f"audited models without a rule in audit/access.py RULES: {missing}"


def _url(obj: object) -> str:
    return reverse("audit:history", args=[obj._meta.label_lower, obj.pk])  # type: ignore[attr-defined]


def _card_parts(world: World) -> tuple[ReportCard, CardEvent, BehaviourRating, CardProcess]:
    card = ReportCard.objects.get(cycle=world.cycle, key="PO-2.1")  # the card of `po`
    scheme = CardScheme.objects.create(
        cycle=world.cycle, role="po", results_weight=70, behaviours_weight=30
    )
    competence = Competence.objects.create(scheme=scheme, code="C1", name="Competenza", weight=100)
    with acting_as(get_user_model().objects.get(username="dirigente")):
        event = recorder.create(
            CardEvent,
            card=card,
            step="evaluate",
            from_state="midyear_done",
            to_state="evaluated",
            on=datetime.date(2020, 3, 1),
            actor="evaluator",
            note="Nota riservata del valutatore",
            final_score=Decimal("87.5"),
        )
        rating = recorder.create(BehaviourRating, card=card, competence=competence, rating=4)
        process = recorder.create(CardProcess, card=card, state="evaluated")
    return card, event, rating, process


def test_a_card_part_history_follows_the_card(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    card, event, rating, process = _card_parts(world)
    for obj in (card, event, rating, process):
        url = _url(obj)
        # po2 is a colleague: the card is 403 to them, and so is every part of it.
        assert sign_in("po2").get(url).status_code == 403, url
        assert sign_in("po").get(url).status_code == 200, url  # their own card
        assert sign_in("dirigente").get(url).status_code == 200, url  # the evaluator
        assert sign_in("ufficio").get(url).status_code == 200, url
    assert "Nota riservata" in sign_in("po").get(_url(event)).content.decode()


def test_a_deleted_card_part_keeps_the_card_rule(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    _card, event, _rating, _process = _card_parts(world)
    url = _url(event)
    recorder.delete(event)
    assert sign_in("po2").get(url).status_code == 403
    assert sign_in("po").get(url).status_code == 200


def test_a_deleted_card_is_read_by_its_person_and_the_office_only(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    card, event, _rating, _process = _card_parts(world)
    urls = [_url(card), _url(event)]
    recorder.delete(card)  # cascades to its parts, each recorded
    for url in urls:
        assert sign_in("po2").get(url).status_code == 403, url
        assert sign_in("po").get(url).status_code == 200, url
        assert sign_in("oiv").get(url).status_code == 200, url


def test_a_member_of_another_administration_reads_no_history(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    indicator = world.indicator("2.1/1", 1)
    with acting_as(get_user_model().objects.get(username="ufficio")):
        indicator.weight = Decimal("42")
        recorder.save(indicator)
    other = f.user_with_role(Role.PERFORMANCE_OFFICE, f.EntityFactory())
    assert f.signed_in(other).get(_url(indicator)).status_code == 403
    assert sign_in("po2").get(_url(indicator)).status_code == 200


def _bulk_box(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return html.split("Operazioni massive", 1)[1] if "Operazioni massive" in html else ""


def test_bulk_entries_are_shown_to_those_who_may_see_what_they_changed(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    indicator = world.indicator("2.1/1", 1)
    with acting_as(get_user_model().objects.get(username="ufficio")):
        recorder.save(indicator)
        recorder.record_bulk(
            "Beneficiari del fondo sostituiti",
            {"changed": {"M001": {"old": ["C", "80"], "new": ["C", "95.5"]}}},
            cycle=world.cycle,
            about="rewards.fund",
        )
        recorder.record_bulk(
            "Punteggi copiati dalle schede",
            {"beneficiari": {"M002": {"new": "77,25 punti"}}},
            cycle=world.cycle,
        )
        recorder.record_bulk(
            "Eliminato dal piano: obiettivo 9.9/9",
            {"removed": {"plans.indicator": 2}},
            cycle=world.cycle,
            about="plans.cycle",
        )
    url = _url(indicator)
    for username in ("po", "dirigente", "segretario"):
        box = _bulk_box(sign_in(username), url)
        assert "Eliminato dal piano" in box, username
        assert "95.5" not in box and "Beneficiari" not in box, username
        # (a score unlike any id or time the page may print)
        assert "77,25 punti" not in box and "Punteggi copiati" not in box, username
    for username in ("ufficio", "oiv"):
        box = _bulk_box(sign_in(username), url)
        assert "Beneficiari" in box and "Punteggi copiati" in box, username
