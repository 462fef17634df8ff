"""The sheets and columns of the spreadsheets Traguardo reads and writes, in Italian and
English. Templates are written in one language; imports accept the names of both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from traguardo.core.rules import RULES

LANGUAGES = ("it", "en")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    it: str
    en: str
    required: bool = False
    width: int = 18
    help_it: str = ""

    def title(self, language: str) -> str:
        return self.it if language == "it" else self.en


@dataclass(frozen=True, slots=True)
class Sheet:
    key: str
    it: str
    en: str
    columns: tuple[Column, ...]
    # A sheet may also carry "Target <year>" columns (one per year of the plan).
    targets: bool = False

    def title(self, language: str) -> str:
        return self.it if language == "it" else self.en

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def normal(text: str) -> str:
    """Header text compared without case, accents or extra spaces."""
    plain = text.strip().lower().replace("à", "a").replace("è", "e").replace("é", "e")
    plain = plain.replace("ì", "i").replace("ò", "o").replace("ù", "u")
    return re.sub(r"\s+", " ", plain)


TARGET_HEADER = re.compile(r"^target\s+(\d{4})$")


def published(what: str) -> Column:
    """The "Valore pubblicato" column, the last of its sheet (after the targets too): the
    figure a published Relazione printed for the row's item (loading past cycles). On import
    a non-empty cell records it (scoring.adjustments.set_published); an empty cell leaves
    what is recorded alone. Traguardo compares it with the computed figure and shows the
    deviations (exchange.published)."""
    return Column("published", "Valore pubblicato", "Published figure", False, 14, what)


UNITS = Sheet(
    "units",
    "Unità",
    "Units",
    (
        Column("code", "Codice", "Code", True, 12),
        Column("kind", "Tipo", "Kind", True, 12, "area, settore, ufficio, staff_pdc"),
        Column("short", "Sigla", "Short name", False, 10),
        Column("name", "Denominazione", "Name", True, 50),
        Column("parent", "Unità superiore", "Parent unit", False, 14),
        Column("valid_from", "Valida dal", "Valid from", False, 12),
    ),
)
PEOPLE = Sheet(
    "people",
    "Persone",
    "People",
    (
        Column("name", "Nome", "Name", True, 40),
        Column("gender", "Genere", "Gender", False, 8, "M, F"),
        Column("category", "Categoria", "Category", False, 12),
    ),
)
ASSIGNMENTS = Sheet(
    "assignments",
    "Incarichi",
    "Assignments",
    (
        Column("person", "Persona", "Person", True, 40),
        Column("unit", "Unità", "Unit", True, 10),
        Column("role", "Ruolo", "Role", True, 20, "segretario_generale, dirigente, po, staff"),
        Column("start", "Dal", "From", True, 12),
        Column("end", "Al", "To", False, 12),
    ),
)
STRATEGIC = Sheet(
    "strategic",
    "Obiettivi strategici",
    "Strategic objectives",
    (
        Column("code", "Codice", "Code", True, 10),
        Column("kind", "Tipo", "Kind", False, 22, "obiettivo_strategico, strumento"),
        Column("title", "Titolo", "Title", True, 70),
    ),
)
ANNUAL = Sheet(
    "annual",
    "Obiettivi annuali",
    "Annual objectives",
    (
        Column("code", "Codice", "Code", True, 10),
        Column("strategic", "Obiettivo strategico", "Strategic objective", True, 12),
        Column("kind", "Tipo", "Kind", False, 22, "obiettivo_annuale, strumento_annuale"),
        Column("title", "Titolo", "Title", True, 70),
    ),
)
OPERATIONAL = Sheet(
    "operational",
    "Obiettivi operativi",
    "Operational objectives",
    (
        Column("code", "Codice", "Code", True, 12, "unità/numero, ad es. 2.1/1"),
        Column("title", "Titolo", "Title", True, 60),
        Column(
            "category",
            "Categoria",
            "Category",
            False,
            22,
            "trasversale_dirigenza, performance_individuale, operativo_individuale",
        ),
        Column("annual", "Obiettivi annuali", "Annual objectives", False, 14, "ad es. 1.2, 6.4"),
        Column(
            "units",
            "Assegnato anche a",
            "Also assigned to",
            False,
            20,
            "unità/numero nell'unità, ad es. 2.2/3; 2.3/4",
        ),
        Column("description", "Descrizione", "Description", False, 50),
        published("performance dell'obiettivo come pubblicata, ad es. 72,63"),
    ),
)
BLOCKS = Sheet(
    "blocks",
    "Blocchi ente",
    "Entity blocks",
    (
        Column("number", "Numero", "Number", True, 8),
        Column("heading", "Intestazione", "Heading", True, 50),
        Column("weight_b", "Peso B", "Weight B", True, 10),
        Column("annual", "Obiettivo annuale", "Annual objective", False, 12),
        published("realizzazione (A) del blocco come pubblicata, ad es. 95,8"),
    ),
)
INDICATORS = Sheet(
    "indicators",
    "Indicatori",
    "Indicators",
    (
        Column("code", "Codice", "Code", True, 12, "obiettivo#riga (2.1/1#2) oppure B<n>"),
        Column("block", "Blocco ente", "Entity block", False, 8, "solo per gli indicatori B<n>"),
        Column("name", "Indicatore", "Indicator", True, 50),
        Column("weight", "Peso", "Weight", True, 8),
        Column("kind", "Tipo", "Kind", False, 12, "numeric, percentage, yes_no, monetary, date"),
        Column("direction", "Verso", "Direction", False, 12, "vuoto: ricavato dal target"),
        Column("method", "Metodo di calcolo", "Calculation method", False, 30),
        Column("source", "Fonte", "Source", False, 20),
        Column(
            "rule",
            "Regola",
            "Rule",
            False,
            18,
            "vuoto: la regola predefinita dell'SMVP; altrimenti una tra "
            + ", ".join(sorted(RULES)),
        ),
        Column(
            "params",
            "Parametri",
            "Parameters",
            False,
            30,
            "nome=valore separati da «;», ad es. tetto=120; soglia=60 oppure "
            "fasce=60:50, 90:100; interpola=sì",
        ),
        published("grado di realizzazione come pubblicato, ad es. 72,63"),
    ),
    targets=True,
)
PLAN_SHEETS = (UNITS, PEOPLE, ASSIGNMENTS, STRATEGIC, ANNUAL, OPERATIONAL, BLOCKS, INDICATORS)

VALUES = Sheet(
    "values",
    "Valori",
    "Values",
    (
        Column("code", "Codice", "Code", True, 12),
        Column("name", "Indicatore", "Indicator", False, 50),
        Column("unit", "Unità", "Unit", False, 10),
        Column("owner", "Responsabile", "Owner", False, 30),
        Column("target", "Target", "Target", False, 14),
        Column("last", "Ultimo valore", "Last value", False, 16),
        Column("period", "Periodo", "Period", True, 10, "30.06 oppure 31.12"),
        Column("value", "Valore", "Value", True, 16),
        # A value that is a ratio: both terms instead of the value (which is then computed).
        Column("numerator", "Numeratore", "Numerator", False, 12),
        Column("denominator", "Denominatore", "Denominator", False, 12),
        Column("comment", "Commento", "Comment", False, 40),
        published("grado di realizzazione al 31.12 come pubblicato, ad es. 72,63"),
    ),
)
ALL_SHEETS = (*PLAN_SHEETS, VALUES)


def sheet_for_title(title: str) -> Sheet | None:
    wanted = normal(title)
    for sheet in ALL_SHEETS:
        if wanted in (normal(sheet.it), normal(sheet.en)):
            return sheet
    return None


def sheet_for_headers(headers: list[str]) -> Sheet | None:
    """A CSV file has no sheet name: the sheet whose required columns it carries."""
    seen = {normal(h) for h in headers}
    best: Sheet | None = None
    best_score = 0
    for sheet in ALL_SHEETS:
        names = [{normal(c.it), normal(c.en)} for c in sheet.columns]
        if not all(seen & n for n, c in zip(names, sheet.columns, strict=True) if c.required):
            continue
        score = sum(1 for n in names if seen & n)
        if score > best_score:
            best, best_score = sheet, score
    return best


def column_for_header(sheet: Sheet, header: str) -> Column | None:
    wanted = normal(header)
    for column in sheet.columns:
        if wanted in (normal(column.it), normal(column.en)):
            return column
    return None
