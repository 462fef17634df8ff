"""Gender budget figures and chart."""

from decimal import Decimal as D

import pytest

from traguardo.core.gender import Headcount, HeadcountError, bar_chart_svg, gender_budget


def test_rates_overall_and_by_group() -> None:
    rows = [
        Headcount("F", "C", "45-59", 30),
        Headcount("M", "C", "45-59", 10),
        Headcount("F", "D", "30-44", 6, part_time=True),
        Headcount("M", "Dirigenti", "60+", 2),
    ]
    budget = gender_budget(rows, category_order=["Dirigenti", "D", "C"])
    assert (budget.total.women, budget.total.men, budget.total.total) == (36, 12, 48)
    assert budget.total.women_share == D(75)
    assert budget.total.women_to_men == D(3)
    assert [f.group for f in budget.by_category] == ["Dirigenti", "D", "C"]
    d = budget.by_category[1]
    assert d.women_to_men is None and d.part_time_women == 6
    assert "n.d. (nessun uomo)" in d.explain().formula


def test_bad_gender_refused() -> None:
    with pytest.raises(HeadcountError, match="«X»"):
        gender_budget([Headcount("X", "C", "30-44")])


def test_chart_is_labelled() -> None:
    budget = gender_budget([Headcount("F", "C", "a", 3), Headcount("M", "C", "a", 1)])
    svg = bar_chart_svg(budget.by_category, "Per categoria", "cat")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="cat-title">Per categoria</title>' in svg
    assert "C: donne 3, uomini 1" in svg
