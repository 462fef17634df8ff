"""Importing the plan from a workbook: previews, validation messages, all or nothing,
idempotency, both languages. The files start from the downloadable template of the 2019
demo, edited the way an office would edit it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.exchange.helpers import make_xlsx, messages, read_sheets
from traguardo.exchange.services import import_file
from traguardo.exchange.workbooks import plan_workbook
from traguardo.plans.models import Cycle, Indicator, ObjectiveAssignment, OperationalObjective


def _sheets(cycle: Cycle, language: str = "it") -> dict[str, list[list[Any]]]:
    return read_sheets(plan_workbook(cycle, language))


def _row_of(rows: list[list[Any]], code: str) -> int:
    """The 1-based spreadsheet row of `code` in the first column."""
    return next(i for i, row in enumerate(rows, start=1) if row[0] == code)


def _new_objective(sheets: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Add objective 2.1/99 (also in 2.2 as number 98) with two indicators, 60 + 40."""
    sheets["Obiettivi operativi"].append(
        ["2.1/99", "Nuovo obiettivo di prova", "operativo_individuale", "1.2", "2.2/98", "Descr."]
    )
    header = sheets["Indicatori"][0]
    years = [h for h in header if str(h).startswith("Target")]
    pad = [""] * (len(years) - 1)
    sheets["Indicatori"].append(
        ["2.1/99#1", None, "Pratiche evase", 60, "", "", "", "", "", "", ">= 1.500", *pad]
    )
    sheets["Indicatori"].append(
        ["2.1/99#2", None, "Report inviato", 40, "", "", "", "", "", "", "SI", *pad]
    )
    return sheets


def _only(sheets: dict[str, list[list[Any]]], *names: str) -> dict[str, list[list[Any]]]:
    return {name: sheets[name] for name in names}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_template_re_imported_as_is_changes_nothing(demo: Cycle, language: str) -> None:
    data = plan_workbook(demo, language)
    result = import_file("piano.xlsx", data, demo, dry_run=False)
    assert result.issues == []
    assert result.totals()["create"] == 0 and result.totals()["update"] == 0
    assert result.totals()["unchanged"] == 42 + 14 + 19 + 6 + 31 + 110 + 18 + 256
    sheet = "Indicators" if language == "en" else "Indicatori"
    assert result.counts()[sheet]["unchanged"] == 256


def test_new_rows_are_created_once_then_reported_unchanged(demo: Cycle) -> None:
    data = make_xlsx(_only(_new_objective(_sheets(demo)), "Obiettivi operativi", "Indicatori"))
    before = Indicator.objects.count()

    first = import_file("piano.xlsx", data, demo, dry_run=False)
    assert first.issues == [] and first.saved
    created = {(c.sheet, c.code) for c in first.changes if c.action == "create"}
    assert created == {
        ("Obiettivi operativi", "2.1/99"),
        ("Indicatori", "2.1/99#1"),
        ("Indicatori", "2.1/99#2"),
    }
    objective = OperationalObjective.objects.get(cycle=demo, home_unit__code="2.1", number=99)
    assert sorted(objective.annual_objectives.values_list("code", flat=True)) == ["1.2"]
    assert sorted(
        ObjectiveAssignment.objects.filter(objective=objective).values_list(
            "unit__code", "local_number"
        )
    ) == [("2.1", 99), ("2.2", 98)]
    indicators = list(objective.indicators.order_by("number"))
    assert [(i.name, i.weight, i.direction) for i in indicators] == [
        ("Pratiche evase", Decimal("60"), "higher"),
        ("Report inviato", Decimal("40"), "yes_no"),
    ]
    assert indicators[0].targets.get(year=2019).text == ">= 1.500"
    assert Indicator.objects.count() == before + 2

    second = import_file("piano.xlsx", data, demo, dry_run=False)
    assert second.issues == []
    assert second.totals() == {"create": 0, "update": 0, "unchanged": 110 + 1 + 256 + 2}
    assert Indicator.objects.count() == before + 2


def test_a_changed_cell_is_an_update_naming_its_column(demo: Cycle) -> None:
    sheets = _sheets(demo)
    rows = sheets["Indicatori"]
    row = _row_of(rows, "2.1/1#1")
    rows[row - 1][2] = "Numero posizioni controllate e chiuse"
    rows[row - 1][10] = ">= 1.600"
    result = import_file("p.xlsx", make_xlsx(_only(sheets, "Indicatori")), demo, dry_run=False)
    updates = [c for c in result.changes if c.action == "update"]
    assert [(c.code, c.row, c.fields) for c in updates] == [
        ("2.1/1#1", row, ("Indicatore", "targets"))
    ]
    indicator = Indicator.objects.get(
        objective__cycle=demo, objective__home_unit__code="2.1", objective__number=1, number=1
    )
    assert indicator.name == "Numero posizioni controllate e chiuse"
    assert indicator.targets.get(year=2019).text == ">= 1.600"


