"""Small helpers shared by the Django apps' models (no model of their own)."""

from __future__ import annotations

from typing import Any

from django.db import models


def choices_constraint(
    field: str, choices: type[models.TextChoices], *, allow_blank: bool = False
) -> models.CheckConstraint:
    """A CHECK that `field` holds one of `choices` (and, if allowed, the empty string).

    Django validates choices only in forms and full_clean(); this keeps the importer and
    raw SQL honest too. The constraint is named `<table>_<field>_valid` by Django.
    """
    values = list(choices.values)
    if allow_blank:
        values.append("")
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )


# The longest free text a form accepts, as the API's serializers do (comment and
# justification: 5000): a page cannot store what the API would refuse (issue 15, point 13).
TEXT_MAX_LENGTH = 5000


def limited_formfield(field: models.Field[Any, Any], **kwargs: Any) -> Any:
    """A ModelForm's `formfield_callback`: a model TextField (no length of its own) gets
    the form limit TEXT_MAX_LENGTH, checked by the form and told to the browser."""
    if isinstance(field, models.TextField) and not field.choices:
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
    return field.formfield(**kwargs)
