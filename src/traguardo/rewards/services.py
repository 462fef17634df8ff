"""The fund of a cycle: art. 67 release, distribution, XLSX for payroll, selectivity."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

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
from traguardo.core.numbers import ZERO
from traguardo.core.results import PlanScore
from traguardo.individual.models import CardScheme, ReportCard
from traguardo.individual.services import card_view
from traguardo.plans.models import Cycle
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
