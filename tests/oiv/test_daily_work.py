"""The OIV's daily work (issue 16): the check page shows what to judge, the workspace's
progress, filters, bulk "nessuna osservazione" and the export of the checks."""

from __future__ import annotations

import html as html_lib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.monitoring.models import Measurement
from traguardo.oiv import services
from traguardo.oiv.models import ValidationCheck
from traguardo.plans import versions
from traguardo.plans.models import Cycle, EntityBlock, OperationalObjective
from traguardo.reports import explain_page
from traguardo.scoring.services import score_cycle

CRITERIA = ("coherence", "deviations", "reliability", "clarity")


def _text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


def _workspace(client: Client, query: str = "") -> str:
    return _text(client.get(reverse("oiv:workspace") + query))


def _remark(world: World, code: str, note: str = "Target poco sfidante") -> None:
    oiv = get_user_model().objects.get(username="oiv")
    services.save_check(
        oiv, world.cycle, "coherence", "remarks", note, objective=world.objectives[code]
    )


# -- the check page ---------------------------------------------------------------------


def test_the_check_page_shows_what_the_oiv_judges(
    world: World, sign_in: Callable[[str], Client], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    indicator = world.indicator("2.1/1", 1)
    final = Measurement.objects.get(indicator=indicator, period=world.final)
    Measurement.objects.filter(pk=final.pk).update(
        text="80",
        number=80,
        justification="Sportello chiuso tre mesi per lavori",
        comment="Fonte: gestionale",
    )
    versions.bump([world.cycle.pk])  # a value changed around the services: scores anew
    evidence = f.EvidenceFactory(measurement=final, original_name="registro-sportello.pdf")
    objective = world.objectives["2.1/1"]
    url = reverse("oiv:subject", args=[world.cycle.year, "obiettivo", objective.pk])
    text = _text(sign_in("oiv").get(url))
    facts = text.split('data-testid="facts"', 1)[1]
    first = facts.split('data-testid="indicator-facts"')[1]
    assert "2.1/1#1" in first
    assert 'data-testid="target">>= 100' in first
    assert 'data-testid="value">80' in first
    assert 'data-testid="degree">80,00%' in first
    assert "Sportello chiuso tre mesi per lavori" in first
    assert "Fonte: gestionale" in first
    assert "registro-sportello.pdf" in first
    assert reverse("monitoring:evidence", args=[evidence.pk]) in first
    # the explanation in words, and the link to the "perché" page of the figure
    assert 'data-testid="formula"' in first
    assert reverse("reports:explain", args=[world.cycle.year, "2.1/1#1"]) in first
    # the objective's own result
    assert 'data-testid="subject-performance"' in facts


def test_the_check_page_shows_the_target_history_and_revision_marks(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    from tests.oiv.test_revised_targets import _lower_target_below_the_value

    _lower_target_below_the_value(world)
    objective = world.objectives["2.1/1"]
    url = reverse("oiv:subject", args=[world.cycle.year, "obiettivo", objective.pk])
    text = _text(sign_in("oiv").get(url))
    first = text.split('data-testid="indicator-facts"')[1]
    assert "target «>= 100» fino alla revisione n. 2 del 20/12/2019, poi «>= 75»" in first
    assert 'data-testid="changed-after-value"' in first
    assert "modificato con revisione n. 2" in first


def test_the_evidence_of_another_administration_is_not_served(
    two_worlds: tuple[World, World], sign_in: Callable[[str], Client], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    _mine, theirs = two_worlds
    final = Measurement.objects.get(indicator=theirs.indicator("2.1/1", 1), period=theirs.final)
    evidence = f.EvidenceFactory(measurement=final)
    response = sign_in("oiv").get(reverse("monitoring:evidence", args=[evidence.pk]))
    assert response.status_code == 403


def test_a_block_is_named_blocco_and_its_indicator_b(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    """Block 1 and indicator 1 of the entity table never share a label."""
    assert world.block_indicator is not None
    block = world.block_indicator.entity_block
    assert block is not None
    EntityBlock.objects.filter(pk=block.pk).update(heading="Diritto annuale")
    versions.bump([world.cycle.pk])
    block.refresh_from_db()
    text = _workspace(sign_in("oiv"))
    row = text.split(f'id="riga-blocco-{block.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Blocco 1: Diritto annuale" in row and "B1 " not in row
    url = reverse("oiv:subject", args=[world.cycle.year, "blocco", block.pk])
    page = _text(sign_in("oiv").get(url))
    assert f"Verifica dell'OIV: Blocco 1: {block.heading}" in page
    facts = page.split('data-testid="indicator-facts"')[1]
    assert "B1 ·" in facts
    # the explanations' headings say the same
    score = score_cycle(world.cycle)
    assert explain_page.heading(score, "BLOCCO-1") == "Blocco 1: Diritto annuale"
    assert explain_page.heading(score, "B1").startswith("Indicatore B1 «")


# -- progress and filters -----------------------------------------------------------------


def test_progress_and_filters(world: World, sign_in: Callable[[str], Client]) -> None:
    oiv = get_user_model().objects.get(username="oiv")
    done = world.objectives["1.1/1"]
    for criterion in CRITERIA:
        services.save_check(oiv, world.cycle, criterion, "ok", "", objective=done)
    _remark(world, "2.1/2")
    client = sign_in("oiv")
    lines = 1 + 1 + len(world.objectives)  # the Relazione, one block, the objectives
    text = _workspace(client)
    assert f'aria-valuemax="{lines * 4}" aria-valuenow="5"' in text
    assert f"Voci completate: 1 su {lines}." in text

    todo = _workspace(client, "?filtro=da-fare")
    assert f'id="riga-obiettivo-{done.pk}"' not in todo
    assert f'id="riga-obiettivo-{world.objectives["2.1/2"].pk}"' in todo
    # the filter is kept in the export links
    assert "?filtro=da-fare&formato=xlsx" in todo

    observed = _workspace(client, "?filtro=con-osservazioni")
    rows = observed.split('id="riga-')[1:]
    assert [r.split('"', 1)[0] for r in rows] == [f"obiettivo-{world.objectives['2.1/2'].pk}"]
    # an unknown filter shows every line
    assert _workspace(client, "?filtro=boh").count('id="riga-') == lines


# -- bulk marking -----------------------------------------------------------------------


def _keys(*objectives: OperationalObjective) -> list[str]:
    return [f"obiettivo-{o.pk}" for o in objectives]


def test_bulk_marking_sets_the_open_checks_to_ok_and_skips_observed_lines(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    _remark(world, "2.1/2")
    chosen = [world.objectives["1.1/1"], world.objectives["2.1/1"], world.objectives["2.1/2"]]
    response = sign_in("oiv").post(
        reverse("oiv:no_remarks", args=[world.cycle.year]),
        {"voce": _keys(*chosen), "conferma": "1", "filtro": "da-fare"},
        follow=True,
    )
    text = _text(response)
    assert "Segnate senza osservazioni 2 voci (8 verifiche): 1.1/1, 2.1/1." in text
    assert "Lasciate come sono, perché hanno già osservazioni o note: 2.1/2." in text
    assert response.redirect_chain[-1][0].endswith("filtro=da-fare#matrice")
    for objective in chosen[:2]:
        outcomes = set(
            ValidationCheck.objects.filter(objective=objective).values_list("outcome", flat=True)
        )
        assert outcomes == {"ok"}
    remarked = ValidationCheck.objects.filter(objective=chosen[2])
    assert list(remarked.values_list("outcome", flat=True)) == ["remarks"]
    # audited one by one, in the OIV's name (the request's user)
    marked = ValidationCheck.objects.filter(objective__in=chosen[:2]).values_list("pk", flat=True)
    entries = AuditEntry.objects.filter(
        model_label="oiv.validationcheck", object_pk__in=[str(pk) for pk in marked]
    )
    assert sorted(entries.values_list("username", flat=True)) == ["oiv"] * 8


def test_bulk_marking_needs_the_confirmation(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    response = sign_in("oiv").post(
        reverse("oiv:no_remarks", args=[world.cycle.year]),
        {"voce": _keys(world.objectives["1.1/1"])},
        follow=True,
    )
    assert "Spunta la conferma" in _text(response)
    assert not ValidationCheck.objects.exists()


def test_bulk_marking_is_refused_once_validated(world: World) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.VALIDATED)
    world.cycle.refresh_from_db()
    oiv = get_user_model().objects.get(username="oiv")
    with pytest.raises(services.OivRefused, match="già validata"):
        services.mark_no_remarks(oiv, world.cycle, _keys(world.objectives["1.1/1"]))
    assert not ValidationCheck.objects.exists()


def test_bulk_marking_refuses_lines_of_another_administration(
    two_worlds: tuple[World, World], sign_in: Callable[[str], Client]
) -> None:
    mine, theirs = two_worlds
    oiv = get_user_model().objects.get(username="oiv")
    foreign = _keys(theirs.objectives["1.1/1"])
    with pytest.raises(services.OivRefused, match="non è una verifica di questo ciclo"):
        services.mark_no_remarks(oiv, mine.cycle, [*_keys(mine.objectives["1.1/1"]), *foreign])
    assert not ValidationCheck.objects.exists()  # nothing written, not even the own line
    # the other administration's OIV may not write in this one
    with pytest.raises(services.OivRefused, match="Solo l'OIV"):
        services.mark_no_remarks(
            get_user_model().objects.get(username="b_oiv"),
            mine.cycle,
            _keys(mine.objectives["1.1/1"]),
        )
    response = sign_in("b_oiv").post(
        f"/{mine.entity.code}" + reverse("oiv:no_remarks", args=[mine.cycle.year]),
        {"voce": _keys(mine.objectives["1.1/1"]), "conferma": "1"},
    )
    assert response.status_code in (403, 404)
    assert not ValidationCheck.objects.exists()


@pytest.mark.parametrize("username", ["ufficio", "po"])
def test_bulk_marking_by_others_is_refused(
    world: World, sign_in: Callable[[str], Client], username: str
) -> None:
    response = sign_in(username).post(
        reverse("oiv:no_remarks", args=[world.cycle.year]),
        {"voce": _keys(world.objectives["1.1/1"]), "conferma": "1"},
    )
    assert response.status_code == 403
    assert not ValidationCheck.objects.exists()


# -- export -------------------------------------------------------------------------------


def test_the_checks_export_to_xlsx_with_the_filter(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    long_note = "Target poco sfidante rispetto al valore dell'anno precedente " * 3
    _remark(world, "2.1/2", long_note.strip())
    client = sign_in("ufficio")  # the office reads (and downloads) the OIV's work too
    response = client.get(reverse("oiv:workspace") + "?filtro=con-osservazioni&formato=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "con-osservazioni.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Tipo", "Codice", "Oggetto")
    assert len(rows) == 2
    assert rows[1][1] == "2.1/2"
    assert rows[1][3] == "Conforme con osservazioni"
    assert rows[1][4] == long_note.strip()  # the whole note, not the matrix's start of it

    every = client.get(reverse("oiv:workspace") + "?formato=xlsx")
    every_rows = list(load_workbook(io.BytesIO(every.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    codes = [r[1] for r in every_rows[1:]]
    assert "Blocco 1" in codes and len(codes) == 2 + len(world.objectives)


def test_the_checks_export_to_csv(world: World, sign_in: Callable[[str], Client]) -> None:
    _remark(world, "2.1/2", "=SOMMA(A1)")
    response = sign_in("oiv").get(reverse("oiv:workspace") + "?formato=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith("Tipo;Codice;Oggetto;")
    line = next(x for x in lines if ";2.1/2;" in x)
    assert "'=SOMMA(A1)" in line  # never a formula in a spreadsheet


def test_another_administration_cannot_export_the_checks(
    two_worlds: tuple[World, World], sign_in: Callable[[str], Client]
) -> None:
    mine, _theirs = two_worlds
    _remark(mine, "2.1/2", "Nota riservata")
    url = f"/{mine.entity.code}" + reverse("oiv:workspace") + "?formato=csv"
    response = sign_in("b_oiv").get(url)
    assert response.status_code in (403, 404)
    assert b"Nota riservata" not in response.content
