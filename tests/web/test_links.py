"""Links built without reverse() are the ones reverse() gives, for every figure's code."""

from __future__ import annotations

from django.urls import reverse

from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.reports import links
from traguardo.scoring.services import score_cycle


def test_explanation_links_match_reverse_for_every_code(demo: Cycle) -> None:
    score = score_cycle(demo)
    codes = ["ENTE", *score.objectives, *(u.code for u in score.units)]
    codes += [i.key for o in score.objectives.values() for i in o.indicators]
    codes += [i.key for b in score.entity.blocks for i in b.indicators]
    assert len(codes) > 400
    for code in codes:
        assert links.explain_url(demo.year, code) == reverse(
            "reports:explain", args=[demo.year, code]
        ), code


def test_objective_and_indicator_links_match_reverse(demo: Cycle) -> None:
    for pk in OperationalObjective.objects.filter(cycle=demo).values_list("pk", flat=True)[:20]:
        assert links.objective_url(pk) == reverse("web:objective", args=[pk])
    for pk in Indicator.objects.filter(objective__cycle=demo).values_list("pk", flat=True)[:20]:
        assert links.indicator_url(pk) == reverse("monitoring:indicator", args=[pk])


def test_a_long_name_is_shortened_with_an_ellipsis() -> None:
    from traguardo.reports.templatetags.figures import shorten

    assert shorten("abc", 5) == "abc"
    assert shorten("abcdefgh", 5) == "abcd…"
    assert len(shorten("x" * 300, 120)) == 120
