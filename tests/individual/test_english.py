"""The people pages speak English when asked."""

from collections.abc import Callable

from django.test import Client

from traguardo.individual.models import ReportCard
from traguardo.plans.models import Cycle


def test_card_gender_and_fund_pages_in_english(
    people: Cycle, client_as: Callable[[str], Client]
) -> None:
    office = client_as("ufficio")
    office.cookies["django_language"] = "en"
    pk = ReportCard.objects.get(cycle=people, key="PO-2.1").pk
    card = office.get(f"/schede/{pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Behaviours part" in card and "Objectives assigned" in card
    assert "Total feminisation rate" in office.get("/personale/").content.decode()
    assert "Incentive fund and bonuses" in office.get("/premi/").content.decode()
