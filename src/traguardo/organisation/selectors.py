"""Reads about the organisation that callers would otherwise repeat as ad-hoc queries."""

import datetime

from traguardo.organisation.models import Assignment, OrgUnit, Person

HEAD_ROLES = (
    Assignment.Role.SEGRETARIO_GENERALE,
    Assignment.Role.DIRIGENTE,
    Assignment.Role.PO,
)


def unit_heads_on(unit: OrgUnit, day: datetime.date) -> list[Person]:
    """Who led `unit` on `day`: holders of a head role (SG, dirigente, PO) in force that day.

    Usually one person; empty if the post was vacant; more than one only if the data has
    overlapping assignments, which the database does not forbid.
    """
    assignments = (
        Assignment.objects.on(day)
        .filter(unit=unit, role__in=HEAD_ROLES)
        .select_related("person")
        .order_by("start", "person__display_name")
    )
    return [assignment.person for assignment in assignments]
