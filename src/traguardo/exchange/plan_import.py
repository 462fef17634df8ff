"""Import the plan of a cycle from a workbook: units, people, posts, the tree, indicators,
targets, weights and the entity's blocks.

Rows are matched by their codes (units ``2.1``, objectives ``2.1/1``, indicators
``2.1/1#2`` or ``B14``, people by name), so importing the same file twice changes nothing
the second time. Everything is checked before anything is written; then everything is
written in one transaction, or nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from traguardo.accounts.permissions import PLAN_EDITABLE_STATES
from traguardo.core.numbers import Limits
from traguardo.core.readings import TargetFormatError, parse_target
from traguardo.core.tabular import (
    CodeError,
    Issue,
    find_loop,
    parse_indicator_code,
    parse_objective_code,
    parse_unit_code,
    split_list,
    weights_problem,
)
from traguardo.exchange.cells import CellError, parse_choice, parse_date, parse_decimal, parse_int
from traguardo.exchange.codes import cycle_targets, indicators_by_code
from traguardo.exchange.published import PublishedFigures
from traguardo.exchange.reader import Row, Table, Workbook
from traguardo.exchange.result import (
    Action,
    Change,
    ImportAborted,
    ImportResult,
    Progress,
    no_progress,
)
from traguardo.organisation.models import Assignment, OrgUnit, Person
from traguardo.plans import rule_text, scope, versions
from traguardo.plans.checks import indicator_weights_used
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    StrategicObjective,
    Target,
)
from traguardo.plans.smvp_settings import cycle_smvp

BATCH = 2000
HUNDRED = Decimal(100)
# The block's weight as the database keeps it (EntityBlock.weight_b's digits).
WEIGHT_LIMITS = Limits(
    EntityBlock._meta.get_field("weight_b").max_digits,
    EntityBlock._meta.get_field("weight_b").decimal_places,
)
# Lengths the database keeps (the models' max_length), per sheet and column.
LENGTHS = {
    "units": {"code": 20, "short": 20, "name": 500},
    "people": {"name": 255, "category": 20},
    "strategic": {"code": 10},
    "annual": {"code": 10},
    "indicators": {"source": 255},
}
TARGET_LENGTH = 500
# What the import page shows while an import runs: the phase (``PlanImport.phase``, a key
# here) and what it is at, as one text per combination. While the rows are compared or
# saved, the sheet is named by its title in the file (``{sheet}``).
PROGRESS: dict[str, dict[str, str]] = {
    "controllo": {
        "Unità": gettext_noop("controllo: Unità"),
        "Persone": gettext_noop("controllo: Persone"),
        "Incarichi": gettext_noop("controllo: Incarichi"),
        "Obiettivi strategici": gettext_noop("controllo: Obiettivi strategici"),
        "Obiettivi annuali": gettext_noop("controllo: Obiettivi annuali"),
        "Obiettivi operativi": gettext_noop("controllo: Obiettivi operativi"),
        "Blocchi ente": gettext_noop("controllo: Blocchi ente"),
        "Indicatori": gettext_noop("controllo: Indicatori"),
    },
    "confronto": {
        "Indicatori": gettext_noop("confronto: Indicatori"),
        "fatto": gettext_noop("confronto: fatto"),
    },
    "salvataggio": {
        "Indicatori": gettext_noop("salvataggio: Indicatori"),
        "fatto": gettext_noop("salvataggio: fatto"),
    },
}
PROGRESS_SHEET = {
    "controllo": gettext_noop("controllo: {sheet}"),
    "confronto": gettext_noop("confronto: {sheet}"),
    "salvataggio": gettext_noop("salvataggio: {sheet}"),
}


@dataclass(slots=True)
class Wanted:
    """One row of the file as the values it asks for (references still as codes)."""

    table: Table
    row: Row
    code: str
    fields: dict[str, Any]


class PlanImport:
    def __init__(
        self,
        cycle: Cycle,
        book: Workbook,
        progress: Progress = no_progress,
        user: Any = None,
    ) -> None:
        self.cycle = cycle
        self.book = book
        self.user = user  # who records the published figures (None: a command)
        self.published: list[PublishedFigures] = []
        self.progress = progress
        self.issues: list[Issue] = list(book.issues)
        self.changes: list[Change] = []
        self.first = datetime.date(cycle.year, 1, 1)
        self.last = datetime.date(cycle.year, 12, 31)
        self.done = 0
        self.phase = "controllo"
        self._load()

    # ------------------------------------------------------------------ existing state
    def _load(self) -> None:
        cycle = self.cycle
        units = OrgUnit.objects.filter(entity_id=cycle.entity_id, valid_from__lte=self.last)
        units = units.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.first))
        self.units: dict[str, OrgUnit] = {
            u.code: u for u in units.select_related("parent").order_by("valid_from")
        }
        self.people: dict[str, Person] = {
            p.display_name: p for p in Person.objects.filter(entity_id=cycle.entity_id)
        }
        self.assignments: dict[tuple[str, str, str, datetime.date], Assignment] = {
            (a.person.display_name, a.unit.code, a.role, a.start): a
            for a in Assignment.objects.filter(person__entity_id=cycle.entity_id).select_related(
                "person", "unit"
            )
        }
        self.strategic: dict[str, StrategicObjective] = {
            s.code: s for s in StrategicObjective.objects.filter(cycle=cycle)
        }
        self.annual: dict[str, AnnualObjective] = {
            a.code: a
            for a in AnnualObjective.objects.filter(strategic__cycle=cycle).select_related(
                "strategic"
            )
        }
        self.objectives: dict[str, OperationalObjective] = {
            o.code: o
            for o in OperationalObjective.objects.filter(cycle=cycle).select_related("home_unit")
        }
        self.objective_annual: dict[int, set[str]] = defaultdict(set)
        through = OperationalObjective.annual_objectives.through
        for objective_id, code in through.objects.filter(
            operationalobjective__cycle=cycle
        ).values_list("operationalobjective_id", "annualobjective__code"):
            self.objective_annual[objective_id].add(code)
        self.objective_units: dict[int, dict[str, int]] = defaultdict(dict)
        for objective_id, unit_code, number in ObjectiveAssignment.objects.filter(
            cycle=cycle
        ).values_list("objective_id", "unit__code", "local_number"):
            self.objective_units[objective_id][unit_code] = number
        self.blocks: dict[int, EntityBlock] = {
            b.number: b
            for b in EntityBlock.objects.filter(cycle=cycle).select_related("annual_objective")
        }
        self.indicators: dict[str, Indicator] = indicators_by_code(cycle)
        self.smvp = cycle_smvp(cycle)
        # Whether the SMVP combines indicators by weight: objectives, Allegato B blocks.
        self.weighted = {
            False: indicator_weights_used(self.smvp),
            True: indicator_weights_used(self.smvp, block=True),
        }
        self.targets: dict[int, dict[int, str]] = defaultdict(dict)
        for indicator_id, year, text in Target.objects.filter(
            scope.of_cycles(cycle, "indicator__")
        ).values_list("indicator_id", "year", "text"):
            self.targets[indicator_id][year] = text

    # ------------------------------------------------------------------ helpers
    def _issue(self, table: Table, row: Row | None, key: str, message: str) -> None:
        column = table.header(key) if key else ""
        self.issues.append(Issue(table.title, row.number if row else None, column, message))

    def _text(self, table: Table, row: Row, key: str) -> str:
        return row.cells.get(key, "")

    def _required(self, table: Table, row: Row, key: str) -> str | None:
        text = row.cells.get(key, "")
        if not text and key in table.headers:
            self._issue(table, row, key, _("valore obbligatorio mancante"))
            return None
        return text

    def _rows(self, key: str) -> tuple[Table | None, list[Row]]:
        table = self.book.tables.get(key)
        return table, (table.rows if table else [])

    def _tick(self, label: str) -> None:
        self.done += 1
        if self.done % 500 == 0:
            self.progress(self.done, self.book.rows, self._progress_text(label))

    def _progress_text(self, label: str) -> str:
        """The phase and `label` (a part checked, "fatto", or a sheet's title), translated."""
        known = PROGRESS[self.phase].get(label)
        if known is not None:
            return _(known)
        return _(PROGRESS_SHEET[self.phase]).format(sheet=label)

    def _duplicate(self, table: Table, row: Row, code: str, seen: dict[str, int]) -> bool:
        if code in seen:
            self._issue(
                table,
                row,
                "code",
                _("codice «{code}» ripetuto (già alla riga {row})").format(
                    code=code, row=seen[code]
                ),
            )
            return True
        seen[code] = row.number
        return False

    # ------------------------------------------------------------------ validation
    def validate(self) -> dict[str, list[Wanted]]:
        if self.cycle.state not in PLAN_EDITABLE_STATES:
            self.issues.append(
                Issue(
                    "",
                    None,
                    "",
                    _(
                        "il ciclo {year} è «{state}»: il piano non si modifica più "
                        "(si modifica in preparazione, approvato o in monitoraggio)"
                    ).format(year=self.cycle.year, state=self.cycle.get_state_display()),
                )
            )
        wanted: dict[str, list[Wanted]] = {}
        wanted["units"] = self._validate_units()
        unit_codes = set(self.units) | {w.code for w in wanted["units"]}
        wanted["people"] = self._validate_people()
        people = set(self.people) | {w.code for w in wanted["people"]}
        wanted["assignments"] = self._validate_assignments(unit_codes, people)
        wanted["strategic"] = self._validate_strategic()
        strategic = set(self.strategic) | {w.code for w in wanted["strategic"]}
        wanted["annual"] = self._validate_annual(strategic)
        annual = set(self.annual) | {w.code for w in wanted["annual"]}
        wanted["operational"] = self._validate_operational(unit_codes, annual)
        objectives = set(self.objectives) | {w.code for w in wanted["operational"]}
        wanted["blocks"] = self._validate_blocks(annual)
        blocks = set(self.blocks) | {w.fields["number"] for w in wanted["blocks"]}
        wanted["indicators"] = self._validate_indicators(objectives, blocks)
        self._check_lengths(wanted)
        self._read_published(wanted)
        return wanted

    def _read_published(self, wanted: dict[str, list[Wanted]]) -> None:
        """The "Valore pubblicato" cells of the rows that are otherwise fine (exchange.published):
        objectives' performance, blocks' achievement, indicators' degree."""
        for sheet, code in (
            ("operational", lambda w: w.code),
            ("blocks", lambda w: f"BLOCCO-{w.fields['number']}"),
            ("indicators", lambda w: w.code),
        ):
            table = self.book.tables.get(sheet)
            if table is None or "published" not in table.headers:
                continue
            figures = PublishedFigures(table, self.issues)
            for w in wanted[sheet]:
                figures.read(w.row, code(w))
            figures.check(self.cycle, self.user)
            self.published.append(figures)

    def _check_lengths(self, wanted: dict[str, list[Wanted]]) -> None:
        """Texts longer than the database keeps: said here rather than failing on save."""
        for sheet, limits in LENGTHS.items():
            for w in wanted[sheet]:
                for key, limit in limits.items():
                    text = w.code if key == "code" else w.fields.get(key)
                    if sheet == "people" and key == "name":
                        text = w.code
                    if isinstance(text, str) and len(text) > limit:
                        self._issue(
                            w.table,
                            w.row,
                            key,
                            _("testo troppo lungo ({length} caratteri, al massimo {limit})").format(
                                length=len(text), limit=limit
                            ),
                        )
                if sheet == "indicators":
                    for year, target in w.fields["targets"].items():
                        if len(target) > TARGET_LENGTH:
                            self.issues.append(
                                Issue(
                                    w.table.title,
                                    w.row.number,
                                    w.table.target_headers[year],
                                    _(
                                        "target troppo lungo ({length} caratteri, "
                                        "al massimo {limit})"
                                    ).format(length=len(target), limit=TARGET_LENGTH),
                                )
                            )

    def _validate_units(self) -> list[Wanted]:
        table, rows = self._rows("units")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Unità")
            raw = self._required(table, row, "code")
            if raw is None:
                continue
            try:
                code = parse_unit_code(raw)
            except CodeError as exc:
                self._issue(table, row, "code", str(exc))
                continue
            if self._duplicate(table, row, code, seen):
                continue
            fields: dict[str, Any] = {}
            ok = True
            for key in ("name", "short"):
                if key in table.headers:
                    fields[key] = self._text(table, row, key)
            if "name" in table.headers and not fields["name"]:
                self._issue(table, row, "name", _("valore obbligatorio mancante"))
                ok = False
            if "kind" in table.headers:
                try:
                    fields["kind"] = parse_choice(self._text(table, row, "kind"), OrgUnit.Kind)
                except CellError as exc:
                    self._issue(table, row, "kind", str(exc))
                    ok = False
            if "parent" in table.headers:
                fields["parent"] = self._text(table, row, "parent") or None
            if self._text(table, row, "valid_from"):
                try:
                    fields["valid_from"] = parse_date(self._text(table, row, "valid_from"))
                except CellError as exc:
                    self._issue(table, row, "valid_from", str(exc))
                    ok = False
            if ok:
                out.append(Wanted(table, row, code, fields))
        # parents: known, and no loops once the file is applied over what exists
        parents: dict[str, str | None] = {
            code: (unit.parent.code if unit.parent else None) for code, unit in self.units.items()
        }
        for w in out:
            if "parent" in w.fields:
                parents[w.code] = w.fields["parent"]
        for w in out:
            parent = w.fields.get("parent")
            if parent and parent not in parents:
                self._issue(
                    w.table,
                    w.row,
                    "parent",
                    _("unità superiore «{parent}» sconosciuta").format(parent=parent),
                )
            if parent == w.code:
                self._issue(
                    w.table, w.row, "parent", _("un'unità non può essere superiore a sé stessa")
                )
        loop = find_loop({c: p for c, p in parents.items() if p in parents and p != c})
        if loop:
            where = next((w for w in out if w.code in loop), None)
            message = _(
                "le unità superiori formano un ciclo ({loop}): un'unità finirebbe sotto sé stessa"
            ).format(loop=" → ".join(loop))
            if where:
                self._issue(where.table, where.row, "parent", message)
            elif table is not None:
                self._issue(table, None, "parent", message)
        for w in out:
            if w.code not in self.units:
                for key in ("kind", "name"):
                    if key not in w.fields:
                        self._issue(
                            w.table,
                            w.row,
                            key,
                            _("unità nuova «{code}»: serve «{column}»").format(
                                code=w.code, column=w.table.header(key)
                            ),
                        )
        return out

    def _validate_people(self) -> list[Wanted]:
        table, rows = self._rows("people")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Persone")
            name = self._required(table, row, "name")
            if not name:
                continue
            if name in seen:
                self._issue(
                    table,
                    row,
                    "name",
                    _("persona «{name}» ripetuta (già alla riga {row})").format(
                        name=name, row=seen[name]
                    ),
                )
                continue
            seen[name] = row.number
            fields: dict[str, Any] = {}
            if "gender" in table.headers:
                gender = self._text(table, row, "gender").upper()
                if gender not in ("", "M", "F"):
                    self._issue(
                        table,
                        row,
                        "gender",
                        _("«{gender}»: il genere è M, F o vuoto").format(gender=gender),
                    )
                    continue
                fields["gender"] = gender
            if "category" in table.headers:
                fields["category"] = self._text(table, row, "category")
            out.append(Wanted(table, row, name, fields))
        return out

    def _validate_assignments(self, units: set[str], people: set[str]) -> list[Wanted]:
        table, rows = self._rows("assignments")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Incarichi")
            person = self._required(table, row, "person")
            unit = self._required(table, row, "unit")
            role_text = self._required(table, row, "role")
            start_text = self._required(table, row, "start")
            if not (person and unit and role_text and start_text):
                continue
            ok = True
            if person not in people:
                self._issue(
                    table,
                    row,
                    "person",
                    _("persona «{person}» sconosciuta: aggiungila al foglio Persone").format(
                        person=person
                    ),
                )
                ok = False
            if unit not in units:
                self._issue(
                    table, row, "unit", _("codice di unità «{unit}» sconosciuto").format(unit=unit)
                )
                ok = False
            try:
                role = parse_choice(role_text, Assignment.Role)
            except CellError as exc:
                self._issue(table, row, "role", str(exc))
                ok = False
            try:
                start = parse_date(start_text)
            except CellError as exc:
                self._issue(table, row, "start", str(exc))
                ok = False
            end: datetime.date | None = None
            if self._text(table, row, "end"):
                try:
                    end = parse_date(self._text(table, row, "end"))
                except CellError as exc:
                    self._issue(table, row, "end", str(exc))
                    ok = False
            if not ok:
                continue
            if end is not None and end < start:
                self._issue(table, row, "end", _("la data di fine precede la data di inizio"))
                continue
            code = f"{person} | {unit} | {role} | {start.isoformat()}"
            if code in seen:
                self._issue(
                    table,
                    row,
                    "person",
                    _("incarico ripetuto (già alla riga {row})").format(row=seen[code]),
                )
                continue
            seen[code] = row.number
            fields = {"person": person, "unit": unit, "role": role, "start": start}
            if "end" in table.headers:
                fields["end"] = end
            out.append(Wanted(table, row, code, fields))
        return out

    def _validate_strategic(self) -> list[Wanted]:
        table, rows = self._rows("strategic")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Obiettivi strategici")
            code = self._required(table, row, "code")
            title = self._required(table, row, "title")
            if not code or title is None or self._duplicate(table, row, code, seen):
                continue
            fields: dict[str, Any] = {"title": title}
            if "kind" in table.headers:
                try:
                    fields["kind"] = parse_choice(
                        self._text(table, row, "kind") or "obiettivo_strategico",
                        StrategicObjective.Kind,
                    )
                except CellError as exc:
                    self._issue(table, row, "kind", str(exc))
                    continue
            out.append(Wanted(table, row, code, fields))
        return out

    def _validate_annual(self, strategic: set[str]) -> list[Wanted]:
        table, rows = self._rows("annual")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Obiettivi annuali")
            code = self._required(table, row, "code")
            parent = self._required(table, row, "strategic")
            title = self._required(table, row, "title")
            if not code or not parent or title is None or self._duplicate(table, row, code, seen):
                continue
            if parent not in strategic:
                self._issue(
                    table,
                    row,
                    "strategic",
                    _("obiettivo strategico «{code}» sconosciuto").format(code=parent),
                )
                continue
            fields: dict[str, Any] = {"strategic": parent, "title": title}
            if "kind" in table.headers:
                try:
                    fields["kind"] = parse_choice(
                        self._text(table, row, "kind") or "obiettivo_annuale",
                        AnnualObjective.Kind,
                    )
                except CellError as exc:
                    self._issue(table, row, "kind", str(exc))
                    continue
            out.append(Wanted(table, row, code, fields))
        return out

    def _validate_operational(self, units: set[str], annual: set[str]) -> list[Wanted]:
        table, rows = self._rows("operational")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        local_numbers: dict[tuple[str, int], str] = {}
        for objective in self.objectives.values():
            for unit_code, number in self.objective_units[objective.pk].items():
                local_numbers[(unit_code, number)] = objective.code
        if table is None:
            return out
        for row in rows:
            self._tick("Obiettivi operativi")
            raw = self._required(table, row, "code")
            title = self._required(table, row, "title")
            if not raw or title is None:
                continue
            try:
                unit, number = parse_objective_code(raw)
            except CodeError as exc:
                self._issue(table, row, "code", str(exc))
                continue
            code = f"{unit}/{number}"
            if self._duplicate(table, row, code, seen):
                continue
            ok = True
            if unit not in units:
                self._issue(
                    table, row, "code", _("codice di unità «{unit}» sconosciuto").format(unit=unit)
                )
                ok = False
            fields: dict[str, Any] = {"unit": unit, "number": number, "title": title}
            if "category" in table.headers:
                try:
                    fields["category"] = parse_choice(
                        self._text(table, row, "category") or "operativo_individuale",
                        OperationalObjective.Category,
                    )
                except CellError as exc:
                    self._issue(table, row, "category", str(exc))
                    ok = False
            if "description" in table.headers:
                fields["description"] = self._text(table, row, "description")
            if "annual" in table.headers:
                codes = split_list(self._text(table, row, "annual"))
                unknown = [c for c in codes if c not in annual]
                if unknown:
                    self._issue(
                        table,
                        row,
                        "annual",
                        _("obiettivo annuale «{code}» sconosciuto").format(code=", ".join(unknown)),
                    )
                    ok = False
                fields["annual"] = frozenset(codes)
            if "units" in table.headers:
                assigned: dict[str, int] = {}
                for item in split_list(self._text(table, row, "units")):
                    try:
                        other, local = parse_objective_code(item)
                    except CodeError as exc:
                        self._issue(table, row, "units", str(exc))
                        ok = False
                        continue
                    if other not in units:
                        self._issue(
                            table,
                            row,
                            "units",
                            _("codice di unità «{unit}» sconosciuto").format(unit=other),
                        )
                        ok = False
                    assigned[other] = local
                assigned[unit] = number
                fields["units"] = assigned
            if ok:
                out.append(Wanted(table, row, code, fields))
        # a unit's local numbers are unique: "2.2/3" is one objective only
        respecified = {w.code for w in out if "units" in w.fields}
        local_numbers = {k: v for k, v in local_numbers.items() if v not in respecified}
        for w in out:
            home = {w.fields["unit"]: w.fields["number"]}
            for unit_code, local in w.fields.get("units", home).items():
                taken = local_numbers.get((unit_code, local))
                if taken is not None and taken != w.code:
                    self._issue(
                        w.table,
                        w.row,
                        "units" if unit_code != w.fields["unit"] else "code",
                        _(
                            "il numero {unit}/{number} è già usato dall'obiettivo {objective}"
                        ).format(unit=unit_code, number=local, objective=taken),
                    )
                local_numbers[(unit_code, local)] = w.code
        return out

    def _validate_blocks(self, annual: set[str]) -> list[Wanted]:
        table, rows = self._rows("blocks")
        out: list[Wanted] = []
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Blocchi ente")
            raw = self._required(table, row, "number")
            heading = self._required(table, row, "heading")
            weight = self._required(table, row, "weight_b")
            if not raw or heading is None or not weight:
                continue
            try:
                number = parse_int(raw)
            except CellError as exc:
                self._issue(table, row, "number", str(exc))
                continue
            if self._duplicate(table, row, str(number), seen):
                continue
            fields: dict[str, Any] = {"number": number, "heading": heading}
            try:
                fields["weight_b"] = parse_decimal(weight, low=Decimal(0), limits=WEIGHT_LIMITS)
            except CellError as exc:
                self._issue(table, row, "weight_b", str(exc))
                continue
            if "annual" in table.headers:
                code = self._text(table, row, "annual") or None
                if code and code not in annual:
                    self._issue(
                        table,
                        row,
                        "annual",
                        _("obiettivo annuale «{code}» sconosciuto").format(code=code),
                    )
                    continue
                fields["annual"] = code
            out.append(Wanted(table, row, str(number), fields))
        return out

    def _validate_indicators(self, objectives: set[str], blocks: set[int]) -> list[Wanted]:
        table, rows = self._rows("indicators")
        out: list[Wanted] = []
        weighed: list[Wanted] = []  # rows whose weight counts, even if another cell is wrong
        seen: dict[str, int] = {}
        if table is None:
            return out
        for row in rows:
            self._tick("Indicatori")
            raw = self._required(table, row, "code")
            name = self._required(table, row, "name")
            # A weight is required where the SMVP weighs indicators (B<n>: the block level).
            in_block = raw is not None and raw.strip().upper().startswith("B")
            weighted = self.weighted[in_block]
            weight = (
                self._required(table, row, "weight")
                if weighted
                else self._text(table, row, "weight")
            )
            if not raw or name is None or (weighted and not weight):
                continue
            try:
                objective, number = parse_indicator_code(raw)
            except CodeError as exc:
                self._issue(table, row, "code", str(exc))
                continue
            code = f"{objective}#{number}" if objective else f"B{number}"
            if self._duplicate(table, row, code, seen):
                continue
            ok = True
            fields: dict[str, Any] = {"objective": objective, "number": number, "name": name}
            if objective is not None and objective not in objectives:
                self._issue(
                    table,
                    row,
                    "code",
                    _(
                        "obiettivo «{objective}» sconosciuto: aggiungilo al foglio "
                        "degli obiettivi operativi"
                    ).format(objective=objective),
                )
                ok = False
            if objective is None:
                block_text = self._text(table, row, "block")
                existing = self.indicators.get(code)
                if block_text:
                    try:
                        block = parse_int(block_text)
                    except CellError as exc:
                        self._issue(table, row, "block", str(exc))
                        continue
                    if block not in blocks:
                        self._issue(
                            table, row, "block", _("blocco {block} sconosciuto").format(block=block)
                        )
                        ok = False
                    fields["block"] = block
                elif existing is None or existing.entity_block is None:
                    self._issue(
                        table,
                        row,
                        "block",
                        _("indicatore {code} dell'ente: indica il blocco").format(code=code),
                    )
                    ok = False
            if "weight" in table.headers:
                try:
                    fields["weight"] = (
                        parse_decimal(weight, low=Decimal(0), high=HUNDRED) if weight else None
                    )
                except CellError as exc:
                    self._issue(table, row, "weight", str(exc))
                    ok = False
            if not self._read_rule(table, row, code, fields):
                ok = False
            for key, choices in (("kind", Indicator.Kind), ("direction", Indicator.Direction)):
                if key in table.headers and self._text(table, row, key):
                    try:
                        fields[key] = parse_choice(self._text(table, row, key), choices)
                    except CellError as exc:
                        self._issue(table, row, key, str(exc))
                        ok = False
                elif key == "kind" and key in table.headers:
                    fields[key] = ""
            for key in ("method", "source"):
                if key in table.headers:
                    fields[key] = self._text(table, row, key)
            targets: dict[int, str] = {}
            for year, text in row.targets.items():
                try:
                    parse_target(text)
                except TargetFormatError as exc:
                    self.issues.append(
                        Issue(table.title, row.number, table.target_headers[year], str(exc))
                    )
                    ok = False
                    continue
                targets[year] = text
            fields["targets"] = targets
            wanted = Wanted(table, row, code, fields)
            owner_known = (
                objective in objectives
                if objective
                else "block" in fields or (code in self.indicators)
            )
            if "weight" in fields and owner_known and weighted:
                weighed.append(wanted)
            if ok:
                out.append(wanted)
        self._check_weights(weighed)
        return out

    def _read_rule(self, table: Table, row: Row, code: str, fields: dict[str, Any]) -> bool:
        """The "Regola" and "Parametri" cells, checked by building the rule the engine
        would build; a column that is absent keeps what is stored."""
        has_rule, has_params = "rule" in table.headers, "params" in table.headers
        if not has_rule and not has_params:
            return True
        existing = self.indicators.get(code)
        slug = existing.scoring_rule if existing else ""
        if has_rule:
            try:
                slug = rule_text.read_rule(self._text(table, row, "rule"))
            except rule_text.RuleTextError as exc:
                self._issue(table, row, "rule", str(exc))
                return False
        params: dict[str, Any] = dict(existing.rule_params or {}) if existing else {}
        params_text = self._text(table, row, "params") if has_params else ""
        if has_params:
            try:
                params = rule_text.parse_params(slug or self.smvp.rule, params_text)
            except rule_text.RuleTextError as exc:
                self._issue(table, row, "params", str(exc))
                return False
        try:
            rule_text.check_rule(slug, params, self.smvp.rule, self.smvp.params)
        except rule_text.RuleTextError as exc:
            column = "params" if has_params and (params_text or not has_rule) else "rule"
            self._issue(table, row, column, str(exc))
            return False
        fields["rule"] = slug
        fields["params"] = params
        return True

    def _check_weights(self, wanted: list[Wanted]) -> None:
        """Per objective (and per block), the file's indicators over the stored ones weigh 100."""
        totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
        first_row: dict[str, Wanted] = {}
        for key, indicator in self.indicators.items():
            owner = key.split("#")[0] if "#" in key else f"blocco {indicator.entity_block.number}"  # type: ignore[union-attr]
            totals[owner][key] = indicator.weight or Decimal(0)
        touched: set[str] = set()
        for w in wanted:
            if w.fields["objective"]:
                owner = w.fields["objective"]
            else:
                block = w.fields.get("block")
                if block is None:
                    block = self.indicators[w.code].entity_block.number  # type: ignore[union-attr]
                owner = f"blocco {block}"
                for key in list(totals):  # a B indicator moved to another block
                    totals[key].pop(w.code, None)
            totals[owner][w.code] = w.fields["weight"]
            touched.add(owner)
            first_row.setdefault(owner, w)
        for owner in sorted(touched):
            problem = weights_problem(totals[owner].values())
            if problem:
                w = first_row[owner]
                if owner.startswith("blocco"):
                    message = _("blocco {block}: {problem}").format(
                        block=owner.removeprefix("blocco "), problem=problem
                    )
                else:
                    message = _("obiettivo {objective}: {problem}").format(
                        objective=owner, problem=problem
                    )
                self._issue(w.table, w.row, "weight", message)

    # ------------------------------------------------------------------ differences
    def _diff(self, w: Wanted, current: dict[str, Any] | None) -> Change:
        if current is None:
            change = Change(w.table.title, w.row.number, w.code, Action.CREATE)
        else:
            changed = tuple(
                w.table.headers.get(k, k)
                for k, v in w.fields.items()
                if k in current and current[k] != v
            )
            action = Action.UPDATE if changed else Action.UNCHANGED
            change = Change(w.table.title, w.row.number, w.code, action, changed)
        self.changes.append(change)
        self._tick(w.table.title)
        return change

    def _current_unit(self, unit: OrgUnit) -> dict[str, Any]:
        return {
            "kind": unit.kind,
            "short": unit.short,
            "name": unit.name,
            "parent": unit.parent.code if unit.parent else None,
            "valid_from": unit.valid_from,
        }

    def _current_indicator(self, indicator: Indicator) -> dict[str, Any]:
        current = {
            "name": indicator.name,
            "weight": indicator.weight,
            "kind": indicator.kind,
            "direction": indicator.direction,
            "method": indicator.method,
            "source": indicator.source,
            "rule": indicator.scoring_rule,
            "params": indicator.rule_params or {},
        }
        if indicator.entity_block is not None:
            current["block"] = indicator.entity_block.number
        return current

    # ------------------------------------------------------------------ apply
    def run(self, *, dry_run: bool) -> ImportResult:
        result = ImportResult("plan", self.cycle.year, rows=self.book.rows, dry_run=dry_run)
        wanted = self.validate()
        result.issues = self.issues
        result.warnings = list(self.book.warnings)
        if self.issues:
            return result
        try:
            with transaction.atomic():
                self._apply(wanted, write=not dry_run)
                if not dry_run:
                    # Units and people belong to the entity: every cycle of it may move.
                    versions.bump_entity(self.cycle.entity_id)
                    for figures in self.published:  # the plan saved first: its codes exist
                        figures.save(self.cycle, self.user)
        except ImportAborted:
            result.issues = self.issues
            return result
        except (IntegrityError, DataError) as exc:  # a rule the checks above missed
            self.issues.append(
                Issue("", None, "", _("il database ha rifiutato i dati: {error}").format(error=exc))
            )
            result.issues = self.issues
            return result
        result.changes = self.changes
        result.saved = not dry_run
        return result

    def _apply(self, wanted: dict[str, list[Wanted]], *, write: bool) -> None:
        self.done = 0
        self.phase = "salvataggio" if write else "confronto"
        self._apply_units(wanted["units"], write)
        self._apply_people(wanted["people"], write)
        self._apply_assignments(wanted["assignments"], write)
        self._apply_strategic(wanted["strategic"], write)
        self._apply_annual(wanted["annual"], write)
        self._apply_operational(wanted["operational"], write)
        self._apply_blocks(wanted["blocks"], write)
        self._apply_indicators(wanted["indicators"], write)
        self.progress(self.book.rows, self.book.rows, self._progress_text("fatto"))

    def _apply_units(self, rows: list[Wanted], write: bool) -> None:
        pending_parent: list[tuple[OrgUnit, str | None]] = []
        for w in rows:
            unit = self.units.get(w.code)
            change = self._diff(w, self._current_unit(unit) if unit else None)
            if not write or change.action is Action.UNCHANGED:
                continue
            if unit is None:
                unit = OrgUnit(
                    entity_id=self.cycle.entity_id,
                    code=w.code,
                    valid_from=w.fields.get("valid_from", self.first),
                )
                self.units[w.code] = unit
            for key in ("kind", "short", "name", "valid_from"):
                if key in w.fields:
                    setattr(unit, key, w.fields[key])
            unit.parent = None if unit.pk is None else unit.parent
            unit.save()
            if "parent" in w.fields:
                pending_parent.append((unit, w.fields["parent"]))
        for unit, parent in pending_parent:
            unit.parent = self.units[parent] if parent else None
            unit.save(update_fields=["parent"])

    def _apply_people(self, rows: list[Wanted], write: bool) -> None:
        for w in rows:
            person = self.people.get(w.code)
            current = {"gender": person.gender, "category": person.category} if person else None
            change = self._diff(w, current)
            if not write or change.action is Action.UNCHANGED:
                continue
            if person is None:
                person = Person(entity_id=self.cycle.entity_id, display_name=w.code)
                self.people[w.code] = person
            for key, value in w.fields.items():
                setattr(person, key, value)
            person.save()

    def _apply_assignments(self, rows: list[Wanted], write: bool) -> None:
        for w in rows:
            f = w.fields
            key = (f["person"], f["unit"], f["role"], f["start"])
            assignment = self.assignments.get(key)
            change = self._diff(w, {**f, "end": assignment.end} if assignment else None)
            if not write or change.action is Action.UNCHANGED:
                continue
            if assignment is None:
                assignment = Assignment(
                    person=self.people[f["person"]],
                    unit=self.units[f["unit"]],
                    role=f["role"],
                    start=f["start"],
                )
                self.assignments[key] = assignment
            if "end" in f:
                assignment.end = f["end"]
            assignment.save()

    def _apply_strategic(self, rows: list[Wanted], write: bool) -> None:
        for w in rows:
            item = self.strategic.get(w.code)
            current = {"kind": item.kind, "title": item.title} if item else None
            change = self._diff(w, current)
            if not write or change.action is Action.UNCHANGED:
                continue
            if item is None:
                item = StrategicObjective(cycle=self.cycle, code=w.code)
                self.strategic[w.code] = item
            for key, value in w.fields.items():
                setattr(item, key, value)
            item.save()

    def _apply_annual(self, rows: list[Wanted], write: bool) -> None:
        for w in rows:
            item = self.annual.get(w.code)
            current = (
                {"kind": item.kind, "title": item.title, "strategic": item.strategic.code}
                if item
                else None
            )
            change = self._diff(w, current)
            if not write or change.action is Action.UNCHANGED:
                continue
            if item is None:
                item = AnnualObjective(code=w.code)
                self.annual[w.code] = item
            item.strategic = self.strategic[w.fields["strategic"]]
            for key in ("kind", "title"):
                if key in w.fields:
                    setattr(item, key, w.fields[key])
            item.save()

    def _apply_operational(self, rows: list[Wanted], write: bool) -> None:
        new: list[tuple[Wanted, OperationalObjective]] = []
        for w in rows:
            item = self.objectives.get(w.code)
            current = None
            if item is not None:
                current = {
                    "unit": item.home_unit.code,
                    "number": item.number,
                    "title": item.title,
                    "category": item.category,
                    "description": item.description,
                    "annual": frozenset(self.objective_annual[item.pk]),
                    "units": self.objective_units[item.pk] or {item.home_unit.code: item.number},
                }
            change = self._diff(w, current)
            if not write or change.action is Action.UNCHANGED:
                continue
            if item is None:
                item = OperationalObjective(
                    cycle=self.cycle,
                    home_unit=self.units[w.fields["unit"]],
                    number=w.fields["number"],
                )
                for key in ("title", "category", "description"):
                    if key in w.fields:
                        setattr(item, key, w.fields[key])
                self.objectives[w.code] = item
                new.append((w, item))
                continue
            for key in ("title", "category", "description"):
                if key in w.fields:
                    setattr(item, key, w.fields[key])
            item.save()
            if "annual" in w.fields:
                item.annual_objectives.set([self.annual[c] for c in sorted(w.fields["annual"])])
                self.objective_annual[item.pk] = set(w.fields["annual"])
            units = w.fields.get("units")
            if units is None and not self.objective_units[item.pk]:
                units = {w.fields["unit"]: w.fields["number"]}
            if units is not None and units != self.objective_units[item.pk]:
                ObjectiveAssignment.objects.filter(objective=item).delete()
                ObjectiveAssignment.objects.bulk_create(
                    ObjectiveAssignment(
                        cycle=self.cycle, objective=item, unit=self.units[u], local_number=n
                    )
                    for u, n in units.items()
                )
                self.objective_units[item.pk] = dict(units)

        self._create_objectives(new)

    def _create_objectives(self, new: list[tuple[Wanted, OperationalObjective]]) -> None:
        """New objectives in batches, with their annual objectives and unit assignments."""
        for start in range(0, len(new), BATCH):
            OperationalObjective.objects.bulk_create(
                [item for _unused, item in new[start : start + BATCH]]
            )
        through = OperationalObjective.annual_objectives.through
        links: list[Any] = []
        assignments: list[ObjectiveAssignment] = []
        for w, item in new:
            codes = sorted(w.fields.get("annual", ()))
            links.extend(
                through(operationalobjective_id=item.pk, annualobjective_id=self.annual[c].pk)
                for c in codes
            )
            self.objective_annual[item.pk] = set(codes)
            units = w.fields.get("units") or {w.fields["unit"]: w.fields["number"]}
            assignments.extend(
                ObjectiveAssignment(
                    cycle=self.cycle, objective=item, unit=self.units[u], local_number=n
                )
                for u, n in units.items()
            )
            self.objective_units[item.pk] = dict(units)
        through.objects.bulk_create(links, batch_size=BATCH)
        ObjectiveAssignment.objects.bulk_create(assignments, batch_size=BATCH)

    def _apply_blocks(self, rows: list[Wanted], write: bool) -> None:
        for w in rows:
            item = self.blocks.get(w.fields["number"])
            current = None
            if item is not None:
                current = {
                    "number": item.number,
                    "heading": item.heading,
                    "weight_b": item.weight_b,
                    "annual": item.annual_objective.code if item.annual_objective else None,
                }
            change = self._diff(w, current)
            if not write or change.action is Action.UNCHANGED:
                continue
            if item is None:
                item = EntityBlock(cycle=self.cycle, number=w.fields["number"])
                self.blocks[item.number] = item
            item.heading = w.fields["heading"]
            item.weight_b = w.fields["weight_b"]
            if "annual" in w.fields:
                code = w.fields["annual"]
                item.annual_objective = self.annual[code] if code else None
            item.save()

    def _apply_indicators(self, rows: list[Wanted], write: bool) -> None:
        new: list[tuple[Wanted, Indicator]] = []
        updated: list[Indicator] = []
        update_fields: set[str] = set()
        target_rows: list[tuple[Wanted, Indicator]] = []
        for w in rows:
            item = self.indicators.get(w.code)
            current = None
            if item is not None:
                current = {
                    **self._current_indicator(item),
                    "objective": w.fields["objective"],
                    "number": w.fields["number"],  # the code's row: identity, not a field
                    "targets": {
                        year: self.targets[item.pk].get(year) for year in w.fields["targets"]
                    },
                }
            change = self._diff(w, current)
            if not write or change.action is Action.UNCHANGED:
                continue
            f = w.fields
            if item is None:
                target = f["targets"].get(self.cycle.year, "")
                item = Indicator(
                    objective=self.objectives[f["objective"]] if f["objective"] else None,
                    entity_block=self.blocks[f["block"]] if not f["objective"] else None,
                    number=f["number"],
                    direction=f.get("direction") or Indicator.Direction.of_target(target),
                )
                new.append((w, item))
            else:
                updated.append(item)
            for key in ("name", "weight", "kind", "direction", "method", "source"):
                if key in f:
                    setattr(item, key, f[key])
                    update_fields.add(key)
            for key, attribute in (("rule", "scoring_rule"), ("params", "rule_params")):
                if key in f:
                    setattr(item, attribute, f[key])
                    update_fields.add(attribute)
            if "block" in f and not f["objective"]:
                item.entity_block = self.blocks[f["block"]]
                update_fields.add("entity_block")
            target_rows.append((w, item))
        for start in range(0, len(new), BATCH):
            Indicator.objects.bulk_create([i for _unused, i in new[start : start + BATCH]])
            self.progress(self.done, self.book.rows, self._progress_text("Indicatori"))
        if updated:
            Indicator.objects.bulk_update(updated, sorted(update_fields), batch_size=BATCH)
        creates: list[Target] = []
        changes: list[Target] = []
        existing = (
            {
                (t.indicator_id, t.year): t
                for t in cycle_targets(self.cycle).filter(
                    year__in={y for w, _unused in target_rows for y in w.fields["targets"]},
                )
            }
            if updated
            else {}
        )
        for w, item in target_rows:
            for year, text in w.fields["targets"].items():
                old = existing.get((item.pk, year))
                if old is None:
                    creates.append(Target(indicator=item, year=year, text=text))
                elif old.text != text:
                    old.text = text
                    changes.append(old)
        Target.objects.bulk_create(creates, batch_size=BATCH)
        Target.objects.bulk_update(changes, ["text"], batch_size=BATCH)
