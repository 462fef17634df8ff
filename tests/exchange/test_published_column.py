"""The "Valore pubblicato" column of the plan and values files: a number records the
published figure of the row's item, a bad one is reported with sheet, row and column and
nothing is saved; the templates carry the recorded figures back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from tests.exchange.helpers import make_xlsx, messages, read_sheets
from tests.world import World
from traguardo.exchange.services import import_file
from traguardo.exchange.workbooks import plan_workbook, values_workbook
from traguardo.scoring import adjustments
from traguardo.scoring.models import ScoreAdjustment

HEADER = ["Codice", "Periodo", "Valore", "Valore pubblicato"]


def user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def values_file(*rows: list[Any]) -> bytes:
    return make_xlsx({"Valori": [HEADER, *rows]})


def test_values_file_records_the_published_degrees(world: World) -> None:
    data = values_file(["2.1/1#1", "31.12", "", "72,63"], ["B1", "31.12", "", "100%"])
    result = import_file("valori.xlsx", data, world.cycle, dry_run=False, user=user("ufficio"))
    assert result.issues == [] and result.saved
    assert adjustments.published_of(world.cycle) == {
        "2.1/1#1": Decimal("72.63"),
        "B1": Decimal(100),
    }


def test_a_bad_published_figure_names_file_row_and_column_and_saves_nothing(
    world: World,
) -> None:
    data = values_file(["2.1/1#1", "31.12", "", "72,63"], ["2.1/1#2", "31.12", "", "circa 70"])
    result = import_file("valori.xlsx", data, world.cycle, dry_run=False, user=user("ufficio"))
    assert not result.saved
    ((sheet, row, column, message),) = messages(result)
    assert (sheet, row, column) == ("Valori", 3, "Valore pubblicato")
    assert "«circa 70» non è un numero" in message
    assert not ScoreAdjustment.objects.exists()


def test_only_the_office_records_published_figures(world: World) -> None:
    data = values_file(["2.1/1#1", "31.12", "", "72,63"])
    result = import_file("valori.xlsx", data, world.cycle, dry_run=False, user=user("po"))
    assert not result.saved
    assert any("valori pubblicati" in m for *_where, m in messages(result))
    assert not ScoreAdjustment.objects.exists()


def test_plan_file_records_objective_and_block_figures_and_exports_them(world: World) -> None:
    sheets = read_sheets(plan_workbook(world.cycle))
    objectives = sheets["Obiettivi operativi"]
    assert objectives[0][-1] == "Valore pubblicato"
    assert sheets["Indicatori"][0][-1] == "Valore pubblicato"  # after the targets
    row = next(r for r in objectives if r[0] == "2.1/1")
    row[-1] = "98,5"
    blocks = sheets["Blocchi ente"]
    blocks[1][-1] = 95
    data = make_xlsx({"Obiettivi operativi": objectives, "Blocchi ente": blocks})
    result = import_file("piano.xlsx", data, world.cycle, dry_run=False, user=user("ufficio"))
    assert result.issues == [] and result.saved
    number = blocks[1][0]
    assert adjustments.published_of(world.cycle) == {
        "2.1/1": Decimal("98.5"),
        f"BLOCCO-{number}": Decimal(95),
    }
    again = read_sheets(plan_workbook(world.cycle))["Obiettivi operativi"]
    assert next(r for r in again if r[0] == "2.1/1")[-1] == 98.5
    final = world.final
    values = read_sheets(values_workbook(world.cycle, final))["Valori"]
    assert values[0][-1] == "Valore pubblicato"
