"""The OIV fills in a checklist note, records the decision and the cycle is validated."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from traguardo.oiv.models import ValidationCheck, ValidationDecision
from traguardo.plans.models import Cycle


def test_the_oiv_validates_the_relazione(page: Page, live_demo: Cycle, live_server: Any) -> None:
    Cycle.objects.filter(pk=live_demo.pk).update(state=Cycle.State.CLOSED)
    login(page, live_server.url, "oiv")
    page.goto(live_server.url + "/oiv/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Validazione della Relazione")
    assert_accessible(page)

    page.locator("#riga-obiettivo-" + str(first_objective_pk(live_demo)) + " a").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    page.get_by_label("Esito — Scostamenti e loro motivazione").select_option("remarks")
    page.get_by_label("Note — Scostamenti e loro motivazione").fill(
        "Scostamento positivo: motivazione presente nella scheda."
    )
    page.click("#check-submit")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("Verifiche salvate")
    expect(page.locator("table.oiv-matrix")).to_contain_text("Conforme con osservazioni")
    check = ValidationCheck.objects.get(criterion="deviations")
    assert check.note == "Scostamento positivo: motivazione presente nella scheda."

    page.get_by_label("Data del documento di validazione").fill("2020-06-25")
    page.get_by_label("Motivazione e osservazioni").fill("Relazione coerente con il Piano.")
    # The demo's checklist is not complete: the OIV validates anyway, with a reason.
    page.click("label[for=id_override]")  # Bootstrap Italia draws the box on the label
    page.get_by_label("Motivo della forzatura").fill("Verifiche restanti svolte sui verbali.")
    page.click("label[for=id_confirm]")
    page.click("#decision-submit")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=cycle-state]")).to_have_text("Relazione validata dall'OIV")
    expect(page.locator("[data-testid=decision]")).to_contain_text("25/06/2020")
    assert_accessible(page)
    live_demo.refresh_from_db()
    assert live_demo.state == "validated"
    assert ValidationDecision.objects.get(cycle=live_demo).outcome == "validated"

    page.goto(live_server.url + "/oiv/2019/target-sfidanti/")
    expect(page.locator("[data-testid=findings]").first).to_contain_text("B2")
    assert_accessible(page)


def first_objective_pk(cycle: Cycle) -> int:
    objective = (
        cycle.operational_objectives.filter(replaced_by=None)
        .order_by("home_unit__code", "number")
        .first()
    )
    assert objective is not None
    return objective.pk


def test_the_oiv_marks_lines_without_remarks_and_reads_a_check_page(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    """Issue 16: the to-do filter, two lines marked "nessuna osservazione" in one go, the
    progress moving, and the check page of an objective with what the OIV judges."""
    login(page, live_server.url, "oiv")
    page.goto(live_server.url + "/oiv/?filtro=da-fare")
    expect(page.locator("[data-testid=progress]")).to_be_visible()
    before = int(page.locator("[data-testid=progress]").get_attribute("aria-valuenow") or "0")
    boxes = page.locator("input[name=voce]")
    boxes.nth(1).check()
    boxes.nth(2).check()
    page.click("label[for=bulk-confirm]")  # Bootstrap Italia draws the box on the label
    page.screenshot(path="/tmp/oiv-workspace.png", full_page=False)
    page.click("#bulk-submit")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("Segnate senza osservazioni 2 voci")
    assert "filtro=da-fare" in page.url
    after = int(page.locator("[data-testid=progress]").get_attribute("aria-valuenow") or "0")
    assert after == before + 8
    assert_accessible(page)

    page.goto(live_server.url + f"/oiv/2019/verifica/obiettivo/{first_objective_pk(live_demo)}/")
    expect(page.locator("[data-testid=indicator-facts]").first).to_contain_text("Target 2019")
    page.screenshot(path="/tmp/oiv-check.png", full_page=True)
    assert_accessible(page)
