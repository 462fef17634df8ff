"""Italian display of the engine's unrounded figures."""

from decimal import Decimal

from django import template
from traguardo.core.numbers import format_it, format_percent

register = template.Library()


@register.filter
def pct(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "n.d."


@register.filter
def num(value: Decimal | None, places: int = 2) -> str:
    return format_it(value, places) if value is not None else "n.d."
