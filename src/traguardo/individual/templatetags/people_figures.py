"""Italian display of figures on the people pages (cards, fund, gender budget)."""

from decimal import Decimal

from django import template
from traguardo.core.numbers import format_exact, format_it, format_percent

register = template.Library()


@register.filter
def pct_it(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "n.d."


@register.filter
def num_it(value: Decimal | None, places: int = 2) -> str:
    return format_it(value, places) if value is not None else "n.d."


@register.filter
def exact_it(value: Decimal | None) -> str:
    return format_exact(value) if value is not None else "n.d."


@register.filter
def euro_it(value: Decimal | None) -> str:
    return f"{format_it(value, 2)} €" if value is not None else "n.d."
