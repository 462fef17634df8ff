"""The performance office filters the editor, then deletes an objective through the
confirmation page; a PO deletes an evidence file. axe-core on every new page."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, login
from traguardo.individual.models import ReportCardObjective
from traguardo.monitoring.models import Evidence, Measurement, Period
from traguardo.plans.models import Cycle, OperationalObjective


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_office_filters_the_editor_and_deletes_an_objective(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    carded = set(ReportCardObjective.objects.values_list("objective_id", flat=True))
    objective = next(
        o
        for o in OperationalObjective.objects.filter(cycle=live_demo).order_by("pk")
        if o.pk not in carded and Measurement.objects.filter(indicator__objective=o).exists()
    )
    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/piano/revisioni/")
    page.fill("#id_act_number", "216")
    page.fill("#id_act_date", "2019-11-20")
    page.fill("#id_reason", "Obiettivo superato dalla riorganizzazione")
    page.click("[data-testid=open-revision-submit]")
    page.wait_for_load_state("networkidle")

    page.goto(live_server.url + "/piano/")
    page.fill("#filter-q", objective.code)
    page.get_by_role("button", name="Filtra").click()
    page.wait_for_load_state("networkidle")
    assert "1 obiettivi operativi su" in page.locator("[data-testid=objective-count]").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=objective.code, exact=True).click()
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=delete-link]")
    page.wait_for_load_state("networkidle")
    assert "Sono registrati" in page.locator("[data-testid=delete-values]").inner_text()
    assert_accessible(page)
    page.click("label[for=values_confirmed]")  # Bootstrap Italia draws the box on the label
    assert page.is_checked("#values_confirmed")
    page.click("[data-testid=confirm-delete]")
    page.wait_for_load_state("networkidle")
    assert "Risultato dell'ente ricalcolato" in page.content()
    assert not OperationalObjective.objects.filter(pk=objective.pk).exists()
    assert_accessible(page)


def test_a_po_deletes_the_file_they_uploaded(
    page: Page, live_demo: Cycle, live_server: Any, media: Path
) -> None:
    period = Period.objects.get(cycle=live_demo, code=Period.Code.FINAL)
    Period.objects.filter(pk=period.pk).update(closed=False, deadline=datetime.date(2099, 1, 31))
    measurement = (
        Measurement.objects.filter(period=period, indicator__objective__home_unit__code="2.1")
        .order_by("pk")
        .first()
    )
    assert measurement is not None
    from django.contrib.auth import get_user_model

    po = get_user_model().objects.get(username="po")
    evidence = Evidence.objects.create(
        measurement=measurement,
        file=ContentFile(b"%PDF-1.4\n", name="verbale.pdf"),
        original_name="verbale.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=po,
    )
    login(page, live_server.url, "po")
    page.goto(
        f"{live_server.url}/monitoraggio/indicatore/{measurement.indicator_id}/?periodo={period.pk}"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Elimina il documento verbale.pdf").click()
    page.wait_for_load_state("networkidle")
    assert "Documento eliminato: verbale.pdf." in page.content()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not (media / evidence.file.name).exists()
    assert_accessible(page)
