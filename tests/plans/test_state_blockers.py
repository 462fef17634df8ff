"""Issue 13, point 6: every state change lists what blocks it and goes ahead only with
none or with an override and a written reason; irreversible steps ask for a confirmation;
the ways back (closed -> monitoring, OIV "non validata", a formal correction of the
published Relazione) keep what came before listed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.plans.helpers import text
from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.monitoring.models import Measurement, Period
from traguardo.oiv import selectors as oiv_selectors
from traguardo.oiv import services as oiv_services
from traguardo.oiv.models import DecisionOutcome, ValidationCheck, ValidationDecision
from traguardo.plans import blockers, states
from traguardo.plans.models import Cycle, CycleTransition, Publication
from traguardo.reports.models import Narrative
from traguardo.scoring import lifecycle
from traguardo.scoring import snapshots as score_snapshots

User = get_user_model()


def user(name: str) -> object:
    return User.objects.get(username=name)


def validate_values(cycle: Cycle) -> None:
    Measurement.objects.filter(period__cycle=cycle).update(validated_at=timezone.now())


def write_texts(cycle: Cycle) -> None:
    for section in Narrative.Section.values:
        Narrative.objects.update_or_create(
            cycle=cycle, section=section, defaults={"html": "<p>Testo.</p>"}
        )


def complete_checks(cycle: Cycle) -> None:
    rows = oiv_selectors.matrix(cycle)
    for row in rows:
        for criterion in ValidationCheck.Criterion.values:
            ValidationCheck.objects.create(
                cycle=cycle,
                objective_id=row.pk if row.scope == "obiettivo" else None,
                entity_block_id=row.pk if row.scope == "blocco" else None,
                criterion=criterion,
                outcome=ValidationCheck.Outcome.OK,
            )


def ready_to_close(cycle: Cycle) -> None:
    validate_values(cycle)


def closed_without_blockers(world: World) -> Cycle:
    ready_to_close(world.cycle)
    lifecycle.change_state(user("ufficio"), world.cycle, "closed", "consuntivo")
    return world.cycle


def validated(world: World) -> Cycle:
    cycle = closed_without_blockers(world)
    write_texts(cycle)
    complete_checks(cycle)
    # The OIV validates by recording its decision (it is what allows "validated").
    oiv_services.decide(
        user("oiv"), cycle, DecisionOutcome.VALIDATED, datetime.date(2020, 6, 25), "ok"
    )
    return cycle


def confirm_url(cycle: Cycle, target: str) -> str:
    return reverse("plans:states_confirm") + f"?anno={cycle.year}&stato={target}"


# --- blockers -------------------------------------------------------------------------------


def test_closing_lists_values_not_validated_open_campaigns_and_missing_values(
    world: World,
) -> None:
    cycle = world.cycle
    found = blockers.blockers(cycle, "closed")
    assert [(b.count, b.message) for b in found] == [
        (
            10,
            "10 valori al 31.12.2019 su 10 non sono validati dai responsabili. "
            "La campagna è chiusa: per validarli va riaperta.",
        )
    ]
    assert found[0].url == reverse("monitoring:periods") + "?anno=2019"
    validate_values(cycle)
    assert blockers.blockers(cycle, "closed") == []
    Period.objects.filter(cycle=cycle, code="31.12").update(closed=False)
    Measurement.objects.filter(indicator=world.indicator("3.1/1", 1), period__code="31.12").delete()
    messages = [b.message for b in blockers.blockers(cycle, "closed")]
    assert messages == [
        "La campagna di monitoraggio 31.12.2019 è ancora aperta: chiudila.",
        "Manca il valore al 31.12.2019 di 1 indicatore su 10.",
    ]


def test_validating_lists_open_oiv_checks_and_texts_not_written(world: World) -> None:
    cycle = world.cycle
    total = oiv_selectors.progress(oiv_selectors.matrix(cycle))[1]
    messages = [b.message for b in blockers.blockers(cycle, "validated")]
    assert messages[0] == f"{total} verifiche dell'OIV su {total} sono ancora da fare."
    assert messages[1].startswith("10 testi della Relazione non sono scritti: Presentazione;")
    complete_checks(cycle)
    write_texts(cycle)
    Narrative.objects.filter(cycle=cycle, section="genere").update(html="  ")
    assert [b.message for b in blockers.blockers(cycle, "validated")] == [
        "1 testo della Relazione non è scritto: 3.4 Bilancio di genere."
    ]
    # publishing waits for the texts too, not for the OIV's checks
    assert [b.count for b in blockers.blockers(cycle, "published")] == [1]


def test_a_blocked_change_is_refused_and_changes_nothing(world: World) -> None:
    with pytest.raises(states.TransitionBlocked) as refused:
        lifecycle.change_state(user("ufficio"), world.cycle, "closed")
    assert "10 valori al 31.12.2019 su 10 non sono validati" in refused.value.message
    assert len(refused.value.blockers) == 1
    assert Cycle.objects.get(pk=world.cycle.pk).state == "monitoring"
    assert not CycleTransition.objects.filter(cycle=world.cycle, target="closed").exists()


def test_an_override_needs_a_written_reason(world: World) -> None:
    with pytest.raises(states.TransitionRefused, match="motivo della forzatura"):
        lifecycle.change_state(user("ufficio"), world.cycle, "closed", override=True, reason=" ")
    assert Cycle.objects.get(pk=world.cycle.pk).state == "monitoring"


def test_an_override_with_its_reason_is_kept_in_the_history_and_the_audit(world: World) -> None:
    record = lifecycle.change_state(
        user("ufficio"),
        world.cycle,
        "closed",
        "consuntivo",
        override=True,
        reason="Validazioni firmate su carta",
    )
    assert Cycle.objects.get(pk=world.cycle.pk).state == "closed"
    stored = CycleTransition.objects.get(pk=record.pk)
    assert stored.override_reason == "Validazioni firmate su carta"
    assert [b["count"] for b in stored.blockers] == [10]
    entry = AuditEntry.objects.get(model_label="plans.cycletransition", object_pk=str(record.pk))
    assert entry.note == "Validazioni firmate su carta" and entry.username == "ufficio"
    assert entry.changes["state"] == ["monitoring", "closed"]


def test_a_change_without_blockers_needs_no_override(world: World) -> None:
    record = lifecycle.change_state(
        user("ufficio"), closed_without_blockers(world), "monitoring", "x"
    )
    assert record.blockers == [] and record.override_reason == ""


# --- the page: confirmation, override -----------------------------------------------------


def test_the_confirmation_page_shows_what_happens_and_the_blockers_with_links(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    page = text(sign_in("ufficio").get(confirm_url(world.cycle, "closed")))
    assert "i punteggi sono fissati in un'istantanea" in page
    assert "10 valori al 31.12.2019 su 10 non sono validati" in page
    assert reverse("monitoring:periods") + "?anno=2019" in page
    assert Cycle.objects.get(pk=world.cycle.pk).state == "monitoring"  # a GET changes nothing


def test_the_page_refuses_a_blocked_change_then_requires_the_reason_then_forces_it(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client, url = sign_in("ufficio"), confirm_url(world.cycle, "closed")
    data = {"target": "closed", "anno": world.cycle.year}
    refused = text(client.post(url, data))
    assert "bloccato da 1 impedimenti" in refused
    no_reason = text(client.post(url, data | {"override": "on"}))
    assert "Scrivi il motivo per forzare il passaggio." in no_reason
    assert Cycle.objects.get(pk=world.cycle.pk).state == "monitoring"
    done = client.post(url, data | {"override": "on", "reason": "Firmati su carta"}, follow=True)
    assert "Passaggio forzato" in text(done)
    assert Cycle.objects.get(pk=world.cycle.pk).state == "closed"
    history = text(client.get(reverse("plans:states") + "?anno=2019"))
    assert "1 impedimento superato: Firmati su carta" in history


def test_publishing_needs_the_confirmation(world: World, sign_in: Callable[[str], Client]) -> None:
    cycle = validated(world)
    client, url = sign_in("ufficio"), confirm_url(cycle, "published")
    page = text(client.get(url))
    assert "Questo passaggio non si può annullare." in page and "Nessun impedimento." in page
    refused = text(client.post(url, {"target": "published", "anno": cycle.year}))
    assert "spunta la conferma" in refused
    assert Cycle.objects.get(pk=cycle.pk).state == "validated"
    client.post(url, {"target": "published", "anno": cycle.year, "confirm": "on"})
    assert Cycle.objects.get(pk=cycle.pk).state == "published"
    assert list(Publication.objects.filter(cycle=cycle).values_list("number", flat=True)) == [1]


def test_the_oiv_validation_needs_the_confirmation_and_shows_the_blockers(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = closed_without_blockers(world)
    client = sign_in("oiv")
    workspace = text(client.get(reverse("oiv:workspace") + f"?anno={cycle.year}"))
    assert "verifiche dell'OIV su" in workspace and "testi della Relazione" in workspace
    url = reverse("oiv:decision", args=[cycle.year])
    data = {"outcome": "validated", "date": "2020-06-25", "reasons": "ok"}
    assert "spunta la conferma" in text(client.post(url, data, follow=True))
    blocked = text(client.post(url, data | {"confirm": "on"}, follow=True))
    assert "bloccato da 2 impedimenti" in blocked
    assert Cycle.objects.get(pk=cycle.pk).state == "closed"
    assert not ValidationDecision.objects.filter(cycle=cycle).exists()
    write_texts(cycle)
    complete_checks(cycle)
    client.post(url, data | {"confirm": "on"})
    assert Cycle.objects.get(pk=cycle.pk).state == "validated"


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "state", "target"),
    [
        ("po", "monitoring", "closed"),  # a PO cannot close
        ("oiv", "monitoring", "closed"),
        ("oiv", "validated", "published"),  # the OIV cannot publish
        ("ufficio", "closed", "validated"),  # the office cannot validate
        ("oiv", "closed", "monitoring"),  # nor can the OIV send the cycle back by hand
        ("dirigente", "closed", "monitoring"),
    ],
)
def test_each_change_belongs_to_one_role(
    world: World, sign_in: Callable[[str], Client], username: str, state: str, target: str
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=state)
    client = sign_in(username)
    assert client.get(confirm_url(world.cycle, target)).status_code == 403
    data = {"target": target, "anno": world.cycle.year, "confirm": "on", "note": "x"}
    data |= {"override": "on", "reason": "x"}
    assert client.post(confirm_url(world.cycle, target), data).status_code == 403
    world.cycle.refresh_from_db()
    with pytest.raises(states.TransitionRefused, match="ruolo"):
        lifecycle.change_state(user(username), world.cycle, target, "x", override=True, reason="x")
    assert Cycle.objects.get(pk=world.cycle.pk).state == state


# --- ways back ----------------------------------------------------------------------------


def test_closed_goes_back_to_monitoring_only_with_a_reason_and_keeps_the_snapshot(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = closed_without_blockers(world)
    first = score_snapshots.latest(cycle)
    assert first is not None
    with pytest.raises(states.TransitionRefused, match="scrivi la motivazione"):
        lifecycle.change_state(user("ufficio"), cycle, "monitoring", "  ")
    client, url = sign_in("ufficio"), confirm_url(cycle, "monitoring")
    assert "È un ritorno indietro" in text(client.get(url))
    client.post(url, {"target": "monitoring", "anno": cycle.year, "note": "Valore B1 errato"})
    cycle.refresh_from_db()
    assert cycle.state == "monitoring"
    back = CycleTransition.objects.get(cycle=cycle, target="monitoring", source="closed")
    assert back.note == "Valore B1 errato"
    assert [s.pk for s in score_snapshots.history(cycle)] == [first.pk]  # still listed
    lifecycle.change_state(user("ufficio"), cycle, "closed", "di nuovo")
    history = score_snapshots.history(cycle)
    assert len(history) == 2 and history[1].pk == first.pk


def test_not_validated_goes_back_to_the_office_with_reasons_then_a_new_round(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = closed_without_blockers(world)
    oiv = user("oiv")
    with pytest.raises(oiv_services.OivRefused, match="Motiva"):
        oiv_services.decide(
            oiv, cycle, DecisionOutcome.NOT_VALIDATED, datetime.date(2020, 5, 4), ""
        )
    oiv_services.decide(
        oiv, cycle, DecisionOutcome.NOT_VALIDATED, datetime.date(2020, 5, 4), "Scostamenti B1"
    )
    assert Cycle.objects.get(pk=cycle.pk).state == "closed"
    page = text(sign_in("ufficio").get(reverse("plans:states") + f"?anno={cycle.year}"))
    assert "L'OIV non ha validato la Relazione (tornata 1, 04/05/2020): Scostamenti B1" in page
    # the office corrects (back to monitoring, close again), then the OIV decides again
    lifecycle.change_state(user("ufficio"), cycle, "monitoring", "Correzione per l'OIV")
    lifecycle.change_state(user("ufficio"), cycle, "closed", "Corretto")
    write_texts(cycle)
    complete_checks(cycle)
    oiv_services.decide(oiv, cycle, DecisionOutcome.VALIDATED, datetime.date(2020, 6, 1), "Ok")
    assert Cycle.objects.get(pk=cycle.pk).state == "validated"
    rounds = list(ValidationDecision.objects.filter(cycle=cycle).values_list("round", "outcome"))
    assert rounds == [(1, "not_validated"), (2, "validated")]
    workspace = text(sign_in("ufficio").get(reverse("oiv:workspace") + f"?anno={cycle.year}"))
    assert "Tornata 1" in workspace and "Scostamenti B1" in workspace and "Tornata 2" in workspace
    later = text(sign_in("ufficio").get(reverse("plans:states") + f"?anno={cycle.year}"))
    assert "L'OIV non ha validato" not in later


def test_a_published_relazione_changes_only_through_a_formal_correction(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = validated(world)
    lifecycle.change_state(user("ufficio"), cycle, "published")
    with pytest.raises(states.TransitionRefused, match=r"non si passa"):
        lifecycle.change_state(user("ufficio"), cycle, "validated", "x", override=True, reason="x")
    with pytest.raises(states.TransitionRefused, match="Solo l'ufficio"):
        lifecycle.open_correction(user("oiv"), cycle, "errore")
    office = sign_in("ufficio")
    url = reverse("plans:states") + f"?anno={cycle.year}"
    texts_url = reverse("relazione:narratives", args=[cycle.year])
    section = {"section": "genere", "html": "<p>Testo corretto.</p>"}
    # published: the texts are read-only
    assert office.post(texts_url, section).status_code == 403
    no_reason = office.post(url, {"action": "correct-open", "correct-reason": " "})
    assert 'id="id_correct-reason_errors"' in text(no_reason)
    assert lifecycle.correction_in_progress(cycle) is None
    office.post(url, {"action": "correct-open", "correct-reason": "Refuso nel bilancio di genere"})
    draft = lifecycle.correction_in_progress(cycle)
    assert draft is not None and draft.number == 2 and draft.published_at is None
    # during the correction the office corrects the texts; the public still sees version 1
    assert office.post(texts_url, section).status_code == 302
    assert Narrative.objects.get(cycle=cycle, section="genere").html == "<p>Testo corretto.</p>"
    assert "Versione 2" not in text(Client().get(reverse("reports:results", args=[2019])))
    assert sign_in("oiv").post(texts_url, section).status_code == 403
    no_confirm = office.post(url, {"action": "correct-publish"})
    assert 'id="id_publish-confirm_errors"' in text(no_confirm)
    assert lifecycle.correction_in_progress(cycle) is not None
    snapshots_before = len(score_snapshots.history(cycle))
    office.post(url, {"action": "correct-publish", "publish-confirm": "on"})
    versions = list(Publication.objects.filter(cycle=cycle).order_by("number"))
    assert [(v.number, v.superseded_at is not None) for v in versions] == [(1, True), (2, False)]
    assert versions[1].reason == "Refuso nel bilancio di genere"
    assert len(score_snapshots.history(cycle)) == snapshots_before + 1
    public = text(Client().get(reverse("reports:results", args=[cycle.year])))
    assert "Versione 1 del" in public and "sostituita il" in public
    assert "Versione 2 del" in public and "Refuso nel bilancio di genere" in public
    # closed again: the texts are read-only until the next correction
    assert office.post(texts_url, section).status_code == 403
    forbidden = sign_in("oiv").post(url, {"action": "correct-open", "correct-reason": "x"})
    assert forbidden.status_code == 403


def test_a_correction_can_be_abandoned(world: World) -> None:
    cycle = validated(world)
    lifecycle.change_state(user("ufficio"), cycle, "published")
    lifecycle.open_correction(user("ufficio"), cycle, "Forse un refuso")
    with pytest.raises(states.TransitionRefused, match="già in preparazione"):
        lifecycle.open_correction(user("ufficio"), cycle, "Di nuovo")
    lifecycle.abandon_correction(user("ufficio"), cycle)
    assert lifecycle.correction_in_progress(cycle) is None
    assert [p.number for p in lifecycle.publications(cycle)] == [1]
    with pytest.raises(states.TransitionRefused, match="Nessuna rettifica"):
        lifecycle.publish_correction(user("ufficio"), cycle)


# --- the command line -----------------------------------------------------------------------


def test_the_command_prints_the_blockers_and_fails_unless_overridden_with_a_reason(
    world: World,
) -> None:
    err, out = StringIO(), StringIO()
    with pytest.raises(CommandError, match="--override"):
        call_command("cycle_state", "closed", year=2019, user="ufficio", stderr=err)
    assert "10 valori al 31.12.2019 su 10 non sono validati" in err.getvalue()
    with pytest.raises(CommandError, match="--reason"):
        call_command("cycle_state", "closed", year=2019, user="ufficio", override=True)
    assert Cycle.objects.get(pk=world.cycle.pk).state == "monitoring"
    call_command(
        "cycle_state",
        "closed",
        year=2019,
        user="ufficio",
        override=True,
        reason="Validati su carta",
        stdout=out,
    )
    assert "forzato" in out.getvalue() and "Validati su carta" in out.getvalue()
    assert CycleTransition.objects.get(cycle=world.cycle, target="closed").override_reason == (
        "Validati su carta"
    )


def test_approving_the_plan_is_blocked_by_the_editor_issues(world: World) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="draft")
    world.cycle.refresh_from_db()
    assert blockers.blockers(world.cycle, "approved") == []
    indicator = world.indicator("1.1/1", 1)
    indicator.weight = 10
    indicator.save()
    (found,) = blockers.blockers(world.cycle, "approved")
    assert found.message.startswith("Obiettivo 1.1/1: ")
    assert found.url == reverse("plans:objective", args=[world.objectives["1.1/1"].pk])
    with pytest.raises(states.TransitionBlocked):
        lifecycle.change_state(user("ufficio"), world.cycle, "approved")


def test_the_confirmation_page_speaks_english(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    office = sign_in("ufficio")
    office.cookies.load({"django_language": "en"})
    page = text(office.get(confirm_url(world.cycle, "closed")))
    assert "What blocks it" in page and "The cycle closes: the scores are fixed" in page
    assert "10 values at 31.12.2019 of 10 are not validated by their managers." in page
