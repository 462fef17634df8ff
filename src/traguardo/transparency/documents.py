"""What a published cycle publishes: the Relazione's files as they were at each publication,
the OIV's validation document, the plan's objectives and targets, the bonuses in aggregate.

Only published cycles have documents here; every function takes a cycle the caller has
already found published (views.published_cycle).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.fund import RulesError
from traguardo.core.numbers import to_contract
from traguardo.core.tabular import neutralise_row
from traguardo.oiv.models import DecisionOutcome, ValidationDecision
from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.reports.published import PublishedVersion, public_job, relazione_versions
from traguardo.rewards.models import Fund
from traguardo.rewards.services import fund_report, selectivity
from traguardo.scoring.services import score_cycle

# A group of fewer people than this is not shown apart: with one or two people a band's
# count would tell a person's evaluation (art. 20 asks for aggregate data on selectivity).
MIN_GROUP = 3

__all__ = ["PublishedVersion", "public_job", "relazione_versions"]


def validation(cycle: Cycle) -> ValidationDecision | None:
    """The OIV's positive decision that let the cycle be published (the latest round)."""
    return (
        ValidationDecision.objects.filter(cycle=cycle, outcome=DecisionOutcome.VALIDATED)
        .order_by("-round")
        .first()
    )


PLAN_FIELDS = (
    "obiettivo_strategico",
    "obiettivo_annuale",
    "obiettivo_operativo",
    "unita",
    "titolo",
    "indicatore",
    "metodo",
    "fonte",
    "peso",
    "target",
)


def plan_csv(cycle: Cycle) -> bytes:
    """The plan as adopted and revised: one row per indicator of an operational objective,
    with its strategic and annual objectives and every year's target ("2019: >= 75%")."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PLAN_FIELDS)
    objectives = (
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("home_unit")
        .prefetch_related("annual_objectives__strategic", "indicators__targets")
        .order_by("home_unit__code", "number")
    )
    for objective in objectives:
        annuals = list(objective.annual_objectives.all())
        indicators: list[Indicator] = sorted(objective.indicators.all(), key=lambda i: i.number)
        for indicator in indicators:
            targets = sorted(indicator.targets.all(), key=lambda t: t.year)
            writer.writerow(
                neutralise_row(
                    [
                        "; ".join(sorted({a.strategic.code for a in annuals})),
                        "; ".join(a.code for a in annuals),
                        objective.code,
                        objective.home_unit.code,
                        objective.title,
                        indicator.name,
                        indicator.method,
                        indicator.source,
                        _exact(indicator.weight),
                        "; ".join(f"{t.year}: {t.text}" for t in targets),
                    ]
                )
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8 then


def _exact(value: Decimal | None) -> str:
    """A weight as the administration set it (14,286 stays 14.286): never rounded here;
    empty when the indicator has none (an SMVP of plain means)."""
    return "" if value is None else format(value.normalize(), "f")


@dataclass(frozen=True)
class GroupShare:
    group: str
    count: int
    bands: list[tuple[str, int, Decimal]] | None  # None: too few people to show apart


@dataclass(frozen=True)
class RewardsSummary:
    """Art. 20 D.Lgs. 33/2013: bonuses set aside and paid, and how selective they were."""

    allocated: Decimal  # stanziato
    distributed: Decimal  # effettivamente distribuito
    beneficiaries: int
    groups: list[GroupShare]
    is_example: bool


class RewardsUnavailable(Exception):
    """The fund's rules cannot be applied (the office sees why on /premi/)."""


def rewards(cycle: Cycle) -> RewardsSummary | None:
    fund = Fund.objects.filter(cycle=cycle).first()
    if fund is None:
        return None
    score = score_cycle(cycle, explain=False)
    try:
        report = fund_report(fund, score)
    except RulesError as exc:
        raise RewardsUnavailable(str(exc)) from exc
    groups = [
        GroupShare(
            g.group,
            g.count,
            [(b.band, b.count, b.share) for b in g.bands] if g.count >= MIN_GROUP else None,
        )
        for g in selectivity(cycle, score)
    ]
    return RewardsSummary(
        allocated=report.distributable,
        distributed=report.distribution.total,
        beneficiaries=len(report.distribution.allocations),
        groups=groups,
        is_example=fund.is_example,
    )


def rewards_csv(summary: RewardsSummary, year: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["anno", "voce", "gruppo", "fascia", "numero", "quota_percentuale", "euro"])
    writer.writerow([year, "premi_stanziati", "", "", "", "", to_contract(summary.allocated)])
    writer.writerow([year, "premi_distribuiti", "", "", "", "", to_contract(summary.distributed)])
    for group in summary.groups:
        if group.bands is None:
            writer.writerow(
                neutralise_row([year, "selettivita", group.group, "", group.count, "", ""])
            )
            continue
        for band, count, share in group.bands:
            writer.writerow(
                neutralise_row(
                    [year, "selettivita", group.group, band, count, to_contract(share), ""]
                )
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
