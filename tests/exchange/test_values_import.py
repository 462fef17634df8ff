"""Importing monitoring values: the rules of record_value, CSV as Italian Excel writes it,
all or nothing even when a refusal comes while saving."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.exchange.helpers import make_xlsx, messages, read_sheets
from traguardo.audit.models import AuditEntry
from traguardo.exchange.services import import_file
from traguardo.exchange.workbooks import values_csv, values_workbook
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, Indicator


@pytest.fixture
def open_final(demo: Cycle) -> Period:
    Period.objects.filter(cycle=demo, code="31.12").update(closed=False)
    return Period.objects.get(cycle=demo, code="31.12")


def _indicator(cycle: Cycle, unit: str, number: int, row: int = 1) -> Indicator:
    return Indicator.objects.filter(
        objective__cycle=cycle, objective__home_unit__code=unit, objective__number=number
    ).order_by("number", "id")[row - 1]


def _values(cycle: Cycle, period: Period) -> list[list[Any]]:
    return read_sheets(values_workbook(cycle, period))["Valori"]


def _set(rows: list[list[Any]], code: str, value: Any, comment: str | None = None) -> int:
    number = next(i for i, row in enumerate(rows, start=1) if row[0] == code)
    rows[number - 1][7] = value
    if comment is not None:
        rows[number - 1][10] = comment
    return number


def test_the_template_is_prefilled_for_owners(demo: Cycle, open_final: Period) -> None:
    rows = _values(demo, open_final)
    assert rows[0] == [
        "Codice",
        "Indicatore",
        "Unità",
        "Responsabile",
        "Target",
        "Ultimo valore",
        "Periodo",
        "Valore",
        "Numeratore",
        "Denominatore",
        "Commento",
        "Valore pubblicato",
    ]
    row = next(r for r in rows if r[0] == "2.1/1#2")
    assert row[1] == "Posizioni verificate nell'anno"
    assert row[2] == "2.1"
    assert "PO" in row[3] or "Titolare" in row[3]
    assert row[4] == "'= 1410"  # neutralised: no spreadsheet runs it as a formula
    assert row[6] == "31.12"
    assert str(row[7]) == "1551"
    assert len(rows) == 1 + 256


def test_values_are_recorded_then_unchanged_on_a_second_import(
    demo: Cycle, open_final: Period
) -> None:
    rows = _values(demo, open_final)
    _set(rows, "2.1/1#2", 1620, "verificate tutte")
    _set(rows, "B14", "75,5%")
    data = make_xlsx({"Valori": rows})

    preview = import_file("valori.xlsx", data, demo, dry_run=True)
    assert preview.issues == []
    assert sorted(c.code for c in preview.changes if c.action == "update") == ["2.1/1#2", "B14"]
    assert (
        Measurement.objects.get(indicator=_indicator(demo, "2.1", 1, 2), period=open_final).text
        == "1551"
    )

    saved = import_file("valori.xlsx", data, demo, dry_run=False)
    assert saved.saved and saved.totals()["update"] == 2
    measurement = Measurement.objects.get(
        indicator=_indicator(demo, "2.1", 1, 2), period=open_final
    )
    assert (measurement.text, measurement.number, measurement.comment) == (
        "1620",
        1620,
        "verificate tutte",
    )
    block = Measurement.objects.get(
        indicator__entity_block__cycle=demo, indicator__number=14, period=open_final
    )
    assert (block.text, str(block.number)) == ("75,5%", "75.500000")

    again = import_file("valori.xlsx", data, demo, dry_run=False)
    assert again.totals() == {"create": 0, "update": 0, "unchanged": 256}


def test_a_saved_import_leaves_one_bulk_entry_in_the_audit_trail(
    demo: Cycle, open_final: Period, django_user_model: Any
) -> None:
    # Rows are saved in bulk, without model signals: the trail must still say who and what.
    office = django_user_model.objects.get(username="ufficio")
    rows = _values(demo, open_final)
    _set(rows, "B14", "75,5%")
    data = make_xlsx({"Valori": rows})
    import_file("valori.xlsx", data, demo, dry_run=True, user=office)
    assert not AuditEntry.objects.filter(action="bulk", note__contains="valori.xlsx").exists()
    import_file("valori.xlsx", data, demo, dry_run=False, user=office)
    entry = AuditEntry.objects.get(action="bulk", note__contains="valori.xlsx")
    assert entry.username == "ufficio" and entry.cycle_id == demo.pk
    assert entry.changes["counts"]["Valori"]["update"] == 1


def test_a_closed_period_refuses_every_value_with_its_place(demo: Cycle) -> None:
    period = Period.objects.get(cycle=demo, code="31.12")
    assert period.closed
    rows = _values(demo, period)
    number = _set(rows, "2.1/1#2", 1620)
    result = import_file("valori.xlsx", make_xlsx({"Valori": rows}), demo, dry_run=False)
    assert (
        "Valori",
        number,
        "Valore",
        "il periodo Consuntivo (31.12) è chiuso: i valori non si modificano più",
    ) in messages(result)
    assert (
        Measurement.objects.get(indicator=_indicator(demo, "2.1", 1, 2), period=period).text
        == "1551"
    )


def test_unknown_codes_periods_and_duplicates(demo: Cycle, open_final: Period) -> None:
    data = make_xlsx(
        {
            "Valori": [
                ["Codice", "Periodo", "Valore"],
                ["2.1/77#1", "31.12", "5"],
                ["2.1/1#2", "30.09", "5"],
                ["2.1/1#2", "31.12", "5"],
                ["2.1/1#2", "31.12", "6"],
                ["indicatore 3", "31.12", "6"],
            ]
        }
    )
    result = import_file("v.xlsx", data, demo, dry_run=False)
    assert messages(result) == [
        ("Valori", 2, "Codice", "indicatore «2.1/77#1» sconosciuto nel ciclo 2019"),
        ("Valori", 3, "Periodo", "periodo «30.09» sconosciuto (periodi del ciclo: 30.06, 31.12)"),
        ("Valori", 5, "Codice", "indicatore «2.1/1#2» ripetuto (già alla riga 4)"),
        (
            "Valori",
            6,
            "Codice",
            "codice di indicatore «indicatore 3» non valido: è atteso «unità/numero#riga» "
            "(ad es. «2.1/1#2») oppure «B<numero>» per la tabella dell'ente (ad es. «B14»)",
        ),
    ]
    assert (
        Measurement.objects.get(indicator=_indicator(demo, "2.1", 1, 2), period=open_final).text
        == "1551"
    )


def test_a_refusal_while_saving_undoes_the_rows_already_saved(
    demo: Cycle, open_final: Period
) -> None:
    """A PO may enter values of their unit only: record_value refuses the second row, and
    the first one (allowed, saved a moment before) is rolled back with it."""
    po = get_user_model().objects.get(username="po")
    data = make_xlsx(
        {
            "Valori": [
                ["Codice", "Periodo", "Valore"],
                ["2.1/1#2", "31.12", "1700"],
                ["3.1/1#1", "31.12", "9"],
            ]
        }
    )
    result = import_file("v.xlsx", data, demo, dry_run=False, user=po)
    assert not result.saved
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [("Valori", 3, "Valore")]
    assert "Non puoi inserire valori" in result.issues[0].message
    assert (
        Measurement.objects.get(indicator=_indicator(demo, "2.1", 1, 2), period=open_final).text
        == "1551"
    )


def test_csv_windows_1252_with_semicolons_and_decimal_commas(
    demo: Cycle, open_final: Period
) -> None:
    text = "Codice;Periodo;Valore;Commento\r\nB14;31.12;54,47%;attività città\r\n"
    result = import_file("valori.csv", text.encode("cp1252"), demo, dry_run=False)
    assert result.issues == [] and result.saved
    m = Measurement.objects.get(
        indicator__entity_block__cycle=demo, indicator__number=14, period=open_final
    )
    assert (m.text, str(m.number), m.comment) == ("54,47%", "54.470000", "attività città")


def test_csv_utf8_with_bom_as_downloaded(demo: Cycle, open_final: Period) -> None:
    data = values_csv(demo, open_final)
    assert data.startswith(b"\xef\xbb\xbf")
    unchanged = import_file("valori.csv", data, demo, dry_run=True)
    assert unchanged.issues == [] and unchanged.totals()["update"] == 0
    edited = data.decode("utf-8-sig").replace(";1551;", ";1.600;", 1).encode("utf-8-sig")
    result = import_file("valori.csv", edited, demo, dry_run=False)
    assert [c.code for c in result.changes if c.action == "update"] == ["2.1/1#2"]
    m = Measurement.objects.get(indicator=_indicator(demo, "2.1", 1, 2), period=open_final)
    assert (m.text, m.number) == ("1.600", 1600)


def test_values_need_a_cycle_in_monitoring(demo: Cycle, open_final: Period) -> None:
    Cycle.objects.filter(pk=demo.pk).update(state="closed")
    demo.refresh_from_db()
    data = make_xlsx({"Valori": [["Codice", "Periodo", "Valore"], ["B14", "31.12", "5"]]})
    result = import_file("v.xlsx", data, demo, dry_run=True)
    assert messages(result)[0][:3] == ("Valori", None, "")
    assert "non in monitoraggio" in messages(result)[0][3]


def test_a_ratio_is_imported_with_its_terms_and_exported_back(
    demo: Cycle, open_final: Period
) -> None:
    rows = _values(demo, open_final)
    number = _set(rows, "2.1/1#2", "")
    rows[number - 1][8:10] = ["1.551", "1,1"]
    data = make_xlsx({"Valori": rows})
    saved = import_file("valori.xlsx", data, demo, dry_run=False)
    assert saved.issues == [] and saved.saved
    measurement = Measurement.objects.get(
        indicator=_indicator(demo, "2.1", 1, 2), period=open_final
    )
    # Target "= 1410": not a percentage, the value is the plain ratio.
    assert measurement.text == "1.410"
    assert (measurement.numerator, measurement.denominator) == (1551, Decimal("1.1"))
    row = next(r for r in _values(demo, open_final) if r[0] == "2.1/1#2")
    assert [str(c) for c in row[7:10]] == ["1.410", "1.551", "1,1"]
    again = import_file("valori.xlsx", make_xlsx({"Valori": rows}), demo, dry_run=False)
    assert again.totals()["update"] == 0


def test_bad_ratios_and_ambiguous_values_are_refused_naming_row_and_column(
    demo: Cycle, open_final: Period
) -> None:
    data = make_xlsx(
        {
            "Valori": [
                ["Codice", "Periodo", "Valore", "Numeratore", "Denominatore"],
                ["2.1/1#2", "31.12", "", "12", "0"],
                ["2.1/1#1", "31.12", "", "12", ""],
                ["B14", "31.12", "12,21/13,06", "", ""],
                ["B15", "31.12", "1,234.56", "", ""],
                ["B16", "31.12", "\u20135", "", ""],
            ]
        }
    )
    result = import_file("v.xlsx", data, demo, dry_run=False)
    found = messages(result)
    assert [(sheet, row, column) for sheet, row, column, _m in found] == [
        ("Valori", 2, "Denominatore"),
        ("Valori", 3, "Denominatore"),
        ("Valori", 4, "Valore"),
        ("Valori", 5, "Valore"),
        ("Valori", 6, "Valore"),
    ]
    assert "denominatore è zero" in found[0][3]
    assert "scrivi anche il denominatore" in found[1][3]
    assert "numeratore e il denominatore" in found[2][3]
    assert "all'inglese" in found[3][3]
    assert "segno meno" in found[4][3]
    assert not result.saved
