"""Scores as data: a closed cycle shows its stored snapshot, whatever today's code says.

The issue's test: change a rule's code after publication and show that the published
page, the Relazione, the API and the open data are unchanged, while the office's review
lists the differences, and a reasoned new snapshot brings in the new figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from traguardo.audit.models import AuditEntry
from traguardo.core import rules
from traguardo.core.contract import to_contract_dict
from traguardo.plans.models import Cycle
from traguardo.plans.states import TransitionRefused
from traguardo.reports.relazione.content import build_document
from traguardo.reports.relazione.html import body_html
from traguardo.reports.relazione.opendata import build_opendata
from traguardo.scoring import lifecycle, snapshots
from traguardo.scoring.models import ScoreSnapshot
from traguardo.scoring.services import live, plan_of, score_cycle

pytestmark = pytest.mark.django_db


def user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def new_process() -> None:
    """What an upgrade's restart does: nothing computed before is remembered (the one
    place that knows the caches a process keeps)."""
    cache.clear()
    snapshots.clear_local()


def _decide(cycle: Cycle) -> None:
    import datetime

    from traguardo.oiv.models import DecisionOutcome
    from traguardo.oiv.services import decide

    decide(
        user("oiv"),
        cycle,
        DecisionOutcome.VALIDATED,
        datetime.date(2020, 4, 30),
        "validata",
        override=True,
        override_reason="prova",
    )


@pytest.fixture
def closed(demo: Cycle) -> Cycle:
    lifecycle.change_state(
        user("ufficio"), demo, "closed", "consuntivo 2019", override=True, reason="prova"
    )
    return demo


@pytest.fixture
def published(closed: Cycle) -> Cycle:
    _decide(closed)  # records the OIV's decision and moves the cycle to "validated"
    lifecycle.change_state(user("ufficio"), closed, "published", override=True, reason="prova")
    return closed


@pytest.fixture
def rule_changed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A new release whose SMVP rule gives every scored degree 10 points less."""
    original = rules.Smvp.degree

    def degree(self: Any, target: Any, reading: Any, ctx: Any) -> rules.Degree:
        found = original(self, target, reading, ctx)
        if found.value is None:
            return found
        return replace(found, value=max(found.value - 10, Decimal(0)))

    monkeypatch.setattr(rules.Smvp, "degree", degree)
    new_process()
    yield
    new_process()


def test_closing_through_the_service_stores_the_complete_score(closed: Cycle) -> None:
    (snapshot,) = snapshots.history(closed)
    assert snapshot.state == "closed" and snapshot.taken_by == user("ufficio")
    assert "consuntivo 2019" in snapshot.reason
    assert snapshot.version and snapshot.periods == ["30.06", "31.12"]
    assert snapshot.languages == ["it", "en"]
    full = ScoreSnapshot.objects.get(pk=snapshot.pk)
    assert set(full.data["scores"]["31.12"]) == {"it", "en"}
    assert set(full.data["plans"]) == {"30.06", "31.12"}
    contract = snapshots.contract(snapshot, "31.12", "it")
    assert contract is not None and contract["schema"] == "traguardo.score/1"
    assert contract == json.loads(json.dumps(to_contract_dict(live(closed)[1])))
    assert Decimal(snapshot.performance) == live(closed)[1].entity.performance
    # The English explanations were stored too.
    english = snapshots.contract(snapshot, "31.12", "en")
    assert (
        english is not None
        and english["entity"]["explanation"] != contract["entity"]["explanation"]
    )
    entry = AuditEntry.objects.get(model_label="scoring.scoresnapshot")
    assert entry.cycle_id == closed.pk and entry.note == snapshot.reason
    assert entry.user == user("ufficio")


