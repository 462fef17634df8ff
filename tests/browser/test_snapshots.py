"""The office reviews what today's code would change in a closed cycle and takes a new
snapshot with a reason (accessible page, recorded)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from tests.scoring.test_snapshots import new_process
from traguardo.core import rules
from traguardo.plans.models import Cycle
from traguardo.scoring import lifecycle, snapshots


def test_the_office_reviews_the_differences_and_takes_a_new_snapshot(
    page: Page, live_demo: Cycle, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = get_user_model().objects.get(username="ufficio")
    lifecycle.change_state(office, live_demo, "closed", "consuntivo", override=True, reason="prova")
    original = rules.Smvp.degree

    def degree(self: Any, target: Any, reading: Any, ctx: Any) -> rules.Degree:
        found = original(self, target, reading, ctx)
        return found if found.value is None else replace(found, value=found.value / 2)

    monkeypatch.setattr(rules.Smvp, "degree", degree)  # the upgrade
    new_process()

    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/piano/stato/?anno=2019")
    expect(page.locator("[data-testid=snapshot-differences]")).to_be_visible()
    expect(page.locator("[data-testid=snapshot-differences-31\\.12]")).to_contain_text("Ente")
    assert_accessible(page)

    page.click("[data-testid=snapshot-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=snapshot-form]")).to_contain_text("Indica il motivo")
    assert len(snapshots.history(live_demo)) == 1

    page.get_by_label("Motivo della nuova istantanea").fill("Regola SMVP corretta")
    page.click("[data-testid=snapshot-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("Nuova istantanea")
    expect(page.locator("[data-testid=snapshot-same]")).to_be_visible()
    expect(page.locator("[data-testid=snapshot-history]")).to_contain_text("Regola SMVP corretta")
    assert_accessible(page)
    latest = snapshots.latest(live_demo)
    assert latest is not None and latest.reason == "Regola SMVP corretta"
    assert Decimal(latest.performance) < Decimal(snapshots.history(live_demo)[1].performance)
