"""Which cycle a page is about: shared by the pages of several outer apps."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.plans.models import Cycle


def selected_cycle(request: HttpRequest) -> Cycle:
    """The cycle of ?anno=YYYY, or the latest one; for a signed-in member, among the cycles
    of the administrations they have a role in (never another administration's)."""
    cycles = Cycle.objects.select_related("entity").order_by("-year", "-id")
    entities = permissions.entity_ids(request.user)
    if entities:
        cycles = cycles.filter(entity_id__in=entities)
    year = request.GET.get("anno", "")
    if year.isdigit():
        cycles = cycles.filter(year=int(year))
    cycle = cycles.first()
    if cycle is None:
        raise Http404(_("Nessun ciclo della performance nel database."))
    return cycle
