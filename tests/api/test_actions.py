"""The API's actions on a cycle (state, revisions) go through the same services as the web:
the same rules, the same history, the same score snapshot on closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

from tests.api.conftest import assert_error
from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.plans.models import Cycle, CycleTransition, Revision
from traguardo.scoring.models import ScoreSnapshot

ApiAs = Callable[[str], APIClient]


def test_the_office_closes_the_cycle_and_its_scores_are_kept(world: World, api_as: ApiAs) -> None:
    url = f"/api/v1/cycles/{world.cycle.pk}/state/"
    office = api_as("ufficio")
    # The world's values at 31.12 are not validated: the closing is blocked, and says why.
    error = assert_error(office.post(url, {"target": "closed"}, "json"), 409, "blocked")
    assert any("validat" in b for b in error["fields"]["blockers"]), error
    error = assert_error(office.post(url, {"target": "closed", "override": True}, "json"), 409)
    assert "motivo" in error["message"]  # an override needs its reason
    assert not ScoreSnapshot.objects.filter(cycle=world.cycle).exists()
    response = office.post(
        url,
        {"target": "closed", "note": "Consuntivo", "override": True, "reason": "Validati a mano"},
        "json",
    )
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert (body["previous"], body["target"], body["note"]) == (
        "monitoring",
        "closed",
        "Consuntivo",
    )
    assert body["cycle"]["state"] == "closed"
    world.cycle.refresh_from_db()
    assert world.cycle.state == Cycle.State.CLOSED
    transition = CycleTransition.objects.get(cycle=world.cycle, target="closed")
    assert transition.override_reason == "Validati a mano" and transition.blockers
    snapshot = ScoreSnapshot.objects.get(cycle=world.cycle)
    assert "Consuntivo" in snapshot.reason


def test_state_changes_are_refused_with_the_rule_that_forbids_them(
    world: World, api_as: ApiAs
) -> None:
    url = f"/api/v1/cycles/{world.cycle.pk}/state/"
    # A PO may not close the cycle: their role (403); nobody skips a state (409).
    assert_error(api_as("po").post(url, {"target": "closed"}, "json"), 403, "permission_denied")
    error = assert_error(api_as("ufficio").post(url, {"target": "published"}, "json"), 409)
    assert "non si passa" in error["message"]
    error = assert_error(api_as("ufficio").post(url, {"target": "finished"}, "json"), 400)
    assert "target" in error["fields"]
    assert_error(api_as("").post(url, {"target": "closed"}, "json"), 401)
    world.cycle.refresh_from_db()
    assert world.cycle.state == Cycle.State.MONITORING
    assert not ScoreSnapshot.objects.filter(cycle=world.cycle).exists()


def test_the_office_opens_and_closes_a_revision(world: World, api_as: ApiAs) -> None:
    url = f"/api/v1/cycles/{world.cycle.pk}/revisions/"
    office = api_as("ufficio")
    before = Revision.objects.filter(cycle=world.cycle).count()
    version = Cycle.objects.get(pk=world.cycle.pk).data_version
    response = office.post(
        url, {"reason": "Nuovo obiettivo", "act_number": "12", "act_date": "2019-07-01"}, "json"
    )
    assert response.status_code == 201, response.content
    opened = response.json()
    assert opened["number"] == before + 1 and opened["is_open"] is True
    assert Cycle.objects.get(pk=world.cycle.pk).data_version > version
    assert AuditEntry.objects.filter(model_label="plans.revision", action="create").exists()
    # One open revision at a time.
    assert_error(office.post(url, {"reason": "Un'altra"}, "json"), 409)
    listed = office.get(url).json()
    assert [r["number"] for r in listed][-1] == before + 1 and listed[-1]["is_open"]
    closed = office.post(f"{url}close/", {}, "json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["is_open"] is False and closed.json()["closed_at"]
    assert_error(office.post(f"{url}close/", {}, "json"), 409)  # nothing left open


def test_only_the_office_of_the_administration_revises_the_plan(
    world: World, api_as: ApiAs
) -> None:
    url = f"/api/v1/cycles/{world.cycle.pk}/revisions/"
    for username in ("po", "dirigente", "oiv"):
        assert_error(api_as(username).post(url, {"reason": "x"}, "json"), 403, "permission_denied")
    assert_error(api_as("ufficio").post(url, {}, "json"), 400)  # the reason is required
    assert not Revision.objects.filter(cycle=world.cycle, is_open=True).exists()
