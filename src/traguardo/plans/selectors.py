"""Which cycle a page is about: shared by the pages of several outer apps."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from traguardo.accounts import current
from traguardo.plans.models import Cycle


def selected_cycle(request: HttpRequest) -> Cycle:
    """The cycle of ?anno=YYYY, or the latest one, of the request's administration: the
    URL's code, else the one the member chose in the header, else their only one (never
    another administration's; see `traguardo.accounts.current`)."""
    cycles = Cycle.objects.select_related("entity").order_by("-year", "-id")
    entities = current.entity_ids(request)
    if entities:
        cycles = cycles.filter(entity_id__in=entities)
    year = request.GET.get("anno", "")
    if year.isdigit():
        cycles = cycles.filter(year=int(year))
    cycle = cycles.first()
    if cycle is None:
        raise Http404(_("Nessun ciclo della performance nel database."))
    return cycle
