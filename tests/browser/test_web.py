"""The web application in a real browser: keyboard, accessibility, mobile menu, language."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page

from tests import factories as f
from tests.browser.conftest import assert_accessible, login
from traguardo.accounts.models import Role
from traguardo.plans.models import Cycle, OperationalObjective


def _focused(page: Page) -> dict[str, Any]:
    info: dict[str, Any] = page.evaluate(
        "() => { const e = document.activeElement; return {text: e.innerText || '', "
        "href: e.getAttribute('href') || '', inMenu: !!e.closest('#main-menu')}; }"
    )
    return info


def test_citizen_reads_the_public_page_with_the_keyboard(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    Cycle.objects.filter(pk=live_demo.pk).update(state=Cycle.State.PUBLISHED)
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["href"] == "#main" and "contenuto principale" in first["text"]
    assert page.locator("#skip-to-content").is_visible()  # shown when it has the focus
    reached_menu = False
    for _ in range(15):
        page.keyboard.press("Tab")
        if _focused(page)["inMenu"]:
            reached_menu = True
            break
    assert reached_menu, "Tab never reached the main menu"
    assert_accessible(page)
    # the skip link moves the focus to the content
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.get_by_role("link", name="2019").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#entity-performance").inner_text() == "98,61%"
    assert "grado di raggiungimento" in page.locator(".intro").inner_text()
    assert_accessible(page)
    page.locator("#areas-table a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#formula").inner_text()
    assert_accessible(page)


def test_an_unpublished_cycle_is_not_found_for_a_citizen(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    response = page.goto(live_server.url + "/risultati/2019/")
    assert response is not None and response.status == 404
    assert "Pagina non trovata" in page.content()
    assert_accessible(page)


def test_dashboard_tree_and_objective_pages_are_accessible(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    login(page, live_server.url, "po")
    page.goto(live_server.url + "/cruscotto/")
    assert page.locator("#entity-performance").inner_text() == "98,61%"
    assert page.locator("svg#chart-areas[role=img]").count() == 1
    assert_accessible(page)
    page.goto(live_server.url + "/albero/")
    assert_accessible(page)
    page.click("label[for=filter-revised]")  # Bootstrap Italia draws the box on the label
    assert page.is_checked("#filter-revised")
    page.click("text=Applica i filtri")
    page.wait_for_load_state("networkidle")
    assert "revised=1" in page.url
    # an objective linked to two annual objectives appears under both
    codes = set(
        page.locator("[data-objective]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.objective)"
        )
    )
    assert len(codes) == 30
    assert page.locator("#tree-count").inner_text() == "30 obiettivi operativi"
    assert_accessible(page)
    objective = OperationalObjective.objects.filter(cycle=live_demo).order_by("pk").first()
    assert objective is not None
    page.goto(f"{live_server.url}/obiettivo/{objective.pk}/")
    assert page.locator("h1").inner_text().endswith(objective.code)
    assert_accessible(page)


def test_mobile_viewport_shows_the_menu_toggle(
    browser: Browser, live_demo: Cycle, live_server: Any
) -> None:
    context = browser.new_context(locale="it-IT", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server.url, "dirigente")
        page.goto(live_server.url + "/cruscotto/")
        toggle = page.locator("[data-testid=menu-toggle]")
        assert toggle.is_visible()
        # The tree is a page of the "Panoramica" phase (web/context.py PHASES).
        group = page.locator("#main-menu .nav-link", has_text="Panoramica")
        menu_link = page.locator("#main-menu .dropdown-item", has_text="Albero della performance")
        assert not group.is_visible()
        toggle.click()
        group.wait_for(state="visible")
        assert toggle.get_attribute("aria-expanded") == "true"
        group.click()
        menu_link.wait_for(state="visible")
        assert_accessible(page)
        menu_link.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/albero/")
    finally:
        context.close()


def test_language_switch_in_the_header(page: Page, live_demo: Cycle, live_server: Any) -> None:
    login(page, live_server.url, "oiv")
    page.goto(live_server.url + "/cruscotto/")
    page.click("[data-testid=language-switch] button[value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Dashboard")
    assert "Monitoring completeness" in page.content()
    assert_accessible(page)
    page.click("[data-testid=language-switch] button[value=it]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Cruscotto")


def test_a_person_of_two_administrations_switches_in_the_header(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    other = f.CycleFactory(entity=f.EntityFactory(code="altro", name="Camera di Commercio B"))
    f.grant(get_user_model().objects.get(username="ufficio"), Role.PERFORMANCE_OFFICE, other.entity)
    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/cruscotto/")
    switch = page.get_by_test_id("entity-switch")
    assert switch.is_visible()
    assert_accessible(page)
    page.get_by_label("Ente in cui lavori").select_option("altro")
    switch.get_by_role("button", name="Cambia ente").click()
    page.wait_for_load_state("networkidle")
    assert page.url == live_server.url + "/altro/cruscotto/"
    assert "Camera di Commercio B" in page.locator(".it-header-slim-wrapper").inner_text()
    assert_accessible(page)
