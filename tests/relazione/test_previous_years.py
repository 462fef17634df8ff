"""The Relazione of a carried-forward cycle: the indicators' earlier years (Allegato F),
absent from a first cycle's Relazione (the 2019 demo's stays as it was)."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests.world import World
from traguardo.monitoring.cycles import add_cycle
from traguardo.monitoring.models import Period
from traguardo.plans.models import Cycle, Indicator, Target
from traguardo.reports.relazione.content import build_document
from traguardo.reports.relazione.docx import render_docx
from traguardo.reports.relazione.html import print_html
from traguardo.reports.relazione.xlsx import render_xlsx

pytestmark = pytest.mark.django_db


def _next_year(world: World) -> Cycle:
    for indicator in Indicator.objects.filter(objective=world.objectives["2.1/2"]):
        Target.objects.create(indicator=indicator, year=2020, text=">= 160")
    cycle, _preview = add_cycle(world.entity, 2020, "2019-2021", from_year=2019)
    assert cycle is not None
    twin = Indicator.objects.get(
        objective__cycle=cycle, lineage=world.indicator("2.1/2", 1).lineage
    )
    f.MeasurementFactory(
        indicator=twin,
        period=Period.objects.get(cycle=cycle, code=Period.Code.FINAL),
        number=Decimal("165"),
    )
    return cycle


def test_a_first_cycles_relazione_has_no_previous_years(world: World) -> None:
    document = build_document(world.cycle)
    assert [p.anchor for p in document.parts][-1] == "allegato-e"
    assert "allegato_f" not in {t.key for t in document.tables()}


def test_the_next_cycles_relazione_shows_the_previous_years(world: World) -> None:
    document = build_document(_next_year(world))
    assert document.parts[-1].title == "Allegato F – Gli indicatori negli anni precedenti"
    table = document.table("allegato_f")
    assert table.columns == (
        "Indicatore",
        "Target 2019",
        "Valore 2019",
        "Grado 2019",
        "Target 2020",
        "Valore 2020",
    )
    rows = {r.cells[0]: r.cells for r in table.rows if r.kind == "data"}
    assert rows["2.1/2 n. 1 – Indicatore 1"][1:] == ("= 150", "150", "100%", ">= 160", "165")
    assert rows["2.1/2 n. 2 – Indicatore 2"][1:3] == ("> 100", "141")
    assert rows["2.1/2 n. 2 – Indicatore 2"][5] == ""  # no 2020 value yet
    groups = [r.cells[0] for r in table.rows if r.kind == "group"]
    assert groups == ["Indicatori dell'Ente (Allegato B)", "Indicatori degli obiettivi operativi"]
    # Every format renders it: the web page and the spreadsheet (a sheet of its own).
    assert "Allegato F – Gli indicatori negli anni precedenti" in print_html(document)
    sheets = load_workbook(io.BytesIO(render_xlsx(document))).sheetnames
    assert "allegato_f" in sheets, sheets
    assert b"Allegato F" in _docx_text(render_docx(document))


def _docx_text(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml")
