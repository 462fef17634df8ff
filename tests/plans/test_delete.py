"""Deleting objectives, indicators and Allegato B blocks from the editor: the confirmation
page says what goes with the item, only the performance office deletes (crafted POSTs
included), never on a read-only cycle, recorded values need an explicit confirmation, the
revision and the audit trail record it, the evidence files leave the storage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.plans.helpers import open_revision, text
from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.individual.models import ReportCardObjective
from traguardo.monitoring.models import Evidence, Measurement
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    RevisionChange,
    StrategicObjective,
    Target,
)
from traguardo.scoring.services import score_cycle

ClientAs = Callable[[str], Client]
OTHERS = ["po", "po2", "dirigente", "segretario", "oiv"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _objective(cycle: Cycle, *, in_card: bool = False) -> OperationalObjective:
    """An objective with two or more indicators, with values; in a report card or not."""
    carded = set(ReportCardObjective.objects.values_list("objective_id", flat=True))
    return next(
        o
        for o in OperationalObjective.objects.filter(cycle=cycle).order_by("pk")
        if o.indicators.count() >= 2
        and (o.pk in carded) == in_card
        and Measurement.objects.filter(indicator__objective=o).exists()
    )


def _new_indicator(cycle: Cycle) -> Indicator:
    """An indicator without values (added to an objective that has others)."""
    objective = _objective(cycle)
    indicator = Indicator.objects.create(
        objective=objective, number=99, name="Nuovo", kind="", direction="higher", weight=0
    )
    Target.objects.create(indicator=indicator, year=cycle.year, text=">= 1")
    return indicator


def _url(item: Any) -> str:
    kind = {
        StrategicObjective: "strategic",
        AnnualObjective: "annual",
        OperationalObjective: "objective",
        Indicator: "indicator",
        EntityBlock: "block",
    }[type(item)]
    return reverse(f"plans:{kind}_delete", args=[item.pk])


def test_confirmation_page_says_what_goes_with_the_objective(
    world: World, sign_in: ClientAs
) -> None:
    objective = _objective(world.cycle)
    values = Measurement.objects.filter(indicator__objective=objective).count()
    page = sign_in("ufficio").get(_url(objective))
    assert page.status_code == 200
    body = text(page)
    assert f"Eliminare Obiettivo operativo {objective.code}?" in body
    assert f"Indicatori: <strong>{objective.indicators.count()}</strong>" in body
    assert "Target: <strong>" in body
    assert f"Sono registrati {values} valori di monitoraggio" in body
    # In monitoring the plan changes only inside a revision: no button before one is open.
    assert 'data-testid="confirm-delete"' not in body


def test_confirmation_page_names_the_item_in_the_readers_language(
    world: World, sign_in: ClientAs
) -> None:
    objective = _objective(world.cycle)
    office = sign_in("ufficio")
    office.cookies.load({"django_language": "en"})
    body = text(office.get(_url(objective)))
    assert f"Delete Operational objective {objective.code}?" in body
    assert "Obiettivo operativo" not in body.split("<main", 1)[1].split("</h1>", 1)[0]
    open_revision(sign_in("ufficio"), world.cycle)
    body = text(sign_in("ufficio").get(_url(objective)))
    assert 'name="values_confirmed"' in body and 'data-testid="confirm-delete"' in body
    assert "registrata nella revisione n. " in body


def test_the_office_deletes_an_objective_with_explicit_confirmation_of_its_values(
    world: World,
    sign_in: ClientAs,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    objective = _objective(world.cycle)
    indicators = list(objective.indicators.values_list("pk", flat=True))
    measurement = Measurement.objects.filter(indicator_id__in=indicators).first()
    assert measurement is not None
    evidence = Evidence.objects.create(
        measurement=measurement,
        original_name="verbale.pdf",
        file=ContentFile(b"%PDF-1.4", name="verbale.pdf"),
        content_type="application/pdf",
        size=8,
    )
    stored = media / evidence.file.name
    assert stored.exists()
    before = score_cycle(world.cycle, explain=False).entity.performance

    # Without the explicit confirmation nothing is deleted.
    refused = client.post(_url(objective), {"version": objective.version})
    assert refused.status_code == 200
    assert "conferma esplicitamente" in text(refused)
    assert OperationalObjective.objects.filter(pk=objective.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(objective), {"version": objective.version, "values_confirmed": "on"}, follow=True
        )
    assert response.redirect_chain[-1][0].startswith(reverse("plans:editor"))
    assert "Risultato dell'ente ricalcolato" in text(response)
    assert not OperationalObjective.objects.filter(pk=objective.pk).exists()
    assert not Indicator.objects.filter(pk__in=indicators).exists()
    assert not Measurement.objects.filter(indicator_id__in=indicators).exists()
    assert not ObjectiveAssignment.objects.filter(objective_id=objective.pk).exists()
    assert not stored.exists()  # the file left the storage with its row
    # The revision records the removal; the audit trail every row and one summary.
    change = RevisionChange.objects.get(
        revision=revision, kind=RevisionChange.Kind.REMOVE, item_id=objective.pk
    )
    assert change.item_label == f"Obiettivo operativo {objective.code}"
    assert AuditEntry.objects.filter(
        model_label="plans.operationalobjective", object_pk=str(objective.pk), action="delete"
    ).exists()
    assert AuditEntry.objects.filter(
        model_label="monitoring.measurement", object_pk=str(measurement.pk), action="delete"
    ).exists()
    summary = AuditEntry.objects.get(action="bulk", note__startswith="Eliminato dal piano")
    assert summary.username == "ufficio" and summary.changes["values_confirmed"] is True
    assert summary.changes["removed"]["plans.Indicator"] == len(indicators)
    # The entity result is recomputed without the objective.
    after = score_cycle(world.cycle, explain=False).entity.performance
    assert objective.code not in score_cycle(world.cycle, explain=False).objectives
    assert before is not None and after is not None


def test_an_indicator_without_values_is_deleted_with_one_click(
    world: World, sign_in: ClientAs
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _new_indicator(world.cycle)
    page = text(client.get(_url(indicator)))
    assert "Nessun valore di monitoraggio è registrato." in page
    assert 'name="values_confirmed"' not in page
    assert "vanno riequilibrati" in page  # the objective's weights
    response = client.post(_url(indicator), {"version": indicator.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:objective", args=[indicator.objective_id])
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not Target.objects.filter(indicator_id=indicator.pk).exists()


def test_a_block_goes_with_its_indicators(world: World, sign_in: ClientAs) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    block = EntityBlock.objects.filter(cycle=world.cycle).order_by("number").first()
    assert block is not None
    indicators = list(block.indicators.values_list("pk", flat=True))
    page = text(client.get(_url(block)))
    assert f"Indicatori: <strong>{len(indicators)}</strong>" in page
    assert "pesi B" in page
    response = client.post(_url(block), {"version": block.version, "values_confirmed": "on"})
    assert response.status_code == 302
    assert not EntityBlock.objects.filter(pk=block.pk).exists()
    assert not Indicator.objects.filter(pk__in=indicators).exists()
    score_cycle(world.cycle, explain=False)  # the plan still scores without the block


def test_an_objective_in_a_report_card_is_refused(world: World, sign_in: ClientAs) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    objective = _objective(world.cycle, in_card=True)
    page = text(client.get(_url(objective)))
    assert 'data-testid="delete-protected"' in page
    response = client.post(
        _url(objective), {"version": objective.version, "values_confirmed": "on"}
    )
    assert response.status_code == 200
    assert "non può essere eliminato" in text(response)
    assert OperationalObjective.objects.filter(pk=objective.pk).exists()


def test_a_stale_version_is_refused(world: World, sign_in: ClientAs) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _new_indicator(world.cycle)
    response = client.post(_url(indicator), {"version": indicator.version + 1})
    assert "modificato da un altro utente" in text(response)
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_without_an_open_revision_an_approved_plan_refuses(world: World, sign_in: ClientAs) -> None:
    indicator = _new_indicator(world.cycle)
    response = sign_in("ufficio").post(_url(indicator), {"version": indicator.version})
    assert response.status_code == 200
    assert "apri prima una revisione" in text(response)
    assert Indicator.objects.filter(pk=indicator.pk).exists()


@pytest.mark.parametrize("state", ["closed", "validated", "published"])
def test_a_read_only_cycle_refuses_deletion(world: World, sign_in: ClientAs, state: str) -> None:
    indicator = _new_indicator(world.cycle)
    Cycle.objects.filter(pk=world.cycle.pk).update(state=state)
    client = sign_in("ufficio")
    page = client.get(_url(indicator))
    assert page.status_code == 200 and 'data-testid="confirm-delete"' not in text(page)
    assert 'data-testid="read-only"' in text(page)
    response = client.post(_url(indicator), {"version": indicator.version})
    assert response.status_code == 403
    assert Indicator.objects.filter(pk=indicator.pk).exists()


@pytest.mark.parametrize("username", OTHERS)
def test_other_roles_are_refused_also_with_crafted_posts(
    world: World, sign_in: ClientAs, username: str
) -> None:
    open_revision(sign_in("ufficio"), world.cycle)
    objective = _objective(world.cycle)
    indicator = _new_indicator(world.cycle)
    block = EntityBlock.objects.filter(cycle=world.cycle).first()
    strategic, annual = _new_strategic(world.cycle)
    client = sign_in(username)
    for item in (objective, indicator, block, strategic, annual):
        assert client.get(_url(item)).status_code == 403, (username, item)
        response = client.post(
            _url(item),
            {
                "version": item.version,  # type: ignore[union-attr]
                "values_confirmed": "on",
            },
        )
        assert response.status_code == 403, (username, item)
    assert OperationalObjective.objects.filter(pk=objective.pk).exists()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert EntityBlock.objects.filter(pk=block.pk).exists()  # type: ignore[union-attr]
    assert AnnualObjective.objects.filter(pk=annual.pk, strategic=strategic).exists()


def test_anonymous_users_go_to_the_login_page(world: World) -> None:
    indicator = _new_indicator(world.cycle)
    for response in (
        Client().get(_url(indicator)),
        Client().post(_url(indicator), {"version": indicator.version}),
    ):
        assert response.status_code == 302 and "/accesso/entra/" in response["Location"]
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_edit_pages_link_to_the_deletion_only_when_editable(
    world: World, sign_in: ClientAs
) -> None:
    client = sign_in("ufficio")
    objective = _objective(world.cycle)
    url = reverse("plans:objective", args=[objective.pk])
    assert 'data-testid="delete-link"' not in text(client.get(url))  # no revision open
    open_revision(client, world.cycle)
    page = text(client.get(url))
    assert f'href="{_url(objective)}"' in page
    indicator = objective.indicators.first()
    assert indicator is not None
    assert _url(indicator) in text(client.get(reverse("plans:indicator", args=[indicator.pk])))


# --- strategic and annual objectives ------------------------------------------------------


def _new_strategic(cycle: Cycle) -> tuple[StrategicObjective, AnnualObjective]:
    """A strategic objective with one annual objective, nothing hanging from either."""
    strategic = StrategicObjective.objects.create(cycle=cycle, code="9", title="Nuova strategia")
    annual = AnnualObjective.objects.create(strategic=strategic, code="9.1", title="Nuovo anno")
    return strategic, annual


def test_a_strategic_objective_goes_with_its_annual_objectives(
    world: World, sign_in: ClientAs
) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    strategic, annual = _new_strategic(world.cycle)
    edit_page = text(client.get(reverse("plans:strategic", args=[strategic.pk])))
    assert f'href="{_url(strategic)}"' in edit_page
    page = text(client.get(_url(strategic)))
    assert "Eliminare Obiettivo strategico 9?" in page
    assert "Obiettivi annuali: <strong>1</strong>" in page
    response = client.post(_url(strategic), {"version": strategic.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:editor") + f"?anno={world.cycle.year}"
    assert not StrategicObjective.objects.filter(pk=strategic.pk).exists()
    assert not AnnualObjective.objects.filter(pk=annual.pk).exists()
    change = RevisionChange.objects.get(revision=revision, kind=RevisionChange.Kind.REMOVE)
    assert change.item_label == "Obiettivo strategico 9"
    assert AuditEntry.objects.filter(
        model_label="plans.annualobjective", object_pk=str(annual.pk), action="delete"
    ).exists()


def test_an_annual_objective_with_operational_objectives_is_refused(
    world: World, sign_in: ClientAs
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    objective = OperationalObjective.objects.filter(
        cycle=world.cycle, annual_objectives__isnull=False
    ).order_by("pk")[0]
    annual = objective.annual_objectives.all()[0]
    for item in (annual, annual.strategic):
        page = text(client.get(_url(item)))
        assert 'data-testid="delete-protected"' in page
        assert f"<li>{objective.code} " in page  # the objectives to move first, by name
        response = client.post(_url(item), {"version": item.version})
        assert response.status_code == 200
        assert "non può essere eliminato" in text(response)
    assert AnnualObjective.objects.filter(pk=annual.pk).exists()
    assert objective.annual_objectives.filter(pk=annual.pk).exists()


def test_an_annual_objective_a_block_hangs_from_is_refused(world: World, sign_in: ClientAs) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    strategic, annual = _new_strategic(world.cycle)
    block = EntityBlock.objects.filter(cycle=world.cycle).order_by("number")[0]
    EntityBlock.objects.filter(pk=block.pk).update(annual_objective=annual)
    assert 'data-testid="delete-protected"' in text(client.get(_url(annual)))
    response = client.post(_url(strategic), {"version": strategic.version})
    assert "non può essere eliminato" in text(response)
    assert StrategicObjective.objects.filter(pk=strategic.pk).exists()


# --- the editor's filter --------------------------------------------------------------------


def test_the_editor_filters_objectives_by_unit_and_text(world: World, sign_in: ClientAs) -> None:
    client = sign_in("ufficio")
    total = OperationalObjective.objects.filter(cycle=world.cycle).count()
    everything = text(client.get(reverse("plans:editor")))
    assert f"{total} obiettivi operativi." in everything
    objective = _objective(world.cycle)
    unit = objective.home_unit

    by_code = text(client.get(reverse("plans:editor"), {"q": objective.code}))
    assert f"1 obiettivi operativi su {total} corrispondono al filtro." in by_code
    assert f">{objective.code}</a>" in by_code

    by_unit = client.get(reverse("plans:editor"), {"unita": unit.pk})
    shown = {
        row["objective"].code
        for node in by_unit.context["strategic"]
        for branch in node["annual"]
        for row in branch["objectives"]
    } | {row["objective"].code for row in by_unit.context["orphans"]}
    assert objective.code in shown
    expected = OperationalObjective.objects.filter(
        cycle=world.cycle, assignments__unit=unit
    ).distinct()
    assert by_unit.context["shown"] == expected.count() < total

    word = max((w for w in objective.title.split() if w.isalpha()), key=len)
    by_title = client.get(reverse("plans:editor"), {"q": word.upper()})
    assert by_title.context["shown"] >= 1
    assert all(
        word.lower() in row["objective"].title.lower()
        for node in by_title.context["strategic"]
        for branch in node["annual"]
        for row in branch["objectives"]
    )

    # any case and any accents, on SQLite as on PostgreSQL: «ANNUALITA» finds «annualità»
    titles = OperationalObjective.objects.filter(cycle=world.cycle).values_list("title", flat=True)
    # the plan writes it «annualità», «ANNUALITÀ» and, typed without accents, «ANNUALITA'»
    accented = sum(1 for t in titles if "annualità" in t.lower() or "annualita'" in t.lower())
    assert accented > 0
    for typed in ("ANNUALITA", "Annualità", "ANNUALITÀ", "annualita"):
        found = client.get(reverse("plans:editor"), {"q": typed}).context["shown"]
        assert found == accented, typed

    nothing = text(client.get(reverse("plans:editor"), {"q": "zzz-nessuno"}))
    assert f"0 obiettivi operativi su {total}" in nothing


def test_the_confirmation_and_the_filter_speak_english(world: World, sign_in: ClientAs) -> None:
    from django.conf import settings

    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    objective = _objective(world.cycle)
    page = text(client.get(_url(objective)))
    assert "What is deleted with the item" in page
    assert "monitoring values are recorded: they will be deleted." in page
    assert "Delete for good" in page
    editor = text(client.get(reverse("plans:editor"), {"q": objective.code}))
    assert "operational objectives match the filter." in editor