def test_readers_of_a_closed_cycle_get_the_stored_objects_in_their_language(
    closed: Cycle,
) -> None:
    new_process()
    stored = snapshots.stored(closed, "31.12")
    assert stored is not None
    assert score_cycle(closed) == stored[1] and plan_of(closed) == stored[0]
    assert score_cycle(closed) == live(closed)[1]  # nothing changed yet: the same figures
    with translation.override("en"):
        english = score_cycle(closed)
    assert english.entity.performance == stored[1].entity.performance
    assert english.entity.explanation != stored[1].entity.explanation
    interim = score_cycle(closed, period="30.06")
    assert interim == snapshots.stored(closed, "30.06")[1]  # type: ignore[index]


def test_validation_and_publication_keep_the_closing_snapshot(published: Cycle) -> None:
    history = snapshots.history(published)
    assert [s.state for s in history] == ["closed"]
    assert published.transitions.count() == 3


def test_a_refused_transition_takes_no_snapshot(demo: Cycle) -> None:
    with pytest.raises(TransitionRefused):
        lifecycle.change_state(user("po"), demo, "closed")
    assert not ScoreSnapshot.objects.exists()
    assert Cycle.objects.get(pk=demo.pk).state == "monitoring"


def test_a_closed_cycle_without_a_snapshot_gets_one_when_validated(demo: Cycle) -> None:
    Cycle.objects.filter(pk=demo.pk).update(state="closed")
    demo.refresh_from_db()
    assert snapshots.review(demo) is not None and snapshots.review(demo).snapshot is None  # type: ignore[union-attr]
    _decide(demo)
    assert [s.state for s in snapshots.history(demo)] == ["validated"]
    lifecycle.ensure_snapshot(demo, "di nuovo")  # already there: nothing new
    assert len(snapshots.history(demo)) == 1


def test_oiv_validation_goes_through_the_state_service(closed: Cycle) -> None:
    import datetime

    from traguardo.oiv.models import DecisionOutcome
    from traguardo.oiv.services import decide

    decide(
        user("oiv"),
        closed,
        DecisionOutcome.VALIDATED,
        datetime.date(2020, 4, 30),
        "ok",
        override=True,
        override_reason="prova",
    )
    assert Cycle.objects.get(pk=closed.pk).state == "validated"
    assert len(snapshots.history(closed)) == 1


def _public(cycle: Cycle) -> str:
    response = Client().get(f"/risultati/{cycle.year}/")
    assert response.status_code == 200
    # The page's forms (language choice) carry a new CSRF token on every response.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'nonce="[^"]+"', "", html)  # a new CSP nonce on every response too


def _api(cycle: Cycle) -> dict[str, Any]:
    response = APIClient().get(f"/api/v1/cycles/{cycle.pk}/score/")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def test_a_changed_rule_leaves_the_published_figures_unchanged_until_a_new_snapshot(
    published: Cycle, client_as: Callable[[str], Client], request: pytest.FixtureRequest
) -> None:
    new_process()
    page, api = _public(published), _api(published)
    relazione = body_html(build_document(published))
    opendata = build_opendata(published)
    performance = score_cycle(published).entity.performance

    request.getfixturevalue("rule_changed")  # the upgrade
    changed = live(published)[1]
    assert changed.entity.performance < performance  # today's code gives other figures

    # Every reader still shows the published figures.
    assert _public(published) == page
    assert _api(published) == api
    assert body_html(build_document(published)) == relazione
    assert build_opendata(published) == opendata
    assert score_cycle(published).entity.performance == performance

    # The office sees the differences, figure by figure.
    office = client_as("ufficio")
    states_page = office.get("/piano/stato/?anno=2019").content.decode()
    assert 'data-testid="snapshot-differences"' in states_page
    review = snapshots.review(published)
    assert review is not None and review.has_differences
    final = next(p for p in review.periods if p.period == "31.12")
    entity = next(d for d in final.differences if d.code == "ENTE")
    assert (entity.old, entity.new) != (entity.old, entity.old)
    assert any(d.figure == "grado" for d in final.differences)
    assert any(d.kind == "Scheda" for d in final.differences)

    # A new snapshot needs a reason; with one it is recorded and the new figures show.
    refused = office.post("/piano/stato/", {"anno": 2019, "action": "snapshot"})
    assert refused.status_code == 200
    assert "Indica il motivo" in refused.content.decode()
    assert len(snapshots.history(published)) == 1
    done = office.post(
        "/piano/stato/",
        {"anno": 2019, "action": "snapshot", "snapshot-reason": "Regola SMVP corretta in 0.2"},
    )
    assert done.status_code == 302
    history = snapshots.history(published)
    assert history[0].reason == "Regola SMVP corretta in 0.2"
    assert len(history) == 2  # the previous one is kept
    assert AuditEntry.objects.filter(
        model_label="scoring.scoresnapshot", note="Regola SMVP corretta in 0.2"
    ).exists()
    assert score_cycle(published).entity.performance == changed.entity.performance
    assert _api(published) != api and _public(published) != page
    assert snapshots.review(published).has_differences is False  # type: ignore[union-attr]
    listing = office.get("/piano/stato/?anno=2019").content.decode()
    assert 'data-testid="snapshot-same"' in listing and "Regola SMVP corretta" in listing


