"""The PO of sector 2.1 enters a value from the to-do list and sees the scores move."""

from __future__ import annotations

import datetime
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, login, open_final_period_indicator
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, Indicator


def test_po_enters_a_value_and_sees_the_scores_move(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    indicator = open_final_period_indicator(
        live_demo
    )  # "Posizioni verificate nell'anno", target "= 150", value 150
    login(page, live_server.url, "po")
    page.goto(live_server.url + "/monitoraggio/")
    assert "Monitoraggio: valori da inserire" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.screenshot(path="var/monitoring-todo.png", full_page=True)

    page.locator(f"tr[data-indicator='{indicator.pk}'] a").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)

    page.get_by_label("Valore rilevato").fill("120")
    page.click("#save-value")
    page.wait_for_load_state("networkidle")
    # 120 of 150 misses the target: the form asks why, and saves nothing.
    assert page.get_by_role("alert").first.is_visible()
    assert "non raggiunge il target" in page.content()
    assert Measurement.objects.get(indicator=indicator, period__code="31.12").text == "150"
    assert_accessible(page)

    page.get_by_label("Motivazione dello scostamento").fill(
        "Due verificatori assegnati ad altro settore da settembre"
    )
    page.click("#save-value")
    page.wait_for_load_state("networkidle")
    impact = page.get_by_test_id("impact")
    objective = impact.locator("tr[data-code='2.1/2']")
    assert objective.locator(".before").inner_text() == "100,00%"
    assert objective.locator(".after").inner_text().startswith("90,00%")
    sector = impact.locator("tr[data-code='2.1']")
    assert sector.locator(".before").inner_text() != sector.locator(".after").inner_text()
    entity = impact.locator("tr[data-code='ENTE']")
    assert entity.locator(".after").inner_text().startswith("98,61%")
    assert_accessible(page)
    page.screenshot(path="var/monitoring-indicator.png", full_page=True)

    saved = Measurement.objects.get(indicator=indicator, period__code="31.12")
    assert saved.text == "120" and saved.justification.startswith("Due verificatori")


def test_office_closes_the_campaign_and_values_become_read_only(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    final = Period.objects.get(cycle=live_demo, code=Period.Code.FINAL)
    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/monitoraggio/periodi/")
    assert_accessible(page)
    card = page.locator(f"article[data-period='{final.pk}']")
    card.get_by_label("Motivazione della riapertura").fill("Rettifica del dato del settore 2.1")
    card.get_by_label("Nuova scadenza").fill("2020-02-15")
    card.get_by_role("button", name="Riapri").click()
    page.wait_for_load_state("networkidle")
    assert "Rettifica del dato del settore 2.1" in page.content()
    assert_accessible(page)
    page.screenshot(path="var/monitoring-periods.png", full_page=True)
    final.refresh_from_db()
    assert not final.closed

    page.locator(f"article[data-period='{final.pk}']").get_by_role("button", name="Chiudi").click()
    page.wait_for_load_state("networkidle")
    final.refresh_from_db()
    assert final.closed
    indicator = Indicator.objects.get(
        objective__cycle=live_demo, objective__home_unit__code="2.1", objective__number=2, number=1
    )
    page.goto(f"{live_server.url}/monitoraggio/indicatore/{indicator.pk}/?periodo={final.pk}")
    assert page.get_by_test_id("read-only").is_visible()
    assert page.get_by_test_id("value-form").count() == 0
    assert_accessible(page)


def test_dirigente_validates_the_values_of_sector_2_1(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    Period.objects.filter(cycle=live_demo, code=Period.Code.FINAL).update(
        closed=False, deadline=datetime.date(2099, 1, 31)
    )
    login(page, live_server.url, "dirigente")
    page.goto(live_server.url + "/monitoraggio/")
    assert_accessible(page)
    page.get_by_role("button", name="Valida i valori di 2.1", exact=True).click()
    page.wait_for_load_state("networkidle")
    # the confirmation page: what will be confirmed, then the box and the button
    assert_accessible(page)
    page.click("label[for=id_confirm]")  # Bootstrap Italia draws the box on the label
    page.get_by_role("button", name="Valida i valori di 2.1", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "validati" in page.get_by_role("alert").first.inner_text()
    assert_accessible(page)
    page.screenshot(path="var/monitoring-validation.png", full_page=True)
    assert (
        Measurement.objects.filter(
            period__code="31.12",
            indicator__objective__home_unit__code="2.1",
            indicator__objective__number=2,
            validated_at__isnull=False,
        ).count()
        == 2
    )
