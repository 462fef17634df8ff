"""A table of a page as a download, XLSX or CSV, with the rows the page shows (its filter).

Any page adopts it with a couple of lines (the view builds the rows it already shows):

    table = table_export.Table("verifiche-oiv-2019", _("Verifiche"), headers, rows)
    if (download := table_export.download(request, table)) is not None:
        return download

and its template links to the two formats, keeping the page's filters:

    {% include "_table_export.html" with links=export_links %}

with `export_links = table_export.links(request)` in the context. `?formato=xlsx` or
`?formato=csv` asks for the file; any other value is ignored (the page as usual).

Text cells are neutralised (core.tabular.neutralise): a cell that starts with "=" is never
run as a formula by a spreadsheet. The CSV is the way Italian Excel reads it: `;`, UTF-8
with BOM, numbers with the decimal comma. It sits below every app (no Django model), so
every page, whichever its layer, may use it.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from traguardo.core.numbers import format_exact
from traguardo.core.tabular import neutralise

PARAM = "formato"
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Query parameters that choose a page of the screen, not the rows: left out of the file.
NOT_FILTERS = frozenset({PARAM, "pagina", "page"})
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="06488A")  # white on dark blue: contrast 8:1


@dataclass(frozen=True)
class Table:
    """What a download holds: the file's name (without extension), the sheet's title, the
    column headings and the rows (cells: text, Decimal, int, date, None)."""

    name: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def wanted(request: HttpRequest) -> str | None:
    """The format the request asks for, or None (the page itself)."""
    chosen = request.GET.get(PARAM, "").strip().lower()
    return chosen if chosen in FORMATS else None


def download(request: HttpRequest, table: Table) -> HttpResponse | None:
    """The file the request asks for (`?formato=`), or None for the page as usual."""
    chosen = wanted(request)
    if chosen is None:
        return None
    return response(table, chosen)


def response(table: Table, chosen: str) -> HttpResponse:
    data = xlsx_bytes(table) if chosen == "xlsx" else csv_bytes(table)
    answer = HttpResponse(data, content_type=FORMATS[chosen])
    stem = slugify(table.name) or "tabella"
    answer["Content-Disposition"] = f'attachment; filename="{stem}.{chosen}"'
    answer["X-Content-Type-Options"] = "nosniff"
    return answer


def links(request: HttpRequest) -> list[tuple[str, str]]:
    """(format, URL) of each download of the page: its path and its filters, without the
    page number (the file holds every row of the filter, not one page of it)."""
    kept = [(k, v) for k, v in request.GET.items() if k not in NOT_FILTERS]
    return [(name, "?" + urlencode([*kept, (PARAM, name)])) for name in FORMATS]


def xlsx_cell(value: Any) -> Any:
    """What goes into a spreadsheet cell: numbers stay numbers, text is neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "SI" if value else "NO"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time, as the page shows it.
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, int | float | datetime.date):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def csv_cell(value: Any) -> str:
    """What goes into a CSV cell, as Italian Excel reads it (decimal comma, dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SI" if value else "NO"
    if isinstance(value, Decimal):
        return format_exact(value)
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if value.tzinfo else value
        return f"{local:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(neutralise(str(value)))


def xlsx_bytes(table: Table) -> bytes:
    book = Workbook(write_only=True)
    ws: Any = book.create_sheet(str(neutralise(table.title))[:31] or "Tabella")
    for index, width in enumerate(table.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header_cells = []
    for text in table.headers:
        cell = WriteOnlyCell(ws, value=str(neutralise(str(text))))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in table.rows:
        ws.append([xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(str(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")
