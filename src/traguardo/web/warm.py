"""After a change saved through the web, the most read page parts are rendered again at once.

The request that saved the change does it, once its response has gone out (Django's
`request_finished`, sent when the server closes the response): the user who saved does not
wait for it, and the people reading the tree, the dashboard and the results find the new
parts ready instead of each first reader rendering one. The dashboard's head depends on the
reader's units: the heads of the sets of units read lately are rendered too. Readers
arriving meanwhile get the parts as they were (scoring.once), so nobody waits for this work.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.signals import request_finished
from django.http import QueryDict
from django.utils import translation

from traguardo.reports.views import results_part
from traguardo.web import my_units, selectors
from traguardo.web.tree import TreeFilters
from traguardo.web.views import dashboard_head, dashboard_tables, tree_part

logger = logging.getLogger(__name__)

_pending = threading.local()


def after_response(user: Any) -> None:
    """Warm the parts of `user`'s current cycle when this request's response is closed."""
    _pending.user = user
    _pending.language = translation.get_language()


def _on_request_finished(sender: Any, **kwargs: Any) -> None:
    user = getattr(_pending, "user", None)
    if user is None:
        return
    _pending.user = None
    try:
        with translation.override(_pending.language):
            warm(user)
    except Exception:  # the change is saved: a part that cannot be rendered now will be later
        logger.exception("page parts not rendered after a change")


def warm(user: Any) -> None:
    cycle, _cycles = selectors.chosen_cycle(user, None)
    if cycle is None:
        return
    tree_part(cycle, TreeFilters.from_query(QueryDict(), cycle))
    dashboard_tables(cycle)
    results_part(cycle)
    for mine_ids in my_units.recent_readers(cycle.pk):
        dashboard_head(cycle, mine_ids)


def connect() -> None:
    request_finished.connect(_on_request_finished, dispatch_uid="traguardo.web.warm")
