"""Are the targets challenging? The OIV's check on targets already reached or far exceeded.

LG 3/2018 asks the OIV to look at the deviation between planned and achieved results; a
target that the actual value already meets before its year starts, or exceeds by a wide
margin, is not challenging (the 2019 OIV of Treviso-Belluno "ha suggerito l'individuazione
di target più sfidanti"). Two findings:

- ALREADY_MET: a target for a year after the actual value's year that the actual value
  already meets (the 2020 and 2021 targets of the three-year plan against the 2019 actual);
- WIDE_MARGIN: a target of the actual value's own year exceeded by at least `margin`
  (default 120%): actual / target for higher-is-better targets, target / actual for
  lower-is-better ones. (Later targets met by a wide margin are ALREADY_MET findings
  with their ratio, not listed twice.)

Only numeric thresholds are analysed (>=, >, =, <=, <, a bare number); "=" reads as "at
least", as in the entity's SMVP. Yes/no, ranges, aggregates and "===" are skipped: they
cannot be made more demanding by raising a number. A percentage target already at 100%
is reported with `at_ceiling`: it cannot be raised, only replaced by another indicator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from traguardo.core.i18n import _
from traguardo.core.readings import (
    Reading,
    Target,
    TargetFormatError,
    TargetKind,
    parse_reading,
    parse_target,
)

DEFAULT_MARGIN = Decimal("1.20")
_HIGHER = {TargetKind.AT_LEAST, TargetKind.MORE_THAN, TargetKind.EQUAL}
_LOWER = {TargetKind.AT_MOST, TargetKind.LESS_THAN}
_HUNDRED = Decimal(100)


class FindingKind(StrEnum):
    ALREADY_MET = "already_met"
    WIDE_MARGIN = "wide_margin"


@dataclass(frozen=True, slots=True)
class TargetActual:
    """One indicator's target for `target_year` and its actual value for `actual_year`."""

    key: str  # how the caller names the indicator ("B14", "2.1/1#2")
    label: str
    target_year: int
    target_text: str
    actual_year: int
    actual_text: str


@dataclass(frozen=True, slots=True)
class Finding:
    item: TargetActual
    kind: FindingKind
    target: Decimal
    actual: Decimal
    ratio: Decimal | None  # how many times the actual covers the target (>= 1 when met)
    at_ceiling: bool


def _meets(target: Target, actual: Decimal) -> bool:
    assert target.low is not None
    match target.kind:
        case TargetKind.MORE_THAN:
            return actual > target.low
        case TargetKind.LESS_THAN:
            return actual < target.low
        case TargetKind.AT_MOST:
            return actual <= target.low
        case _:
            return actual >= target.low


def _ratio(target: Target, actual: Decimal) -> Decimal | None:
    """actual/target (higher is better) or target/actual (lower); None when undefined."""
    assert target.low is not None
    if target.kind in _LOWER:
        return None if actual <= 0 else target.low / actual
    return None if target.low <= 0 else actual / target.low


def _numeric(item: TargetActual) -> tuple[Target, Reading] | None:
    try:
        target = parse_target(item.target_text)
    except TargetFormatError:
        return None
    if target.kind not in _HIGHER | _LOWER or target.low is None:
        return None
    reading = parse_reading(item.actual_text)
    if reading.number is None:
        return None
    return target, reading


def analyse(items: Iterable[TargetActual], margin: Decimal = DEFAULT_MARGIN) -> list[Finding]:
    """The findings, in the order of `items`; at most one per item."""
    if margin <= 1:
        raise ValueError(
            _("il margine deve superare il 100% (ricevuto {margin}%)").format(margin=margin * 100)
        )
    findings: list[Finding] = []
    for item in items:
        parsed = _numeric(item)
        if parsed is None:
            continue
        target, reading = parsed
        assert target.low is not None and reading.number is not None
        actual = reading.number
        ratio = _ratio(target, actual)
        ceiling = target.is_percent and target.kind in _HIGHER and target.low >= _HUNDRED
        if item.target_year > item.actual_year and _meets(target, actual):
            findings.append(
                Finding(item, FindingKind.ALREADY_MET, target.low, actual, ratio, ceiling)
            )
        elif item.target_year == item.actual_year and ratio is not None and ratio >= margin:
            findings.append(
                Finding(item, FindingKind.WIDE_MARGIN, target.low, actual, ratio, ceiling)
            )
    return findings
