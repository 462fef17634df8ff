"""Hostile and broken files, each built on the fly: refused (or handled) with a clear
message, and nothing saved."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings

from tests.exchange.helpers import make_xlsx
from tests.world import World
from traguardo.exchange.safety import FileKind, Refused, classify
from traguardo.exchange.services import import_file
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, OperationalObjective


def _refused(name: str, data: bytes, cycle: Cycle | None) -> str:
    before = (Measurement.objects.count(), OperationalObjective.objects.count())
    with pytest.raises(Refused) as caught:
        import_file(name, data, cycle, dry_run=False)
    assert (Measurement.objects.count(), OperationalObjective.objects.count()) == before
    return caught.value.message


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_image_named_xlsx_is_not_a_spreadsheet(world: World) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    assert "non è un file Excel (.xlsx) valido" in _refused("piano.xlsx", png, world.cycle)


def test_a_damaged_zip_is_refused(world: World) -> None:
    broken = make_xlsx({"Valori": [["Codice"]]})[:300]
    assert "danneggiato" in _refused("piano.xlsx", broken, world.cycle)


def test_an_old_xls_file_is_refused_with_what_to_do(world: World) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    assert "97-2003 (.xls): salvalo come .xlsx o CSV" in _refused("piano.xls", ole, world.cycle)


def test_binary_data_named_csv_is_refused(world: World) -> None:
    assert "dati binari" in _refused("valori.csv", b"\x00\x01\x02garbage" * 20, world.cycle)


def test_a_csv_in_no_known_encoding_is_refused(world: World) -> None:
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8
    data = b"Codice;Periodo;Valore\r\nB14;31.12;\x81\x8d\r\n"
    assert "codifica riconosciuta (UTF-8 o Windows-1252)" in _refused("v.csv", data, world.cycle)


def test_a_csv_whose_columns_mean_nothing_is_refused(world: World) -> None:
    message = _refused("v.csv", b"foo;bar\r\n1;2\r\n", world.cycle)
    assert "non riconosco le colonne di «v.csv» (foo, bar)" in message
    assert "Valori: Codice, Periodo, Valore" in message


@override_settings(TRAGUARDO_IMPORT_MAX_UNCOMPRESSED_MB=5)
def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (20 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100 * 1024  # 20 MB squeezed into a few KB
    message = _refused("piano.xlsx", bomb, world.cycle)
    assert "zip bomb" in message and "decompresso occuperebbe 20 MB (limite 5 MB)" in message


def test_a_zip_bomb_under_the_size_limit_is_caught_by_its_ratio(world: World) -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/sheet.xml": b"a" * (8 * 1024 * 1024)})
    message = _refused("piano.xlsx", bomb, world.cycle)
    assert "«xl/sheet.xml» del file si espande di" in message and "zip bomb" in message


def test_an_xml_bomb_inside_a_sheet_is_refused(world: World) -> None:
    source = io.BytesIO(make_xlsx({"Valori": [["Codice", "Periodo", "Valore"]]}))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet><sheetData><row><c t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            copy.writestr(info, laughs if info.filename == "xl/worksheets/sheet1.xml" else data)
    assert "non si apre" in _refused("valori.xlsx", out.getvalue(), world.cycle)


def test_macros_are_refused_by_name_and_by_content(world: World) -> None:
    plain = make_xlsx({"Valori": [["Codice", "Periodo", "Valore"]]})
    assert "macro (.xlsm)" in _refused("valori.xlsm", plain, world.cycle)
    source = zipfile.ZipFile(io.BytesIO(plain))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    assert "contiene macro (vbaProject.bin)" in _refused("valori.xlsx", _zip(members), world.cycle)


@override_settings(TRAGUARDO_IMPORT_MAX_UPLOAD_MB=1)
def test_a_file_over_the_size_limit_is_refused(world: World) -> None:
    big = b"Codice;Periodo;Valore\r\n" + b"B14;31.12;5\r\n" * 120_000
    message = _refused("valori.csv", big, world.cycle)
    assert "il file è troppo grande (1.5 MB): il limite è 1 MB" in message


def test_formula_cells_are_never_evaluated(world: World) -> None:
    Period.objects.filter(cycle=world.cycle, code="31.12").update(closed=False)
    targets = [world.block_indicator, world.indicator("2.1/2", 1)]
    stored = list(
        Measurement.objects.filter(indicator__in=targets, period__code="31.12")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    data = make_xlsx(
        {
            "Valori": [
                ["Codice", "Periodo", "Valore"],
                ["B1", "31.12", "=1+2"],
                ["2.1/2#1", "31.12", '=HYPERLINK("http://example.org")'],
            ]
        }
    )
    result = import_file("valori.xlsx", data, world.cycle, dry_run=False)
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [
        ("Valori", 2, "Valore"),
        ("Valori", 3, "Valore"),
    ]
    assert "la cella C2 contiene una formula (=1+2)" in result.issues[0].message
    assert "incollala come «solo valori»" in result.issues[0].message
    assert not result.saved
    assert stored == list(
        Measurement.objects.filter(indicator__in=targets, period__code="31.12")
        .order_by("pk")
        .values_list("text", flat=True)
    )


def test_kinds_are_judged_by_content() -> None:
    xlsx = make_xlsx({"Valori": [["Codice"]]})
    assert classify("valori.xlsx", xlsx) is FileKind.XLSX
    assert classify("senza-estensione", xlsx) is FileKind.XLSX
    assert classify("valori.csv", b"Codice;Valore\r\n") is FileKind.CSV
    with pytest.raises(Refused, match="formato non riconosciuto"):
        classify("relazione.pdf", b"%PDF-1.7")
