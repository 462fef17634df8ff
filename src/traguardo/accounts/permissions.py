"""Every permission check of the web application and the API, in one place.

Views and API endpoints call these functions on the server for every request; templates
use them only to hide what a user could not do anyway. Rules:

- performance office: manages the cycle and the plan, reads everything;
- Segretario generale and dirigenti: read everything of their area (the SG: every area),
  enter the values of the units they head, validate the values of their area (the SG: of
  every unit), see the report cards of the people they evaluate;
- PO holders: enter values for the objectives of the units they head, see their own card;
- OIV: reads everything, writes validation notes and the validation decision;
- citizens (anonymous): public pages of published cycles only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from traguardo.accounts.models import InstallationAdmin, Membership, Role
from traguardo.organisation.models import Assignment, OrgUnit
from traguardo.organisation.selectors import unit_tree

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


# What the checks read of the objects they are given. accounts sits below plans, monitoring
# and individual (docs/architecture.md), so it names no model of theirs, not even in an
# annotation: plans.Cycle, OperationalObjective, monitoring.Evidence and individual.ReportCard
# match these protocols as they are.
class Cycle(Protocol):
    @property
    def entity_id(self) -> int: ...
    @property
    def year(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def is_published(self) -> bool: ...


class OperationalObjective(Protocol):
    @property
    def home_unit_id(self) -> int: ...
    @property
    def assignments(self) -> Any: ...  # its ObjectiveAssignment rows (unit_id)


class Evidence(Protocol):
    @property
    def uploaded_by_id(self) -> int | None: ...
    @property
    def measurement(self) -> Any: ...  # .period.cycle, .indicator.objective


class ReportCard(Protocol):
    @property
    def person_id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def units(self) -> Any: ...  # its OrgUnit rows
    @property
    def cycle(self) -> Cycle: ...


_CACHE = "_traguardo_memberships"

# States in which the plan may still be edited by the performance office.
PLAN_EDITABLE_STATES = frozenset({"draft", "approved", "monitoring"})
# Values are entered only while the cycle is being monitored.
VALUE_ENTRY_STATES = frozenset({"monitoring"})

# Cycle state machine: (from, to) -> the role allowed to make the transition.
TRANSITIONS: dict[tuple[str, str], Role] = {
    ("draft", "approved"): Role.PERFORMANCE_OFFICE,
    ("approved", "monitoring"): Role.PERFORMANCE_OFFICE,
    ("monitoring", "closed"): Role.PERFORMANCE_OFFICE,
    # The way back: a correction before the OIV's validation (with a reason).
    ("closed", "monitoring"): Role.PERFORMANCE_OFFICE,
    ("closed", "validated"): Role.OIV,
    ("validated", "published"): Role.PERFORMANCE_OFFICE,
}


def memberships(user: User) -> list[Membership]:
    """The user's roles (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user_id=user.pk).select_related("person"))
        setattr(user, _CACHE, cached)
    return cached


def roles(user: User) -> frozenset[Role]:
    return frozenset(Role(m.role) for m in memberships(user))


def has_role(user: User, *wanted: Role) -> bool:
    return bool(roles(user) & set(wanted))


def is_member(user: User) -> bool:
    """Any signed-in user with at least one role (staff pages need one)."""
    return bool(memberships(user))


def person_ids(user: User) -> set[int]:
    return {m.person_id for m in memberships(user) if m.person_id is not None}


def _year_span(cycle: Cycle) -> tuple[datetime.date, datetime.date]:
    return datetime.date(cycle.year, 1, 1), datetime.date(cycle.year, 12, 31)


def units_in_scope(user: User, cycle: Cycle, *, roles_: Iterable[Role] | None = None) -> set[int]:
    """Ids of the units (with their sub-units) the user heads in some post during the year.

    `roles_` limits which posts count (e.g. only PO posts for value entry by a PO holder).
    """
    wanted = {r.value for r in (roles_ or (Role.SEGRETARIO, Role.DIRIGENTE, Role.PO))}
    # Kept on the user object for the request, like the memberships: pages that check every
    # objective or unit (the to-do list, the cards) would otherwise read the posts and the
    # unit tree once per row.
    key = (cycle.entity_id, cycle.year, frozenset(wanted))
    cached: dict[tuple[int, int, frozenset[str]], set[int]] = user.__dict__.setdefault(
        _CACHE + "_scope", {}
    )
    if key not in cached:
        cached[key] = _units_in_scope(user, cycle, wanted)
    return set(cached[key])


