"""The cycle's SMVP says how a score becomes points for the bonus (its ``premi``): the fund
follows it, and its page and explanation say the step for each person."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from traguardo.core.smvp import smvp_to_dict
from traguardo.plans.models import Cycle, ScoringConfig
from traguardo.plans.smvp_settings import DOCUMENT, cycle_smvp
from traguardo.rewards.models import Fund
from traguardo.rewards.services import fund_report
from traguardo.scoring.services import score_cycle

ClientAs = Callable[[str], Client]
CENT = Decimal("0.01")


def with_premi(cycle: Cycle, premi: dict[str, Any]) -> None:
    """Store the cycle's SMVP as a document, the same but for its ``premi``."""
    document = smvp_to_dict(cycle_smvp(cycle))
    document["premi"] = premi
    config = ScoringConfig.objects.get(cycle=cycle)
    config.options = {**(config.options or {}), DOCUMENT: document}
    config.save()


def bands(score: Decimal) -> Decimal:
    """The test's own reading of [[60, 40], [80, 70], [95, 100]]."""
    if score >= 95:
        return Decimal(100)
    if score >= 80:
        return Decimal(70)
    if score >= 60:
        return Decimal(40)
    return Decimal(0)


def test_the_fund_follows_the_smvps_bands(people: Cycle) -> None:
    score = score_cycle(people)
    fund = Fund.objects.get(cycle=people)
    fund.cap = None  # every share pro rata to the points, checked by hand below
    fund.save()
    before = fund_report(fund, score)
    with_premi(people, {"tipo": "bands", "punti": [[60, 40], [80, 70], [95, 100]]})
    report = fund_report(fund, score)
    assert report.distributable == before.distributable
    rows = {b.code: b for b in fund.beneficiaries.all()}
    coefficients = {k: Decimal(str(v)) for k, v in fund.coefficients.items()}
    expected: dict[str, Decimal] = {}
    for a in report.distribution.allocations:
        row = rows[a.code]
        if row.score is None or row.score < fund.threshold:
            expected[a.code] = Decimal(0)
            continue
        top = (100 + fund.top_bonus) / 100 if a.top else Decimal(1)
        expected[a.code] = bands(row.score) * coefficients[row.category] * row.presence * top
        assert a.score_points == bands(row.score)
    assert {a.code: a.points for a in report.distribution.allocations} == expected
    total = sum(expected.values(), Decimal(0))
    for a in report.distribution.allocations:
        share = (report.distributable * expected[a.code] / total).quantize(CENT, ROUND_DOWN)
        assert share <= a.amount <= share + CENT, a.code
    assert report.distribution.total == report.distributable
    # the bands make a difference: somebody's amount moved
    old = {a.code: a.amount for a in before.distribution.allocations}
    assert any(old[a.code] != a.amount for a in report.distribution.allocations)


def test_the_fund_page_says_the_step_from_score_to_points(
    people: Cycle, client_as: ClientAs
) -> None:
    with_premi(people, {"tipo": "linear", "punti": [[60, 0], [100, 100]]})
    fund = Fund.objects.get(cycle=people)
    report = fund_report(fund, score_cycle(people))
    some = next(
        a
        for a in report.distribution.allocations
        if a.score is not None and a.score >= fund.threshold
    )
    assert some.score_points == (some.score - 60) / 40 * 100
    page = client_as("ufficio").get("/premi/").content.decode()
    assert "punti dal punteggio: lineare a tratti: 60% → 0 punti, 100% → 100 punti" in page
    assert "punti (curva lineare dell&#x27;SMVP)" in page
    # the payroll file's explanations say the step too
    book = load_workbook(io.BytesIO(client_as("ufficio").get("/premi/premi.xlsx").content))
    notes = [row[3] or "" for row in book["Spiegazioni"].iter_rows(min_row=2, values_only=True)]
    assert any("punti (curva lineare dell'SMVP)" in str(n) for n in notes)
