"""Read an uploaded spreadsheet (XLSX) or CSV into plain rows of text, keyed by column.

Every cell becomes the text a person would read in it (``50``, ``33,33``, ``2019-05-21``,
``54,47%``); interpretation is left to the importers. Formula cells are refused, never
evaluated: the message says where they are. Unknown sheets and columns are reported too.
"""

from __future__ import annotations

import datetime
import warnings as pywarnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _

from traguardo.core.tabular import CsvError, Issue, formula_problem, read_csv, restore
from traguardo.exchange import schema
from traguardo.exchange.safety import FileKind, Refused


@dataclass(slots=True)
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    cells: dict[str, str]
    targets: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class Table:
    sheet: schema.Sheet
    title: str  # as written in the file
    headers: dict[str, str]  # column key -> header as written
    target_headers: dict[int, str]  # year -> header as written
    rows: list[Row]

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.sheet.column(key).it


@dataclass(slots=True)
class Workbook:
    tables: dict[str, Table]
    issues: list[Issue]  # problems: nothing is saved
    rows: int = 0
    warnings: list[Issue] = field(default_factory=list)  # what is ignored (unknown columns)


def cell_text(value: Any, number_format: str = "General") -> str:
    """The text of one cell as its reader sees it, in Italian number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SI" if value else "NO"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if "%" in (number_format or ""):
            return _plain(number * 100) + "%"
        return _plain(number)
    return restore(str(value).strip())


def _plain(number: Decimal) -> str:
    """``1620`` → ``1620``, ``33.33`` → ``33,33``: no thousands dots, a decimal comma."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f").replace(".", ",")


def read(kind: FileKind, name: str, data: bytes) -> Workbook:
    if kind is FileKind.CSV:
        return read_csv_file(name, data)
    return read_xlsx(data)


def read_csv_file(name: str, data: bytes) -> Workbook:
    try:
        parsed = read_csv(data)
    except CsvError as exc:
        raise Refused(str(exc)) from None
    rows = parsed.rows
    if not rows or not any(c.strip() for c in rows[0]):
        raise Refused(
            _("il file «{name}» è vuoto o non ha una riga di intestazione").format(name=name)
        )
    sheet = schema.sheet_for_headers(rows[0])
    if sheet is None:
        expected = "; ".join(
            f"{s.it}: " + ", ".join(c.it for c in s.columns if c.required)
            for s in schema.ALL_SHEETS
        )
        raise Refused(
            _(
                "non riconosco le colonne di «{name}» ({columns}). "
                "Colonne obbligatorie per ciascun tipo di file: {expected}"
            ).format(name=name, columns=", ".join(rows[0][:8]), expected=expected)
        )
    issues: list[Issue] = []
    warnings: list[Issue] = []
    numbered = ((n, [restore(c) for c in r]) for n, r in enumerate(rows[1:], start=2))
    table = _table(sheet, name, rows[0], numbered, issues, warnings)
    return Workbook({sheet.key: table}, issues, len(table.rows), warnings)


def read_xlsx(data: bytes) -> Workbook:
    from openpyxl import load_workbook

    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")  # openpyxl warns about styles it cannot read
            book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise Refused(
            _("il file xlsx non si apre: {error}").format(error=type(exc).__name__)
        ) from None
    issues: list[Issue] = []
    warnings: list[Issue] = []
    tables: dict[str, Table] = {}
    total = 0
    try:
        for ws in book.worksheets:
            sheet = schema.sheet_for_title(ws.title)
            if sheet is None:
                if ws.title.strip().lower() not in ("istruzioni", "instructions", "leggimi"):
                    warnings.append(
                        Issue(ws.title, None, "", _("foglio non riconosciuto: viene ignorato"))
                    )
                continue
            cells = ws.iter_rows()
            header_row = next(cells, None)
            if header_row is None:
                continue
            headers = [cell_text(c.value) for c in header_row]

            def rows(
                cells: Iterator[Any] = cells, headers: list[str] = headers, ws_title: str = ws.title
            ) -> Iterator[tuple[int, list[str]]]:
                for number, row in enumerate(cells, start=2):
                    texts = []
                    for col, cell in enumerate(row):
                        if getattr(cell, "data_type", None) == "f":
                            letter = _letter(col)
                            header = headers[col] if col < len(headers) else letter
                            issues.append(
                                Issue(
                                    ws_title,
                                    number,
                                    header,
                                    _(
                                        "la cella {cell} contiene una formula "
                                        "({formula}): le formule non vengono calcolate. "
                                        "Copia la cella e incollala come «solo valori»."
                                    ).format(
                                        cell=f"{letter}{number}", formula=str(cell.value)[:40]
                                    ),
                                )
                            )
                            texts.append("")
                            continue
                        texts.append(cell_text(cell.value, getattr(cell, "number_format", "")))
                    yield number, texts

            table = _table(sheet, ws.title, headers, rows(), issues, warnings)
            tables[sheet.key] = table
            total += len(table.rows)
    finally:
        book.close()
    if not tables:
        names = ", ".join(s.it for s in schema.ALL_SHEETS)
        raise Refused(
            _("il file non contiene nessun foglio riconosciuto (attesi: {names})").format(
                names=names
            )
        )
    return Workbook(tables, issues, total, warnings)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _table(
    sheet: schema.Sheet,
    title: str,
    header_cells: list[str],
    rows: Iterator[tuple[int, list[str]]],
    issues: list[Issue],
    warnings: list[Issue],
) -> Table:
    positions: dict[int, str] = {}
    headers: dict[str, str] = {}
    target_positions: dict[int, int] = {}
    target_headers: dict[int, str] = {}
    for index, raw in enumerate(header_cells):
        text = raw.strip()
        if not text:
            continue
        column = schema.column_for_header(sheet, text)
        year = schema.TARGET_HEADER.match(schema.normal(text))
        if column is not None:
            if column.key in headers:
                warnings.append(Issue(title, 1, text, _("colonna ripetuta: vale la prima")))
                continue
            positions[index] = column.key
            headers[column.key] = text
        elif sheet.targets and year:
            target_positions[index] = int(year.group(1))
            target_headers[int(year.group(1))] = text
        else:
            warnings.append(Issue(title, 1, text, _("colonna non riconosciuta: viene ignorata")))
    for column in sheet.columns:
        if column.required and column.key not in headers:
            issues.append(
                Issue(
                    title,
                    1,
                    column.it,
                    _("manca la colonna obbligatoria «{name}» (in inglese «{english}»)").format(
                        name=column.it, english=column.en
                    ),
                )
            )
    out: list[Row] = []
    for number, texts in rows:
        if not any(t.strip() for t in texts):
            continue  # blank lines between blocks are common in hand-made sheets
        for i in [*positions, *target_positions]:
            problem = formula_problem(texts[i]) if i < len(texts) else None
            if problem:  # a cell that would run when the data is exported again
                issues.append(Issue(title, number, header_cells[i].strip(), problem))
        cells = {key: (texts[i].strip() if i < len(texts) else "") for i, key in positions.items()}
        targets = {
            year: texts[i].strip()
            for i, year in target_positions.items()
            if i < len(texts) and texts[i].strip()
        }
        out.append(Row(number, cells, targets))
    return Table(sheet, title, headers, target_headers, out)
