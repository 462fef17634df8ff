"""The fund of a cycle: art. 67 release, distribution, XLSX for payroll, selectivity."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from traguardo.accounts.models import Role
from traguardo.accounts.permissions import has_role_in
from traguardo.audit.recorder import record_bulk
from traguardo.core.cards import presence_factor
from traguardo.core.fund import (
    BandShare,
    Beneficiary,
    Distribution,
    Project,
    Released,
    ReleaseRule,
    Rules,
    RulesError,
    band_shares,
    distribute,
    release,
)
from traguardo.core.numbers import HUNDRED, ZERO, NumberFormatError, parse_number
from traguardo.core.payout import Payout
from traguardo.core.results import PlanScore
from traguardo.core.smvp import SmvpError
from traguardo.core.tabular import neutralise_row
from traguardo.individual.models import (
    CardEvent,
    CardScheme,
    CardState,
    CardStep,
    EvaluationConfig,
    ReportCard,
)
from traguardo.individual.services import card_view
from traguardo.plans.models import Cycle
from traguardo.plans.smvp_settings import cycle_smvp
from traguardo.rewards.models import Beneficiary as BeneficiaryRow
from traguardo.rewards.models import Fund

if TYPE_CHECKING:
    from traguardo.accounts.permissions import User

DEFAULT_BANDS = (("Eccellente", Decimal(95)), ("Adeguata", Decimal(70)), ("Non adeguata", ZERO))


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    released: list[Released]
    released_total: Decimal
    distributable: Decimal
    distribution: Distribution
    payout: Payout = field(default_factory=Payout)  # the SMVP's step from score to points


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
    try:
        payout = cycle_smvp(fund.cycle).payout  # the SMVP's step from score to points
    except SmvpError as exc:
        raise RulesError(f"SMVP del ciclo, {exc}") from None
    rules = Rules(
        threshold=fund.threshold,
        coefficients={k: Decimal(str(v)) for k, v in fund.coefficients.items()},
        top_share=fund.top_share,
        top_bonus=fund.top_bonus,
        cap=fund.cap,
        payout=payout,
    )
    people = [
        Beneficiary(b.code, b.category, b.score, b.presence) for b in fund.beneficiaries.all()
    ]
    return FundReport(
        fund,
        released,
        released_total,
        distributable,
        distribute(distributable, people, rules),
        payout,
    )


def payroll_xlsx(report: FundReport) -> bytes:
    """One sheet for payroll (code, category, score, amount), one with each explanation."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Premi"
    # Every cell through the one neutralise: a matricola "=HYPERLINK(…)" stays text.
    sheet.append(["Matricola", "Categoria", "Punteggio %", "Premio differenziato", "Importo €"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.distribution.allocations:
        sheet.append(
            neutralise_row(
                [row.code, row.category, row.score, "sì" if row.top else "no", row.amount]
            )
        )
        sheet.cell(sheet.max_row, 5).number_format = "#,##0.00"
    sheet.append(["Totale", None, None, None, report.distribution.total])
    sheet.cell(sheet.max_row, 5).number_format = "#,##0.00"
    why = book.create_sheet("Spiegazioni")
    why.append(["Matricola", "Regola", "Calcolo", "Note"])
    for row in report.distribution.allocations:
        e = row.explanation
        why.append(neutralise_row([row.code, e.rule, e.formula, "; ".join(e.notes)]))
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


BENEFICIARY_COLUMNS = (
    "matricola",
    "categoria",
    "punteggio",
    "giorni_assenza",
    "part_time",
    "scheda",
)


def import_beneficiaries(
    fund: Fund, name: str, content: bytes, user: Any = None
) -> BeneficiaryImport:
    """Replace the fund's beneficiaries with a CSV/XLSX file, all or nothing.

    Columns: matricola, categoria, punteggio (Italian number, empty = not evaluated), and
    optionally giorni_assenza and part_time (percent): turned into the presence factor by
    the cycle's rules (EvaluationConfig: absences and part time pro rata or not), and
    scheda: the code of the person's report card, whose evaluated score
    copy_card_scores() brings in."""
    from traguardo.staff.services import formula_errors, rows_from_upload

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
    result.errors.extend(formula_errors(name, rows))
    config = EvaluationConfig.objects.filter(cycle_id=fund.cycle_id).first()
    year = fund.cycle.year
    days_in_year = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    known = set(fund.coefficients)
    cards = {c.key: c for c in ReportCard.objects.filter(cycle_id=fund.cycle_id)}
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
        card_key = row.get("scheda", "").strip()
        if card_key and card_key not in cards:
            result.errors.append(
                f"{where}, colonna scheda: «{card_key}» non è una scheda del ciclo {year}"
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
                card=cards.get(card_key) if card_key else None,
            )
        )
    if result.errors:
        return result
    with transaction.atomic():
        before = {
            code: (category, score)
            for code, category, score in fund.beneficiaries.values_list("code", "category", "score")
        }
        fund.beneficiaries.all().delete()
        BeneficiaryRow.objects.bulk_create(records)
        after = {r.code: (r.category, r.score) for r in records}
        # Bulk writes: one entry says who replaced the list, and what moved.
        record_bulk(
            f"Beneficiari del fondo {year} sostituiti dal file «{name}»",
            {
                "file": name,
                "before": len(before),
                "after": len(after),
                "removed": sorted(before.keys() - after.keys()),
                "added": sorted(after.keys() - before.keys()),
                "changed": {
                    code: {
                        "old": [before[code][0], _text(before[code][1])],
                        "new": [after[code][0], _text(after[code][1])],
                    }
                    for code in sorted(before.keys() & after.keys())
                    if before[code] != after[code]
                },
            },
            cycle=fund.cycle,
            user=user,
        )
    result.created = len(records)
    return result


def _text(score: Decimal | None) -> str | None:
    return None if score is None else str(score)


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


# --- evaluated card scores into the fund ------------------------------------------------

# States after the final evaluation whose score stands. A card in conciliation is left out:
# its score may still change with the decision.
SETTLED_STATES = frozenset(
    {
        CardState.EVALUATED,
        CardState.EVALUATION_ACKNOWLEDGED,
        CardState.APPEAL_DECIDED,
        CardState.CLOSED,
    }
)
SCORE_PLACES = Decimal("0.0001")  # Beneficiary.score's decimal places


class CopyRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ScoreChange:
    code: str
    card: str
    old: Decimal | None
    new: Decimal


@dataclass
class ScoreCopy:
    changed: list[ScoreChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # codes already holding the score
    skipped: list[str] = field(default_factory=list)  # "code: why" (card not evaluated…)
    unlinked: int = 0  # beneficiaries with no report card: untouched


def evaluated_score(card: ReportCard, plan_score: PlanScore | None) -> Decimal | None:
    """The final score recorded at the card's last evaluation; if the evaluation was
    recorded without one, the score the card computes now."""
    event = (
        CardEvent.objects.filter(card=card, step=CardStep.EVALUATE)
        .exclude(final_score=None)
        .order_by("-on", "-id")
        .first()
    )
    if event is not None:
        return event.final_score
    if plan_score is None:
        return None
    view = card_view(card, plan_score)
    return view.final.value if view.final else None


@transaction.atomic
def copy_card_scores(fund: Fund, user: User, plan_score: PlanScore | None = None) -> ScoreCopy:
    """Fill or update each beneficiary's score from their evaluated report card.

    Beneficiaries without a card, or whose card is not evaluated yet (or is in
    conciliation), are left untouched. What changed goes to the audit trail as one entry
    (old → new per person). Only the performance office; never on a published cycle (the
    Relazione already states the bonuses)."""
    cycle = fund.cycle
    if not has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE):
        raise CopyRefused("Solo la struttura tecnica aggiorna i punteggi dei beneficiari.")
    if cycle.is_published:
        raise CopyRefused(
            f"Il ciclo {cycle.year} è pubblicato: i punteggi del fondo non si modificano più."
        )
    result = ScoreCopy()
    rows = fund.beneficiaries.select_related("card", "card__process").order_by("code")
    for row in rows.select_for_update(of=("self",)):
        card = row.card
        if card is None:
            result.unlinked += 1
            continue
        process = getattr(card, "process", None)
        state = CardState(process.state if process else CardState.DRAFT)
        if state not in SETTLED_STATES:
            result.skipped.append(f"{row.code}: scheda {card.key} «{state.label}»")
            continue
        score = evaluated_score(card, plan_score)
        if score is None:
            result.skipped.append(f"{row.code}: scheda {card.key} senza punteggio finale")
            continue
        new = score.quantize(SCORE_PLACES, ROUND_HALF_UP)
        if row.score == new:
            result.unchanged.append(row.code)
            continue
        result.changed.append(ScoreChange(row.code, card.key, row.score, new))
        row.score = new
        row.save(update_fields=["score"])
    if result.changed:
        record_bulk(
            f"Punteggi dei beneficiari del fondo {cycle.year} copiati dalle schede valutate",
            {
                "beneficiari": {
                    c.code: {
                        "scheda": c.card,
                        "old": str(c.old) if c.old is not None else None,
                        "new": str(c.new),
                    }
                    for c in result.changed
                }
            },
            cycle=cycle,
            user=user,
        )
    return result
