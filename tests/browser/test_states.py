"""The office closes the demo cycle: the confirmation page lists what blocks it; the office
forces it with a reason, which the history shows; then takes it back to monitoring."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from traguardo.plans.models import Cycle, CycleTransition


def test_the_office_forces_a_blocked_closing_and_goes_back(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    login(page, live_server.url, "ufficio")
    page.goto(f"{live_server.url}/piano/stato/?anno={live_demo.year}")
    page.select_option("#id_stato", "closed")
    page.get_by_role("button", name="Prosegui").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=blockers]")).to_contain_text("non sono validati")
    assert_accessible(page)
    page.get_by_role("button", name="Porta il ciclo a «Chiuso (consuntivo)»").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-danger")).to_contain_text("bloccato")
    assert Cycle.objects.get(pk=live_demo.pk).state == "monitoring"
    page.click("label[for=id_override]")  # Bootstrap Italia draws the box on the label
    page.get_by_label("Motivo della forzatura").fill("Validazioni firmate su carta")
    page.get_by_role("button", name="Porta il ciclo a «Chiuso (consuntivo)»").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=history]")).to_contain_text("Validazioni firmate su carta")
    assert_accessible(page)

    page.select_option("#id_stato", "monitoring")
    page.get_by_role("button", name="Prosegui").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=backward]")).to_be_visible()
    page.get_by_label("Nota").fill("Valore B1 da correggere")
    page.get_by_role("button", name="Porta il ciclo a «In monitoraggio»").click()
    page.wait_for_load_state("networkidle")
    assert Cycle.objects.get(pk=live_demo.pk).state == "monitoring"
    back = CycleTransition.objects.get(cycle=live_demo, source="closed", target="monitoring")
    assert back.note == "Valore B1 da correggere"
