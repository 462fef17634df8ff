from __future__ import annotations

from decimal import Decimal

from django import template
from traguardo.core.numbers import format_percent

register = template.Library()


@register.filter
def ratio_percent(value: Decimal | None) -> str:
    """A ratio (1.2) as an Italian percentage ("120,00%")."""
    return "—" if value is None else format_percent(value * 100)
