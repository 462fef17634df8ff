"""Means of degrees and performances, with the SMVP's policy for what is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.explanation import SILENT, Explanation
from traguardo.core.i18n import _
from traguardo.core.levels import METHOD_LABELS, Method
from traguardo.core.model import MissingPolicy
from traguardo.core.numbers import HUNDRED, ZERO, format_exact, format_it, format_percent
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


# A part of a level above the indicators: its label, its figure (None: left out), its
# explanation and its weight (1 where the level has no weights).
Item = tuple[str, Decimal | None, Explanation, Decimal]


def combine(
    subject: str,
    method: Method,
    items: Sequence[Item],
    *,
    explain: bool = True,
    rule: str = "",
    factor: Decimal = Decimal(1),
    notes: tuple[str, ...] = (),
) -> tuple[Decimal | None, Explanation]:
    """A level's figure from its parts by the SMVP's method; undefined parts are left out.

    Undefined (None) when no part is defined, or when the weights that count sum to zero
    for a weighted mean."""
    if method is Method.MEAN and not notes:
        return plain_mean(
            subject, [(label, v, e) for label, v, e, _w in items], explain=explain, rule=rule
        )
    defined = [(label, v, w) for label, v, _e, w in items if v is not None]
    result: Decimal | None = None
    if defined:
        if method is Method.MEAN:
            result = sum((v for _l, v, _w in defined), ZERO) / len(defined)
        elif method is Method.WEIGHTED_MEAN:
            total = sum((w for _l, _v, w in defined), ZERO)
            result = sum((v * w for _l, v, w in defined), ZERO) / total if total else None
        elif method is Method.WEIGHTED_SUM:
            result = sum((v * w for _l, v, w in defined), ZERO) / HUNDRED
        elif method is Method.MINIMUM:
            result = min(v for _l, v, _w in defined)
        else:  # FIXED_TOTAL
            result = sum((v for _l, v, _w in defined), ZERO) * factor
    if not explain:
        return result, SILENT
    shown = format_exact(result) if result is not None else _("non definita")
    if not defined:
        formula = _("nessun elemento valutabile")
    elif method is Method.MEAN:
        terms = " + ".join(format_it(v, 2) for _l, v, _w in defined)
        formula = f"({terms}) / {len(defined)} = {shown}"
    elif method is Method.WEIGHTED_MEAN:
        terms = " + ".join(f"{format_it(v, 2)} × {format_exact(w)}" for _l, v, w in defined)
        total_shown = format_exact(sum((w for _l, _v, w in defined), ZERO))
        formula = f"({terms}) / {total_shown} = {shown}"
    elif method is Method.WEIGHTED_SUM:
        terms = " + ".join(f"{format_it(v, 2)} × {format_exact(w)}" for _l, v, w in defined)
        formula = f"({terms}) / 100 = {shown}"
    elif method is Method.MINIMUM:
        formula = f"min({'; '.join(format_it(v, 2) for _l, v, _w in defined)}) = {shown}"
    else:
        terms = " + ".join(format_it(v, 2) for _l, v, _w in defined)
        formula = f"({terms}) × {format_exact(factor)} = {shown}"
    left_out = tuple(
        _("{label}: non definito, escluso").format(label=label)
        for label, value, _e, _w in items
        if value is None
    )
    return result, Explanation(
        subject=subject,
        rule=rule or _(METHOD_LABELS[method]),
        formula=formula,
        inputs=tuple((label, format_exact(v)) for label, v, _w in defined),
        notes=notes + left_out,
        parts=tuple(e for _l, _v, e, _w in items if e.subject),
    )


def combine_parts(
    subject: str,
    method: Method,
    parts: Sequence[Part],
    *,
    missing: MissingPolicy = MissingPolicy.ZERO,
    unmeasurable: MissingPolicy = MissingPolicy.ZERO,
    explain: bool = True,
    factor: Decimal = Decimal(1),
) -> tuple[Decimal | None, Explanation]:
    """Indicator degrees combined by `method`, with the SMVP's policy for what is missing.

    The weighted mean is :func:`weighted_mean` itself (Treviso-Belluno's figures and
    wording); the other methods count each part as :func:`effective` says."""
    if method is Method.WEIGHTED_MEAN:
        return weighted_mean(
            subject, parts, missing=missing, unmeasurable=unmeasurable, explain=explain
        )
    items: list[Item] = []
    notes: list[str] = []
    for part in parts:
        value, note = effective(part, missing, unmeasurable)
        if note:
            notes.append(note)
        if value is None and part.degree.status is not DegreeStatus.SCORED:
            continue  # left out by policy: already noted, not "non definito"
        items.append((part.label, value, part.degree.explanation, part.weight))
    return combine(
        subject,
        method,
        items,
        explain=explain,
        factor=factor,
        notes=tuple(notes) if explain else (),
    )
