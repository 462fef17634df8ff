"""The performance office revises the plan in the browser: opens revision n. 2 with its
act, changes an indicator's target, sees the what-if, saves, sees the item marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, login
from traguardo.plans.models import Cycle, OperationalObjective, RevisionChange, Target

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"plan-{name}.png"), full_page=True)


def test_office_revises_a_target_with_whatif(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    objective = next(
        o
        for o in OperationalObjective.objects.filter(
            cycle=live_demo, revised_by__isnull=True
        ).order_by("pk")
        if o.indicators.count() >= 2
    )
    indicator = objective.indicators.order_by("number").first()
    assert indicator is not None
    old = Target.objects.get(indicator=indicator, year=live_demo.year).text

    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/piano/")
    _shot(page, "editor")
    assert_accessible(page)
    page.get_by_role("link", name="Revisioni").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_act_number", "215")
    page.fill("#id_act_date", "2019-11-20")
    page.fill("#id_reason", "Rimodulazione del target dopo il monitoraggio al 30.06")
    assert_accessible(page)
    page.click("[data-testid=open-revision-submit]")
    page.wait_for_load_state("networkidle")
    assert "revisione n. 2 aperta" in page.locator("[data-testid=open-revision]").inner_text()

    page.goto(f"{live_server.url}/piano/operativo/{objective.pk}/")
    _shot(page, "objective")
    assert_accessible(page)
    page.get_by_role("link", name=str(indicator.number), exact=True).first.click()
    page.wait_for_load_state("networkidle")
    page.fill(f"#id_target_{live_demo.year}", ">= 1.000.000")
    page.click("[data-testid=save]")
    page.wait_for_load_state("networkidle")
    whatif = page.locator("[data-testid=whatif]")
    assert "Anteprima dell'effetto" in whatif.inner_text()
    assert f"Obiettivo {objective.code}" in whatif.inner_text()
    assert Target.objects.get(indicator=indicator, year=live_demo.year).text == old
    _shot(page, "whatif")
    assert_accessible(page)

    page.get_by_role("button", name="Conferma e salva").click()
    page.wait_for_load_state("networkidle")
    assert "Indicatore salvato" in page.content()
    marks = page.locator("[data-testid=revised-marks]").inner_text()
    assert "modificato con revisione n. 2" in marks
    assert Target.objects.get(indicator=indicator, year=live_demo.year).text == ">= 1.000.000"
    change = RevisionChange.objects.get(revision__number=2, revision__cycle=live_demo)
    assert (change.old_value, change.new_value) == (old, ">= 1.000.000")
    assert_accessible(page)

    page.goto(f"{live_server.url}/piano/revisioni/")
    assert ">= 1.000.000" in page.locator("[data-testid=revision-changes-2]").inner_text()
    _shot(page, "revisions")
    assert_accessible(page)
    page.get_by_role("button", name="Confronta").click()  # the plan before revision 2 vs now
    page.wait_for_load_state("networkidle")
    differences = page.locator("[data-testid=differences]").inner_text()
    assert "1 differenza tra le due versioni" in differences
    assert old in differences and ">= 1.000.000" in differences
    assert_accessible(page)
    page.goto(f"{live_server.url}/piano/stato/")
    _shot(page, "states")
    assert_accessible(page)
