"""Small helpers shared by the plan editor's tests."""

from __future__ import annotations

import html
from typing import Any

from django.test import Client
from django.urls import reverse

from traguardo.plans import rule_text
from traguardo.plans.models import Cycle, Indicator, Revision, Target


def open_revision(client: Client, cycle: Cycle, number: str = "77") -> Revision:
    response = client.post(
        reverse("plans:revisions"),
        {
            "anno": cycle.year,
            "action": "open",
            "act_body": "Segretario generale",
            "act_type": "Determinazione",
            "act_number": number,
            "act_date": "2019-11-15",
            "reason": "Rimodulazione dei target dopo il monitoraggio intermedio",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Revision.objects.get(cycle=cycle, is_open=True)


def indicator_post(indicator: Indicator, **changes: Any) -> dict[str, Any]:
    """The indicator form as the page shows it, with `changes` applied."""
    indicator.refresh_from_db()
    data: dict[str, Any] = {
        "version": indicator.version,
        "number": indicator.number,
        "name": indicator.name,
        "method": indicator.method,
        "source": indicator.source,
        "unit_label": indicator.unit_label,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "weight": "" if indicator.weight is None else str(indicator.weight).replace(".", ","),
        "scoring_rule": indicator.scoring_rule,
        "rule_params": rule_text.format_params(indicator.rule_params),
    }
    for target in Target.objects.filter(indicator=indicator):
        data[f"target_{target.year}"] = target.text
    data.update(changes)
    return data


def target_of(indicator: Indicator, year: int) -> str:
    return Target.objects.get(indicator=indicator, year=year).text


def text(response: Any) -> str:
    """The page's HTML with entities decoded, to look for messages as the user reads them."""
    return html.unescape(response.content.decode())
