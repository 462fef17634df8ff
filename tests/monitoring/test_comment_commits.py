"""A comment is written in a transaction of its own: add_comment locks the period row
(select_for_update), which PostgreSQL refuses outside a transaction. Found by bench/load.py
(issue 17.4): the web page answered 500 on PostgreSQL. Needs real commits (no test
transaction around the call), so it builds its few rows itself."""

from __future__ import annotations

import pytest

from tests import factories as f
from traguardo.accounts.models import Role
from traguardo.monitoring.models import Comment
from traguardo.monitoring.services import add_comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_comment_is_saved_outside_any_transaction() -> None:
    indicator = f.IndicatorFactory()
    period = f.PeriodFactory(cycle=indicator.objective.cycle)
    office = f.user_with_role(Role.PERFORMANCE_OFFICE, indicator.objective.cycle.entity)
    comment = add_comment(office, indicator, period, "Valore in arrivo dalla ragioneria")
    assert Comment.objects.get(pk=comment.pk).text == "Valore in arrivo dalla ragioneria"
