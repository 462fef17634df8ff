"""XLSX files Traguardo writes: the plan and values templates (pre-filled with what is
stored, so a downloaded file re-imported unchanged changes nothing), in Italian or English.

Every text cell goes through :func:`traguardo.core.tabular.neutralise`: a target written
``= 100%`` is stored as ``'= 100%`` so that no spreadsheet runs it as a formula; the
importer takes the apostrophe off again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from traguardo.core.numbers import format_exact
from traguardo.core.tabular import neutralise
from traguardo.exchange import schema
from traguardo.exchange.codes import cycle_targets, indicators_by_code
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Assignment, OrgUnit, Person
from traguardo.plans import rule_text, scope
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    ObjectiveAssignment,
    OperationalObjective,
    StrategicObjective,
    Target,
)
from traguardo.scoring.adjustments import published_of

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="06488A")  # white on dark blue: contrast 8:1
INSTRUCTIONS = {"it": "Istruzioni", "en": "Instructions"}


def cell_value(value: Any) -> Any:
    """What goes into a cell: numbers stay numbers, text is neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "SI" if value else "NO"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.isoformat(timespec="seconds")  # Excel has no time zones
    if isinstance(value, int | float | datetime.date):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def add_sheet(
    book: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
) -> None:
    ws: Any = book.create_sheet(title[:31])  # write-only: stubs lack column_dimensions
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=str(neutralise(text)))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([cell_value(v) for v in row])


def _instructions(
    book: Workbook, language: str, sheets: Sequence[schema.Sheet], intro: str
) -> None:
    rows: list[list[str]] = [[intro, "", ""]]
    for sheet in sheets:
        for column in sheet.columns:
            need = ("obbligatoria" if language == "it" else "required") if column.required else ""
            rows.append([sheet.title(language), column.title(language), f"{need} {column.help_it}"])
        if sheet.targets:
            rows.append(
                [
                    sheet.title(language),
                    "Target <anno>" if language == "it" else "Target <year>",
                    "una colonna per anno, ad es. «Target 2019»: >= 100, <= 5 gg, SI, ===",
                ]
            )
    headers = ["Foglio", "Colonna", "Note"] if language == "it" else ["Sheet", "Column", "Notes"]
    add_sheet(book, INSTRUCTIONS[language], headers, rows, (26, 26, 80))


def _to_bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _headers(sheet: schema.Sheet, language: str) -> list[str]:
    return [c.title(language) for c in sheet.columns]


def _widths(sheet: schema.Sheet) -> list[int]:
    return [c.width for c in sheet.columns]


# ---------------------------------------------------------------------------- plan


