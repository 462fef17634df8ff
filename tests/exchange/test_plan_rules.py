"""Per-indicator rules in the plan template ("Regola", "Parametri") and weights that the
SMVP may not need (issue 14): the template writes them as a person reads them, the import
reads them back, a wrong rule or parameter names its row and column."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.exchange.helpers import make_xlsx, messages, read_sheets
from traguardo.core.smvp import preset, smvp_to_dict
from traguardo.exchange.services import import_file
from traguardo.exchange.workbooks import plan_workbook
from traguardo.plans import rule_text
from traguardo.plans.models import Cycle, Indicator, ScoringConfig

SHEET = "Indicatori"


def _indicator(cycle: Cycle, unit: str, objective: int, number: int) -> Indicator:
    return Indicator.objects.get(
        objective__cycle=cycle,
        objective__home_unit__code=unit,
        objective__number=objective,
        number=number,
    )


def _columns(rows: list[list[Any]]) -> dict[str, int]:
    return {str(h): i for i, h in enumerate(rows[0])}


def _row(rows: list[list[Any]], code: str) -> int:
    return next(i for i, row in enumerate(rows, start=1) if row[0] == code)


def _indicators_sheet(cycle: Cycle, language: str = "it") -> list[list[Any]]:
    return read_sheets(plan_workbook(cycle, language))[SHEET if language == "it" else "Indicators"]


def _use_preset(cycle: Cycle, name: str) -> None:
    ScoringConfig.objects.update_or_create(
        cycle=cycle,
        defaults={"default_rule": "smvp", "options": {"documento": smvp_to_dict(preset(name))}},
    )


@pytest.mark.parametrize("language", ["it", "en"])
def test_rules_and_parameters_round_trip_through_the_template(demo: Cycle, language: str) -> None:
    bands = _indicator(demo, "2.1", 1, 1)
    bands.scoring_rule = "bands"
    bands.rule_params = {"bands": [[60, 50], ["90.5", 100]], "interpolate": True}
    bands.save()
    rows = _indicators_sheet(demo, language)
    col = _columns(rows)
    rule_col = col["Regola" if language == "it" else "Rule"]
    params_col = col["Parametri" if language == "it" else "Parameters"]
    line = rows[_row(rows, "2.1/1#1") - 1]
    assert line[rule_col] == "bands"
    assert line[params_col] == (
        "fasce=60:50, 90,5:100; interpola=sì"
        if language == "it"
        else "bands=60:50, 90,5:100; interpolate=yes"
    )

    # The file as downloaded changes nothing.
    result = import_file("piano.xlsx", make_xlsx({SHEET: rows}), demo, dry_run=False)
    assert result.issues == []
    assert result.totals()["update"] == 0

    # A rule written by the office on another indicator, in the readable form.
    other = _row(rows, "2.1/1#2")
    rows[other - 1][rule_col] = "higher_is_better"
    rows[other - 1][params_col] = (
        "tetto=120; soglia=60" if language == "it" else "cap=120; floor=60"
    )
    result = import_file("piano.xlsx", make_xlsx({SHEET: rows}), demo, dry_run=False)
    assert result.issues == [] and result.saved
    updates = [(c.code, c.fields) for c in result.changes if c.action == "update"]
    assert updates == [
        (
            "2.1/1#2",
            ("Regola", "Parametri") if language == "it" else ("Rule", "Parameters"),
        )
    ]
    second = _indicator(demo, "2.1", 1, 2)
    assert (second.scoring_rule, second.rule_params) == (
        "higher_is_better",
        {"cap": 120, "floor": 60},
    )
    bands.refresh_from_db()
    assert bands.rule_params == {"bands": [[60, 50], ["90.5", 100]], "interpolate": True}

    again = _indicators_sheet(demo, language)
    assert again[_row(again, "2.1/1#2") - 1][params_col] == rows[other - 1][params_col]
    # Emptying both cells goes back to the SMVP's default rule.
    rows[other - 1][rule_col] = None
    rows[other - 1][params_col] = None
    result = import_file("piano.xlsx", make_xlsx({SHEET: rows}), demo, dry_run=False)
    assert result.issues == []
    second.refresh_from_db()
    assert (second.scoring_rule, second.rule_params) == ("", {})


def test_a_wrong_rule_or_parameter_names_its_row_and_column(demo: Cycle) -> None:
    rows = _indicators_sheet(demo)
    col = _columns(rows)
    unknown = _row(rows, "2.1/1#1")
    rows[unknown - 1][col["Regola"]] = "a_occhio"
    wrong_name = _row(rows, "2.1/1#2")
    rows[wrong_name - 1][col["Regola"]] = "bands"
    rows[wrong_name - 1][col["Parametri"]] = "tetto=120"
    bad_number = _row(rows, "2.1/2#1")
    rows[bad_number - 1][col["Regola"]] = "higher_is_better"
    rows[bad_number - 1][col["Parametri"]] = "tetto=molto"
    missing = _row(rows, "2.1/2#2")
    rows[missing - 1][col["Regola"]] = "bands"
    before = dict(Indicator.objects.values_list("pk", "scoring_rule"))

    result = import_file("piano.xlsx", make_xlsx({SHEET: rows}), demo, dry_run=False)

    found = {m[1]: m for m in messages(result)}
    assert found[unknown][:3] == (SHEET, unknown, "Regola")
    assert "regola «a_occhio» sconosciuta" in found[unknown][3]
    assert "bands (Fasce di punteggio)" in found[unknown][3]
    assert "higher_is_better (Più alto è meglio" in found[unknown][3]
    assert found[wrong_name] == (
        SHEET,
        wrong_name,
        "Parametri",
        "parametro «tetto» sconosciuto per la regola «bands» (ammessi: fasce, interpola)",
    )
    assert found[bad_number][:3] == (SHEET, bad_number, "Parametri")
    assert "«molto» non è un numero" in found[bad_number][3]
    assert found[missing] == (
        SHEET,
        missing,
        "Regola",
        "la regola «bands» richiede il parametro «fasce»",
    )
    assert len(found) == 4
    assert not result.saved
    assert dict(Indicator.objects.values_list("pk", "scoring_rule")) == before


def test_parameters_without_a_rule_are_checked_against_the_smvp_default(demo: Cycle) -> None:
    rows = _indicators_sheet(demo)
    col = _columns(rows)
    row = _row(rows, "2.1/1#1")
    rows[row - 1][col["Parametri"]] = "fasce=60:50, 90:100"  # the default rule "smvp" takes it
    result = import_file("piano.xlsx", make_xlsx({SHEET: rows}), demo, dry_run=False)
    assert result.issues == []
    assert _indicator(demo, "2.1", 1, 1).rule_params == {"fasce": [[60, 50], [90, 100]]}

    rows[row - 1][col["Parametri"]] = "tolleranza=2"  # not a parameter of "smvp"
    result = import_file("piano.xlsx", make_xlsx({SHEET: rows}), demo, dry_run=True)
    assert [m[:3] for m in messages(result)] == [(SHEET, row, "Parametri")]
    assert "parametro «tolleranza» sconosciuto per la regola «smvp»" in result.issues[0].message


def _new_objective_without_weights(cycle: Cycle) -> bytes:
    sheets = read_sheets(plan_workbook(cycle))
    sheets["Obiettivi operativi"].append(
        ["2.1/99", "Obiettivo senza pesi", "operativo_individuale", "1.2", "", ""]
    )
    rows = sheets[SHEET]
    width = len(rows[0])
    target = _columns(rows)["Target 2019"]
    for number, name, text in ((1, "Pratiche evase", ">= 1.500"), (2, "Report inviato", "SI")):
        row: list[Any] = [""] * width
        row[0], row[2], row[target] = f"2.1/99#{number}", name, text
        rows.append(row)
    return make_xlsx({"Obiettivi operativi": sheets["Obiettivi operativi"], SHEET: rows})


def test_a_plan_without_weights_is_imported_when_the_smvp_uses_plain_means(demo: Cycle) -> None:
    _use_preset(demo, "medie-semplici")
    result = import_file("piano.xlsx", _new_objective_without_weights(demo), demo, dry_run=False)
    assert result.issues == [] and result.saved
    created = Indicator.objects.filter(
        objective__cycle=demo, objective__home_unit__code="2.1", objective__number=99
    ).order_by("number")
    assert [(i.name, i.weight) for i in created] == [
        ("Pratiche evase", None),
        ("Report inviato", None),
    ]
    # The template writes no weight for them, and re-importing it changes nothing.
    rows = _indicators_sheet(demo)
    assert rows[_row(rows, "2.1/99#1") - 1][_columns(rows)["Peso"]] is None
    again = import_file("piano.xlsx", plan_workbook(demo), demo, dry_run=True)
    assert again.issues == [] and again.totals()["update"] == 0


def test_a_plan_without_weights_is_refused_when_the_smvp_weighs_indicators(
    demo: Cycle,
) -> None:
    _use_preset(demo, "treviso-belluno-2019")
    data = _new_objective_without_weights(demo)
    result = import_file("piano.xlsx", data, demo, dry_run=False)
    rows = read_sheets(data)[SHEET]
    assert messages(result) == [
        (SHEET, _row(rows, "2.1/99#1"), "Peso", "valore obbligatorio mancante"),
        (SHEET, _row(rows, "2.1/99#2"), "Peso", "valore obbligatorio mancante"),
    ]
    assert not result.saved


def test_weights_that_do_not_sum_to_100_pass_under_plain_means_only(demo: Cycle) -> None:
    rows = _indicators_sheet(demo)
    row = _row(rows, "2.1/1#1")
    rows[row - 1][_columns(rows)["Peso"]] = 10
    data = make_xlsx({SHEET: rows})
    refused = import_file("piano.xlsx", data, demo, dry_run=True)
    assert [m[2:] for m in messages(refused)] == [
        ("Peso", "obiettivo 2.1/1: i pesi degli indicatori sommano a 60 invece di 100")
    ]
    _use_preset(demo, "medie-semplici")
    accepted = import_file("piano.xlsx", data, demo, dry_run=False)
    assert accepted.issues == []
    assert _indicator(demo, "2.1", 1, 1).weight == Decimal(10)


def test_the_readable_form_reads_what_it_writes() -> None:
    for slug, text in (
        ("bands", "fasce=60:50, 90,5:100; interpola=no"),
        ("range", "oltre=proporzionale; tetto=110; soglia=40"),
        ("exact", "tolleranza=0,5"),
        ("smvp", "uguale=esatto; oltre_intervallo=pieno; fasce=50:0, 100:100"),
    ):
        chosen, params = rule_text.read(slug, text)
        assert chosen == slug
        assert rule_text.format_params(params) == text
    assert rule_text.read("higher_is_better", "{cap: 120, floor: 60}") == (
        "higher_is_better",
        {"cap": 120, "floor": 60},
    )
    assert rule_text.describe("higher_is_better", {"cap": 120, "floor": 60}) == (
        "Più alto è meglio (proporzionale, con tetto): grado massimo 120%; "
        "sotto il 60% del target vale 0"
    )