def _units_in_scope(user: User, cycle: Cycle, wanted: set[str]) -> set[int]:
    people = {
        m.person_id
        for m in memberships(user)
        if m.person_id is not None and m.role in wanted and m.entity_id == cycle.entity_id
    }
    if not people:
        return set()
    first, last = _year_span(cycle)
    heads = Assignment.objects.filter(person_id__in=people, role__in=wanted, start__lte=last)
    heads = heads.exclude(end__lt=first)
    return unit_tree(cycle.entity_id).below(heads.values_list("unit_id", flat=True))


def is_installation_admin(user: User) -> bool:
    """Administers the installation: creates administrations, first cycles and users
    (accounts.InstallationAdmin; not the Django superuser, who uses the admin site)."""
    if not user.is_authenticated:
        return False
    cached: bool | None = getattr(user, _CACHE + "_installation", None)
    if cached is None:
        cached = InstallationAdmin.objects.filter(user_id=user.pk).exists()
        setattr(user, _CACHE + "_installation", cached)
    return cached


def sees_everything(user: User) -> bool:
    """Office, OIV and Segretario generale read every unit of the plan."""
    return has_role(user, Role.PERFORMANCE_OFFICE, Role.OIV, Role.SEGRETARIO)


def is_member_of(user: User, entity_id: int) -> bool:
    """Has a role in the entity (administration)."""
    return any(m.entity_id == entity_id for m in memberships(user))


def has_role_in(user: User, entity_id: int, *wanted: Role) -> bool:
    """Holds one of the roles in that administration (a role in another one does not count)."""
    values = {r.value for r in wanted}
    return any(m.entity_id == entity_id and m.role in values for m in memberships(user))


def entity_ids(user: User) -> set[int]:
    """The administrations the user has a role in."""
    return {m.entity_id for m in memberships(user)}


def can_view_plan(user: User, cycle: Cycle) -> bool:
    """Staff pages of the plan (tree, objectives, values): every member of the entity."""
    return is_member_of(user, cycle.entity_id)


def can_view_public(user: User, cycle: Cycle) -> bool:
    """Public pages: anyone once published; members of the entity before that."""
    return cycle.is_published or can_view_plan(user, cycle)


def can_manage_plan(user: User, cycle: Cycle) -> bool:
    return (
        has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE)
        and cycle.state in PLAN_EDITABLE_STATES
    )


def can_manage_cycle(user: User, cycle: Cycle) -> bool:
    """Monitoring campaigns, revisions, generated documents: the performance office of the
    cycle's administration."""
    return has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE) and not cycle.is_published


def objective_unit_ids(objective: OperationalObjective) -> set[int]:
    # .all(): the assignments prefetched by a page that lists objectives, else one query
    ids = {a.unit_id for a in objective.assignments.all()}
    ids.add(objective.home_unit_id)
    return ids


@dataclass(frozen=True)
class ValueEntryScope:
    """Whose objectives' values a user enters in a cycle, worked out once: an import of
    thousands of rows asks it per unit, not per value (same rule as `can_enter_value`)."""

    every_unit: bool  # the performance office of the cycle's administration
    units: frozenset[int]  # otherwise: the units the user heads (with their sub-units)

    def allows(self, objective_units: Iterable[int]) -> bool:
        """The objective's units (home unit and assignments) include one of the user's."""
        return self.every_unit or not self.units.isdisjoint(objective_units)


def value_entry_scope(user: User, cycle: Cycle) -> ValueEntryScope:
    if cycle.state not in VALUE_ENTRY_STATES:
        return ValueEntryScope(False, frozenset())
    if has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE):
        return ValueEntryScope(True, frozenset())
    return ValueEntryScope(False, frozenset(units_in_scope(user, cycle)))


def can_enter_value(user: User, objective: OperationalObjective, cycle: Cycle) -> bool:
    """Record a monitoring value or comment for one of the objective's indicators."""
    scope = value_entry_scope(user, cycle)
    return scope.every_unit or scope.allows(objective_unit_ids(objective))


