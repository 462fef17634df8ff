"""Evaluated card scores into the fund: office only, never on a published cycle, audited,
the others untouched, the amounts recomputed."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from traguardo.audit.models import AuditEntry
from traguardo.core.card_process import Step
from traguardo.individual.models import CardEvent, ReportCard
from traguardo.individual.services import take_step
from traguardo.plans.models import Cycle
from traguardo.rewards.models import Beneficiary, Fund
from traguardo.rewards.services import CopyRefused, copy_card_scores, fund_report
from traguardo.scoring.services import score_cycle

ClientAs = Callable[[str], Client]


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def evaluate_po_21(cycle: Cycle) -> Decimal:
    """The PO of sector 2.1 acknowledges, the dirigente evaluates: the recorded score."""
    card = ReportCard.objects.get(cycle=cycle, key="PO-2.1")
    take_step(user("po"), card, Step.ACKNOWLEDGE_OBJECTIVES)
    ratings = {"ORGA": Decimal(4), "COLL": Decimal(5), "PROB": Decimal(4), "UTEN": Decimal(3)}
    take_step(
        user("dirigente"), card, Step.EVALUATE, ratings=ratings, plan_score=score_cycle(cycle)
    )
    event = CardEvent.objects.get(card=card, step="evaluate")
    assert event.final_score is not None
    return event.final_score


@pytest.fixture
def linked(people: Cycle) -> Fund:
    """Two example beneficiaries linked to PO cards: 2.1 (to be evaluated) and 3.1 (not)."""
    fund = Fund.objects.get(cycle=people)
    first, second = fund.beneficiaries.order_by("code")[:2]
    first.card = ReportCard.objects.get(cycle=people, key="PO-2.1")
    first.save()
    second.card = ReportCard.objects.get(cycle=people, key="PO-3.1")
    second.save()
    return fund


def test_copy_takes_the_evaluated_score_and_leaves_the_others(linked: Fund) -> None:
    before = {b.code: b.score for b in linked.beneficiaries.all()}
    evaluated = evaluate_po_21(linked.cycle)
    first, second = linked.beneficiaries.order_by("code")[:2]
    result = copy_card_scores(linked, user("ufficio"), score_cycle(linked.cycle))
    assert [(c.code, c.card, c.old, c.new) for c in result.changed] == [
        (first.code, "PO-2.1", before[first.code], evaluated)
    ]
    assert result.skipped == [f"{second.code}: scheda PO-3.1 «Obiettivi assegnati»"]
    assert result.unlinked == len(before) - 2
    after = {b.code: b.score for b in linked.beneficiaries.all()}
    assert after == {**before, first.code: evaluated}
    # one audit entry, by the office, with old → new
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.BULK).latest("id")
    assert entry.username == "ufficio" and entry.cycle_id == linked.cycle_id
    assert entry.changes["beneficiari"][first.code] == {
        "scheda": "PO-2.1",
        "old": str(before[first.code]),
        "new": str(evaluated.quantize(Decimal("0.0001"))),  # the beneficiary's 4 places
    }
    # again: nothing changes, nothing more recorded
    count = AuditEntry.objects.count()
    again = copy_card_scores(linked, user("ufficio"), score_cycle(linked.cycle))
    assert again.changed == [] and again.unchanged == [first.code]
    assert AuditEntry.objects.count() == count


def test_fund_amounts_recompute_with_the_copied_score(linked: Fund) -> None:
    plan = score_cycle(linked.cycle)
    first = linked.beneficiaries.order_by("code")[0]
    first.score = Decimal(61)  # just above the threshold: a small share
    first.save()
    small = {a.code: a for a in fund_report(linked, plan).distribution.allocations}[first.code]
    evaluate_po_21(linked.cycle)
    copy_card_scores(linked, user("ufficio"), plan)
    report = fund_report(linked, plan)
    big = {a.code: a for a in report.distribution.allocations}[first.code]
    assert big.score == Beneficiary.objects.get(pk=first.pk).score != small.score
    assert big.amount > small.amount
    assert report.distribution.total == report.distributable


@pytest.mark.parametrize("username", ["oiv", "dirigente", "po"])
def test_only_the_performance_office_copies(
    linked: Fund, client_as: ClientAs, username: str
) -> None:
    evaluate_po_21(linked.cycle)
    before = {b.code: b.score for b in linked.beneficiaries.all()}
    with pytest.raises(CopyRefused):
        copy_card_scores(linked, user(username), score_cycle(linked.cycle))
    response = client_as(username).post("/premi/", {"action": "copy_scores"})
    assert response.status_code == 403
    assert {b.code: b.score for b in linked.beneficiaries.all()} == before


def test_office_copies_from_the_fund_page_and_sees_what_changed(
    linked: Fund, client_as: ClientAs
) -> None:
    evaluated = evaluate_po_21(linked.cycle)
    first = linked.beneficiaries.order_by("code")[0]
    page = client_as("ufficio").get("/premi/").content.decode()
    assert 'id="copy-scores"' in page
    response = client_as("ufficio").post(
        "/premi/?anno=2019", {"action": "copy_scores"}, follow=True
    )
    text = response.content.decode()
    assert f"{first.code}: " in text and "(scheda PO-2.1)" in text
    assert "1 aggiornati" in text and "1 non ancora valutati" in text
    assert Beneficiary.objects.get(pk=first.pk).score == evaluated


def test_refused_on_a_published_cycle(linked: Fund, client_as: ClientAs) -> None:
    evaluate_po_21(linked.cycle)
    Cycle.objects.filter(pk=linked.cycle_id).update(state=Cycle.State.PUBLISHED)
    linked.refresh_from_db()
    before = {b.code: b.score for b in linked.beneficiaries.all()}
    with pytest.raises(CopyRefused, match="pubblicato"):
        copy_card_scores(linked, user("ufficio"), score_cycle(linked.cycle))
    response = client_as("ufficio").post(
        "/premi/?anno=2019", {"action": "copy_scores"}, follow=True
    )
    assert "pubblicato" in response.content.decode()
    assert {b.code: b.score for b in linked.beneficiaries.all()} == before


def test_import_links_beneficiaries_to_their_cards(linked: Fund) -> None:
    from traguardo.rewards.services import import_beneficiaries

    content = b"matricola;categoria;punteggio;scheda\nM1;D;80;PO-2.1\nM2;C;70;\nM3;C;70;PO-9.9\n"
    result = import_beneficiaries(linked, "v.csv", content)
    assert result.errors == [
        "v.csv, riga 4, colonna scheda: «PO-9.9» non è una scheda del ciclo 2019"
    ]
    result = import_beneficiaries(linked, "v.csv", content.rsplit(b"M3", 1)[0])
    assert result.created == 2
    cards = dict(linked.beneficiaries.values_list("code", "card__key"))
    assert cards == {"M1": "PO-2.1", "M2": None}
