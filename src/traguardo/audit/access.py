"""Who may read a history: each audited model follows the rule of the object it belongs to.

A history page shows field by field what a row held (a card's evaluator note, a final score),
so it may be read only by those who may read the row itself:

- PLAN: the plan, its values, checks and decisions, the card schemes: every member of the
  item's administration (as the plan's staff pages);
- CARD: a report card and its parts (ratings, process, steps): `can_view_card` of the card;
  once the card is deleted, the office and the OIV of its administration and the person the
  card was about (read from the card's recorded values);
- PERSONAL: personal data kept outside the cards (the fund's beneficiaries, the staff
  registry): the office and the OIV of the administration.

`RULES` names the rule of every audited model (tests/audit/test_access.py fails when an
audited model has none), and of the models a "bulk" entry may be about. A bulk entry is shown
with the rule of what it changed: `record_bulk(about=...)` stores the model's label in the
entry's `parent_label`; a summary (`summarised`) with the strictest rule of the models it
counts; an entry that says neither with the PERSONAL rule.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.audit.models import AuditEntry

if TYPE_CHECKING:
    from traguardo.accounts.permissions import User


class Rule(enum.IntEnum):
    """Ordered from the widest to the strictest."""

    PLAN = 1
    CARD = 2
    PERSONAL = 3


CARD_LABEL = "individual.reportcard"

RULES: dict[str, Rule] = {
    "plans.cycle": Rule.PLAN,
    "plans.publication": Rule.PLAN,  # the published versions of the Relazione
    "plans.act": Rule.PLAN,
    "plans.revision": Rule.PLAN,
    "plans.revisionchange": Rule.PLAN,
    "plans.strategicobjective": Rule.PLAN,
    "plans.annualobjective": Rule.PLAN,
    "plans.operationalobjective": Rule.PLAN,
    "plans.objectiveassignment": Rule.PLAN,
    "plans.entityblock": Rule.PLAN,
    "plans.indicator": Rule.PLAN,
    "plans.target": Rule.PLAN,
    "plans.scoringconfig": Rule.PLAN,
    # Published figures and overrides: they appear in the Relazione and on the plan's pages.
    "scoring.scoreadjustment": Rule.PLAN,
    "reports.narrative": Rule.PLAN,
    "reports.headlineindicator": Rule.PLAN,
    "monitoring.period": Rule.PLAN,
    "monitoring.periodevent": Rule.PLAN,
    "monitoring.measurement": Rule.PLAN,
    "monitoring.evidence": Rule.PLAN,
    "monitoring.comment": Rule.PLAN,
    "monitoring.unitvalidation": Rule.PLAN,
    "monitoring.remindersent": Rule.PLAN,
    "oiv.validationcheck": Rule.PLAN,
    "oiv.evidencesample": Rule.PLAN,
    "oiv.validationdecision": Rule.PLAN,
    # The rules of the evaluation (schemes, competences) are published with the SMVP.
    "individual.evaluationconfig": Rule.PLAN,
    "individual.cardscheme": Rule.PLAN,
    "individual.competence": Rule.PLAN,
    # A card and its parts: the card's privacy.
    CARD_LABEL: Rule.CARD,
    "individual.behaviourrating": Rule.CARD,
    "individual.cardprocess": Rule.CARD,
    "individual.cardevent": Rule.CARD,
    # Not audited row by row, but named by bulk entries.
    "rewards.fund": Rule.PERSONAL,
    "rewards.art67project": Rule.PERSONAL,
    "rewards.beneficiary": Rule.PERSONAL,
    # Who holds which role where: the administration's office and OIV.
    "accounts.membership": Rule.PERSONAL,
    "rewards.beneficiaryrow": Rule.PERSONAL,
    "staff.staffrecord": Rule.PERSONAL,
}


def rule_of(label: str) -> Rule:
    """The rule of a model; a model without one is treated as personal data."""
    return RULES.get(label, Rule.PERSONAL)


def _reads_everything(user: User, entity_id: int) -> bool:
    return any(
        m.entity_id == entity_id and m.role in (Role.PERFORMANCE_OFFICE, Role.OIV)
        for m in permissions.memberships(user)
    )


def may_read_entity(user: User, entity_id: int | None, rule: Rule) -> bool:
    """The rule applied without a particular object (bulk entries, children lists)."""
    if entity_id is None:
        return False
    if rule is Rule.PLAN:
        return permissions.is_member_of(user, entity_id)
    return _reads_everything(user, entity_id)


def _card_id(label: str, obj: Any, pk: int, entries: Any) -> int | None:
    if label == CARD_LABEL:
        return pk
    card_id = getattr(obj, "card_id", None) if obj is not None else None
    if card_id is not None:
        return int(card_id)
    parent = (
        entries.filter(model_label=label, object_pk=str(pk), parent_label=CARD_LABEL)
        .values_list("parent_pk", flat=True)
        .first()
    )
    return int(parent) if parent else None


def _deleted_card_person(card_id: int) -> int | None:
    """The person a deleted card was about, as its entries recorded it."""
    for changes in AuditEntry.objects.filter(
        model_label=CARD_LABEL, object_pk=str(card_id)
    ).values_list("changes", flat=True):
        pair = changes.get("person") if isinstance(changes, dict) else None
        if isinstance(pair, list):
            for value in pair:
                if isinstance(value, int):
                    return value
    return None


def may_read(
    user: User, label: str, pk: int, obj: Any, entity_id: int | None, entries: Any
) -> bool:
    """May `user` read the history of the row `label`#`pk` (`obj`, None once deleted)?"""
    rule = rule_of(label)
    if rule is not Rule.CARD:
        return may_read_entity(user, entity_id, rule)
    if entity_id is None or not permissions.is_member_of(user, entity_id):
        return False
    card_id = _card_id(label, obj, pk, entries)
    if card_id is None:
        return _reads_everything(user, entity_id)
    card = apps.get_model(CARD_LABEL)._base_manager.filter(pk=card_id).first()
    if card is not None:
        return permissions.can_view_card(user, card)
    if _reads_everything(user, entity_id):
        return True
    person = _deleted_card_person(card_id)
    return person is not None and person in permissions.person_ids(user)


def bulk_rule(entry: AuditEntry) -> Rule:
    """The rule of what a bulk entry changed."""
    if entry.parent_label:
        return rule_of(entry.parent_label)
    labels = [k for k in entry.changes if "." in k] if isinstance(entry.changes, dict) else []
    if not labels or len(labels) != len(entry.changes):
        return Rule.PERSONAL
    return max(rule_of(label) for label in labels)


def readable_bulk(user: User, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    return [e for e in entries if may_read_entity(user, e.entity_id, bulk_rule(e))]


def stricter_labels(rule: Rule) -> list[str]:
    """The labels whose rule is stricter than `rule` (left out of a wider page's children)."""
    return [label for label, r in RULES.items() if r > rule]