def can_delete_evidence(user: User, evidence: Evidence) -> bool:
    """Remove an evidence file: the person who uploaded it (while they may still enter that
    value) or the performance office of the entity, while the cycle is monitored. Whether the
    period is still open is checked by the service, which says so to the user."""
    measurement = evidence.measurement
    cycle = measurement.period.cycle
    if cycle.state not in VALUE_ENTRY_STATES or not can_view_plan(user, cycle):
        return False
    if has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE):
        return True
    if evidence.uploaded_by_id is None or evidence.uploaded_by_id != user.pk:
        return False
    objective = measurement.indicator.objective
    return objective is not None and can_enter_value(user, objective, cycle)


def can_validate_unit(user: User, unit: OrgUnit, cycle: Cycle) -> bool:
    """A dirigente (or the SG) confirms the values entered for a unit of their area."""
    managers = (Role.SEGRETARIO, Role.DIRIGENTE)
    if has_role(user, Role.SEGRETARIO) and any(
        m.entity_id == cycle.entity_id for m in memberships(user)
    ):
        return True
    return unit.pk in units_in_scope(user, cycle, roles_=managers)


def can_view_card(user: User, card: ReportCard) -> bool:
    """Privacy of report cards: the person, their evaluator, the office and the OIV, all of
    the card's administration."""
    entity_id = card.cycle.entity_id
    if not is_member_of(user, entity_id):
        return False
    if has_role_in(user, entity_id, Role.PERFORMANCE_OFFICE, Role.OIV):
        return True
    if card.person_id is not None and card.person_id in person_ids(user):
        return True
    if card.role == "segretario_generale":
        return False  # evaluated on the OIV's proposal: no other evaluator sees it
    if has_role_in(user, entity_id, Role.SEGRETARIO):
        return True
    if card.role == "po" and has_role(user, Role.DIRIGENTE):
        card_units = {u.pk for u in card.units.all()}  # prefetched by lists of cards
        scope = units_in_scope(user, card.cycle, roles_=(Role.DIRIGENTE,))
        return bool(card_units) and card_units <= scope
    return False


def can_evaluate_card(user: User, card: ReportCard) -> bool:
    """Write the final evaluation: the evaluator, never the person themselves."""
    if card.person_id is not None and card.person_id in person_ids(user):
        return False
    entity_id = card.cycle.entity_id
    if card.role == "segretario_generale":
        return has_role_in(user, entity_id, Role.OIV)  # the OIV proposes the SG's evaluation
    return can_view_card(user, card) and has_role_in(
        user, entity_id, Role.SEGRETARIO, Role.DIRIGENTE
    )


def can_view_fund(user: User, cycle: Cycle) -> bool:
    """Amounts per person are personal data: the performance office and the OIV of the
    cycle's administration."""
    return has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE, Role.OIV)


def can_oiv(user: User, cycle: Cycle) -> bool:
    """OIV workspace: validation notes and the validation decision."""
    return any(m.role == Role.OIV and m.entity_id == cycle.entity_id for m in memberships(user))


def has_positive_decision(cycle: Cycle) -> bool:
    """The OIV's latest decision on the cycle (oiv.ValidationDecision, one per round,
    reached as `cycle.oiv_decisions`) validates the Relazione."""
    decisions = getattr(cycle, "oiv_decisions", None)
    if decisions is None:
        return False
    latest = decisions.order_by("-round").values_list("outcome", flat=True).first()
    return bool(latest == "validated")


def can_correct_publication(user: User, cycle: Cycle) -> bool:
    """A formal correction of the published Relazione: the office of the cycle's entity."""
    return cycle.is_published and any(
        m.role == Role.PERFORMANCE_OFFICE and m.entity_id == cycle.entity_id
        for m in memberships(user)
    )


def can_transition(user: User, cycle: Cycle, target: str) -> bool:
    """The role of TRANSITIONS in the cycle's administration; "validated" also needs the
    OIV's positive decision recorded first (oiv.services.decide records it and then moves
    the cycle): the OIV never validates a cycle without its documento di validazione."""
    role = TRANSITIONS.get((cycle.state, target))
    if role is None or not has_role_in(user, cycle.entity_id, role):
        return False
    return target != "validated" or has_positive_decision(cycle)


def describe(user: User) -> dict[str, Any]:
    """For templates: the user's roles and person, to show who is signed in."""
    ms = memberships(user)
    return {
        "roles": [m.get_role_display() for m in ms],
        "person": next((m.person for m in ms if m.person is not None), None),
    }
