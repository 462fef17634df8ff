"""A citizen reads the published results; the login page works from the keyboard."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, login
from traguardo.plans.models import Cycle


def test_citizen_reads_the_published_results(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    Cycle.objects.filter(pk=live_demo.pk).update(state=Cycle.State.PUBLISHED)
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="2019").first.click()
    page.wait_for_load_state("networkidle")
    assert "98,61" in page.content()
    assert_accessible(page)


def test_login_page_is_accessible_and_signs_in(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    page.goto(live_server.url + "/accesso/entra/")
    assert_accessible(page)
    login(page, live_server.url, "ufficio")
    assert "ufficio" in page.locator("[data-testid=signed-in-as]").inner_text()
