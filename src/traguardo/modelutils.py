"""Small helpers shared by the Django apps' models (no model of their own)."""

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
