"""Mid-year changes: the SMVP keeps the original objectives (2019) or splits the card by
the days spent in each post, each post with the results part of its own objectives."""

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from traguardo.core.cards import results_score
from traguardo.core.results import PlanScore
from traguardo.individual.models import EvaluationConfig, ReportCard
from traguardo.individual.services import card_view, core_scheme
from traguardo.organisation.models import Assignment
from traguardo.plans.models import Cycle
from traguardo.scoring.services import score_cycle

ClientAs = Callable[[str], Client]
ROTATED = ("PO-0.1", "PO-2.2", "PO-2.3", "PO-2.4")  # the rotations of 21.05.2019


def split_on(cycle: Cycle) -> None:
    config = EvaluationConfig.objects.get(cycle=cycle)
    config.split_by_days = True
    config.save()


def results_of(plan: PlanScore, cycle: Cycle, key: str) -> Decimal:
    """A card's own results part, from its synthesis rows and the role's SMVP weights."""
    card = ReportCard.objects.get(cycle=cycle, key=key)
    scheme = core_scheme(card.cycle.card_schemes.get(role=card.role))
    rows = next(c for c in plan.cards if c.key == key).synthesis
    value = results_score(scheme, [(r.label, r.performance) for r in rows]).value
    assert value is not None
    return value


def days_in(cycle: Cycle, card: ReportCard, unit_code: str) -> int:
    post = Assignment.objects.get(person_id=card.person_id, unit__code=unit_code)
    return (post.end - post.start).days + 1


def with_synthesis(plan: PlanScore, key: str, value: Decimal) -> PlanScore:
    """The plan score with one card's synthesis rows set to `value` (a weaker post)."""
    cards = tuple(
        dataclasses.replace(
            c, synthesis=tuple(dataclasses.replace(r, performance=value) for r in c.synthesis)
        )
        if c.key == key
        else c
        for c in plan.cards
    )
    return dataclasses.replace(plan, cards=cards)


def test_default_keeps_the_original_objectives_and_the_seeds_syntheses(people: Cycle) -> None:
    assert EvaluationConfig.objects.get(cycle=people).split_by_days is False
    plan = score_cycle(people)
    for card in ReportCard.objects.filter(cycle=people):
        view = card_view(card, plan)
        assert view.split is None, card.key
        assert view.final is not None and view.score is not None
        assert view.final.results.value == results_of(plan, people, card.key), card.key
    # the printed syntheses of the rotated cards (Allegato E) are what the pages show
    for key in ROTATED:
        rows = next(c for c in plan.cards if c.key == key).synthesis
        assert [r.performance for r in rows] == [Decimal(100)], key


def test_split_by_post_weighs_each_posts_own_results_by_days(people: Cycle) -> None:
    split_on(people)
    card = ReportCard.objects.get(cycle=people, key="PO-0.1")  # 2.4 until 20.05, then 0.1
    first, second = days_in(people, card, "2.4"), days_in(people, card, "0.1")
    # a weaker second post, so that the weighting shows in the figure
    plan = with_synthesis(score_cycle(people), "PO-2.4", Decimal("82.5"))
    # post 2.4: the objectives on the person's own card; post 0.1: those assigned to
    # whoever held 0.1 on 1 January (the holder of PO-2.4 at 31.12)
    own, other = results_of(plan, people, "PO-0.1"), results_of(plan, people, "PO-2.4")
    expected = (own * first + other * second) / (first + second)

    view = card_view(card, plan)
    assert view.split is not None and view.final is not None
    assert [(p.days, s.value) for p, s in view.split.posts] == [(first, own), (second, other)]
    assert view.split.whole.value == expected
    assert view.final.results.value == expected  # wired into the final score
    formula = view.split.whole.explanation.formula
    assert f"× {first}" in formula and f"× {second}" in formula
    assert [part.subject.split(" (")[0] for part in view.split.whole.explanation.parts] == [
        str(a.unit) for a in Assignment.objects.filter(person_id=card.person_id).order_by("start")
    ]


def test_split_by_post_on_the_real_2019_results_for_every_rotated_card(people: Cycle) -> None:
    split_on(people)
    plan = score_cycle(people)
    for key in ROTATED:
        view = card_view(ReportCard.objects.get(cycle=people, key=key), plan)
        assert view.split is not None, key
        parts = view.split.posts
        total = sum(p.days for p, _ in parts)
        assert total == 365
        expected = sum((s.value or Decimal(0)) * p.days for p, s in parts) / total
        assert view.split.whole.value == expected, key
    # no rotation, no split
    assert card_view(ReportCard.objects.get(cycle=people, key="PO-0.0"), plan).split is None


def test_card_page_shows_each_post_with_its_days_and_partial_score(
    people: Cycle, client_as: ClientAs
) -> None:
    card = ReportCard.objects.get(cycle=people, key="PO-2.3")
    page = client_as("ufficio").get(f"/schede/{card.pk}/").content.decode()
    assert 'id="split-by-post"' not in page
    split_on(people)
    page = client_as("ufficio").get(f"/schede/{card.pk}/").content.decode()
    assert 'id="split-by-post"' in page
    assert ">140/365<" in page and ">225/365<" in page
    assert "obiettivi della scheda PO-2.2" in page  # 2.3's objectives, from 21.05
    assert 'data-testid="split-results"><strong>100,00%' in page
    assert "ripartisce la scheda per giorni" in page


def test_relazione_allegato_e_adds_the_split_only_when_configured(people: Cycle) -> None:
    from traguardo.reports.relazione.content import Builder
    from traguardo.reports.relazione.document import Table

    def split_tables() -> dict[str, Table]:
        part = Builder(people).allegato_cards("E")
        return {b.key: b for b in part.blocks if isinstance(b, Table) and "incarichi" in b.key}

    assert split_tables() == {}  # 2019 as printed: original objectives kept
    split_on(people)
    tables = split_tables()
    assert sorted(tables) == [f"E {key} incarichi" for key in sorted(ROTATED)]
    rows = tables["E PO-2.3 incarichi"].rows
    assert [r.cells[1] for r in rows] == ["140/365", "225/365", "365"]
    assert rows[-1].kind == "total" and rows[-1].cells[2] == "100%"
