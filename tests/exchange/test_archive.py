"""The full export of a cycle, and its import into an empty database: same scores."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from tests.conftest import load_demo_cycle
from traguardo.core.contract import to_contract_dict
from traguardo.exchange.archive import collect, export_cycle, registry
from traguardo.exchange.services import import_file
from traguardo.individual.models import ReportCard, SynthesisRow
from traguardo.monitoring.models import Measurement
from traguardo.plans.models import Act, Cycle, Indicator, Revision
from traguardo.scoring.models import ScoreSnapshot
from traguardo.scoring.services import get_cycle, score_cycle

pytestmark = pytest.mark.django_db(transaction=True)


def _contract(year: int) -> dict[str, object]:
    return to_contract_dict(score_cycle(get_cycle(year)))


def test_export_then_import_into_an_empty_database_gives_the_same_scores() -> None:
    cycle = load_demo_cycle("closed")
    before = _contract(2019)
    counts = {
        "cards": ReportCard.objects.count(),
        "synthesis": SynthesisRow.objects.count(),
        "acts": Act.objects.count(),
        "revisions": Revision.objects.count(),
        "measurements": Measurement.objects.count(),
    }
    archive = export_cycle(cycle)

    call_command("flush", interactive=False, verbosity=0)
    assert not Cycle.objects.exists() and not Indicator.objects.exists()

    preview = import_file("traguardo-2019.zip", archive, None, dry_run=True)
    assert preview.issues == [] and not preview.saved
    assert not Cycle.objects.exists()

    result = import_file("traguardo-2019.zip", archive, None, dry_run=False)
    assert result.issues == [] and result.saved
    assert result.totals()["create"] == result.rows
    assert _contract(2019) == before
    assert {
        "cards": ReportCard.objects.count(),
        "synthesis": SynthesisRow.objects.count(),
        "acts": Act.objects.count(),
        "revisions": Revision.objects.count(),
        "measurements": Measurement.objects.count(),
    } == counts
    assert Cycle.objects.get().state == "closed"
    # The stored score travels with the cycle: the restored cycle shows the same snapshot.
    (snapshot,) = ScoreSnapshot.objects.listed().all()
    assert snapshot.cycle_id == Cycle.objects.get().pk
    assert Decimal(snapshot.performance) == score_cycle(get_cycle(2019)).entity.performance

    again = import_file("traguardo-2019.zip", archive, None, dry_run=False)
    assert [(i.sheet, i.message) for i in again.issues] == [
        (
            "manifest.json",
            "il ciclo 2019 di «Camera di Commercio di Treviso-Belluno» esiste già: "
            "l'archivio si importa solo dove quel ciclo non c'è",
        )
    ]


def test_the_archive_holds_json_and_an_xlsx_of_the_same_rows_with_formulas_neutralised() -> None:
    cycle = load_demo_cycle()
    indicator = Indicator.objects.filter(objective__cycle=cycle).order_by("pk").first()
    assert indicator is not None
    indicator.name = '=HYPERLINK("http://example.org","clic")'
    indicator.save()
    archive = zipfile.ZipFile(io.BytesIO(export_cycle(cycle)))
    assert sorted(archive.namelist()) == ["data.json", "data.xlsx", "manifest.json"]
    manifest = json.loads(archive.read("manifest.json"))
    data = json.loads(archive.read("data.json"))
    assert manifest["tables"]["plans.indicator"] == 256
    assert manifest["tables"]["individual.synthesisrow"] == SynthesisRow.objects.count()
    assert "accounts.membership" not in manifest["tables"]  # no credentials in an export
    tables = {t["model"]: t for t in data["data"]}
    measurements = tables["monitoring.measurement"]
    by_user = measurements["fields"].index("entered_by_id")
    assert all(row[by_user] is None for row in measurements["rows"])

    book = load_workbook(io.BytesIO(archive.read("data.xlsx")))
    sheet = next(ws for ws in book.worksheets if ws.title.endswith("plans.indicator"))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 256
    names = [row[rows[0].index("name")] for row in rows[1:]]
    assert '\'=HYPERLINK("http://example.org","clic")' in names
    assert not any(str(n).startswith("=") for n in names)


def test_the_registry_takes_every_model_that_hangs_off_a_cycle() -> None:
    """Models other apps add later join the export without being listed anywhere."""
    exported = {m._meta.label_lower for m in registry.models()}
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model._meta.app_config.name.startswith("traguardo.") or label in registry.excluded:
            continue
        if any(getattr(f, "related_model", None) is Cycle for f in model._meta.concrete_fields):
            assert label in exported, label
    cycle = load_demo_cycle()
    collected = {m._meta.label_lower for m in collect(cycle)}
    assert {"plans.cycle", "individual.reportcard", "plans.revisionchange", "plans.target"} <= (
        collected
    )


def test_export_command_writes_the_archive(tmp_path: object) -> None:
    from pathlib import Path

    load_demo_cycle()
    out = Path(str(tmp_path)) / "ciclo.zip"
    call_command("export", year=2019, out=str(out))
    assert zipfile.ZipFile(out).read("manifest.json")


def test_cells_over_excels_limit_are_cut_in_the_xlsx_only() -> None:
    from traguardo.exchange.archive import XLSX_CELL_MAX, _xlsx_cell

    big = {"scores": "x" * (XLSX_CELL_MAX * 3)}
    cell = _xlsx_cell(big)
    assert len(cell) == XLSX_CELL_MAX and cell.endswith("data.json]")
    assert _xlsx_cell({"a": 1}) == '{"a": 1}' and _xlsx_cell(7) == 7
