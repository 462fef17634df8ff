"""Load the YAML cycle files of ``data/<year>/`` into records and a scoring plan.

Pure Python (no Django): the same records feed the database importer and, directly,
the scoring engine, so tests can prove that both paths give the same figures. Every
problem is reported as a :class:`FixtureError` naming the file, the place inside it and
what was expected; all problems are collected before raising, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from traguardo.core.model import (
    Block,
    Card,
    CardObjective,
    Derivation,
    DerivedValue,
    Indicator,
    MissingPolicy,
    Objective,
    Plan,
    Role,
    Smvp,
    SynthesisRow,
    Unit,
    UnitKind,
    tree_order,
)
from traguardo.core.numbers import NumberFormatError, parse_number
from traguardo.core.readings import TargetFormatError, parse_target
from traguardo.core.rules import RuleConfigError, build_rule
from traguardo.yamlfiles import read_yaml

DATA = Path(__file__).parent / "data"


class FixtureError(ValueError):
    """One or more problems in the cycle files; ``problems`` lists them all."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class IndicatorRecord:
    key: str  # "<objective>#<row>" or "B<number>"
    number: int  # as printed ("1)")
    name: str
    targets: dict[int, str]  # year -> target as written
    value: str  # 31.12 value as written
    weight: Decimal
    comment: str = ""
    method: str = ""
    source: str = ""
    type: str = ""
    art67: bool = False
    phase: str = ""
    annual_objective: str | None = None
    printed_degree: str | None = None
    note: str = ""
    weight_reason: str = ""  # set when corrections.yaml supplied the weight


@dataclass
class Assignment:
    unit: str
    number: int
    printed_performance: str | None


@dataclass
class ObjectiveRecord:
    key: str
    unit: str
    number: int
    title: str
    category: str
    indicators: list[IndicatorRecord]
    assignments: list[Assignment] = field(default_factory=list)
    transversal: str = ""
    description: str = ""
    work_programme: str = ""
    art67_scheda: int | None = None
    biennial: tuple[int, int] | None = None
    revised_by: int | None = None
    annual_objectives: list[str] = field(default_factory=list)
    printed_performance: str | None = None
    target_header: str = ""
    note: str = ""


@dataclass
class BlockRecord:
    number: int
    heading: str
    annual_objective: str | None
    weight_b: Decimal
    indicators: list[IndicatorRecord]
    printed_achievement: str = ""
    printed_result: str = ""
    note: str = ""


@dataclass
class UnitRecord:
    code: str
    kind: UnitKind
    name: str
    parent: str | None
    short: str = ""
    note: str = ""


@dataclass
class CardObjectiveRecord:
    number: int
    ref: str
    title: str
    kind: str = ""
    printed_performance: str | None = None
    description: str = ""
    results: str = ""
    printed_indicators: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class SynthesisRecord:
    label: str
    objectives: tuple[int, ...]
    printed: str


@dataclass
class CardRecord:
    key: str
    role: Role
    title: str
    units: tuple[str, ...]
    person: str
    objectives: list[CardObjectiveRecord]
    synthesis: list[SynthesisRecord]
    rotation: dict[str, Any] | None = None
    note: str = ""


@dataclass
class DemoCycle:
    year: int
    folder: Path
    cycle: dict[str, Any]
    tree: list[dict[str, Any]]
    units: list[UnitRecord]
    posts: list[dict[str, Any]]
    objectives: list[ObjectiveRecord]
    blocks: list[BlockRecord]
    cards: list[CardRecord]
    smvp: Smvp
    derived: dict[str, DerivedValue]
    entity_printed_total: str

    @property
    def entity_name(self) -> str:
        return str(self.cycle.get("entity", {}).get("name", ""))

    def objective(self, key: str) -> ObjectiveRecord:
        for objective in self.objectives:
            if objective.key == key:
                return objective
        raise KeyError(key)

    def plan(self) -> Plan:
        """The scoring view of the cycle."""
        year = self.year

        def indicator(record: IndicatorRecord) -> Indicator:
            return Indicator(
                key=record.key,
                number=record.number,
                name=record.name,
                target=record.targets.get(year, ""),
                value=record.value,
                weight=record.weight,
                derived=self.derived.get(record.key),
            )

        return Plan(
            entity=self.entity_name,
            year=year,
            units=tuple(Unit(u.code, u.kind, u.name, u.parent, u.short) for u in self.units),
            blocks=tuple(
                Block(b.number, b.heading, b.weight_b, tuple(indicator(i) for i in b.indicators))
                for b in self.blocks
            ),
            objectives=tuple(
                Objective(
                    o.key,
                    o.unit,
                    o.number,
                    o.title,
                    tuple(indicator(i) for i in o.indicators),
                    tuple((a.unit, a.number) for a in o.assignments),
                )
                for o in self.objectives
            ),
            cards=tuple(
                Card(
                    c.key,
                    c.role,
                    c.title,
                    c.units,
                    tuple(CardObjective(o.number, o.ref) for o in c.objectives),
                    tuple(SynthesisRow(s.label, s.objectives) for s in c.synthesis),
                )
                for c in self.cards
            ),
            smvp=self.smvp,
        )


