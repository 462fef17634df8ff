"""Revisions record every change item by item and compare versions; cycle states move by
the right role only and are recorded; a published cycle is read-only."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.plans.helpers import indicator_post, open_revision, target_of, text
from tests.world import World
from traguardo.oiv.models import ValidationDecision
from traguardo.plans.models import (
    Act,
    Cycle,
    CycleTransition,
    Indicator,
    OperationalObjective,
    PlanSnapshot,
    Revision,
    RevisionChange,
)


def _indicator(cycle: Cycle) -> Indicator:
    for objective in OperationalObjective.objects.filter(cycle=cycle, revised_by__isnull=True):
        found = objective.indicators.order_by("number").first()
        if found is not None:
            return found
    raise AssertionError("no indicator")


def test_revision_records_changes_and_comparison_shows_them(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle, number="201")
    assert revision.number == 2  # the world.cycle cycle already had revision n. 1
    assert revision.act is not None and revision.act.number == "201"
    assert revision.act.kind == Act.Kind.REVISION and str(revision.act.date) == "2019-11-15"
    assert PlanSnapshot.objects.filter(cycle=world.cycle, version=1).exists()  # the plan before it

    indicator = _indicator(world.cycle)
    objective = indicator.objective
    assert objective is not None
    old = target_of(indicator, world.cycle.year)
    url = reverse("plans:indicator", args=[indicator.pk])
    client.post(
        url,
        indicator_post(indicator, **{f"target_{world.cycle.year}": ">= 12345", "confirmed": "on"}),
    )
    change = RevisionChange.objects.get(revision=revision)
    assert (change.field, change.old_value, change.new_value) == (
        f"target {world.cycle.year}",
        old,
        ">= 12345",
    )
    assert change.indicator_id == indicator.pk and change.objective_id == objective.pk
    assert change.by is not None and change.by.get_username() == "ufficio"
    objective.refresh_from_db()
    assert objective.revised_by_id == revision.pk

    # the revisions page lists the change; any member can read it
    page = text(sign_in("po").get(reverse("plans:revisions")))
    assert "Revisione n. 2" in page and ">= 12345" in page and old in page

    # marked as revised wherever the editor shows it
    mark = "modificato con revisione n. 2"
    assert mark in text(client.get(url))
    assert mark in text(client.get(reverse("plans:objective", args=[objective.pk])))
    assert mark in text(client.get(reverse("plans:editor")))

    response = client.post(
        reverse("plans:revisions"), {"anno": world.cycle.year, "action": "close"}, follow=True
    )
    assert "Revisione n. 2 chiusa con 1 variazioni" in text(response)
    revision.refresh_from_db()
    assert not revision.is_open and revision.variations_count == 1
    assert PlanSnapshot.objects.filter(cycle=world.cycle, version=2).exists()

    compare = client.get(reverse("plans:compare"), {"anno": world.cycle.year, "a": "1", "b": "2"})
    page = text(compare)
    assert "1 differenza tra le due versioni" in page
    label = f"Indicatore {indicator.number} dell'obiettivo {objective.code}"
    assert (
        f'<th scope="row">{label}</th><td>target {world.cycle.year}</td><td>{old}</td>'
        f"<td>>= 12345</td>" in page
    )
    same = text(
        client.get(reverse("plans:compare"), {"anno": world.cycle.year, "a": "2", "b": "corrente"})
    )
    assert "Le due versioni sono identiche." in same


def test_only_one_revision_open_at_a_time(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    response = client.post(
        reverse("plans:revisions"),
        {
            "anno": world.cycle.year,
            "action": "open",
            "act_body": "SG",
            "act_type": "Det.",
            "act_number": "5",
            "act_date": "2019-12-01",
            "reason": "altra",
        },
    )
    assert "C'è già una revisione aperta" in text(response)
    assert Revision.objects.filter(cycle=world.cycle).count() == 2


def test_opening_a_revision_needs_act_number_date_and_reason(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    response = sign_in("ufficio").post(
        reverse("plans:revisions"),
        {
            "anno": world.cycle.year,
            "action": "open",
            "act_body": "SG",
            "act_type": "Det.",
            "act_number": "",
            "act_date": "31/02/2019",
            "reason": "",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_act_number_errors"' in page and 'id="id_act_date_errors"' in page
    assert 'id="id_reason_errors"' in page
    assert not Revision.objects.filter(cycle=world.cycle, is_open=True).exists()


def test_state_transitions_by_the_right_role_only(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    url = reverse("plans:states")
    office, oiv, po = sign_in("ufficio"), sign_in("oiv"), sign_in("po")
    # monitoring → closed belongs to the office: the OIV and a PO are refused
    for client in (oiv, po):
        assert "Nessun passaggio di stato" in text(client.get(url))
        assert client.post(url, {"target": "closed", "anno": world.cycle.year}).status_code == 403
    world.cycle.refresh_from_db()
    assert world.cycle.state == "monitoring"
    response = office.post(
        url,
        {
            "target": "closed",
            "note": "Consuntivo chiuso",
            "anno": world.cycle.year,
            "override": "on",
            "reason": "Valori validati fuori sistema",
        },
        follow=True,
    )
    assert "Il ciclo è ora nello stato «Chiuso (consuntivo)»" in text(response)
    # closed → validated belongs to the OIV, not to the office (who may only go back)
    choices = text(office.get(url))
    assert 'value="monitoring"' in choices and 'value="validated"' not in choices
    assert office.post(url, {"target": "validated", "anno": world.cycle.year}).status_code == 403
    # ... and only once the OIV has recorded its positive decision (issue 15, point 11)
    assert oiv.post(url, {"target": "validated", "anno": world.cycle.year}).status_code == 403
    ValidationDecision.objects.create(
        cycle=world.cycle, outcome="validated", date=datetime.date(2020, 4, 30)
    )
    assert (
        oiv.post(
            url,
            {
                "target": "validated",
                "note": "Validata",
                "anno": world.cycle.year,
                "confirm": "on",
                "override": "on",
                "reason": "Verifiche svolte fuori sistema",
            },
        ).status_code
        == 302
    )
    history = list(CycleTransition.objects.filter(cycle=world.cycle).order_by("at", "id"))
    assert [(t.source, t.target, t.by.get_username(), t.note) for t in history if t.by] == [
        ("monitoring", "closed", "ufficio", "Consuntivo chiuso"),
        ("closed", "validated", "oiv", "Validata"),
    ]
    page = text(po.get(url))
    assert "Consuntivo chiuso" in page and "Validata" in page and "oiv" in page


def test_published_cycle_is_read_only(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    indicator = _indicator(world.cycle)
    old = target_of(indicator, world.cycle.year)
    editor = client.get(reverse("plans:editor"))
    assert "pubblicato: il piano è in sola lettura" in text(editor)
    assert "Nuovo obiettivo strategico" not in text(editor)
    page = client.get(reverse("plans:indicator", args=[indicator.pk]))
    assert page.status_code == 200 and 'data-testid="save"' not in text(page)
    objective = indicator.objective
    assert objective is not None
    writes = [
        (
            reverse("plans:indicator", args=[indicator.pk]),
            indicator_post(indicator, **{f"target_{world.cycle.year}": ">= 1", "confirmed": "on"}),
        ),
        (reverse("plans:objective_weights", args=[objective.pk]), {}),
        (
            reverse("plans:strategic_new") + f"?anno={world.cycle.year}",
            {"code": "8", "kind": "obiettivo_strategico", "title": "x"},
        ),
        (reverse("plans:revisions"), {"anno": world.cycle.year, "action": "close"}),
        (
            reverse("plans:move") + f"?anno={world.cycle.year}",
            {"node": f"indicator:{indicator.pk}", "parent": f"operational:{objective.pk}"},
        ),
    ]
    for url, data in writes:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "pubblicato: il piano è in sola lettura" in text(response)
    response = client.post(
        reverse("plans:states"), {"target": "validated", "anno": world.cycle.year}
    )
    assert response.status_code == 403
    assert "è pubblicato: il suo stato non cambia più" in text(response)
    assert target_of(indicator, world.cycle.year) == old
    assert Revision.objects.filter(cycle=world.cycle, is_open=True).exists()


def test_the_cycle_does_not_close_with_a_revision_open(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    response = client.post(reverse("plans:states"), {"target": "closed", "anno": world.cycle.year})
    assert "La revisione n. 2 è ancora aperta: chiudila prima di chiudere il ciclo." in text(
        response
    )
    world.cycle.refresh_from_db()
    assert world.cycle.state == "monitoring"
    client.post(reverse("plans:revisions"), {"anno": world.cycle.year, "action": "close"})
    client.post(
        reverse("plans:states"),
        {"target": "closed", "anno": world.cycle.year, "override": "on", "reason": "prova"},
    )
    world.cycle.refresh_from_db()
    assert world.cycle.state == "closed"
