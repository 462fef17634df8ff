"""Every table of the Relazione as a sheet of one XLSX workbook (openpyxl)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from traguardo.core.numbers import NumberFormatError, parse_number
from traguardo.reports.relazione.document import Document, Rich
from traguardo.reports.relazione.safe import neutralise
from traguardo.reports.relazione.sanitize import to_text

HEADER_FILL = PatternFill("solid", fgColor="E6EEF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(key: str, used: set[str]) -> str:
    base = _BAD.sub("-", key)[:31] or "Tabella"
    name, index = base, 2
    while name.lower() in used:
        suffix = f" ({index})"
        name, index = base[: 31 - len(suffix)] + suffix, index + 1
    used.add(name.lower())
    return name


def cell_text(value: str | Rich) -> str:
    return neutralise(to_text(value.html) if isinstance(value, Rich) else value)


def cell_value(value: str | Rich, numeric: bool) -> tuple[object, str | None]:
    """A figure of a numeric column as a real number (with its display format), so the
    sheet can be summed and sorted; anything else ("SI", "n.d.", "1.062.181,20 €") as text."""
    if numeric and isinstance(value, str) and value:
        percent = value.endswith("%")
        try:
            number = parse_number(value[:-1] if percent else value)
        except NumberFormatError:
            return cell_text(value), None
        if percent:
            return number / 100, "0.00%"
        return number, "#,##0.00" if number != number.to_integral_value() else "0"
    return cell_text(value), None


def render_xlsx(document: Document) -> bytes:
    book = Workbook()
    index = book.active
    assert index is not None
    index.title = "Indice"
    index.append([neutralise(f"{document.title} {document.year} – {document.entity}")])
    index["A1"].font = Font(bold=True, size=13)
    index.append([])
    index.append(["Foglio", "Tabella"])
    for cell in index[3]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    used = {"indice"}
    for table in document.tables():
        name = _sheet_name(table.key, used)
        index.append([name, neutralise(table.caption)])
        sheet = book.create_sheet(name)
        sheet.append([neutralise(table.caption)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([neutralise(column) for column in table.columns])
        for cell in sheet[2]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            values = [
                cell_value(value, index in table.numeric and row.kind != "group")
                for index, value in enumerate(row.cells)
            ]
            sheet.append([value for value, _ in values])
            for column, (_, number_format) in enumerate(values, start=1):
                if number_format:
                    sheet.cell(row=sheet.max_row, column=column).number_format = number_format
            if row.kind in ("group", "total"):
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
                    cell.fill = GROUP_FILL
        sheet.freeze_panes = "A3"
        total = sum(table.widths) or len(table.columns)
        for column, weight in enumerate(table.widths or (1,) * len(table.columns), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = max(
                8, min(70, 120 * weight / total)
            )
    index.column_dimensions["A"].width = 28
    index.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