def test_only_the_office_takes_a_new_snapshot(
    closed: Cycle, client_as: Callable[[str], Client]
) -> None:
    response = client_as("po").post(
        "/piano/stato/", {"anno": 2019, "action": "snapshot", "snapshot-reason": "perché sì"}
    )
    assert response.status_code == 403
    assert len(snapshots.history(closed)) == 1
    with pytest.raises(snapshots.SnapshotRefused):
        snapshots.retake(user("oiv"), closed, "perché sì")
    with pytest.raises(snapshots.SnapshotRefused, match="motivo"):
        snapshots.retake(user("ufficio"), closed, "   ")


def test_open_cycles_are_computed_live(demo: Cycle, rule_changed: None) -> None:
    assert score_cycle(demo) == live(demo)[1]
    assert snapshots.review(demo) is None


def test_the_command_line_shows_the_snapshot_compares_and_retakes(
    closed: Cycle, rule_changed: None
) -> None:
    stored = json.loads(_call("score", "--year", "2019", "--format", "json"))
    fresh = json.loads(_call("score", "--year", "2019", "--format", "json", "--live"))
    assert stored["entity"]["performance"] != fresh["entity"]["performance"]
    assert stored == snapshots.contract(snapshots.latest(closed), "31.12", "it")  # type: ignore[arg-type]
    listing = _call("snapshot", "--year", "2019")
    assert "consuntivo 2019" in listing and "Ente ENTE" in listing and "→" in listing
    _call("snapshot", "--year", "2019", "--reason", "Nuova versione")
    assert json.loads(_call("score", "--year", "2019", "--format", "json")) == fresh
    assert "stessi punteggi" in _call("snapshot", "--year", "2019")


def test_the_command_line_refuses_an_open_cycle(demo: Cycle) -> None:
    with pytest.raises(CommandError, match="ciclo chiuso"):
        _call("snapshot", "--year", "2019", "--reason", "x")


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_review_speaks_english(
    closed: Cycle, client_as: Callable[[str], Client], rule_changed: None
) -> None:
    from django.conf import settings

    office = client_as("ufficio")
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = office.get("/piano/stato/?anno=2019").content.decode()
    assert "Recorded scores (snapshot)" in page and "Take a new snapshot" in page
    assert "Entity" in page and "degree" in page and "Registrato" not in page


def test_only_the_office_sees_the_review(closed: Cycle, client_as: Callable[[str], Client]) -> None:
    page = client_as("po").get("/piano/stato/?anno=2019").content.decode()
    assert 'data-testid="snapshot-review"' not in page
    page = client_as("ufficio").get("/piano/stato/?anno=2019").content.decode()
    assert 'data-testid="snapshot-review"' in page and 'data-testid="snapshot-same"' in page
