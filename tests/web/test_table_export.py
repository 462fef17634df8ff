"""Tables as downloads (issue 16, "export of every table"): the helper, and the pages
that adopt it (the OIV's checks are in tests/oiv/test_daily_work.py)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from tests.world import World
from traguardo import table_export
from traguardo.individual.models import ReportCard
from traguardo.monitoring.models import Measurement, Period

TABLE = table_export.Table(
    "prova tabella",
    "Prova",
    ["Codice", "Valore", "Data", "Nota"],
    [
        ["2.1/1", Decimal("1234.5"), datetime.date(2019, 12, 31), "=1+1"],
        ["B14", Decimal("80"), None, "@SOMMA"],
    ],
)


def test_the_xlsx_keeps_numbers_and_neutralises_formulas() -> None:
    request = RequestFactory().get("/x/?formato=xlsx")
    response = table_export.download(request, TABLE)
    assert response is not None
    assert 'filename="prova-tabella.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Codice", "Valore", "Data", "Nota")
    assert rows[1][:2] == ("2.1/1", 1234.5)
    assert rows[1][2] is not None and rows[1][2].date() == datetime.date(2019, 12, 31)
    assert rows[1][3] == "'=1+1" and rows[2][3] == "'@SOMMA"
    assert rows[2][1] == 80


def test_the_csv_is_as_italian_excel_reads_it() -> None:
    response = table_export.download(RequestFactory().get("/x/?formato=csv"), TABLE)
    assert response is not None
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1] == "2.1/1;1.234,5;31/12/2019;'=1+1"


def test_no_format_is_the_page_and_links_keep_the_filters() -> None:
    assert table_export.download(RequestFactory().get("/x/?formato=pdf"), TABLE) is None
    request = RequestFactory().get("/x/?anno=2019&filtro=da-fare&pagina=3")
    assert table_export.links(request) == [
        ("xlsx", "?anno=2019&filtro=da-fare&formato=xlsx"),
        ("csv", "?anno=2019&filtro=da-fare&formato=csv"),
    ]


def _sheet(response: object) -> list[tuple[object, ...]]:
    content = getattr(response, "content", b"")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_the_report_cards_list_downloads_what_the_user_sees(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    page = sign_in("po").get(reverse("individual:cards")).content.decode()
    assert "formato=xlsx" in page
    rows = _sheet(sign_in("po").get(reverse("individual:cards") + "?formato=xlsx"))
    assert rows[0][0] == "Codice"
    assert [r[0] for r in rows[1:]] == ["PO-2.1"]  # po's own card only
    every = _sheet(sign_in("ufficio").get(reverse("individual:cards") + "?formato=xlsx"))
    assert sorted(r[0] for r in every[1:]) == sorted(
        ReportCard.objects.filter(cycle=world.cycle).values_list("key", flat=True)
    )


def test_the_monitoring_todo_downloads_its_filter(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    Period.objects.filter(pk=world.final.pk).update(closed=False)
    Measurement.objects.filter(indicator=world.indicator("2.1/2", 1), period=world.final).delete()
    client = sign_in("po")
    page = client.get(reverse("monitoring:todo")).content.decode()
    shown = page.count("<tr data-indicator=")
    assert shown > 0 and "formato=csv" in page
    rows = _sheet(client.get(reverse("monitoring:todo") + "?formato=xlsx"))
    assert rows[0][:4] == ("Periodo", "Obiettivo", "N.", "Indicatore")
    assert len(rows) - 1 == shown
    assert {r[1] for r in rows[1:]} <= {"2.1/1", "2.1/2"}
    missing = _sheet(client.get(reverse("monitoring:todo") + "?stato=missing&formato=xlsx"))
    assert [(r[1], r[2], r[7]) for r in missing[1:]] == [("2.1/2", 1, "da inserire")]