def plan_rows(cycle: Cycle | None) -> dict[str, list[list[Any]]]:
    """The stored plan of `cycle` as rows of the plan sheets (empty sheets without a cycle)."""
    rows: dict[str, list[list[Any]]] = {s.key: [] for s in schema.PLAN_SHEETS}
    if cycle is None:
        return rows
    figures = published_of(cycle)
    first, last = datetime.date(cycle.year, 1, 1), datetime.date(cycle.year, 12, 31)
    units = OrgUnit.objects.filter(entity_id=cycle.entity_id, valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    from traguardo.core.model import tree_order

    for unit in tree_order(
        list(units.select_related("parent")),
        lambda u: u.code,
        lambda u: u.parent.code if u.parent else None,
    ):
        rows["units"].append(
            [
                unit.code,
                unit.kind,
                unit.short,
                unit.name,
                unit.parent.code if unit.parent else "",
                unit.valid_from,
            ]
        )
    for person in Person.objects.filter(entity_id=cycle.entity_id).order_by("display_name"):
        rows["people"].append([person.display_name, person.gender, person.category])
    for a in (
        Assignment.objects.filter(person__entity_id=cycle.entity_id)
        .select_related("person", "unit")
        .order_by("unit__code", "start", "person__display_name")
    ):
        rows["assignments"].append([a.person.display_name, a.unit.code, a.role, a.start, a.end])
    for s in StrategicObjective.objects.filter(cycle=cycle).order_by("code"):
        rows["strategic"].append([s.code, s.kind, s.title])
    for ao in AnnualObjective.objects.filter(strategic__cycle=cycle).select_related("strategic"):
        rows["annual"].append([ao.code, ao.strategic.code, ao.kind, ao.title])
    annual: dict[int, list[str]] = defaultdict(list)
    through = OperationalObjective.annual_objectives.through
    for objective_id, code in (
        through.objects.filter(operationalobjective__cycle=cycle)
        .order_by("annualobjective__code")
        .values_list("operationalobjective_id", "annualobjective__code")
    ):
        annual[objective_id].append(code)
    others: dict[int, list[str]] = defaultdict(list)
    for objective_id, home_id, unit_id, code, number in (
        ObjectiveAssignment.objects.filter(cycle=cycle)
        .order_by("id")
        .values_list(
            "objective_id", "objective__home_unit_id", "unit_id", "unit__code", "local_number"
        )
    ):
        if unit_id != home_id:
            others[objective_id].append(f"{code}/{number}")
    objectives = list(
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("home_unit")
        .order_by("home_unit__code", "number")
    )
    for o in objectives:
        rows["operational"].append(
            [
                o.code,
                o.title,
                o.category,
                ", ".join(annual[o.pk]),
                "; ".join(others[o.pk]),
                o.description,
                figures.get(o.code, ""),
            ]
        )
    for b in EntityBlock.objects.filter(cycle=cycle).select_related("annual_objective"):
        rows["blocks"].append(
            [
                b.number,
                b.heading,
                b.weight_b,
                b.annual_objective.code if b.annual_objective else "",
                figures.get(f"BLOCCO-{b.number}", ""),
            ]
        )
    return rows


def _target_years(cycle: Cycle) -> list[int]:
    years = set(
        Target.objects.filter(scope.of_cycles(cycle, "indicator__")).values_list("year", flat=True)
    )
    years.add(cycle.year)
    return sorted(years)


def indicator_rows(cycle: Cycle | None, language: str = "it") -> tuple[list[int], list[list[Any]]]:
    if cycle is None:
        return [], []
    years = _target_years(cycle)
    indicators = indicators_by_code(cycle)
    figures = published_of(cycle)
    targets: dict[int, dict[int, str]] = defaultdict(dict)
    for indicator_id, year, text in cycle_targets(cycle).values_list(
        "indicator_id", "year", "text"
    ):
        targets[indicator_id][year] = text
    out = []
    for code, i in indicators.items():
        out.append(
            [
                code,
                i.entity_block.number if i.entity_block else "",
                i.name,
                i.weight,
                i.kind,
                i.direction,
                i.method,
                i.source,
                i.scoring_rule,
                rule_text.format_params(i.rule_params, language),
                *[targets[i.pk].get(year, "") for year in years],
                figures.get(code, ""),  # the last column, after the targets
            ]
        )
    return years, out


def plan_workbook(cycle: Cycle | None, language: str = "it") -> bytes:
    book = Workbook(write_only=True)
    intro = (
        "Piano della performance: una riga per elemento, identificato dal codice. "
        "Reimportare il file aggiorna solo le righe cambiate."
        if language == "it"
        else "Performance plan: one row per item, identified by its code. "
        "Re-importing the file updates only the rows that changed."
    )
    _instructions(book, language, schema.PLAN_SHEETS, intro)
    rows = plan_rows(cycle)
    years, indicators = indicator_rows(cycle, language)
    if not years:
        years = [cycle.year if cycle else datetime.date.today().year]
    for sheet in schema.PLAN_SHEETS:
        headers = _headers(sheet, language)
        widths = _widths(sheet)
        data = rows.get(sheet.key, [])
        if sheet.key == "indicators":
            # The targets before "Valore pubblicato": it stays the last column of every sheet.
            headers = headers[:-1] + [f"Target {year}" for year in years] + headers[-1:]
            widths = widths[:-1] + [14] * len(years) + widths[-1:]
            data = indicators
        add_sheet(book, sheet.title(language), headers, data, widths)
    return _to_bytes(book)


# ---------------------------------------------------------------------------- values


def _owners(cycle: Cycle, day: datetime.date) -> dict[int, str]:
    """Unit id -> who heads it on `day` (PO, dirigente or SG), looking up the parents."""
    heads: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in (
        Assignment.objects.on(day)
        .filter(
            person__entity_id=cycle.entity_id, role__in=["po", "dirigente", "segretario_generale"]
        )
        .order_by("person__display_name")
        .values_list("unit_id", "person__display_name")
    ):
        heads[unit_id].append(name)
    parents = dict(OrgUnit.objects.filter(entity_id=cycle.entity_id).values_list("id", "parent_id"))
    owners: dict[int, str] = {}
    for unit_id in parents:
        current: int | None = unit_id
        while current is not None and not heads.get(current):
            current = parents.get(current)
        if current is not None:
            owners[unit_id] = ", ".join(heads[current])
    return owners


def values_rows(cycle: Cycle, period: Period) -> list[list[Any]]:
    indicators = indicators_by_code(cycle)
    targets = dict(cycle_targets(cycle).filter(year=cycle.year).values_list("indicator_id", "text"))
    current: dict[int, Measurement] = {}
    last: dict[int, str] = {}
    for m in (
        Measurement.objects.filter(period__cycle=cycle)
        .select_related("period")
        .order_by("period__date")
    ):
        if m.period_id == period.pk:
            current[m.indicator_id] = m
        elif m.period.date < period.date:
            last[m.indicator_id] = f"{m.text} ({m.period.code})"
    owners = _owners(cycle, period.date)
    figures = published_of(cycle)
    rows = []
    for code, i in indicators.items():
        unit = i.objective.home_unit if i.objective else None
        found = current.get(i.pk)
        rows.append(
            [
                code,
                i.name,
                unit.code if unit else "ente",
                owners.get(unit.pk, "") if unit else "",
                targets.get(i.pk, ""),
                last.get(i.pk, ""),
                period.code,
                found.text if found else "",
                _term(found.numerator) if found else "",
                _term(found.denominator) if found else "",
                found.comment if found else "",
                figures.get(code, ""),
            ]
        )
    return rows


def _term(number: Decimal | None) -> str:
    """A ratio's term as the import reads it back (Italian form, exact)."""
    return "" if number is None else format_exact(number)


def values_workbook(cycle: Cycle, period: Period, language: str = "it") -> bytes:
    book = Workbook(write_only=True)
    intro = (
        f"Valori del monitoraggio {period.code}.{cycle.year}: compila la colonna «Valore» "
        "(ad es. 54,47%, 1.250, SI) oppure, per un rapporto, «Numeratore» e «Denominatore» "
        "(il valore è il loro rapporto, per 100 se il target è una percentuale) e, se serve, "
        "«Commento». Non modificare i codici."
        if language == "it"
        else f"Monitoring values {period.code}.{cycle.year}: fill in «Value» (e.g. 54,47%, "
        "1.250, SI) or, for a ratio, «Numerator» and «Denominator» (the value is their "
        "ratio, times 100 when the target is a percentage) and, if needed, «Comment». "
        "Do not change the codes."
    )
    _instructions(book, language, [schema.VALUES], intro)
    add_sheet(
        book,
        schema.VALUES.title(language),
        _headers(schema.VALUES, language),
        values_rows(cycle, period),
        _widths(schema.VALUES),
    )
    return _to_bytes(book)


def values_csv(cycle: Cycle, period: Period, language: str = "it") -> bytes:
    """The values template as CSV the way Italian Excel reads it: `;`, UTF-8 with BOM."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_headers(schema.VALUES, language))
    for row in values_rows(cycle, period):
        writer.writerow(["" if v is None else neutralise(str(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")
