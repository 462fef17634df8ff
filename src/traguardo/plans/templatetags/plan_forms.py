"""`{{ field|widget }}`: a form widget with Bootstrap Italia classes and ARIA for errors."""

from typing import Any

from django.utils.safestring import SafeString

from django import forms, template

register = template.Library()


@register.filter
def widget(field: forms.BoundField) -> SafeString:
    attrs: dict[str, Any] = {}
    base = field.field.widget
    if isinstance(base, (forms.Select, forms.SelectMultiple)):
        attrs["class"] = "form-select"
    elif isinstance(base, forms.CheckboxInput):
        attrs["class"] = "form-check-input"
    elif not isinstance(base, forms.HiddenInput):
        attrs["class"] = "form-control"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return SafeString(field.as_widget(attrs=attrs))
