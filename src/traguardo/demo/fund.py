"""Load fund.yaml (example amounts and example beneficiaries) into the demo cycle."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from traguardo.core.numbers import HUNDRED
from traguardo.demo.people import read
from traguardo.individual.models import EvaluationConfig
from traguardo.plans.models import Cycle
from traguardo.rewards.models import Art67Project, Beneficiary, Fund

PART_TIME_PERCENT = Decimal(50)  # example part time of the example beneficiaries


@transaction.atomic
def load_fund(cycle: Cycle, folder: Path | None = None) -> Fund:
    data = read(cycle, "fund.yaml", folder)
    Fund.objects.filter(cycle=cycle).delete()
    fund = Fund.objects.create(
        cycle=cycle,
        base_amount=Decimal(str(data["base_amount"])),
        release_rule=data.get("release_rule", "proportional"),
        release_threshold=Decimal(str(data.get("release_threshold", "100"))),
        threshold=Decimal(str(data.get("threshold", "60"))),
        top_share=Decimal(str(data.get("top_share", "10"))),
        top_bonus=Decimal(str(data.get("top_bonus", "30"))),
        cap=Decimal(str(data["cap"])) if data.get("cap") else None,
        coefficients={k: str(v) for k, v in data.get("coefficients", {}).items()},
        is_example=bool(data.get("example")),
        note=str(data.get("source", "")),
    )
    titles = dict(
        cycle.operational_objectives.exclude(art67_scheda=None)
        .order_by("-id")
        .values_list("art67_scheda", "title")
    )
    for item in data.get("projects", []):
        Art67Project.objects.create(
            fund=fund,
            scheda=int(item["scheda"]),
            title=str(item.get("title") or titles.get(int(item["scheda"]), ""))[:300],
            value=Decimal(str(item["value"])),
        )
    config = EvaluationConfig.objects.filter(cycle=cycle).first()
    part_time_counts = config is None or config.part_time_pro_rata
    number = 0
    for group in data.get("beneficiaries", []):
        part_time = set(group.get("part_time", []))
        for position, score in enumerate(group["scores"], start=1):
            number += 1
            Beneficiary.objects.create(
                fund=fund,
                code=f"ESEMPIO-{number:03}",
                category=str(group["category"]),
                score=Decimal(str(score)),
                presence=(
                    PART_TIME_PERCENT / HUNDRED
                    if position in part_time and part_time_counts
                    else Decimal(1)
                ),
            )
    return fund
