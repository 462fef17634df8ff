"""The staff incentive fund (fondo risorse decentrate) and its distribution by score.

Two steps, both exact to the cent:

1. :func:`release`: the part of the fund tied to objectives under art. 67 c. 5 lett. b)
   CCNL Funzioni Locali 21/05/2018 (one "scheda progetto" per group of objectives, each
   with an economic value) is released by the achievement of its objectives, under the
   SMVP's rule (pro rata to the achievement, or all-or-nothing above a threshold).
2. :func:`distribute`: the distributable amount goes to people by points =
   score × category coefficient × presence factor, with the SMVP's rules: no bonus under
   a threshold score; a differentiated bonus (art. 69 CCNL) for a limited top share; a cap
   per person, whose excess goes to the others. Amounts are cut to cents and the cents
   left over are handed out by largest remainder, so the amounts always add up to the
   distributable fund (unless every person is capped: the rest is then an explained saving).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from traguardo.core.explanation import Explanation
from traguardo.core.numbers import HUNDRED, ZERO, format_exact, format_it, format_percent

CENT = Decimal("0.01")


def euro(value: Decimal) -> str:
    return f"{format_it(value, 2)} €"


class ReleaseRule(StrEnum):
    PROPORTIONAL = "proportional"  # released = value × achievement (capped at 100%)
    THRESHOLD = "threshold"  # all of the value at or above the threshold, nothing below


@dataclass(frozen=True, slots=True)
class Project:
    """An art. 67 scheda progetto: its value and the objectives (code, performance) it funds."""

    scheda: int
    title: str
    value: Decimal
    objectives: tuple[tuple[str, Decimal | None], ...]


@dataclass(frozen=True, slots=True)
class Released:
    scheda: int
    title: str
    value: Decimal
    achievement: Decimal | None
    amount: Decimal
    explanation: Explanation


def release(
    projects: Sequence[Project],
    rule: ReleaseRule = ReleaseRule.PROPORTIONAL,
    threshold: Decimal = HUNDRED,
) -> list[Released]:
    """How much of each project's value the achievement of its objectives releases.

    The achievement is the plain mean of its objectives' performance, capped at 100%;
    undefined (nothing released) when no objective has a performance.
    """
    out = []
    for project in projects:
        defined = [(code, p) for code, p in project.objectives if p is not None]
        inputs = tuple(
            (code, format_percent(p) if p is not None else "n.d.") for code, p in project.objectives
        )
        subject = f"Scheda progetto n. {project.scheda} — {project.title}"
        if not defined:
            out.append(
                Released(
                    project.scheda,
                    project.title,
                    project.value,
                    None,
                    ZERO,
                    Explanation(subject, "nessun obiettivo valutato", "0,00 €", inputs),
                )
            )
            continue
        achievement = min(sum((p for _, p in defined), ZERO) / len(defined), HUNDRED)
        if rule is ReleaseRule.PROPORTIONAL:
            amount = (project.value * achievement / HUNDRED).quantize(CENT, ROUND_DOWN)
            formula = f"{euro(project.value)} × {format_percent(achievement)} = {euro(amount)}"
            why = "quota liberata in proporzione al raggiungimento (troncata al centesimo)"
        else:
            amount = project.value if achievement >= threshold else ZERO
            formula = (
                f"{format_percent(achievement)} {'≥' if amount else '<'} soglia "
                f"{format_percent(threshold)} → {euro(amount)}"
            )
            why = "quota liberata per intero solo al raggiungimento della soglia"
        out.append(
            Released(
                project.scheda,
                project.title,
                project.value,
                achievement,
                amount,
                Explanation(subject, why, formula, inputs),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Beneficiary:
    code: str  # the person's payroll or registry code (matricola)
    category: str  # B, C, D, PO …
    score: Decimal | None  # final evaluation score, percent
    presence: Decimal = Decimal(1)  # from core.cards.presence_factor


@dataclass(frozen=True, slots=True)
class Rules:
    threshold: Decimal = Decimal(60)  # no bonus below this score
    coefficients: Mapping[str, Decimal] = field(default_factory=dict)  # category -> coefficient
    top_share: Decimal = Decimal(10)  # percent of beneficiaries with the differentiated bonus
    top_bonus: Decimal = Decimal(30)  # percent more points for them (art. 69: at least 30%)
    cap: Decimal | None = None  # highest amount per person


@dataclass(frozen=True, slots=True)
class Allocation:
    code: str
    category: str
    score: Decimal | None
    points: Decimal
    top: bool
    amount: Decimal
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Distribution:
    fund: Decimal
    allocations: tuple[Allocation, ...]
    undistributed: Decimal  # only when every eligible person is capped (or nobody is eligible)
    explanation: Explanation

    @property
    def total(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)


class RulesError(ValueError):
    pass


def _top_codes(eligible: Sequence[Beneficiary], share: Decimal) -> tuple[set[str], str]:
    """The top `share` percent by score; a tie across the boundary keeps the whole tied
    group out (the share is a ceiling, never exceeded)."""
    ranked = sorted(eligible, key=lambda b: (-(b.score or ZERO), b.code))
    seats = int(Decimal(len(ranked)) * share / HUNDRED)
    if seats == 0:
        return set(), f"quota {format_percent(share)} di {len(ranked)} persone: nessun posto"
    chosen = ranked[:seats]
    if seats < len(ranked) and ranked[seats].score == chosen[-1].score:
        tied = chosen[-1].score
        chosen = [b for b in chosen if b.score != tied]
        note = (
            f"{seats} posti; punteggio {format_it(tied or ZERO, 2)} a pari merito oltre il "
            "limite: escluso tutto il gruppo"
        )
        return {b.code for b in chosen}, note
    return {b.code for b in chosen}, f"{seats} posti su {len(ranked)} persone"


def distribute(fund: Decimal, people: Sequence[Beneficiary], rules: Rules) -> Distribution:
    """Split `fund` (euro, to the cent) among `people` by points; see the module docstring."""
    if fund < 0 or fund != fund.quantize(CENT):
        raise RulesError(f"importo del fondo non valido: {fund}")
    codes = [p.code for p in people]
    if len(set(codes)) != len(codes):
        raise RulesError("codici ripetuti tra i beneficiari")
    missing = sorted({p.category for p in people} - set(rules.coefficients))
    if missing:
        raise RulesError(f"nessun coefficiente per la categoria {', '.join(missing)}")
    eligible = [p for p in people if p.score is not None and p.score >= rules.threshold]
    top, top_note = _top_codes(eligible, rules.top_share)
    points: dict[str, Decimal] = {}
    for p in eligible:
        factor = (HUNDRED + rules.top_bonus) / HUNDRED if p.code in top else Decimal(1)
        points[p.code] = (p.score or ZERO) * rules.coefficients[p.category] * p.presence * factor

    # Shares with caps: whoever the cap binds gets the cap; the rest is shared again among
    # the others, until nobody new is capped.
    capped: dict[str, Decimal] = {}
    exact: dict[str, Decimal] = {}
    while True:
        free = {c: pts for c, pts in points.items() if c not in capped and pts > 0}
        left = fund - sum(capped.values(), ZERO)
        total_points = sum(free.values(), ZERO)
        exact = {c: left * pts / total_points for c, pts in free.items()} if total_points else {}
        over = {c for c, v in exact.items() if rules.cap is not None and v > rules.cap}
        if not over:
            break
        for c in over:
            capped[c] = rules.cap or ZERO

    amounts = {c: v.quantize(CENT, ROUND_DOWN) for c, v in exact.items()}
    amounts.update(capped)
    residue = fund - sum(amounts.values(), ZERO)
    receiving = sorted(
        exact, key=lambda c: (-(exact[c] - amounts[c]), -points[c], c)
    )  # largest remainder first
    bonus_cent: set[str] = set()
    if exact:
        cents = int(residue / CENT)
        for c in receiving[:cents]:
            amounts[c] += CENT
            bonus_cent.add(c)
        residue -= CENT * min(cents, len(receiving))
    undistributed = residue

    rows = []
    total_points = sum(points.values(), ZERO)
    for p in people:
        base_inputs = (
            ("categoria", p.category),
            ("punteggio", format_percent(p.score) if p.score is not None else "non valutato"),
            ("coefficiente di categoria", format_exact(rules.coefficients[p.category])),
            ("coefficiente di presenza", format_exact(p.presence, 6)),
        )
        subject = f"Premio {p.code}"
        if p.code not in points:
            why = (
                "non valutato"
                if p.score is None
                else f"punteggio sotto la soglia {format_percent(rules.threshold)}"
            )
            rows.append(
                Allocation(
                    p.code,
                    p.category,
                    p.score,
                    ZERO,
                    False,
                    ZERO,
                    Explanation(subject, "nessun premio", f"{why} → 0,00 €", base_inputs),
                )
            )
            continue
        notes = []
        if p.code in top:
            notes.append(
                f"premio differenziato (art. 69 CCNL): punti +{format_exact(rules.top_bonus)}%"
            )
        if p.code in capped:
            formula = f"tetto individuale {euro(rules.cap or ZERO)}"
            notes.append("l'eccedenza oltre il tetto è ripartita tra gli altri")
        else:
            formula = (
                f"{format_it(points[p.code], 4)} punti × quota per punto = "
                f"{format_it(exact[p.code], 6)} € → {euro(amounts[p.code])}"
            )
            if p.code in bonus_cent:
                notes.append("+0,01 € dal resto degli arrotondamenti (resto più alto)")
        rows.append(
            Allocation(
                p.code,
                p.category,
                p.score,
                points[p.code],
                p.code in top,
                amounts[p.code],
                Explanation(
                    subject,
                    "punti = punteggio × coefficiente categoria × presenza"
                    + (" × maggiorazione" if p.code in top else ""),
                    formula,
                    base_inputs,
                    tuple(notes),
                ),
            )
        )
    distributed = sum((r.amount for r in rows), ZERO)
    notes = [f"fascia alta: {top_note}"]
    if undistributed:
        notes.append(f"non distribuiti {euro(undistributed)} (tutti al tetto o nessuno premiabile)")
    explanation = Explanation(
        "Ripartizione del fondo",
        f"soglia {format_percent(rules.threshold)}, premio differenziato al "
        f"{format_percent(rules.top_share)} dei premiati",
        f"{euro(fund)} su {format_it(total_points, 4)} punti: distribuiti {euro(distributed)}"
        + (f", non distribuiti {euro(undistributed)}" if undistributed else ""),
        (("fondo distribuibile", euro(fund)), ("beneficiari premiati", str(len(points)))),
        tuple(notes),
    )
    return Distribution(fund, tuple(rows), undistributed, explanation)


# --- selectivity ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BandShare:
    band: str
    count: int
    share: Decimal  # percent of the group


def band_shares(
    scores: Sequence[Decimal | None], bands: Sequence[tuple[str, Decimal]]
) -> list[BandShare]:
    """How many of `scores` fall in each band (name, minimum), highest band first, plus
    "non valutati" for undefined scores when any."""
    ordered = sorted(bands, key=lambda b: b[1], reverse=True)
    counts = {name: 0 for name, _ in ordered}
    counts_below = 0
    unrated = 0
    for score in scores:
        if score is None:
            unrated += 1
            continue
        for name, minimum in ordered:
            if score >= minimum:
                counts[name] += 1
                break
        else:
            counts_below += 1
    total = len(scores)
    out = [
        BandShare(n, counts[n], Decimal(counts[n]) * HUNDRED / total if total else ZERO)
        for n, _ in ordered
    ]
    if counts_below:
        out.append(
            BandShare(
                "sotto la fascia più bassa", counts_below, Decimal(counts_below) * HUNDRED / total
            )
        )
    if unrated:
        out.append(BandShare("non valutati", unrated, Decimal(unrated) * HUNDRED / total))
    return out
