"""A PO holder acknowledges their card; their dirigente evaluates it; the fund and gender
pages are accessible."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, login
from traguardo.demo.people import load_people_demo
from traguardo.individual.models import CardEvent, CardProcess, ReportCard
from traguardo.plans.models import Cycle


def test_po_acknowledges_and_dirigente_evaluates(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    load_people_demo(live_demo)
    card = ReportCard.objects.get(cycle=live_demo, key="PO-2.1")

    login(page, live_server.url, "po")
    page.goto(live_server.url + "/schede/")
    assert_accessible(page)
    assert page.get_by_role("link", name="PO-3.1").count() == 0  # someone else's card
    page.get_by_role("link", name="PO-2.1").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=synthesis-1]").inner_text() == "100,00%"
    assert_accessible(page)
    page.fill("#note-acknowledge_objectives", "Presa visione")
    page.click("button[data-step=acknowledge_objectives]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=card-state]").inner_text() == "Obiettivi presi in visione"
    assert page.get_by_role("alert").first.is_visible()
    assert CardProcess.objects.get(card=card).state == "objectives_acknowledged"

    page.context.clear_cookies()
    login(page, live_server.url, "dirigente")
    page.goto(f"{live_server.url}/schede/{card.pk}/")
    assert_accessible(page)
    for code, rating in (("ORGA", "4"), ("COLL", "5"), ("PROB", "4"), ("UTEN", "3")):
        page.select_option(f"#rating-{code}", rating)
    page.click("button[data-step=evaluate]")
    page.wait_for_load_state("networkidle")
    assert "92,40%" in page.locator("[data-testid=final-score]").inner_text()
    assert page.locator("[data-testid=card-state]").inner_text() == "Valutata"
    assert_accessible(page)
    event = CardEvent.objects.get(card=card, step="evaluate")
    assert event.user is not None and event.user.username == "dirigente"


def test_fund_and_gender_pages_are_accessible(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    load_people_demo(live_demo)
    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/premi/")
    assert "189.500,00 €" in page.locator("[data-testid=distributed-total]").inner_text()
    assert_accessible(page)
    page.goto(live_server.url + "/personale/")
    assert page.locator("[data-testid=rate-total]").inner_text() == "75,00%"
    assert_accessible(page)
