"""The fund of a cycle: art. 67 release, distribution, XLSX for payroll, selectivity."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from traguardo.core.cards import presence_factor
from traguardo.core.fund import (
    BandShare,
    Beneficiary,
    Distribution,
    Project,
    Released,
    ReleaseRule,
    Rules,
    band_shares,
    distribute,
    release,
)
from traguardo.core.numbers import HUNDRED, ZERO, NumberFormatError, parse_number
from traguardo.core.results import PlanScore
from traguardo.individual.models import CardScheme, EvaluationConfig, ReportCard
from traguardo.individual.services import card_view
from traguardo.plans.models import Cycle
from traguardo.rewards.models import Beneficiary as BeneficiaryRow
from traguardo.rewards.models import Fund

DEFAULT_BANDS = (("Eccellente", Decimal(95)), ("Adeguata", Decimal(70)), ("Non adeguata", ZERO))


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    released: list[Released]
    released_total: Decimal
    distributable: Decimal
    distribution: Distribution


def fund_report(fund: Fund, plan_score: PlanScore) -> FundReport:
    objectives: dict[int, list[tuple[str, Decimal | None]]] = defaultdict(list)
    for objective in fund.cycle.operational_objectives.exclude(art67_scheda=None).select_related(
        "home_unit"
    ):
        key = f"{objective.home_unit.code}/{objective.number}"
        performance = (
            plan_score.objectives[key].performance if key in plan_score.objectives else None
        )
        assert objective.art67_scheda is not None
        objectives[objective.art67_scheda].append((key, performance))
    projects = [
        Project(p.scheda, p.title, p.value, tuple(objectives.get(p.scheda, ())))
        for p in fund.projects.all()
    ]
    released = release(projects, ReleaseRule(fund.release_rule), fund.release_threshold)
    released_total = sum((r.amount for r in released), ZERO)
    distributable = fund.base_amount + released_total
    rules = Rules(
        threshold=fund.threshold,
        coefficients={k: Decimal(str(v)) for k, v in fund.coefficients.items()},
        top_share=fund.top_share,
        top_bonus=fund.top_bonus,
        cap=fund.cap,
    )
    people = [
        Beneficiary(b.code, b.category, b.score, b.presence) for b in fund.beneficiaries.all()
    ]
    return FundReport(
        fund, released, released_total, distributable, distribute(distributable, people, rules)
    )


def payroll_xlsx(report: FundReport) -> bytes:
    """One sheet for payroll (code, category, score, amount), one with each explanation."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Premi"
    sheet.append(["Matricola", "Categoria", "Punteggio %", "Premio differenziato", "Importo €"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.distribution.allocations:
        sheet.append([row.code, row.category, row.score, "sì" if row.top else "no", row.amount])
        sheet.cell(sheet.max_row, 5).number_format = "#,##0.00"
    sheet.append(["Totale", None, None, None, report.distribution.total])
    sheet.cell(sheet.max_row, 5).number_format = "#,##0.00"
    why = book.create_sheet("Spiegazioni")
    why.append(["Matricola", "Regola", "Calcolo", "Note"])
    for row in report.distribution.allocations:
        e = row.explanation
        why.append([row.code, e.rule, e.formula, "; ".join(e.notes)])
    if report.fund.is_example:
        why.append([])
        why.append(["ATTENZIONE: importi e valutazioni di esempio, non tratti dalla Relazione."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class SelectivityGroup:
    group: str
    count: int
    mean: Decimal | None
    bands: list[BandShare]


def _bands_for(cycle: Cycle) -> list[tuple[str, Decimal]]:
    scheme = CardScheme.objects.filter(cycle=cycle).exclude(bands=[]).first()
    if scheme is None:
        return list(DEFAULT_BANDS)
    return [(b["name"], Decimal(str(b["minimum"]))) for b in scheme.bands]


def selectivity(cycle: Cycle, plan_score: PlanScore) -> list[SelectivityGroup]:
    """Scores by role (evaluated cards) and by staff category (the fund's beneficiaries)."""
    groups: dict[str, list[Decimal | None]] = defaultdict(list)
    for card in ReportCard.objects.filter(cycle=cycle).select_related("cycle"):
        view = card_view(card, plan_score)
        groups[card.get_role_display()].append(view.final.value if view.final else None)
    fund = Fund.objects.filter(cycle=cycle).first()
    if fund is not None:
        for b in fund.beneficiaries.all():
            groups[f"Categoria {b.category}"].append(b.score)
    bands = _bands_for(cycle)
    out = []
    for name, scores in groups.items():
        defined = [s for s in scores if s is not None]
        mean = sum(defined, ZERO) / len(defined) if defined else None
        out.append(SelectivityGroup(name, len(scores), mean, band_shares(scores, bands)))
    return out


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return (
        Cycle.objects.filter(entity_id=cycle.entity_id, year__lt=cycle.year)
        .order_by("-year")
        .first()
    )


@dataclass
class BeneficiaryImport:
    created: int = 0
    errors: list[str] = field(default_factory=list)


BENEFICIARY_COLUMNS = ("matricola", "categoria", "punteggio", "giorni_assenza", "part_time")


def import_beneficiaries(fund: Fund, name: str, content: bytes) -> BeneficiaryImport:
    """Replace the fund's beneficiaries with a CSV/XLSX file, all or nothing.

    Columns: matricola, categoria, punteggio (Italian number, empty = not evaluated), and
    optionally giorni_assenza and part_time (percent): turned into the presence factor by
    the cycle's rules (EvaluationConfig: absences and part time pro rata or not)."""
    from traguardo.staff.services import rows_from_upload

    result = BeneficiaryImport()
    try:
        rows = rows_from_upload(name, content)
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError) as exc:
        result.errors.append(f"{name}: file non leggibile come CSV (UTF-8) o XLSX ({exc})")
        return result
    if not rows:
        result.errors.append(f"{name}: nessuna riga (colonne {', '.join(BENEFICIARY_COLUMNS)})")
        return result
    missing = [c for c in BENEFICIARY_COLUMNS[:3] if c not in rows[0]]
    if missing:
        result.errors.append(f"{name}: colonne mancanti: {', '.join(missing)}")
        return result
    config = EvaluationConfig.objects.filter(cycle_id=fund.cycle_id).first()
    year = fund.cycle.year
    days_in_year = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    known = set(fund.coefficients)
    records: list[BeneficiaryRow] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        where = f"{name}, riga {number}"
        code = row.get("matricola", "")
        if not code or code in seen:
            result.errors.append(f"{where}, colonna matricola: {'ripetuta' if code else 'vuota'}")
        seen.add(code)
        category = row.get("categoria", "")
        if category not in known:
            result.errors.append(
                f"{where}, colonna categoria: «{category}» senza coefficiente "
                f"(previste: {', '.join(sorted(known))})"
            )
        score = _number(row.get("punteggio", ""), where, "punteggio", result.errors, ZERO, HUNDRED)
        absent = _number(
            row.get("giorni_assenza", ""),
            where,
            "giorni_assenza",
            result.errors,
            ZERO,
            Decimal(days_in_year),
        )
        part = _number(
            row.get("part_time", ""), where, "part_time", result.errors, Decimal("0.01"), HUNDRED
        )
        presence = Decimal(1)
        if config is not None and not result.errors:
            presence = (
                presence_factor(
                    days_in_year=days_in_year,
                    days_absent=int(absent or 0) if config.absences_pro_rata else 0,
                    part_time_percent=(part or HUNDRED) if config.part_time_pro_rata else HUNDRED,
                    absence_allowance_days=config.absence_allowance_days,
                ).value
                or ZERO
            )
        records.append(
            BeneficiaryRow(
                fund=fund,
                code=code[:40],
                category=category[:20],
                score=score,
                presence=presence.quantize(Decimal("0.000001"), ROUND_DOWN),
            )
        )
    if result.errors:
        return result
    with transaction.atomic():
        fund.beneficiaries.all().delete()
        BeneficiaryRow.objects.bulk_create(records)
    result.created = len(records)
    return result


def _number(
    text: str, where: str, column: str, errors: list[str], low: Decimal, high: Decimal
) -> Decimal | None:
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = parse_number(text)
    except NumberFormatError:
        errors.append(f"{where}, colonna {column}: «{text}» non è un numero")
        return None
    if not low <= value <= high:
        errors.append(
            f"{where}, colonna {column}: {text} fuori dall'intervallo "
            f"{low.normalize()}–{high.normalize()}"
        )
        return None
    return value
