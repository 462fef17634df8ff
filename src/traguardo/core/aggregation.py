"""Means of degrees and performances, with the SMVP's policy for what is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.explanation import SILENT, Explanation
from traguardo.core.i18n import _
from traguardo.core.model import MissingPolicy
from traguardo.core.numbers import ZERO, format_exact, format_it, format_percent
from traguardo.core.rules import Degree, DegreeStatus


@dataclass(frozen=True, slots=True)
class Part:
    label: str
    degree: Degree
    weight: Decimal = Decimal(1)


def effective(
    part: Part, missing: MissingPolicy, unmeasurable: MissingPolicy
) -> tuple[Decimal | None, str]:
    """The value a part contributes (None: left out) and a note on why, if not plain."""
    status = part.degree.status
    if status is DegreeStatus.SCORED:
        return part.degree.value, ""
    if status is DegreeStatus.EXCLUDED:
        return None, _("{label}: senza target nell'anno, escluso dalla media").format(
            label=part.label
        )
    policy = missing if status is DegreeStatus.MISSING else unmeasurable
    what = _("valore mancante") if status is DegreeStatus.MISSING else _("non misurabile")
    if policy is MissingPolicy.ZERO:
        return ZERO, _("{label}: {what}, conta 0 (politica SMVP)").format(
            label=part.label, what=what
        )
    return None, _("{label}: {what}, escluso dalla media (politica SMVP)").format(
        label=part.label, what=what
    )


def weighted_mean(
    subject: str,
    parts: Sequence[Part],
    *,
    missing: MissingPolicy = MissingPolicy.ZERO,
    unmeasurable: MissingPolicy = MissingPolicy.ZERO,
    explain: bool = True,
    rule: str = "",
) -> tuple[Decimal | None, Explanation]:
    """Σ(degree × weight) / Σ weight over the parts that count.

    Undefined (None) when no part counts or the weights that count sum to zero.
    """
    numerator = ZERO
    denominator = ZERO
    terms: list[str] = []
    notes: list[str] = []
    for part in parts:
        value, note = effective(part, missing, unmeasurable)
        if note:
            notes.append(note)
        if value is None:
            continue
        numerator += value * part.weight
        denominator += part.weight
        terms.append(f"{format_it(value, 2)} × {format_exact(part.weight)}")
    result = numerator / denominator if denominator else None
    if not explain:
        return result, SILENT
    shown = format_percent(result) if result is not None else _("non definita")
    formula = (
        f"({' + '.join(terms)}) / {format_exact(denominator)} = {shown}"
        if terms
        else _("nessun elemento valutabile")
    )
    return result, Explanation(
        subject=subject,
        rule=rule or _("media ponderata"),
        formula=formula,
        notes=tuple(notes),
        parts=tuple(p.degree.explanation for p in parts if p.degree.explanation.subject),
    )


def plain_mean(
    subject: str,
    values: Sequence[tuple[str, Decimal | None, Explanation]],
    *,
    explain: bool = True,
    rule: str = "",
) -> tuple[Decimal | None, Explanation]:
    """Arithmetic mean of the defined values; undefined values are listed as left out."""
    defined = [(label, value) for label, value, _unused in values if value is not None]
    result = sum((v for _unused, v in defined), ZERO) / len(defined) if defined else None
    if not explain:
        return result, SILENT
    left_out = tuple(
        _("{label}: non definito, escluso").format(label=label)
        for label, value, _unused in values
        if value is None
    )
    terms = " + ".join(format_it(v, 2) for _unused, v in defined)
    shown = format_percent(result) if result is not None else _("non definita")
    formula = (
        f"({terms}) / {len(defined)} = {shown}" if defined else _("nessun elemento valutabile")
    )
    return result, Explanation(
        subject=subject,
        rule=rule or _("media semplice"),
        formula=formula,
        inputs=tuple((label, format_percent(v)) for label, v in defined),
        notes=left_out,
        parts=tuple(e for _unused_label, _unused_value, e in values if e.subject),
    )
