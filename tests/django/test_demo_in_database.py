"""The 2019 cycle through the database: import, fetch, score, commands and pages.

The figures must equal those computed straight from the fixture (tests/demo), so the
database round trip loses nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from traguardo.core.engine import score_plan
from traguardo.demo.fixture import DATA, FixtureError, load_cycle
from traguardo.demo.importer import import_cycle
from traguardo.individual.models import ReportCard
from traguardo.organisation.models import Assignment, OrgUnit
from traguardo.organisation.selectors import unit_heads_on
from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> Cycle:
    return import_cycle(load_cycle(2019))


def test_database_round_trip_gives_the_same_figures(loaded: Cycle) -> None:
    direct = score_plan(load_cycle(2019).plan())
    stored = score_cycle(loaded)
    assert stored.entity.performance == direct.entity.performance
    assert {k: o.performance for k, o in stored.objectives.items()} == {
        k: o.performance for k, o in direct.objectives.items()
    }
    assert [(u.code, u.performance) for u in stored.units] == [
        (u.code, u.performance) for u in direct.units
    ]
    assert [[s.performance for s in c.synthesis] for c in stored.cards] == [
        [s.performance for s in c.synthesis] for c in direct.cards
    ]
    assert stored.explain("B14").formula == "min(54,47 / 75; 1) = 72,63%"


def test_import_is_repeatable(loaded: Cycle) -> None:
    counts = (
        OperationalObjective.objects.count(),
        Indicator.objects.count(),
        ReportCard.objects.count(),
    )
    import_cycle(load_cycle(2019))
    assert Cycle.objects.filter(year=2019).count() == 1
    assert (
        OperationalObjective.objects.count(),
        Indicator.objects.count(),
        ReportCard.objects.count(),
    ) == counts
    assert counts[1] == 31 + sum(len(o.indicators) for o in load_cycle(2019).objectives)


def test_the_rotations_of_21_05_2019_are_stored_as_dated_assignments(loaded: Cycle) -> None:
    import datetime

    sector = OrgUnit.objects.get(entity=loaded.entity, code="0.1")
    before = unit_heads_on(sector, datetime.date(2019, 5, 20))
    after = unit_heads_on(sector, datetime.date(2019, 5, 21))
    assert len(before) == len(after) == 1
    assert before[0] != after[0]
    # the PO leading 0.1 after the rotation led 2.4 before it
    assert Assignment.objects.filter(
        person=after[0], unit__code="2.4", end=datetime.date(2019, 5, 20)
    ).exists()


def test_score_command_prints_the_entity_table(loaded: Cycle) -> None:
    out = StringIO()
    call_command("score", year=2019, stdout=out)
    text = out.getvalue()
    assert "PERFORMANCE DELL'ENTE: 98,61" in text
    assert "72,63%" in text


def test_score_json_follows_the_contract(loaded: Cycle) -> None:
    out = StringIO()
    call_command("score", year=2019, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["schema"] == "traguardo.score/1"
    assert data["entity"]["performance"] == "98.61"
    assert len(data["entity_indicators"]) == 31
    by_number = {i["number"]: i for i in data["entity_indicators"]}
    assert by_number[14]["degree"] == "72.63"
    assert by_number[14]["explanation"]["formula"] == "min(54,47 / 75; 1) = 72,63%"
    assert len(data["blocks"]) == 18
    assert data["blocks"][9] | {"explanation": None} == {
        "number": 10,
        "heading": data["blocks"][9]["heading"],
        "indicators": [14],
        "achievement": "72.63",
        "weight": "4.33",
        "result": "3.14",
        "explanation": None,
    }
    units = {u["code"]: u for u in data["units"]}
    assert units["2.1"]["performance"] == "100.00" and units["2.1"]["name"]
    sg = next(c for c in data["cards"] if c["key"] == "SG")
    assert sg["role"] == "segretario_generale" and sg["unit"] == "0"
    assert [s["performance"] for s in sg["synthesis"]] == ["98.61", "100.00"]


def test_explain_command_and_unknown_code(loaded: Cycle) -> None:
    out = StringIO()
    call_command("explain", "BLOCCO-10", stdout=out)
    assert "72,63% × 4,33 = 3,144735" in out.getvalue()
    with pytest.raises(CommandError, match="non trovato"):
        call_command("explain", "9.9/9")


def test_score_without_the_cycle_says_how_to_load_it() -> None:
    with pytest.raises(CommandError, match="traguardo load-demo"):
        call_command("score", year=1999)


def test_results_page_shows_the_entity_result_and_the_tree(loaded: Cycle, client: Client) -> None:
    assert client.get("/risultati/2019/").status_code == 404  # citizens: published cycles only
    Cycle.objects.filter(pk=loaded.pk).update(state=Cycle.State.PUBLISHED)
    response = client.get("/risultati/2019/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "98,61%" in html
    assert "Albero della performance" in html
    assert "Competitività e sostenibilità del territorio" in html
    assert "/risultati/2019/perche/2.1/1/" in html
    explain = client.get("/risultati/2019/perche/B14/")
    assert "min(54,47 / 75; 1) = 72,63%" in explain.content.decode()
    assert client.get("/risultati/2019/perche/NOPE/").status_code == 404
    assert client.get("/risultati/1999/").status_code == 404


def _copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "2019"
    shutil.copytree(DATA / "2019", folder)
    return folder


def test_a_malformed_target_names_file_place_and_expectation(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    path = folder / "operational-c2.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('target: "= 1410"', 'target: "circa 1410"', 1),
        encoding="utf-8",
    )
    with pytest.raises(FixtureError) as caught:
        load_cycle(2019, folder)
    message = str(caught.value)
    assert "operational-c2.yaml, unità 2.1, obiettivo 1, indicatore 2, target 2019" in message
    assert "«circa 1410» non riconosciuto" in message


def test_unknown_references_and_bad_yaml_are_all_reported(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    path = folder / "operational-c1.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('same_as: "0/1"', 'same_as: "0/99"', 1),
        encoding="utf-8",
    )
    (folder / "entity.yaml").write_text("blocks: [\n", encoding="utf-8")
    with pytest.raises(FixtureError) as caught:
        load_cycle(2019, folder)
    problems = caught.value.problems
    assert any("«same_as: 0/99» rimanda a un obiettivo inesistente" in p for p in problems)
    assert any(p.startswith("entity.yaml riga") and "YAML non valido" in p for p in problems)


def test_cli_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "traguardo.cli", "score", "--year", "1999"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "manage.py migrate" in result.stderr  # the database was never migrated
