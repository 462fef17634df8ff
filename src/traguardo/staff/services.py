"""The gender budget of a cycle (for the page and for the Relazione) and the registry import."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from traguardo.audit import recorder
from traguardo.audit.recorder import record_bulk
from traguardo.core.gender import GenderBudget, Headcount, gender_budget
from traguardo.core.tabular import formula_problem
from traguardo.plans.models import Cycle
from traguardo.staff.models import StaffRecord, StaffRole

CATEGORY_ORDER = ("Dirigenti", "D", "C", "B", "A")
AGE_BAND_ORDER = ("fino a 29", "30-44", "45-59", "60 e oltre")
COLUMNS = ("codice", "genere", "categoria", "fascia_eta", "part_time", "ruolo")
YES = {"si", "sì", "s", "yes", "y", "1", "true", "x"}
NO = {"no", "n", "0", "false", ""}


def gender_figures(cycle: Cycle) -> GenderBudget | None:
    """The cycle's gender budget (None without a registry). For the Relazione: `.total`
    has women, men, women_share (tasso di femminilizzazione totale, %) and women_to_men
    (tasso di femminilizzazione); `.by_category`, `.by_age_band` the same per group."""
    rows = [
        Headcount(gender, category, age_band, 1, part_time)
        for gender, category, age_band, part_time in StaffRecord.objects.filter(
            cycle=cycle
        ).values_list("gender", "category", "age_band", "part_time")
    ]
    if not rows:
        return None
    return gender_budget(rows, category_order=CATEGORY_ORDER, age_band_order=AGE_BAND_ORDER)


@dataclass
class ImportResult:
    created: int = 0
    errors: list[str] = field(default_factory=list)


def rows_from_upload(name: str, content: bytes) -> list[dict[str, str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = [
            ["" if v is None else str(v).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else None
        values = [
            [v.strip() for v in row] for row in csv.reader(io.StringIO(text), dialect or csv.excel)
        ]
    if not values:
        return []
    header = [h.lower().replace(" ", "_").replace("à", "a") for h in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]


def formula_errors(name: str, rows: list[dict[str, str]]) -> list[str]:
    """Cells that a spreadsheet would run as formulas, named by file, row and column:
    refused, so that no export of these data can carry them."""
    errors = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        for column, text in row.items():
            problem = formula_problem(text or "")
            if problem:
                errors.append(f"{name}, riga {number}, colonna {column}: {problem}")
    return errors


def import_registry(cycle: Cycle, name: str, content: bytes) -> ImportResult:
    """Replace the cycle's registry with the file's rows, all or nothing: with any error
    nothing is saved and every error is listed with its row and column."""
    result = ImportResult()
    try:
        rows = rows_from_upload(name, content)
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError) as exc:
        result.errors.append(f"{name}: file non leggibile come CSV (UTF-8) o XLSX ({exc})")
        return result
    if not rows:
        result.errors.append(
            f"{name}: nessuna riga di dati (attese le colonne {', '.join(COLUMNS)})"
        )
        return result
    missing = [c for c in COLUMNS[:4] if c not in rows[0]]
    if missing:
        result.errors.append(f"{name}: colonne mancanti: {', '.join(missing)}")
        return result
    result.errors.extend(formula_errors(name, rows))
    records = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{name}, riga {number}"
        code = row.get("codice", "")
        gender = row.get("genere", "").upper()[:1]
        if not code:
            result.errors.append(f"{where}, colonna codice: vuota")
        elif code in seen:
            result.errors.append(f"{where}, colonna codice: «{code}» ripetuto")
        seen.add(code)
        if gender not in ("F", "M"):
            result.errors.append(
                f"{where}, colonna genere: «{row.get('genere', '')}» (atteso F o M)"
            )
        if not row.get("categoria"):
            result.errors.append(f"{where}, colonna categoria: vuota")
        if not row.get("fascia_eta"):
            result.errors.append(f"{where}, colonna fascia_eta: vuota")
        part_time_text = row.get("part_time", "").lower()
        if part_time_text not in YES | NO:
            result.errors.append(f"{where}, colonna part_time: «{part_time_text}» (atteso sì o no)")
        role = row.get("ruolo", "").lower() or StaffRole.STAFF
        if role not in StaffRole.values:
            result.errors.append(
                f"{where}, colonna ruolo: «{role}» (atteso {', '.join(StaffRole.values)})"
            )
        records.append(
            StaffRecord(
                cycle=cycle,
                code=code[:40],
                gender=gender,
                category=row.get("categoria", "")[:20],
                age_band=row.get("fascia_eta", "")[:20],
                part_time=part_time_text in YES,
                role=role,
            )
        )
    if result.errors:
        return result
    fields = ("gender", "category", "age_band", "part_time", "role")
    with transaction.atomic():
        existing = StaffRecord.objects.filter(cycle=cycle)
        before = {r["code"]: r for r in existing.values("code", *fields)}
        removed, _by_model = existing.delete()
        StaffRecord.objects.bulk_create(records)
        after = {r.code: {f: getattr(r, f) for f in fields} for r in records}
        # One entry for the whole file, with what moved person by person (old and new).
        record_bulk(
            f"Importazione dell'anagrafica del personale dal file {name}",
            {
                "staff.staffrecord": {"delete": removed, "create": len(records)},
                "removed": sorted(before.keys() - after.keys()),
                "added": sorted(after.keys() - before.keys()),
                "changed": {
                    code: {
                        f: [before[code][f], after[code][f]]
                        for f in fields
                        if before[code][f] != after[code][f]
                    }
                    for code in sorted(before.keys() & after.keys())
                    if any(before[code][f] != after[code][f] for f in fields)
                },
            },
            cycle=cycle,
        )
    result.created = len(records)
    return result


class DuplicateCode(Exception):
    """The cycle's registry already has a person with this code."""


@transaction.atomic
def add_record(cycle: Cycle, record: StaffRecord) -> StaffRecord:
    """Add one person to the cycle's registry (DuplicateCode if the code is taken)."""
    if StaffRecord.objects.filter(cycle=cycle, code=record.code).exists():
        raise DuplicateCode(record.code)
    record.cycle = cycle
    return recorder.save(record)
