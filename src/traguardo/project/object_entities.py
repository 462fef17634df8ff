"""An object's page under another administration's code: 404, never the object.

``/pd/schede/17/`` where card 17 belongs to ``tvbl``: the views check who may read the card,
not which code the address carries, so a person with roles in both administrations would
see tvbl's card under pd's code. This middleware ties every URL that names an object by id
to the object's administration (`OBJECT_URLS`): under a code that is not the object's it
answers **404**, as for a missing object, so a crafted address says nothing about the other
administration. The one exception: a GET by a signed-in member of the object's own
administration is redirected to the same page under the right code (an old link, a link
copied from the other administration's pages); a POST is never redirected (its body would
be lost), it is a 404 too.

Without a code in the URL nothing changes: the views' own permission checks apply.
`tests/security/test_object_codes.py` fails when a URL with an id is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from traguardo.accounts import current, permissions
from traguardo.audit.models import AuditEntry
from traguardo.audit.registry import cycle_lookups
from traguardo.organisation.models import Entity

# URL name -> the model whose `pk` the URL carries.
OBJECT_URLS: dict[str, str] = {
    "web:objective": "plans.operationalobjective",
    "plans:strategic": "plans.strategicobjective",
    "plans:strategic_delete": "plans.strategicobjective",
    "plans:annual": "plans.annualobjective",
    "plans:annual_delete": "plans.annualobjective",
    "plans:objective": "plans.operationalobjective",
    "plans:objective_weights": "plans.operationalobjective",
    "plans:objective_delete": "plans.operationalobjective",
    "plans:assignments": "plans.operationalobjective",
    "plans:block": "plans.entityblock",
    "plans:block_delete": "plans.entityblock",
    "plans:indicator": "plans.indicator",
    "plans:indicator_delete": "plans.indicator",
    "monitoring:indicator": "plans.indicator",
    "monitoring:evidence": "monitoring.evidence",
    "monitoring:evidence_delete": "monitoring.evidence",
    "monitoring:validation_undo": "monitoring.unitvalidation",
    "monitoring:send_back": "monitoring.measurement",
    "oiv:decision_document": "oiv.validationdecision",
    "transparency:relazione_file": "reports.reportjob",
    "individual:card": "individual.reportcard",
    "oiv:document": "oiv.evidencesample",
    "relazione:retry": "reports.reportjob",
    "relazione:status": "reports.reportjob",
    "relazione:download": "reports.reportjob",
    "exchange:upload": "exchange.upload",
    "exchange:confirm": "exchange.upload",
    "exchange:retry": "exchange.upload",
    "exchange:status": "exchange.upload",
    "api:cycle": "plans.cycle",
    "api:tree": "plans.cycle",
    "api:indicators": "plans.cycle",
    "api:periods": "plans.cycle",
    "api:measurements": "plans.cycle",
    "api:score": "plans.cycle",
    "api:explain": "plans.cycle",
    "api:cycle-state": "plans.cycle",
    "api:revisions": "plans.cycle",
    "api:revision-close": "plans.cycle",
    "api:indicator": "plans.indicator",
    "api:indicator-values": "plans.indicator",
}
# URLs with an id that their view looks up inside the current administration's cycle
# (`oiv:subject`: an objective, block or line of the cycle of the year), or whose id is not
# an object of an administration (the installation's pages name one by its code).
SCOPED_BY_VIEW = frozenset({"oiv:subject"})
# A history names its item by model label and id (`_history_entity`).
HISTORY = "audit:history"


def _entity_of_row(label: str, pk: Any) -> int | None:
    """The administration of row `pk` of `label`; None for a missing row."""
    model = apps.get_model(label)
    if label == "plans.cycle":
        value = model._base_manager.filter(pk=pk).values_list("entity_id", flat=True).first()
        return int(value) if value is not None else None
    if label == "exchange.upload":
        row = model._base_manager.filter(pk=pk).values("entity_id", "cycle__entity_id").first()
        if row is None:
            return None
        found = row["cycle__entity_id"] or row["entity_id"]
        return int(found) if found is not None else None
    paths = [f"{lookup}__entity_id" for lookup in cycle_lookups(model)]
    if not paths:
        return None
    row = model._base_manager.filter(pk=pk).values(*paths).first()
    if row is None:
        return None
    found = next((v for v in row.values() if v is not None), None)
    return int(found) if found is not None else None


def _history_entity(label: str, pk: Any) -> int | None:
    """The administration of an item's history: its own (while it exists), else the one its
    entries remember."""
    label = label.lower()
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if not str(pk).isdigit():
        return None
    owner = _entity_of_row(label, pk)
    if owner is not None:
        return owner
    value = (
        AuditEntry.objects.filter(model_label=label, object_pk=str(pk))
        .exclude(entity_id=None)
        .values_list("entity_id", flat=True)
        .first()
    )
    return int(value) if value is not None else None


def object_entity(view_name: str, kwargs: dict[str, Any]) -> int | None:
    """The administration (id) of the object a URL names, or None (no object, or missing)."""
    if view_name == HISTORY:
        return _history_entity(str(kwargs.get("label", "")), kwargs.get("pk"))
    label = OBJECT_URLS.get(view_name)
    if label is None or "pk" not in kwargs:
        return None
    return _entity_of_row(label, kwargs["pk"])


class ObjectEntityMiddleware:
    """After `EntityPrefixMiddleware`: 404 (or a redirect for its members) for an object
    of another administration than the URL's code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        entity = current.url_entity(request)
        match = request.resolver_match
        if entity is None or match is None:
            return None
        owner = object_entity(match.view_name, kwargs)
        if owner is None or owner == entity.pk:
            return None
        user = request.user
        if request.method in ("GET", "HEAD") and owner in permissions.entity_ids(user):
            right = Entity.objects.filter(pk=owner).values_list("code", flat=True).first()
            if right:
                query = request.META.get("QUERY_STRING", "")
                target = f"{current.base_prefix(request)}{right}{request.path_info}"
                return HttpResponseRedirect(target + ("?" + query if query else ""))
        raise Http404(_("Elemento inesistente in questo ente."))
