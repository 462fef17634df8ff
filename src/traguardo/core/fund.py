"""The staff incentive fund (fondo risorse decentrate) and its distribution by score.

Two steps, both exact to the cent:

1. :func:`release`: the part of the fund tied to objectives under art. 67 c. 5 lett. b)
   CCNL Funzioni Locali 21/05/2018 (one "scheda progetto" per group of objectives, each
   with an economic value) is released by the achievement of its objectives, under the
   SMVP's rule (pro rata to the achievement, or all-or-nothing above a threshold).
2. :func:`distribute`: the distributable amount goes to people by points =
   score × category coefficient × presence factor, where the SMVP may turn the score into
   points first (its ``premi``: bands or a piecewise-linear curve, :mod:`core.payout`;
   proportional, the default, keeps the score), with the SMVP's rules: no bonus under
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
from traguardo.core.i18n import _
from traguardo.core.numbers import HUNDRED, ZERO, format_exact, format_it, format_percent
from traguardo.core.payout import Payout

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
            (code, format_percent(p) if p is not None else _("n.d."))
            for code, p in project.objectives
        )
        subject = _("Scheda progetto n. {scheda} — {title}").format(
            scheda=project.scheda, title=project.title
        )
        if not defined:
            out.append(
                Released(
                    project.scheda,
                    project.title,
                    project.value,
                    None,
                    ZERO,
                    Explanation(subject, _("nessun obiettivo valutato"), "0,00 €", inputs),
                )
            )
            continue
        achievement = min(sum((p for _unused, p in defined), ZERO) / len(defined), HUNDRED)
        if rule is ReleaseRule.PROPORTIONAL:
            amount = (project.value * achievement / HUNDRED).quantize(CENT, ROUND_DOWN)
            formula = f"{euro(project.value)} × {format_percent(achievement)} = {euro(amount)}"
            why = _("quota liberata in proporzione al raggiungimento (troncata al centesimo)")
        else:
            amount = project.value if achievement >= threshold else ZERO
            formula = _("{achievement} {sign} soglia {threshold} → {amount}").format(
                achievement=format_percent(achievement),
                sign="≥" if amount else "<",
                threshold=format_percent(threshold),
                amount=euro(amount),
            )
            why = _("quota liberata per intero solo al raggiungimento della soglia")
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
    # The SMVP's step from score to points (default: the score itself). The threshold and
    # the top share still look at the score.
    payout: Payout = field(default_factory=Payout)


@dataclass(frozen=True, slots=True)
class Allocation:
    code: str
    category: str
    score: Decimal | None
    points: Decimal
    top: bool
    amount: Decimal
    explanation: Explanation
    # The points the score is worth under the SMVP's payout, before the coefficients (the
    # score itself when the payout is proportional; 0 without a bonus).
    score_points: Decimal = ZERO


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
        return set(), _("quota {share} di {people} persone: nessun posto").format(
            share=format_percent(share), people=len(ranked)
        )
    chosen = ranked[:seats]
    if seats < len(ranked) and ranked[seats].score == chosen[-1].score:
        tied = chosen[-1].score
        chosen = [b for b in chosen if b.score != tied]
        note = _(
            "{seats} posti; punteggio {score} a pari merito oltre il "
            "limite: escluso tutto il gruppo"
        ).format(seats=seats, score=format_it(tied or ZERO, 2))
        return {b.code for b in chosen}, note
    return {b.code for b in chosen}, _("{seats} posti su {people} persone").format(
        seats=seats, people=len(ranked)
    )


def _why_points(converted: bool, *, top: bool) -> str:
    if converted:
        if top:
            return _(
                "punti = punti dell'SMVP per il punteggio × coefficiente categoria × presenza "
                "× maggiorazione"
            )
        return _("punti = punti dell'SMVP per il punteggio × coefficiente categoria × presenza")
    if top:
        return _("punti = punteggio × coefficiente categoria × presenza × maggiorazione")
    return _("punti = punteggio × coefficiente categoria × presenza")


def distribute(fund: Decimal, people: Sequence[Beneficiary], rules: Rules) -> Distribution:
    """Split `fund` (euro, to the cent) among `people` by points; see the module docstring."""
    if fund < 0 or fund != fund.quantize(CENT):
        raise RulesError(_("importo del fondo non valido: {fund}").format(fund=fund))
    codes = [p.code for p in people]
    if len(set(codes)) != len(codes):
        raise RulesError(_("codici ripetuti tra i beneficiari"))
    missing = sorted({p.category for p in people} - set(rules.coefficients))
    if missing:
        raise RulesError(
            _("nessun coefficiente per la categoria {categories}").format(
                categories=", ".join(missing)
            )
        )
    eligible = [p for p in people if p.score is not None and p.score >= rules.threshold]
    top, top_note = _top_codes(eligible, rules.top_share)
    points: dict[str, Decimal] = {}
    base: dict[str, Decimal] = {}
    for p in eligible:
        factor = (HUNDRED + rules.top_bonus) / HUNDRED if p.code in top else Decimal(1)
        base[p.code] = rules.payout.points_for(p.score or ZERO)
        points[p.code] = base[p.code] * rules.coefficients[p.category] * p.presence * factor

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
    converted = not rules.payout.is_proportional
    for p in people:
        base_inputs = (
            (_("categoria"), p.category),
            (
                _("punteggio"),
                format_percent(p.score) if p.score is not None else _("non valutato"),
            ),
            (_("coefficiente di categoria"), format_exact(rules.coefficients[p.category])),
            (_("coefficiente di presenza"), format_exact(p.presence, 6)),
        )
        subject = _("Premio {code}").format(code=p.code)
        if p.code not in points:
            why = (
                _("non valutato")
                if p.score is None
                else _("punteggio sotto la soglia {threshold}").format(
                    threshold=format_percent(rules.threshold)
                )
            )
            rows.append(
                Allocation(
                    p.code,
                    p.category,
                    p.score,
                    ZERO,
                    False,
                    ZERO,
                    Explanation(subject, _("nessun premio"), f"{why} → 0,00 €", base_inputs),
                )
            )
            continue
        notes = []
        if converted:
            notes.append(rules.payout.step(p.score or ZERO))
        if p.code in top:
            notes.append(
                _("premio differenziato (art. 69 CCNL): punti +{bonus}%").format(
                    bonus=format_exact(rules.top_bonus)
                )
            )
        if p.code in capped:
            formula = _("tetto individuale {cap}").format(cap=euro(rules.cap or ZERO))
            notes.append(_("l'eccedenza oltre il tetto è ripartita tra gli altri"))
        elif p.code not in exact:  # no points (0 under the SMVP's payout, or no presence)
            formula = _("{points} punti → 0,00 €").format(points=format_it(points[p.code], 4))
        else:
            formula = _("{points} punti × quota per punto = {exact} € → {amount}").format(
                points=format_it(points[p.code], 4),
                exact=format_it(exact[p.code], 6),
                amount=euro(amounts[p.code]),
            )
            if p.code in bonus_cent:
                notes.append(_("+0,01 € dal resto degli arrotondamenti (resto più alto)"))
        rows.append(
            Allocation(
                p.code,
                p.category,
                p.score,
                points[p.code],
                p.code in top,
                amounts.get(p.code, ZERO),
                Explanation(
                    subject,
                    _why_points(converted, top=p.code in top),
                    formula,
                    base_inputs,
                    tuple(notes),
                ),
                base[p.code],
            )
        )
    distributed = sum((r.amount for r in rows), ZERO)
    notes = [_("fascia alta: {note}").format(note=top_note)]
    if undistributed:
        notes.append(
            _("non distribuiti {amount} (tutti al tetto o nessuno premiabile)").format(
                amount=euro(undistributed)
            )
        )
        summary = _(
            "{fund} su {points} punti: distribuiti {distributed}, non distribuiti {undistributed}"
        ).format(
            fund=euro(fund),
            points=format_it(total_points, 4),
            distributed=euro(distributed),
            undistributed=euro(undistributed),
        )
    else:
        summary = _("{fund} su {points} punti: distribuiti {distributed}").format(
            fund=euro(fund), points=format_it(total_points, 4), distributed=euro(distributed)
        )
    rule = _("soglia {threshold}, premio differenziato al {share} dei premiati").format(
        threshold=format_percent(rules.threshold), share=format_percent(rules.top_share)
    )
    if converted:
        rule = _("{rule}; punti dal punteggio: {payout}").format(
            rule=rule, payout=rules.payout.describe()
        )
    explanation = Explanation(
        _("Ripartizione del fondo"),
        rule,
        summary,
        (
            (_("fondo distribuibile"), euro(fund)),
            (_("beneficiari premiati"), str(len(points))),
        ),
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
    counts = {name: 0 for name, _unused in ordered}
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
        for n, _unused in ordered
    ]
    if counts_below:
        out.append(
            BandShare(
                _("sotto la fascia più bassa"),
                counts_below,
                Decimal(counts_below) * HUNDRED / total,
            )
        )
    if unrated:
        out.append(BandShare(_("non valutati"), unrated, Decimal(unrated) * HUNDRED / total))
    return out
