"""What a published cycle publishes: the Relazione's files as they were at each publication,
the OIV's validation document, the plan's objectives and targets, the bonuses in aggregate.

Only published cycles have documents here; every function takes a cycle the caller has
already found published (views.published_cycle).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.fund import RulesError
from traguardo.core.numbers import to_contract
from traguardo.core.tabular import neutralise_row
from traguardo.oiv.models import DecisionOutcome, ValidationDecision
from traguardo.plans.models import Cycle, Indicator, OperationalObjective, Publication
from traguardo.reports.models import ReportJob
from traguardo.rewards.models import Fund
from traguardo.rewards.services import fund_report, selectivity
from traguardo.scoring.services import score_cycle

# A group of fewer people than this is not shown apart: with one or two people a band's
# count would tell a person's evaluation (art. 20 asks for aggregate data on selectivity).
MIN_GROUP = 3

# The order in which a reader expects the Relazione's files.
FORMAT_ORDER = ("pdf", "docx", "html", "xlsx", "opendata")


@dataclass(frozen=True)
class PublishedVersion:
    publication: Publication | None  # None: a cycle published before versions were kept
    files: list[ReportJob]

    @property
    def current(self) -> bool:
        return self.publication is None or self.publication.superseded_at is None


def _latest_per_format(jobs: Iterable[ReportJob]) -> list[ReportJob]:
    latest: dict[str, ReportJob] = {}
    for job in jobs:  # newest first
        latest.setdefault(job.format, job)
    return sorted(latest.values(), key=lambda j: FORMAT_ORDER.index(j.format))


def relazione_versions(cycle: Cycle) -> list[PublishedVersion]:
    """Each published version (newest first) with the files generated for it: per format,
    the newest file finished before that version was published. Files generated later
    (a correction in preparation) are not public until their version is published."""
    done = list(
        ReportJob.objects.filter(cycle=cycle, status=ReportJob.Status.DONE)
        .exclude(file="")
        .order_by("-finished_at", "-id")
    )
    publications = list(cycle.publications.filter(published_at__isnull=False).order_by("-number"))
    if not publications:
        return [PublishedVersion(None, _latest_per_format(done))] if done else []
    versions = []
    for publication in publications:
        assert publication.published_at is not None
        before = [j for j in done if j.finished_at and j.finished_at <= publication.published_at]
        versions.append(PublishedVersion(publication, _latest_per_format(before)))
    return versions


def public_job(cycle: Cycle, pk: int) -> ReportJob | None:
    """The file `pk` if it is one of the cycle's published files, else None."""
    for version in relazione_versions(cycle):
        for job in version.files:
            if job.pk == pk:
                return job
    return None


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


def _exact(value: Decimal) -> str:
    """A weight as the administration set it (14,286 stays 14.286): never rounded here."""
    return format(value.normalize(), "f")


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
