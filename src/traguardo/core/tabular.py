"""Rules for data exchanged as spreadsheets and CSV files, independent of any framework.

What a row of an imported file may say is checked here: codes of objectives and indicators,
weights that must sum to 100, parents that must not make a loop, CSV text in the encodings
and separators Italian offices actually produce, and cells that a spreadsheet would run as
formulas when a file we export is opened (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.i18n import _

# ----------------------------------------------------------------------------- issues


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of an imported file, placed where the user can find it."""

    sheet: str
    row: int | None  # 1-based row as the spreadsheet numbers it (the header is row 1)
    column: str  # the column's header as written in the file, "" for the whole row or file
    message: str

    def where(self) -> str:
        parts = [_("foglio «{sheet}»").format(sheet=self.sheet)] if self.sheet else []
        if self.row is not None:
            parts.append(_("riga {row}").format(row=self.row))
        if self.column:
            parts.append(_("colonna «{column}»").format(column=self.column))
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


# ----------------------------------------------------------------------------- codes

_OBJECTIVE = re.compile(r"^(?P<unit>[0-9A-Za-z.]+)/(?P<number>\d+)$")
_INDICATOR = re.compile(r"^(?P<objective>[0-9A-Za-z.]+/\d+)#(?P<row>\d+)$")
_BLOCK_INDICATOR = re.compile(r"^B(?P<number>\d+)$", re.IGNORECASE)
_UNIT = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")


class CodeError(ValueError):
    """A code that does not follow the plan's numbering; the message shows the form."""


def parse_unit_code(text: str) -> str:
    code = text.strip()
    if not _UNIT.match(code):
        raise CodeError(
            _(
                "codice di unità «{code}» non valido: usa numeri e sigle separati da punti "
                "(ad es. «2», «2.1», «2.1.3», «2.1.PDC»)"
            ).format(code=text)
        )
    return code


def parse_objective_code(text: str) -> tuple[str, int]:
    """``"2.1/1"`` → ``("2.1", 1)``: the home unit and the objective's number there."""
    match = _OBJECTIVE.match(text.strip())
    if not match:
        raise CodeError(
            _(
                "codice di obiettivo «{code}» non valido: è atteso «unità/numero» (ad es. «2.1/1»)"
            ).format(code=text)
        )
    return match["unit"], int(match["number"])


def parse_indicator_code(text: str) -> tuple[str, int] | tuple[None, int]:
    """``"2.1/1#2"`` → ``("2.1/1", 2)``; an entity-table indicator ``"B14"`` → ``(None, 14)``."""
    raw = text.strip()
    block = _BLOCK_INDICATOR.match(raw)
    if block:
        return None, int(block["number"])
    match = _INDICATOR.match(raw)
    if not match:
        raise CodeError(
            _(
                "codice di indicatore «{code}» non valido: è atteso «unità/numero#riga» "
                "(ad es. «2.1/1#2») oppure «B<numero>» per la tabella dell'ente (ad es. «B14»)"
            ).format(code=text)
        )
    return match["objective"], int(match["row"])


def split_list(text: str) -> list[str]:
    """A cell listing several codes: separated by commas, semicolons or line breaks."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


# ----------------------------------------------------------------------------- structure

WEIGHT_TOTAL = Decimal(100)


def weights_problem(weights: Iterable[Decimal]) -> str | None:
    """The indicators of one objective weigh 100 in total: say so when they do not."""
    values = list(weights)
    total = sum(values, Decimal(0))
    if total == WEIGHT_TOTAL:
        return None
    shown = format(total.normalize(), "f").replace(".", ",")
    return _("i pesi degli indicatori sommano a {total} invece di 100").format(total=shown)


def find_loop(parents: Mapping[str, str | None]) -> list[str] | None:
    """A chain of codes that comes back to itself through `parents`, or None.

    Returned as the path, e.g. ``["2.1", "2.1.3", "2.1"]``, so a message can show it.
    """
    done: set[str] = set()
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done:
            if node in on_path:
                return [*path[path.index(node) :], node]
            path.append(node)
            on_path.add(node)
            node = parents.get(node)
        done.update(path)
    return None


# ----------------------------------------------------------------------------- CSV


class CsvError(ValueError):
    """A CSV file that cannot be read; the message says why in words for the user."""


@dataclass(frozen=True, slots=True)
class CsvText:
    rows: list[list[str]]
    encoding: str
    delimiter: str


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in.

    UTF-8 (with or without the BOM Excel adds), then Windows-1252 (what Excel saves as "CSV"
    on an Italian Windows). Bytes that are text in neither (a binary file) are refused.
    """
    if b"\x00" in data[:4096]:
        raise CsvError(
            _(
                "il file non è un testo CSV (contiene dati binari): salvalo da Excel come "
                "«CSV (delimitato da separatore)» oppure carica il file .xlsx"
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CsvError(
            _(
                "il file non è in una codifica riconosciuta (UTF-8 o Windows-1252): "
                "byte non valido in posizione {position}"
            ).format(position=exc.start)
        ) from None
    return text, "cp1252"


def read_csv(data: bytes) -> CsvText:
    """Rows of a CSV file: encoding detected, separator `;` (Italian Excel), `,` or tab."""
    text, encoding = decode_csv(data)
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=lambda sep: counts[sep])
    if counts[delimiter] == 0:
        delimiter = ";"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise CsvError(_("il file CSV non è leggibile: {error}").format(error=exc)) from None
    return CsvText(rows, encoding, delimiter)


# ----------------------------------------------------------------------------- injection

# A cell starting with these is run as a formula by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe.

    The one function every workbook and CSV file Traguardo writes passes its cells
    through (exchange templates and archives, the Relazione's XLSX and open data, the
    fund's payroll). Only strings are touched: numbers (negative ones too) stay numbers.
    The apostrophe is what spreadsheets themselves use to mark "this is text".
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """A row of cells, each through :func:`neutralise`."""
    return [neutralise(value) for value in values]


# What a spreadsheet would compute rather than show: after = + - or @, a function call
# (=HYPERLINK(, @SUM(), a cell or range reference (=A1, +B2:C3), another sheet's cell
# (=Foglio1!A1) or a DDE link (=cmd|' /C calc'!A0). Targets such as "= 100%", ">= 90",
# "= Σ delle riunioni" or a note starting with "- " are text, and stay allowed.
_FORMULA = re.compile(
    r"""^[=+\-@]\s*(?:
        [A-Za-z_][\w.]*\s*\(
      | \$?[A-Za-z]{1,3}\$?\d+\b
      | (?:'[^']+'|[\w.]+)![$A-Za-z]
      | [^|\s]*\|
    )""",
    re.VERBOSE,
)


def looks_like_formula(text: str) -> bool:
    """True for a cell a spreadsheet would run as a formula (see :data:`_FORMULA`)."""
    return bool(_FORMULA.match(text.lstrip(" \t\r\n")))


def formula_problem(text: str) -> str | None:
    """The message for an imported cell that is a formula, or None."""
    if not looks_like_formula(text):
        return None
    shown = text.strip()
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return _(
        "la cella contiene una formula («{formula}»): le formule non sono ammesse nei "
        "dati importati, scrivi solo il valore"
    ).format(formula=shown)


def restore(value: str) -> str:
    """Undo :func:`neutralise` when a file we exported comes back: ``'= 100%`` → ``= 100%``."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
