"""The plan's consistency checks, shown live in the editor: what is wrong and where.

- the weights of an operational objective's indicators sum to 100, when the cycle's SMVP
  combines them by weight (:func:`indicator_weights_used`);
- the weights B of the entity blocks are shown against 100, when the entity's result is
  weighted by them;
- every target parses (the core's parser gives the message).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from traguardo.core.levels import WEIGHTED_METHODS, EntitySource, LevelKey
from traguardo.core.model import Smvp
from traguardo.core.numbers import format_exact
from traguardo.core.readings import TargetFormatError, parse_target
from traguardo.plans import scope
from traguardo.plans.blockers import Blocker
from traguardo.plans.models import Cycle, EntityBlock, Indicator, Target
from traguardo.plans.smvp_settings import cycle_smvp

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Issue:
    where: str
    message: str
    url: str = ""


def _weighted(smvp: Smvp, key: str) -> bool:
    try:
        level = smvp.level(key)
    except KeyError:
        return False
    return level.scored and level.method in WEIGHTED_METHODS


def indicator_weights_used(smvp: Smvp, block: bool = False) -> bool:
    """Does the SMVP combine the indicators of an objective (of an Allegato B block, with
    `block`) by their weights? Only then is a weight required and must they sum to 100;
    otherwise an indicator may have no weight (``Indicator.weight`` empty)."""
    return _weighted(smvp, LevelKey.BLOCK if block else LevelKey.OBJECTIVE)


def block_weights_used(smvp: Smvp) -> bool:
    """Is the entity's result weighted by the blocks' weights B?"""
    try:
        level = smvp.level(LevelKey.ENTITY)
    except KeyError:
        return False
    return _weighted(smvp, LevelKey.ENTITY) and (level.source or EntitySource.BLOCKS) == (
        EntitySource.BLOCKS
    )


def weights_shown(cycle: Cycle) -> bool:
    """Plan pages show the indicators' weights only when the SMVP uses them."""
    return indicator_weights_used(cycle_smvp(cycle))


def weights_message(total: Decimal) -> str | None:
    if total == HUNDRED:
        return None
    return _("i pesi degli indicatori sommano a %(total)s, non a 100") % {
        "total": format_exact(total)
    }


def target_message(text: str) -> str | None:
    try:
        parse_target(text)
    except TargetFormatError as exc:
        return str(exc)
    return None


def block_weights_total(cycle: Cycle) -> Decimal:
    return sum((b.weight_b for b in EntityBlock.objects.filter(cycle=cycle)), Decimal(0))


def plan_issues(cycle: Cycle) -> list[Issue]:
    issues: list[Issue] = []
    weights: dict[int, Decimal] = defaultdict(Decimal)
    codes: dict[int, str] = {}
    smvp = cycle_smvp(cycle)
    rows = (
        Indicator.objects.filter(objective__cycle=cycle, objective__replaced_by__isnull=True)
        if indicator_weights_used(smvp)
        else Indicator.objects.none()
    )
    for objective_id, weight, unit, number in rows.values_list(
        "objective_id", "weight", "objective__home_unit__code", "objective__number"
    ):
        weights[objective_id] += weight or 0
        codes[objective_id] = f"{unit}/{number}"
    for objective_id, total in sorted(weights.items(), key=lambda kv: codes[kv[0]]):
        message = weights_message(total)
        if message:
            issues.append(
                Issue(
                    _("Obiettivo %(code)s") % {"code": codes[objective_id]},
                    message,
                    reverse("plans:objective", args=[objective_id]),
                )
            )
    total_b = block_weights_total(cycle)
    if total_b != HUNDRED and block_weights_used(smvp):
        issues.append(
            Issue(
                _("Allegato B"),
                _("i pesi B dei blocchi sommano a %(total)s, non a 100")
                % {"total": format_exact(total_b)},
                reverse("plans:editor") + f"?anno={cycle.year}#blocchi",
            )
        )
    targets = Target.objects.filter(scope.of_cycles(cycle, "indicator__"))
    # Only the text is read for every target; the unreadable ones are then fetched with
    # their indicators in one query (~500 targets as model rows cost more than the page).
    unreadable = {
        pk: message
        for pk, text in targets.values_list("pk", "text")
        if (message := target_message(text))
    }
    for target in Target.objects.filter(pk__in=list(unreadable)).select_related(
        "indicator__objective__home_unit"
    ):  # the model's order (indicator, year), as before
        message = unreadable[target.pk]
        ind = target.indicator
        where = (
            _("Obiettivo %(code)s, indicatore %(n)s")
            % {"code": ind.objective.code, "n": ind.number}
            if ind.objective
            else _("Indicatore B%(n)s") % {"n": ind.number}
        )
        issues.append(
            Issue(
                f"{where}, target {target.year}",
                message,
                reverse("plans:indicator", args=[ind.pk]),
            )
        )
    return issues


def approval_blockers(cycle: Cycle, target: str) -> list[Blocker]:
    """What blocks approving the plan: the same issues the editor shows (weights that do
    not sum to 100, targets that cannot be read)."""
    if target != Cycle.State.APPROVED:
        return []
    return [Blocker(f"{i.where}: {i.message}", 1, i.url) for i in plan_issues(cycle)]