def test_dry_run_previews_and_saves_nothing(demo: Cycle) -> None:
    data = make_xlsx(_only(_new_objective(_sheets(demo)), "Obiettivi operativi", "Indicatori"))
    counts = (OperationalObjective.objects.count(), Indicator.objects.count())
    result = import_file("piano.xlsx", data, demo, dry_run=True)
    assert result.issues == [] and not result.saved and result.dry_run
    assert result.totals()["create"] == 3
    assert (OperationalObjective.objects.count(), Indicator.objects.count()) == counts


def test_every_problem_is_reported_with_sheet_row_and_column(demo: Cycle) -> None:
    sheets = _sheets(demo)
    units = sheets["Unità"]
    units[_row_of(units, "2") - 1][4] = "2.1"  # 2 under 2.1, and 2.1 is under 2: a loop
    objectives = sheets["Obiettivi operativi"]
    objectives.append(["9.9/1", "Obiettivo di un'unità inesistente", "", "", "", ""])
    objectives.append(["2.1/1", "Lo stesso codice due volte", "", "", "", ""])
    indicators = sheets["Indicatori"]
    bad_target = _row_of(indicators, "2.1/2#1")
    indicators[bad_target - 1][10] = ">= tante pratiche"
    bad_weight = _row_of(indicators, "2.1/1#1")
    indicators[bad_weight - 1][3] = 10  # the objective's indicators no longer sum to 100
    indicators.append(list(indicators[bad_weight - 1]))  # the same code twice
    data = make_xlsx(_only(sheets, "Unità", "Obiettivi operativi", "Indicatori"))
    counts = (OperationalObjective.objects.count(), Indicator.objects.count())

    result = import_file("piano.xlsx", data, demo, dry_run=False)

    found = messages(result)
    loop = next(m for m in found if "ciclo" in m[3])
    assert loop[:3] == ("Unità", _row_of(units, "2"), "Unità superiore")
    assert "2 → 2.1 → 2" in loop[3] or "2.1 → 2 → 2.1" in loop[3]
    assert (
        "Obiettivi operativi",
        len(objectives) - 1,
        "Codice",
        "codice di unità «9.9» sconosciuto",
    ) in found
    assert (
        "Obiettivi operativi",
        len(objectives),
        "Codice",
        f"codice «2.1/1» ripetuto (già alla riga {_row_of(objectives, '2.1/1')})",
    ) in found
    target = next(m for m in found if m[1] == bad_target)
    assert target[0] == "Indicatori" and target[2] == "Target 2019"
    assert "«>= tante pratiche»" in target[3] and "è atteso un numero" in target[3]
    assert (
        "Indicatori",
        len(indicators),
        "Codice",
        f"codice «2.1/1#1» ripetuto (già alla riga {bad_weight})",
    ) in found
    assert (
        "Indicatori",
        bad_weight,
        "Peso",
        "obiettivo 2.1/1: i pesi degli indicatori sommano a 60 invece di 100",
    ) in found
    assert len(found) == 6
    assert not result.saved
    assert (OperationalObjective.objects.count(), Indicator.objects.count()) == counts


def test_one_failing_row_saves_nothing_of_the_others(demo: Cycle) -> None:
    sheets = _new_objective(_sheets(demo))
    sheets["Obiettivi operativi"].append(["2.1/100", "Altro", "categoria inventata", "", "", ""])
    data = make_xlsx(_only(sheets, "Obiettivi operativi", "Indicatori"))
    result = import_file("piano.xlsx", data, demo, dry_run=False)
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [
        ("Obiettivi operativi", len(sheets["Obiettivi operativi"]), "Categoria")
    ]
    assert "non è un valore ammesso" in result.issues[0].message
    assert not OperationalObjective.objects.filter(cycle=demo, number__in=[99, 100]).exists()


