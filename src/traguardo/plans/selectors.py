"""Which cycle a page is about: shared by the pages of several outer apps."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.plans.models import Cycle


def selected_cycle(request: HttpRequest) -> Cycle:
    """The cycle of ?anno=YYYY, or the latest one, among the cycles of the administrations
    the user holds a role in (a user with no role, e.g. the superuser: among all)."""
    cycles = Cycle.objects.select_related("entity").order_by("-year", "-id")
    entities = {m.entity_id for m in permissions.memberships(request.user)}
    if entities:
        cycles = cycles.filter(entity_id__in=entities)
    year = request.GET.get("anno", "")
    if year.isdigit():
        cycles = cycles.filter(year=int(year))
    cycle = cycles.first()
    if cycle is None:
        raise Http404(_("Nessun ciclo della performance nel database."))
    return cycle
