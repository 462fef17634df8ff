"""Recording a value through the API: `record_value`, its refusals as API errors.

`record_value` is the one entry point (web form, API, imports). Keyword arguments other
helpers may add to it (`justification`, an expected `version` for optimistic locking) are
passed only when the installed function accepts them, so this module works with either.

A write must say which version of the value it read (`version`, 0 if none) or that it
overwrites knowingly (`"overwrite": true`); an omitted `comment` keeps the stored one.
"""

from __future__ import annotations

import inspect
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import status

from traguardo.api.errors import ApiError
from traguardo.monitoring import services
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Indicator

# Refusals about the state of the resource rather than the request: 409 Conflict.
CONFLICT_CODES = frozenset({"closed", "conflict", "stale", "version", "version_conflict"})
# Our field → the names record_value may give it.
OPTIONAL_ARGUMENTS = {
    "justification": ("justification",),
    "version": ("version", "expected_version"),
    "numerator": ("numerator",),
    "denominator": ("denominator",),
}


def optional_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The optional fields sent that `record_value` accepts, under its parameter names."""
    accepted = inspect.signature(services.record_value).parameters
    kwargs: dict[str, Any] = {}
    for field, names in OPTIONAL_ARGUMENTS.items():
        if field not in data:
            continue
        for name in names:
            if name in accepted:
                kwargs[name] = data[field]
                break
    return kwargs


def api_error(refusal: services.ValueRefused) -> ApiError:
    fields = {refusal.field: [refusal.message]} if refusal.field else {}
    if isinstance(refusal, services.ValueForbidden):
        return ApiError(status.HTTP_403_FORBIDDEN, refusal.code, refusal.message, fields)
    if refusal.code in CONFLICT_CODES:
        return ApiError(status.HTTP_409_CONFLICT, refusal.code, refusal.message, fields)
    return ApiError(status.HTTP_400_BAD_REQUEST, refusal.code, refusal.message, fields)


def record(user: Any, indicator: Indicator, data: dict[str, Any]) -> services.Recorded:
    """Save the value; raises ApiError (403, 409, 400) with record_value's message."""
    period_code = data["period"]
    try:
        cycle = services.cycle_of(indicator)
        period = Period.objects.get(cycle=cycle, code=period_code)
    except services.ValueRefused as refusal:
        raise api_error(refusal) from None
    except Period.DoesNotExist:
        message = _("Il periodo %(period)s non è previsto nel ciclo %(year)s.") % {
            "period": period_code,
            "year": cycle.year,
        }
        raise ApiError(
            status.HTTP_400_BAD_REQUEST, "invalid", message, {"period": [message]}
        ) from None
    if "version" not in data and not data.get("overwrite"):
        message = _(
            "Indica «version», la versione del valore che hai letto (0 se non c'era), per "
            "non sovrascrivere modifiche altrui; oppure «overwrite»: true per sovrascrivere "
            "consapevolmente il valore registrato."
        )
        raise ApiError(
            status.HTTP_400_BAD_REQUEST, "version_required", message, {"version": [message]}
        )
    text = data.get("text")
    kwargs = optional_kwargs(data)
    ratio = any(data.get(k) not in (None, "") for k in ("numerator", "denominator"))
    if text is None and ratio:
        text = ""  # the value is the ratio of the two terms
    elif text is None:  # a comment on the value already recorded
        current = Measurement.objects.filter(indicator=indicator, period=period).first()
        if current is None:
            message = _("Nessun valore registrato per questo periodo: scrivi il valore.")
            raise ApiError(status.HTTP_400_BAD_REQUEST, "invalid", message, {"text": [message]})
        text = current.text
        if current.is_ratio:  # keep the terms the value was made of
            kwargs.update(numerator=current.numerator, denominator=current.denominator)
    try:
        return services.record_value(
            user,
            indicator,
            period,
            text,
            comment=data.get("comment"),  # omitted: the stored comment stays
            **kwargs,
        )
    except services.ValueRefused as refusal:
        raise api_error(refusal) from None
