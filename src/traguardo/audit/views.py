"""The history page of one item: who changed what, when, field by field."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from traguardo.accounts.decorators import check, member_required
from traguardo.audit import access, selectors
from traguardo.audit.registry import cycle_of, is_audited

MAX_ROWS = 500


@member_required
def history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    label = label.lower()
    if not is_audited(label):
        raise Http404(_("Questo tipo di elemento non ha uno storico."))
    model = apps.get_model(label)
    obj = model._base_manager.filter(pk=pk).first()
    entries = selectors.history(label, pk)
    if obj is not None:
        cycle = cycle_of(obj)
        entity_id = cycle.entity_id if cycle is not None else None
        cycle_id = cycle.pk if cycle is not None else None
    else:
        # Deleted: its entries remember the entity and the cycle it belonged to.
        first = entries.exclude(entity_id=None).first()
        if first is None:
            raise Http404(_("Elemento inesistente e senza storico."))
        entity_id, cycle_id = first.entity_id, first.cycle_id
    # A history shows what the row held: the rule of the object it belongs to (access.py).
    check(
        access.may_read(request.user, label, pk, obj, entity_id, entries),
        _("Non puoi consultare lo storico di questo elemento."),
    )
    # Children whose rule is stricter than the item's (none today) are left out.
    entries = entries.exclude(
        ~Q(model_label=label), model_label__in=access.stricter_labels(access.rule_of(label))
    )
    return render(
        request,
        "audit/history.html",
        {
            "object": obj,
            "object_repr": str(obj)
            if obj is not None
            else entries.filter(model_label=label).values_list("object_repr", flat=True).first(),
            "kind": selectors.model_name(label),
            "rows": selectors.rows(entries[:MAX_ROWS]),
            "bulk": selectors.rows(
                access.readable_bulk(request.user, selectors.bulk_entries(cycle_id)[:50])
            ),
            "truncated": entries.count() > MAX_ROWS,
        },
    )
