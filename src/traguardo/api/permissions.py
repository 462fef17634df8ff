"""The API's reading and writing rules, adapted from traguardo.accounts.permissions.

- Reading: anyone may read a published cycle (`can_view_public`); members of the entity
  read their entity's cycles in any state (`can_view_plan`). A cycle one may not read
  answers 401 to an anonymous client (authenticate and retry) and 403 to a signed-in user.
- Writing (monitoring values): signed-in users only (401 otherwise: the views use DRF's
  IsAuthenticatedOrReadOnly); what they may write is decided by `record_value`, exactly as
  in the web application.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request

from traguardo.accounts import permissions
from traguardo.plans.models import Cycle, CycleState


def readable_cycles(user: Any) -> QuerySet[Cycle]:
    """Published cycles, plus every cycle of the entities the user is a member of."""
    entity_ids = {m.entity_id for m in permissions.memberships(user)}
    return Cycle.objects.filter(Q(state=CycleState.PUBLISHED) | Q(entity_id__in=entity_ids))


def check_cycle_readable(request: Request, cycle: Cycle) -> None:
    if permissions.can_view_public(request.user, cycle):
        return
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated(
            _("Il ciclo %(year)s non è pubblicato: autenticati per leggerlo.")
            % {"year": cycle.year}
        )
    raise exceptions.PermissionDenied(
        _("Non sei membro dell'ente di questo ciclo e il ciclo non è pubblicato.")
    )


def is_member_of(user: Any, cycle: Cycle) -> bool:
    return permissions.can_view_plan(user, cycle)
