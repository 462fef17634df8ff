"""Build spreadsheets on the fly for the import tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def make_xlsx(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_sheets(data: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def edit_sheets(data: bytes, sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with the same sheets, rows replaced (as a user would edit the template)."""
    return make_xlsx(sheets)


def messages(result: Any) -> list[tuple[str, int | None, str, str]]:
    return [(i.sheet, i.row, i.column, i.message) for i in result.issues]
