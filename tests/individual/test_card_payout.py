"""A report card shows the points its final score is worth for the bonus when the cycle's
SMVP turns scores into points (``premi``: bands or a curve), and nothing more when it does
not (the score itself is the points)."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from traguardo.core.smvp import smvp_to_dict
from traguardo.individual.models import CardProcess, ReportCard
from traguardo.plans.models import Cycle, ScoringConfig
from traguardo.plans.smvp_settings import DOCUMENT, cycle_smvp

ClientAs = Callable[[str], Client]


def with_premi(cycle: Cycle, premi: dict[str, Any]) -> None:
    document = smvp_to_dict(cycle_smvp(cycle))
    document["premi"] = premi
    config = ScoringConfig.objects.get(cycle=cycle)
    config.options = {**(config.options or {}), DOCUMENT: document}
    config.save()


def test_the_card_says_its_points_under_the_smvps_bands(people: Cycle, client_as: ClientAs) -> None:
    target = ReportCard.objects.get(cycle=people, key="PO-2.1")
    url = f"/schede/{target.pk}/"
    client_as("po").post(url, {"step": "acknowledge_objectives", "note": "visto"})
    client_as("dirigente").post(
        url, {"step": "evaluate", "ORGA": "4", "COLL": "5", "PROB": "4", "UTEN": "3"}
    )
    assert CardProcess.objects.get(card=target).state == "evaluated"
    page = client_as("po").get(url).content.decode()
    assert "92,40%" in page and 'data-testid="payout-step"' not in page  # proportional
    with_premi(people, {"tipo": "bands", "punti": [[60, 50], [95, 100]]})
    page = client_as("po").get(url).content.decode()
    # 92,4 is past 60 and short of 95: 50 points
    assert "punteggio 92,40% → 50 punti (fasce dell&#x27;SMVP)" in page
