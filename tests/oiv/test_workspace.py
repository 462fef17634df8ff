"""The OIV workspace: who reads, who writes, the checklist, the analysis, the decision."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.oiv.models import EvidenceSample, ValidationCheck, ValidationDecision
from traguardo.plans.models import Cycle, CycleTransition, Indicator, OperationalObjective

CRITERIA = ("coherence", "deviations", "reliability", "clarity")


def check_post(note: str = "Scostamento motivato nella scheda") -> dict[str, str]:
    data: dict[str, str] = {}
    for criterion in CRITERIA:
        data[f"{criterion}-outcome"] = "ok"
        data[f"{criterion}-note"] = ""
    data["deviations-outcome"] = "remarks"
    data["deviations-note"] = note
    return data


def subject_url(cycle: Cycle, objective: OperationalObjective) -> str:
    return reverse("oiv:subject", args=[cycle.year, "obiettivo", objective.pk])


def an_objective(cycle: Cycle) -> OperationalObjective:
    objective = OperationalObjective.objects.filter(cycle=cycle).order_by("pk").first()
    assert objective is not None
    return objective


@pytest.mark.parametrize(
    ("username", "status"),
    [("oiv", 200), ("ufficio", 200), ("po", 403), ("dirigente", 403), ("segretario", 403)],
)
def test_who_reads_the_workspace(
    world: World, sign_in: Callable[[str], Client], username: str, status: int
) -> None:
    response = sign_in(username).get(reverse("oiv:workspace"))
    assert response.status_code == status
    if status == 200:
        assert "Coerenza con il Piano" in response.content.decode()


def test_anonymous_is_sent_to_login(world: World) -> None:
    response = Client().get(reverse("oiv:workspace"))
    assert response.status_code == 302 and "/accesso/" in response["Location"]


def test_the_oiv_saves_the_checklist_of_an_objective(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    objective = an_objective(world.cycle)
    response = sign_in("oiv").post(subject_url(world.cycle, objective), check_post())
    assert response.status_code == 302
    checks = {c.criterion: c for c in ValidationCheck.objects.filter(objective=objective)}
    assert set(checks) == set(CRITERIA)
    assert checks["deviations"].outcome == "remarks"
    assert checks["deviations"].note == "Scostamento motivato nella scheda"
    assert checks["deviations"].updated_by is not None
    assert checks["deviations"].updated_by.username == "oiv"
    # the audit trail names the OIV user, under the objective's history
    entry = AuditEntry.objects.filter(
        model_label="oiv.validationcheck", object_pk=str(checks["deviations"].pk)
    ).latest("id")
    assert entry.username == "oiv"
    assert (entry.parent_label, entry.parent_pk) == (
        "plans.operationalobjective",
        str(objective.pk),
    )
    page = sign_in("ufficio").get(reverse("oiv:workspace")).content.decode()
    assert "Conforme con osservazioni" in page


def test_the_office_reads_but_cannot_write(world: World, sign_in: Callable[[str], Client]) -> None:
    objective = an_objective(world.cycle)
    client = sign_in("ufficio")
    page = client.get(subject_url(world.cycle, objective))
    assert page.status_code == 200 and 'id="check-submit"' not in page.content.decode()
    assert client.post(subject_url(world.cycle, objective), check_post()).status_code == 403
    assert not ValidationCheck.objects.exists()


@pytest.mark.parametrize("username", ["po", "dirigente", "ufficio"])
def test_crafted_posts_of_other_roles_are_refused(
    world: World, sign_in: Callable[[str], Client], username: str
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    client = sign_in(username)
    indicator = Indicator.objects.filter(entity_block__cycle=world.cycle).first()
    assert indicator is not None
    responses = [
        client.post(subject_url(world.cycle, an_objective(world.cycle)), check_post()),
        client.post(
            reverse("oiv:decision", args=[world.cycle.year]),
            {"outcome": "validated", "date": "2020-06-25", "reasons": ""},
        ),
        client.post(
            reverse("oiv:evidence", args=[world.cycle.year]),
            {"indicator": indicator.pk, "source": "verbale", "outcome": "confirmed"},
        ),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert not ValidationCheck.objects.exists()
    assert not ValidationDecision.objects.exists()
    assert not EvidenceSample.objects.exists()
    world.cycle.refresh_from_db()
    assert world.cycle.state == "closed"


def test_an_objective_of_another_cycle_is_404(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    url = reverse("oiv:subject", args=[world.cycle.year, "obiettivo", 10**9])
    assert sign_in("oiv").post(url, check_post()).status_code == 404
    bad_scope = reverse("oiv:subject", args=[world.cycle.year, "altro", 1])
    assert sign_in("oiv").get(bad_scope).status_code == 404


def test_a_bad_outcome_is_refused_with_a_message(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    data = check_post() | {"clarity-outcome": "perfetto"}
    response = sign_in("oiv").post(subject_url(world.cycle, an_objective(world.cycle)), data)
    assert response.status_code == 400
    assert "perfetto" in response.content.decode()
    assert not ValidationCheck.objects.exists()


def test_the_decision_validates_a_closed_cycle(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    response = sign_in("oiv").post(
        reverse("oiv:decision", args=[world.cycle.year]),
        {
            "outcome": "validated",
            "date": "2020-06-25",
            "reasons": "Relazione coerente.",
            "confirm": "on",
            # the small world has its checks and texts still open: the OIV overrides them
            "override": "on",
            "override_reason": "Verifiche svolte fuori dal sistema.",
        },
    )
    assert response.status_code == 302
    world.cycle.refresh_from_db()
    assert world.cycle.state == "validated"
    decision = ValidationDecision.objects.get(cycle=world.cycle)
    assert decision.date.isoformat() == "2020-06-25"
    transition = CycleTransition.objects.get(cycle=world.cycle, target="validated")
    assert transition.by is not None and transition.by.username == "oiv"
    # once validated, the checklist is read-only even for the OIV
    again = sign_in("oiv").post(subject_url(world.cycle, an_objective(world.cycle)), check_post())
    assert again.status_code == 400
    assert not ValidationCheck.objects.exists()


def test_the_decision_needs_a_closed_cycle(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("oiv")
    response = client.post(
        reverse("oiv:decision", args=[world.cycle.year]),
        {"outcome": "validated", "date": "2020-06-25", "confirm": "on"},
        follow=True,
    )
    assert "ciclo chiuso" in response.content.decode()
    world.cycle.refresh_from_db()
    assert world.cycle.state == "monitoring"
    assert not ValidationDecision.objects.exists()


def test_a_negative_decision_needs_reasons_and_keeps_the_state(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    client = sign_in("oiv")
    url = reverse("oiv:decision", args=[world.cycle.year])
    refused = client.post(url, {"outcome": "not_validated", "date": "2020-06-25"}, follow=True)
    assert "Motiva la mancata validazione" in refused.content.decode()
    assert not ValidationDecision.objects.exists()
    client.post(url, {"outcome": "not_validated", "date": "2020-06-25", "reasons": "Dati B14."})
    world.cycle.refresh_from_db()
    assert world.cycle.state == "closed"
    assert ValidationDecision.objects.get(cycle=world.cycle).outcome == "not_validated"


def test_the_oiv_records_sampled_evidence_with_a_document(
    world: World, sign_in: Callable[[str], Client], tmp_path: object, settings: object
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    indicator = Indicator.objects.filter(entity_block__cycle=world.cycle).first()
    assert indicator is not None
    document = SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 verbale", "application/pdf")
    response = sign_in("oiv").post(
        reverse("oiv:evidence", args=[world.cycle.year]),
        {
            "indicator": indicator.pk,
            "source": "Verbale n. 12 del 03.12.2019",
            "outcome": "confirmed",
            "note": "",
            "document": document,
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("oiv:workspace"))
    sample = EvidenceSample.objects.get(cycle=world.cycle)
    assert sample.source == "Verbale n. 12 del 03.12.2019"
    assert default_storage.exists(sample.document.name)


def test_the_challenge_analysis_lists_the_demo_targets(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    url = reverse("oiv:challenge", args=[demo.year])
    html = client_as("ufficio").get(url).content.decode()
    # B2: 964 against ">= 100" for 2020 and 2021 (the OIV asked for more challenging targets)
    assert "B2" in html and "964" in html and "964,00%" in html
    # B14 (72,63% against "= 75%") is below its target: never listed
    assert "B14 " not in html
    strict = client_as("ufficio").get(url, {"margine": "900"}).content.decode()
    assert strict.count("<tr>") < html.count("<tr>")
    wrong = client_as("ufficio").get(url, {"margine": "abc"}).content.decode()
    assert "Margine non valido" in wrong
    assert client_as("po").get(url).status_code == 403


def test_the_workspace_speaks_english_too(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("oiv")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("oiv:workspace")).content.decode()
    assert "Validation of the 2019 Performance Report" in html
    assert "Coherence with the Plan" in html


def test_evidence_returns_to_the_check_page_but_never_elsewhere(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    block = world.cycle.entity_blocks.order_by("number").first()
    assert block is not None
    indicator = block.indicators.first()
    assert indicator is not None
    page = reverse("oiv:subject", args=[world.cycle.year, "blocco", block.pk])
    client = sign_in("oiv")
    html = client.get(page).content.decode()
    assert 'name="return_to"' in html and indicator.name[:20] in html
    data = {"indicator": indicator.pk, "source": "estratto", "outcome": "discrepancy"}
    back = client.post(reverse("oiv:evidence", args=[world.cycle.year]), data | {"return_to": page})
    assert back["Location"] == page
    evil = client.post(
        reverse("oiv:evidence", args=[world.cycle.year]),
        data | {"return_to": "https://evil.example/"},
    )
    assert evil["Location"].startswith(reverse("oiv:workspace"))
    assert EvidenceSample.objects.filter(outcome="discrepancy").count() == 2


def test_this_year_targets_are_compared_with_last_year_values(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    """A 2020 cycle whose B2 target (>= 100) the 2019 value (964) already exceeded."""
    from decimal import Decimal

    from traguardo.oiv.selectors import challenge
    from traguardo.plans.models import EntityBlock, Target

    cycle_2020 = Cycle.objects.create(
        entity=demo.entity, year=2020, plan_period_start=2020, plan_period_end=2022
    )
    block = EntityBlock.objects.create(
        cycle=cycle_2020, number=1, heading="Blocco", weight_b=Decimal("10")
    )
    b2 = Indicator.objects.create(
        entity_block=block, number=2, name="Imprese coinvolte", direction="higher", weight=50
    )
    Target.objects.create(indicator=b2, year=2020, text=">= 100")
    (finding,) = challenge(cycle_2020, Decimal("1.2"))
    assert finding.kind == "already_met"
    assert (finding.item.key, finding.item.actual_year, finding.item.target_year) == (
        "B2",
        2019,
        2020,
    )
    assert finding.actual == Decimal(964)
    html = client_as("oiv").get(reverse("oiv:challenge", args=[2020])).content.decode()
    assert "964 (2019)" in html


def _matrix_line(page: str, objective: OperationalObjective) -> str:
    return page.split(f'id="riga-obiettivo-{objective.pk}"', 1)[1].split("</tr>", 1)[0]


def test_a_saved_check_shows_on_its_matrix_line_for_every_reader(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    objective, reader = an_objective(world.cycle), sign_in("ufficio")
    reader.get(reverse("oiv:workspace"))
    assert sign_in("oiv").post(subject_url(world.cycle, objective), check_post("Nota nuova"))
    line = _matrix_line(reader.get(reverse("oiv:workspace")).content.decode(), objective)
    assert "Conforme con osservazioni" in line and "Nota nuova" in line
    # the OIV sees the same line with its own link text
    oiv_page = sign_in("oiv").get(reverse("oiv:workspace")).content.decode()
    oiv_line = _matrix_line(oiv_page, objective)
    assert ">Verifica<" in oiv_line and ">Dettaglio<" in line
    english = sign_in("oiv")
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english_line = _matrix_line(english.get(reverse("oiv:workspace")).content.decode(), objective)
    assert "Nota nuova" in english_line and "Conforme con osservazioni" not in english_line


def test_the_matrix_is_paged_and_a_save_returns_to_the_line(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    from traguardo.oiv import selectors
    from traguardo.oiv.views import MATRIX_LINES

    rows = selectors.matrix(demo)
    assert len(rows) > MATRIX_LINES
    client = client_as("oiv")
    first = client.get(reverse("oiv:workspace")).content.decode()
    assert first.count('<tr id="riga-') == MATRIX_LINES
    assert f"Righe 1–{MATRIX_LINES} di {len(rows)}" in first
    last = rows[-1]
    objective = OperationalObjective.objects.get(pk=last.pk)
    pages = (len(rows) - 1) // MATRIX_LINES + 1
    assert f'id="riga-obiettivo-{objective.pk}"' not in first
    response = client.post(subject_url(demo, objective), check_post("Ultima riga"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"pagina={pages}#riga-obiettivo-{objective.pk}")
    line = _matrix_line(client.get(response["Location"]).content.decode(), objective)
    assert "Ultima riga" in line
