"""Load the demo configuration of the people side of the cycle: the card schemes
(behaviours.yaml), the fund (fund.yaml) and the staff registry (staff.yaml).

Every file is marked as an example where the seed prints no figure (see each file's
header). Idempotent: loading again replaces what a previous load created.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from traguardo.audit.recorder import record_bulk
from traguardo.demo.fixture import DATA
from traguardo.individual.models import (
    CardEvent,
    CardProcess,
    CardScheme,
    Competence,
    EvaluationConfig,
    ReportCard,
)
from traguardo.plans import versions
from traguardo.plans.models import Cycle
from traguardo.yamlfiles import read_yaml


def read(cycle: Cycle, name: str, folder: Path | None = None) -> dict[str, Any]:
    path = (folder or DATA / str(cycle.year)) / name
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: atteso un dizionario YAML")
    return data


@transaction.atomic
def load_card_config(cycle: Cycle, folder: Path | None = None) -> None:
    data = read(cycle, "behaviours.yaml", folder)
    example = bool(data.get("example"))
    EvaluationConfig.objects.filter(cycle=cycle).delete()
    CardScheme.objects.filter(cycle=cycle).delete()
    steps = data.get("process", {})
    EvaluationConfig.objects.create(
        cycle=cycle,
        appeal_days=int(steps.get("appeal_days", 15)),
        decision_days=int(steps.get("decision_days", 30)),
        split_by_days=bool(steps.get("split_by_days", False)),
        absences_pro_rata=bool(steps.get("absences_pro_rata", False)),
        absence_allowance_days=int(steps.get("absence_allowance_days", 0)),
        part_time_pro_rata=bool(steps.get("part_time_pro_rata", True)),
        is_example=example,
        note=str(data.get("source", "")),
    )
    for item in data.get("schemes", []):
        low, high = item.get("scale", [1, 5])
        scheme = CardScheme.objects.create(
            cycle=cycle,
            role=item["role"],
            results_weight=Decimal(str(item["results_weight"])),
            behaviours_weight=Decimal(str(item["behaviours_weight"])),
            scale_min=Decimal(str(low)),
            scale_max=Decimal(str(high)),
            synthesis_weights=[str(w) for w in item.get("synthesis_weights", [])],
            bands=[{"name": b["name"], "minimum": str(b["minimum"])} for b in item["bands"]],
        )
        for position, competence in enumerate(item.get("competences", []), start=1):
            Competence.objects.create(
                scheme=scheme,
                code=competence["code"],
                name=competence["name"],
                weight=Decimal(str(competence["weight"])),
                position=position,
            )
    # Objectives were assigned with the Piano (approved 30.01.2019 in the demo cycle): every
    # card starts "assigned"; no later step is invented.
    assigned_on = _plan_approval(cycle) or datetime.date(cycle.year, 1, 31)
    for card in ReportCard.objects.filter(cycle=cycle):
        CardEvent.objects.filter(card=card).delete()
        CardProcess.objects.update_or_create(card=card, defaults={"state": "assigned"})
        CardEvent.objects.create(
            card=card,
            step="assign",
            from_state="draft",
            to_state="assigned",
            on=assigned_on,
            actor="office",
            note="Obiettivi assegnati con il Piano della performance (caricamento dimostrativo).",
        )


def _plan_approval(cycle: Cycle) -> datetime.date | None:
    act = cycle.acts.filter(kind="plan_approval").exclude(date=None).order_by("date").first()
    return act.date if act else None


def load_people_demo(cycle: Cycle, folder: Path | None = None) -> None:
    """Cards configuration, fund and staff registry of the demo cycle."""
    from traguardo.demo.fund import load_fund
    from traguardo.demo.staff import load_staff

    with transaction.atomic():
        load_card_config(cycle, folder)
        load_fund(cycle, folder)
        load_staff(cycle, folder)
        # A loader, not an edit: one summary entry, and the cards' figures move.
        record_bulk(
            f"Caricamento di schede, fondo e personale dimostrativi del ciclo {cycle.year}",
            {
                "individual.evaluationconfig": {"create": 1},
                "individual.cardscheme": {"create": CardScheme.objects.filter(cycle=cycle).count()},
            },
            cycle=cycle,
        )
        versions.bump([cycle.pk])