# ---------------------------------------------------------------------------------------
class _Reader:
    """Collects problems with their place instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def load(self, path: Path) -> Any:
        try:
            return read_yaml(path)
        except FileNotFoundError:
            self.fail(str(path), "file mancante")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            place = f" riga {mark.line + 1}, colonna {mark.column + 1}" if mark else ""
            self.fail(f"{path.name}{place}", f"YAML non valido: {getattr(exc, 'problem', exc)}")
        return None

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(where, f"campo «{key}» mancante")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.fail(where, f"campo «{key}»: atteso un testo, trovato {type(value).__name__}")
            return ""
        return value.strip()

    def integer(
        self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True
    ) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(where, f"campo «{key}» mancante (atteso un numero intero)")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"campo «{key}»: atteso un numero intero, trovato «{value}»")
            return None
        return value

    def decimal(self, value: Any, where: str, key: str) -> Decimal | None:
        if isinstance(value, bool) or value is None:
            self.fail(where, f"campo «{key}»: atteso un numero, trovato «{value}»")
            return None
        try:
            return parse_number(str(value)) if not isinstance(value, int) else Decimal(value)
        except NumberFormatError as exc:
            self.fail(where, f"campo «{key}»: {exc}")
            return None

    def items(self, data: Any, key: str, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
        values = data.get(key) if isinstance(data, dict) else None
        if not isinstance(values, list):
            self.fail(where, f"campo «{key}»: attesa una lista")
            return
        for position, item in enumerate(values, start=1):
            if not isinstance(item, dict):
                self.fail(f"{where}, {key}[{position}]", "atteso un elenco di campi")
                continue
            yield position, item


def load_cycle(year: int = 2019, folder: Path | None = None) -> DemoCycle:
    """Read and validate every file of a cycle; raise :class:`FixtureError` listing all problems."""
    base = folder or DATA / str(year)
    if not base.is_dir():
        raise FixtureError([f"{base}: cartella del ciclo {year} non trovata"])
    r = _Reader()
    cycle = r.load(base / "cycle.yaml") or {}
    tree_data = r.load(base / "tree.yaml") or {}
    corrections = r.load(base / "corrections.yaml") or {}
    weight_fixes = (
        {
            str(fix.get("indicator")): (fix.get("weight"), str(fix.get("reason", "")))
            for _, fix in r.items(corrections, "weights", "corrections.yaml")
        }
        if corrections
        else {}
    )

    units = _units(r, base)
    unit_codes = {u.code for u in units}
    objectives = _objectives(r, base, unit_codes, weight_fixes, year)
    blocks, printed_total = _blocks(r, base / "entity.yaml", year)
    # A card may name an objective by where it sits ("2.1/3") rather than where it is
    # defined ("2.3/3"): resolve through the assignments.
    aliases = {f"{a.unit}/{a.number}": o.key for o in objectives for a in o.assignments}
    aliases.update({o.key: o.key for o in objectives})
    cards = _cards(r, base, aliases, unit_codes)
    smvp, derived = _smvp(r, base / "smvp.yaml", objectives)
    posts = [
        item
        for _, item in r.items(
            r.load(base / "organisation.yaml") or {}, "posts", "organisation.yaml"
        )
    ]
    if r.problems:
        raise FixtureError(r.problems)
    return DemoCycle(
        year=year,
        folder=base,
        cycle=cycle,
        tree=list(tree_data.get("strategic", [])),
        units=units,
        posts=posts,
        objectives=objectives,
        blocks=blocks,
        cards=cards,
        smvp=smvp,
        derived=derived,
        entity_printed_total=printed_total,
    )


def _units(r: _Reader, base: Path) -> list[UnitRecord]:
    units: list[UnitRecord] = []
    files = [base / "organisation.yaml", *sorted(base.glob("units-*.yaml"))]
    seen: dict[str, str] = {}
    for path in files:
        data = r.load(path) or {}
        for position, item in r.items(data, "units", path.name):
            where = f"{path.name}, unità n. {position}"
            code = r.text(item, "code", where)
            kind_text = r.text(item, "kind", where)
            try:
                kind = UnitKind(kind_text)
            except ValueError:
                kinds = ", ".join(k.value for k in UnitKind)
                r.fail(where, f"tipo «{kind_text}» non valido (attesi: {kinds})")
                continue
            if code in seen:
                if seen[code] != path.name:
                    continue  # listed twice (organisation.yaml and a transcriber): the first wins
                r.fail(where, f"codice unità «{code}» duplicato")
                continue
            seen[code] = path.name
            units.append(
                UnitRecord(
                    code,
                    kind,
                    r.text(item, "name", where),
                    item.get("parent"),
                    r.text(item, "short", where, required=False),
                    r.text(item, "note", where, required=False),
                )
            )
    codes = {u.code for u in units}
    for unit in units:
        if unit.parent is not None and unit.parent not in codes:
            r.fail(f"unità {unit.code}", f"unità madre «{unit.parent}» sconosciuta")
    # A parent chain that loops would make the tree infinite.
    parents = {u.code: u.parent for u in units}
    for unit in units:
        chain: set[str] = set()
        current: str | None = unit.code
        while current is not None and current in parents:
            if current in chain:
                r.fail(f"unità {unit.code}", "la catena delle unità madri forma un ciclo")
                break
            chain.add(current)
            current = parents[current]
    return tree_order(units, lambda u: u.code, lambda u: u.parent)


def _indicator(
    r: _Reader,
    item: dict[str, Any],
    where: str,
    key: str,
    year: int,
    weight_fixes: Mapping[str, tuple[Any, str]],
) -> IndicatorRecord | None:
    number = r.integer(item, "number", where)
    name = r.text(item, "name", where)
    if "targets" in item:
        raw_targets = item["targets"] if isinstance(item["targets"], dict) else {}
        targets = {int(y): str(t).strip() for y, t in raw_targets.items()}
    else:
        targets = {year: r.text(item, "target", where)}
    for target_year, text in targets.items():
        try:
            parse_target(text)
        except TargetFormatError as exc:
            r.fail(f"{where}, target {target_year}", str(exc))
    raw_weight = item.get("weight")
    reason = ""
    if raw_weight is None and key in weight_fixes:
        raw_weight, reason = weight_fixes[key]
    weight = r.decimal(raw_weight, where, "weight")
    if weight is not None and not Decimal(0) <= weight <= Decimal(100):
        r.fail(where, f"peso {weight} fuori dall'intervallo 0-100")
    if number is None or weight is None:
        return None
    return IndicatorRecord(
        key=key,
        number=number,
        name=name,
        targets=targets,
        value=r.text(item, "value", where, required=False),
        weight=weight,
        comment=r.text(item, "comment", where, required=False),
        method=r.text(item, "method", where, required=False),
        source=r.text(item, "source", where, required=False),
        type=r.text(item, "type", where, required=False),
        art67=bool(item.get("art67", False)),
        phase=r.text(item, "phase", where, required=False),
        annual_objective=item.get("annual_objective"),
        printed_degree=item.get("printed_degree"),
        note=r.text(item, "note", where, required=False),
        weight_reason=reason,
    )


def _objectives(
    r: _Reader,
    base: Path,
    unit_codes: set[str],
    weight_fixes: Mapping[str, tuple[Any, str]],
    year: int,
) -> list[ObjectiveRecord]:
    defined: dict[str, ObjectiveRecord] = {}
    references: list[
        tuple[str, str, str, int, str | None]
    ] = []  # (where, ref, unit, number, printed)
    for path in sorted(base.glob("operational-*.yaml")):
        data = r.load(path) or {}
        for _, block in r.items(data, "units", path.name):
            unit = str(block.get("unit", ""))
            where_unit = f"{path.name}, unità {unit}"
            if unit not in unit_codes:
                r.fail(where_unit, f"codice unità «{unit}» sconosciuto")
                continue
            also = [str(u) for u in block.get("also_units") or []]
            for _, item in r.items(block, "objectives", where_unit):
                number = r.integer(item, "number", where_unit)
                if number is None:
                    continue
                where = f"{where_unit}, obiettivo {number}"
                printed = item.get("printed_performance")
                if item.get("same_as"):
                    references.append((where, str(item["same_as"]), unit, number, printed))
                    continue
                key = f"{unit}/{number}"
                if key in defined:
                    r.fail(where, f"obiettivo «{key}» definito due volte")
                    continue
                indicators = []
                for row, ind in r.items(item, "indicators", where):
                    record = _indicator(
                        r,
                        ind,
                        f"{where}, indicatore {ind.get('number', row)}",
                        f"{key}#{row}",
                        year,
                        weight_fixes,
                    )
                    if record is not None:
                        indicators.append(record)
                biennial = item.get("biennial")
                objective = ObjectiveRecord(
                    key=key,
                    unit=unit,
                    number=number,
                    title=r.text(item, "title", where),
                    category=r.text(item, "category", where),
                    indicators=indicators,
                    assignments=[Assignment(unit, number, printed)]
                    + [Assignment(extra, number, printed) for extra in also],
                    transversal=r.text(item, "transversal", where, required=False),
                    description=r.text(item, "description", where, required=False),
                    work_programme=r.text(item, "work_programme", where, required=False),
                    art67_scheda=r.integer(item, "art67_scheda", where, required=False),
                    biennial=(int(biennial["year"]), int(biennial["of"]))
                    if isinstance(biennial, dict)
                    else None,
                    revised_by=r.integer(item, "revised_by", where, required=False),
                    annual_objectives=[str(a) for a in item.get("annual_objectives") or []],
                    printed_performance=printed,
                    target_header=r.text(item, "target_header", where, required=False),
                    note=r.text(item, "note", where, required=False),
                )
                total = sum((i.weight for i in indicators), Decimal(0))
                if indicators and total != 100:
                    r.fail(where, f"i pesi degli indicatori sommano a {total}, attesi 100")
                defined[key] = objective
    for where, ref, unit, number, printed in references:
        target = defined.get(ref)
        if target is None:
            r.fail(where, f"«same_as: {ref}» rimanda a un obiettivo inesistente")
            continue
        target.assignments.append(Assignment(unit, number, printed))
    return list(defined.values())


def _blocks(r: _Reader, path: Path, year: int) -> tuple[list[BlockRecord], str]:
    data = r.load(path) or {}
    blocks: list[BlockRecord] = []
    numbers: set[int] = set()
    for position, item in r.items(data, "blocks", path.name):
        where = f"{path.name}, blocco {item.get('number', position)}"
        weight = r.decimal(item.get("weight_b"), where, "weight_b")
        indicators = []
        for _, ind in r.items(item, "indicators", where):
            number = int(ind.get("number") or 0)
            if number in numbers:
                r.fail(where, f"indicatore n. {number} ripetuto")
            numbers.add(number)
            record = _indicator(r, ind, f"{where}, indicatore {number}", f"B{number}", year, {})
            if record is not None:
                indicators.append(record)
        if weight is None:
            continue
        blocks.append(
            BlockRecord(
                number=int(item.get("number", position)),
                heading=r.text(item, "heading", where),
                annual_objective=item.get("annual_objective"),
                weight_b=weight,
                indicators=indicators,
                printed_achievement=str(item.get("printed_achievement", "")),
                printed_result=str(item.get("printed_result", "")),
                note=r.text(item, "note", where, required=False),
            )
        )
    return blocks, str(data.get("printed_total", ""))


def _cards(
    r: _Reader, base: Path, aliases: Mapping[str, str], unit_codes: set[str]
) -> list[CardRecord]:
    cards: list[CardRecord] = []
    for path in sorted(base.glob("cards-*.yaml")):
        data = r.load(path) or {}
        for _, item in r.items(data, "cards", path.name):
            key = r.text(item, "key", path.name)
            where = f"{path.name}, scheda {key}"
            try:
                role = Role(r.text(item, "role", where))
            except ValueError:
                r.fail(where, f"ruolo «{item.get('role')}» non valido")
                continue
            units = tuple(str(u) for u in item.get("units") or [])
            for unit in units:
                if unit not in unit_codes:
                    r.fail(where, f"unità «{unit}» sconosciuta")
            objectives = []
            for _, obj in r.items(item, "objectives", where):
                number = r.integer(obj, "number", where) or 0
                printed_ref = str(obj.get("ref", ""))
                if printed_ref not in aliases:
                    r.fail(
                        f"{where}, obiettivo {number}",
                        f"«ref: {printed_ref}» non è un obiettivo dell'Allegato C",
                    )
                    continue
                ref = aliases[printed_ref]
                objectives.append(
                    CardObjectiveRecord(
                        number=number,
                        ref=ref,
                        title=r.text(obj, "title", where),
                        kind=r.text(obj, "kind", where, required=False),
                        printed_performance=obj.get("printed_performance"),
                        description=r.text(obj, "description", where, required=False),
                        results=r.text(obj, "results", where, required=False),
                        printed_indicators=list(obj.get("indicators") or []),
                        note=r.text(obj, "note", where, required=False),
                    )
                )
            numbers = {o.number for o in objectives}
            synthesis = []
            for _, row in r.items(item, "synthesis", where):
                listed = tuple(int(n) for n in row.get("objectives") or [])
                missing = [n for n in listed if n not in numbers]
                if missing:
                    r.fail(f"{where}, sintesi", f"obiettivi {missing} non presenti nella scheda")
                    continue
                synthesis.append(
                    SynthesisRecord(
                        r.text(row, "label", where), listed, str(row.get("printed", ""))
                    )
                )
            cards.append(
                CardRecord(
                    key=key,
                    role=role,
                    title=r.text(item, "title", where),
                    units=units,
                    person=r.text(item, "person", where, required=False),
                    objectives=objectives,
                    synthesis=synthesis,
                    rotation=item.get("rotation"),
                    note=r.text(item, "note", where, required=False),
                )
            )
    return cards


def _smvp(
    r: _Reader, path: Path, objectives: list[ObjectiveRecord]
) -> tuple[Smvp, dict[str, DerivedValue]]:
    data = r.load(path) or {}
    params = dict(data.get("params") or {})
    rule = str(data.get("rule", "smvp"))
    try:
        build_rule(rule, params)
    except RuleConfigError as exc:
        r.fail(path.name, str(exc))
    try:
        smvp = Smvp(
            rule,
            params,
            MissingPolicy(data.get("missing_value", "zero")),
            MissingPolicy(data.get("not_measurable", "zero")),
        )
    except ValueError as exc:
        r.fail(path.name, f"politica non valida: {exc}")
        smvp = Smvp()
    indicator_keys = {i.key for o in objectives for i in o.indicators}
    derived: dict[str, DerivedValue] = {}
    for position, item in r.items(data, "derived", path.name):
        where = f"{path.name}, derived[{position}]"
        key = str(item.get("indicator", ""))
        if key not in indicator_keys:
            r.fail(where, f"indicatore «{key}» inesistente (forma attesa: «2.1/1#2»)")
            continue
        try:
            kind = Derivation(str(item.get("kind")))
            kinds = tuple(UnitKind(k) for k in item.get("unit_kinds") or [])
        except ValueError as exc:
            r.fail(where, str(exc))
            continue
        scope = item.get("scope", "all")
        if scope not in ("all", "leaves"):
            r.fail(where, f"«scope: {scope}» non valido (attesi «all» o «leaves»)")
        derived[key] = DerivedValue(kind, str(item.get("of", "")), kinds, scope == "leaves")
    return smvp, derived
