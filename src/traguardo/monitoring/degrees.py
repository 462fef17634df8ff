"""The degree of achievement of one indicator for a value, by the core's rules.

The entry form needs it for a single indicator (is a justification required?), the to-do
list for a few dozen: both build the core's plain `Indicator` and ask the core, instead of
scoring the whole cycle. The figures shown before → after a save come from the whole plan
(see `impact.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.engine import RuleBook, score_indicator
from traguardo.core.i18n import _
from traguardo.core.model import Indicator as CoreIndicator
from traguardo.core.numbers import HUNDRED
from traguardo.core.rules import Degree, DegreeStatus
from traguardo.plans.models import Cycle, Indicator
from traguardo.plans.smvp_settings import cycle_smvp


@dataclass(frozen=True)
class Grader:
    """Degrees of indicators of one cycle for values as written."""

    cycle: Cycle
    rules: RuleBook

    @classmethod
    def for_cycle(cls, cycle: Cycle) -> Grader:
        return cls(cycle, RuleBook(cycle_smvp(cycle)))

    def target_text(self, indicator: Indicator) -> str:
        target = indicator.targets.filter(year=self.cycle.year).first()
        return target.text if target else ""

    def degree(self, indicator: Indicator, value: str, target: str | None = None) -> Degree:
        core = CoreIndicator(
            key=str(indicator.pk),
            number=indicator.number,
            name=indicator.name,
            target=self.target_text(indicator) if target is None else target,
            value=value,
            # no weight (an SMVP of plain means): the core's figure is then unused
            weight=indicator.weight if indicator.weight is not None else Decimal(1),
            rule=indicator.scoring_rule or None,
            params=indicator.rule_params or {},
            direction=indicator.direction,
        )
        subject = _("indicatore {n}").format(n=indicator.number)
        return score_indicator(core, subject, self.rules).degree


def misses_target(degree: Degree) -> bool:
    """A value that needs a justification: scored under 100%, or not measurable.

    A missing value is not a deviation to justify (it is still to be entered), and an
    indicator without a target for the year is left out of the scores.
    """
    if degree.status is DegreeStatus.NOT_MEASURABLE:
        return True
    return degree.status is DegreeStatus.SCORED and (degree.value or Decimal(0)) < HUNDRED
