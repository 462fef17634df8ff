"""`{% load audit %}{% audit_history obj %}`: an item's history inline in another page.

The page that uses the tag has already checked that the user may see the item.
"""

from __future__ import annotations

from typing import Any

from django import template
from traguardo.audit import selectors

register = template.Library()


@register.inclusion_tag("audit/_history_table.html")
def audit_history(obj: Any, limit: int = 20, heading_level: int = 2) -> dict[str, Any]:
    label = obj._meta.label_lower
    entries = selectors.history(label, obj.pk)
    return {
        "rows": selectors.rows(entries[:limit]),
        "more": entries.count() > limit,
        "label": label,
        "pk": obj.pk,
        "caption_repr": str(obj),
        "heading_level": heading_level,
    }


@register.filter
def audit_value(value: Any) -> str:
    """A recorded value for reading: "—" for nothing, lists and objects as compact JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)