def test_unknown_references_and_missing_columns(demo: Cycle) -> None:
    data = make_xlsx(
        {
            "Incarichi": [
                ["Persona", "Unità", "Ruolo", "Dal", "Colonna inventata"],
                ["Nessuno", "7.7", "capo", "31/02/2019", "x"],
            ],
            "Obiettivi annuali": [["Codice", "Titolo"], ["1.9", "Senza obiettivo strategico"]],
        }
    )
    result = import_file("piano.xlsx", data, demo, dry_run=True)
    found = messages(result)
    assert (
        "Incarichi",
        2,
        "Persona",
        "persona «Nessuno» sconosciuta: aggiungila al foglio Persone",
    ) in found
    assert ("Incarichi", 2, "Unità", "codice di unità «7.7» sconosciuto") in found
    assert any(m[:3] == ("Incarichi", 2, "Ruolo") and "capo" in m[3] for m in found)
    assert any(m[:3] == ("Incarichi", 2, "Dal") and "non è una data" in m[3] for m in found)
    assert (
        "Obiettivi annuali",
        1,
        "Obiettivo strategico",
        "manca la colonna obbligatoria «Obiettivo strategico» (in inglese «Strategic objective»)",
    ) in found
    assert [(w.sheet, w.column) for w in result.warnings] == [("Incarichi", "Colonna inventata")]


def test_english_headers_are_accepted_and_mixed_with_italian_values(demo: Cycle) -> None:
    sheets = _sheets(demo, "en")
    sheets["Operational objectives"].append(
        ["3.1/50", "New objective", "Obiettivo operativo individuale", "", "", ""]
    )
    sheets["Indicators"].append(["3.1/50#1", None, "Events", "100", "", "", "", "", "", "", ">= 3"])
    data = make_xlsx(_only(sheets, "Operational objectives", "Indicators"))
    result = import_file("plan.xlsx", data, demo, dry_run=False)
    assert result.issues == []
    objective = OperationalObjective.objects.get(cycle=demo, home_unit__code="3.1", number=50)
    assert objective.category == "operativo_individuale"
    assert objective.indicators.get().weight == Decimal(100)


def test_units_people_and_assignments(demo: Cycle) -> None:
    data = make_xlsx(
        {
            "Unità": [
                ["Codice", "Tipo", "Sigla", "Denominazione", "Unità superiore", "Valida dal"],
                ["2.1.9", "ufficio", "", "Ufficio nuovo", "2.1", "2019-01-01"],
            ],
            "Persone": [["Nome", "Genere", "Categoria"], ["Mario Rossi", "M", "D"]],
            "Incarichi": [
                ["Persona", "Unità", "Ruolo", "Dal", "Al"],
                ["Mario Rossi", "2.1.9", "po", "01/03/2019", "31/12/2019"],
            ],
        }
    )
    first = import_file("org.xlsx", data, demo, dry_run=False)
    assert first.issues == [] and first.totals()["create"] == 3
    from traguardo.organisation.models import Assignment

    assignment = Assignment.objects.get(person__display_name="Mario Rossi")
    assert (assignment.unit.code, assignment.unit.parent.code, assignment.role) == (  # type: ignore[union-attr]
        "2.1.9",
        "2.1",
        "po",
    )
    second = import_file("org.xlsx", data, demo, dry_run=False)
    assert second.totals() == {"create": 0, "update": 0, "unchanged": 3}


def test_a_closed_cycle_plan_is_not_changed(demo: Cycle) -> None:
    Cycle.objects.filter(pk=demo.pk).update(state="closed")
    demo.refresh_from_db()
    data = make_xlsx(_only(_new_objective(_sheets(demo)), "Obiettivi operativi", "Indicatori"))
    result = import_file("piano.xlsx", data, demo, dry_run=False)
    assert messages(result) == [
        (
            "",
            None,
            "",
            "il ciclo 2019 è «Chiuso (consuntivo)»: il piano non si modifica più "
            "(si modifica in preparazione, approvato o in monitoraggio)",
        )
    ]
    assert not OperationalObjective.objects.filter(cycle=demo, number=99).exists()


def test_texts_longer_than_the_database_keeps_are_problems_not_crashes(demo: Cycle) -> None:
    data = make_xlsx(
        {
            "Persone": [["Nome", "Categoria"], ["N" * 300, "D"]],
            "Obiettivi strategici": [["Codice", "Titolo"], ["12345678901", "Troppo lungo"]],
        }
    )
    result = import_file("piano.xlsx", data, demo, dry_run=False)
    assert messages(result) == [
        ("Persone", 2, "Nome", "testo troppo lungo (300 caratteri, al massimo 255)"),
        ("Obiettivi strategici", 2, "Codice", "testo troppo lungo (11 caratteri, al massimo 10)"),
    ]
