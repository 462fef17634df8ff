"""Report card pages: privacy (on the small world), the seed's syntheses, the process with
its audit trail (on the demo's cards and schemes)."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tests.world import World
from traguardo.individual.models import BehaviourRating, CardEvent, CardProcess, ReportCard
from traguardo.plans.models import Cycle

ClientAs = Callable[[str], Client]


def card(cycle: Cycle, key: str) -> ReportCard:
    return ReportCard.objects.get(cycle=cycle, key=key)


def test_po_cannot_open_another_po_card_by_crafted_url(world: World, sign_in: ClientAs) -> None:
    po = sign_in("po")
    assert po.get(f"/schede/{card(world.cycle, 'PO-2.1').pk}/").status_code == 200
    assert po.get(f"/schede/{card(world.cycle, 'PO-3.1').pk}/").status_code == 403
    # a crafted POST on someone else's card is refused too, and nothing is recorded
    before = CardEvent.objects.count()
    other = card(world.cycle, "PO-3.1")
    response = po.post(f"/schede/{other.pk}/", {"step": "acknowledge_objectives"})
    assert response.status_code == 403
    assert CardEvent.objects.count() == before


def test_dirigente_sees_the_po_cards_of_area_2_only(people: Cycle, client_as: ClientAs) -> None:
    page = client_as("dirigente").get("/schede/").content.decode()
    for key in ("PO-2.1", "PO-2.2", "PO-2.3", "PO-2.4", "DIR-2"):
        assert f">{key}<" in page, key
    for key in ("PO-3.1", "PO-0.1", "SG", "DIR-3"):
        assert f">{key}<" not in page, key
    dirigente = client_as("dirigente")
    assert dirigente.get(f"/schede/{card(people, 'PO-3.1').pk}/").status_code == 403
    assert dirigente.get(f"/schede/{card(people, 'SG').pk}/").status_code == 403


def test_only_oiv_and_office_and_the_sg_see_the_sg_card(world: World, sign_in: ClientAs) -> None:
    pk = card(world.cycle, "SG").pk
    assert sign_in("oiv").get(f"/schede/{pk}/").status_code == 200
    assert sign_in("ufficio").get(f"/schede/{pk}/").status_code == 200
    assert sign_in("segretario").get(f"/schede/{pk}/").status_code == 200
    assert sign_in("po").get(f"/schede/{pk}/").status_code == 403


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().get(f"/schede/{card(world.cycle, 'PO-2.1').pk}/")
    assert response.status_code == 302 and "/accesso/" in response["Location"]


def test_manager_card_shows_the_entity_result_apart(people: Cycle, client_as: ClientAs) -> None:
    page = client_as("dirigente").get(f"/schede/{card(people, 'DIR-2').pk}/").content.decode()
    assert 'data-testid="synthesis-1">98,61%' in page
    assert 'data-testid="synthesis-2">100,00%' in page
    assert "Configurazione di esempio" in page


def test_po_card_shows_the_mean_of_its_objectives(people: Cycle, client_as: ClientAs) -> None:
    page = client_as("po").get(f"/schede/{card(people, 'PO-2.1').pk}/").content.decode()
    assert 'data-testid="synthesis-1">100,00%' in page
    assert "Non ancora definito" in page  # no behaviour rating is invented


def test_process_acknowledge_then_evaluate_then_final_score(
    people: Cycle, client_as: ClientAs
) -> None:
    target = card(people, "PO-2.1")
    url = f"/schede/{target.pk}/"
    # the dirigente cannot evaluate before the person has acknowledged the objectives
    client_as("dirigente").post(
        url, {"step": "evaluate", "ORGA": "4", "COLL": "4", "PROB": "4", "UTEN": "4"}
    )
    assert CardProcess.objects.get(card=target).state == "assigned"
    # the person cannot evaluate themselves
    client_as("po").post(url, {"step": "acknowledge_objectives", "note": "visto"})
    assert CardProcess.objects.get(card=target).state == "objectives_acknowledged"
    client_as("po").post(
        url, {"step": "evaluate", "ORGA": "5", "COLL": "5", "PROB": "5", "UTEN": "5"}
    )
    assert CardProcess.objects.get(card=target).state == "objectives_acknowledged"
    # a rating off the scale is refused with its name, nothing saved
    response = client_as("dirigente").post(
        url, {"step": "evaluate", "ORGA": "9", "COLL": "4", "PROB": "4", "UTEN": "4"}, follow=True
    )
    assert "fuori dalla scala" in response.content.decode()
    assert not BehaviourRating.objects.filter(card=target).exists()
    client_as("dirigente").post(
        url, {"step": "evaluate", "ORGA": "4", "COLL": "5", "PROB": "4", "UTEN": "3"}
    )
    assert CardProcess.objects.get(card=target).state == "evaluated"
    event = CardEvent.objects.filter(card=target, step="evaluate").get()
    assert event.user is not None and event.user.username == "dirigente"
    # results 100% × 60 + behaviours (30×4 + 25×5 + 25×4 + 20×3)/(5×100)×100 = 81% × 40
    assert event.final_score == Decimal("92.4")
    page = client_as("po").get(url).content.decode()
    assert "92,40%" in page and "Pienamente adeguata" in page


@pytest.mark.parametrize("username", ["po2", "ufficio"])
def test_only_the_person_acknowledges_their_own_card(
    people: Cycle, client_as: ClientAs, username: str
) -> None:
    target = card(people, "PO-2.1")
    client_as(username).post(f"/schede/{target.pk}/", {"step": "acknowledge_objectives"})
    assert CardProcess.objects.get(card=target).state == "assigned"


def test_oiv_proposes_the_sg_evaluation(people: Cycle, client_as: ClientAs) -> None:
    from django.contrib.auth import get_user_model

    from traguardo.core.card_process import Step
    from traguardo.individual.services import take_step

    sg_card = card(people, "SG")
    segretario = get_user_model().objects.get(username="segretario")
    take_step(segretario, sg_card, Step.ACKNOWLEDGE_OBJECTIVES)
    ratings = {"step": "evaluate", "LEAD": "4", "DIFF": "4", "PROB": "4", "RELA": "4"}
    client_as("segretario").post(f"/schede/{sg_card.pk}/", ratings)  # not their own evaluation
    assert CardProcess.objects.get(card=sg_card).state == "objectives_acknowledged"
    assert "Proposta di valutazione dell&#x27;OIV" in (
        client_as("oiv").get(f"/schede/{sg_card.pk}/").content.decode()
    )
    client_as("oiv").post(f"/schede/{sg_card.pk}/", ratings)
    assert CardProcess.objects.get(card=sg_card).state == "evaluated"


def test_rotated_po_card_shows_days_in_each_post_and_the_rule(
    people: Cycle, client_as: ClientAs
) -> None:
    target = card(people, "PO-2.3")  # led 2.2 until 20.05.2019, then 2.3
    page = client_as("ufficio").get(f"/schede/{target.pk}/").content.decode()
    assert ">140<" in page and ">225<" in page  # 01.01–20.05 and 21.05–31.12
    assert "mantenuti gli obiettivi originari" in page
    # the SG holds two areas all year: no rotation to show
    sg_page = client_as("ufficio").get(f"/schede/{card(people, 'SG').pk}/").content.decode()
    assert "rotation-rule" not in sg_page


def test_appeal_within_deadline_shows_the_decision_date(people: Cycle) -> None:
    import datetime

    from django.contrib.auth import get_user_model

    from traguardo.core.card_process import Step
    from traguardo.individual.services import StepForbidden, take_step

    users = {u.username: u for u in get_user_model().objects.all()}
    target = card(people, "PO-2.1")
    day = datetime.date(2020, 3, 1)
    take_step(users["po"], target, Step.ACKNOWLEDGE_OBJECTIVES, on=day)
    ratings = {"ORGA": Decimal(3), "COLL": Decimal(3), "PROB": Decimal(3), "UTEN": Decimal(3)}
    take_step(users["dirigente"], target, Step.EVALUATE, on=day, ratings=ratings)
    take_step(users["po"], target, Step.ACKNOWLEDGE_EVALUATION, on=day)
    with pytest.raises(StepForbidden, match="scaduto il 16/03/2020"):
        take_step(users["po"], target, Step.APPEAL, on=datetime.date(2020, 3, 17))
    take_step(users["po"], target, Step.APPEAL, on=datetime.date(2020, 3, 10))
    with pytest.raises(StepForbidden, match="non spetta"):
        take_step(users["po"], target, Step.DECIDE_APPEAL, on=datetime.date(2020, 3, 20))
    take_step(users["ufficio"], target, Step.DECIDE_APPEAL, on=datetime.date(2020, 3, 20))
    assert CardProcess.objects.get(card=target).state == "appeal_decided"
    steps = list(CardEvent.objects.filter(card=target).values_list("step", flat=True))
    assert steps == [
        "assign",
        "acknowledge_objectives",
        "evaluate",
        "acknowledge_evaluation",
        "appeal",
        "decide_appeal",
    ]
