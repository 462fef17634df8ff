"""Which models the audit trail records, and how to find each item's cycle and parent.

Models are named by label so that an app may add or drop models without breaking the
audit app: a label whose model does not exist is skipped. Whole apps (monitoring, oiv) are
audited model by model, including models they add later.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

# Plan items, report cards and the SMVP configuration, by label.
AUDITED_LABELS = (
    "plans.cycle",
    "plans.act",
    "plans.revision",
    "plans.revisionchange",
    "plans.strategicobjective",
    "plans.annualobjective",
    "plans.operationalobjective",
    "plans.objectiveassignment",
    "plans.entityblock",
    "plans.indicator",
    "plans.target",
    "plans.scoringconfig",
    "plans.publication",
    "individual.reportcard",
    # Published figures and overrides of scored figures (scoring.adjustments).
    "scoring.scoreadjustment",
    # The Relazione's texts and headline indicators, as written by the office.
    "reports.narrative",
    "reports.headlineindicator",
    # Who holds which role (granted in the admin), the staff registry, the bonus funds and
    # their beneficiaries: personal data whose every edit is kept with old and new values.
    "accounts.membership",
    "staff.staffrecord",
    "rewards.fund",
    "rewards.art67project",
    "rewards.beneficiary",
)
# Every model of these apps: values (monitoring) and decisions (oiv, individual evaluations).
AUDITED_APPS = ("monitoring", "oiv", "individual")
# Models of those apps that are not worth a history of their own.
SKIPPED_LABELS = frozenset({"individual.reportcardobjective", "individual.synthesisrow"})

# The foreign keys that lead from an item to the item it belongs to, in order of preference.
PARENT_FIELDS = ("indicator", "objective", "entity_block", "revision", "strategic", "card", "fund")
# Foreign keys whose target is not itself the parent but leads to it: an evidence file
# belongs to its value, and so appears in the history of the value's indicator.
PARENT_VIA = {"measurement": "indicator"}
# The foreign keys that lead towards the cycle when the model has no `cycle` of its own.
CYCLE_PATH = (
    "strategic",
    "objective",
    "entity_block",
    "indicator",
    "revision",
    "period",
    "card",
    "measurement",
    "fund",
)


def audited_models() -> list[type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for label in AUDITED_LABELS:
        try:
            found[label] = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # the model does not exist (yet): nothing to record
    for app_label in AUDITED_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            label = model._meta.label_lower
            if label not in SKIPPED_LABELS:
                found[label] = model
    return list(found.values())


@functools.cache
def audited_labels() -> frozenset[str]:
    # The registry is complete once the apps are loaded: computed once per process.
    return frozenset(model._meta.label_lower for model in audited_models())


def is_audited(label: str) -> bool:
    return label in audited_labels()


def cycle_of(obj: Any, depth: int = 0) -> Any:
    """The plans.Cycle the item belongs to, or None (deleted meanwhile, or not in a cycle)."""
    if obj is None or depth > 5:
        return None
    if obj._meta.label_lower == "plans.cycle":
        return obj
    try:
        if getattr(obj, "cycle_id", None) is not None:
            return obj.cycle
        for name in CYCLE_PATH:
            if getattr(obj, f"{name}_id", None) is not None:
                return cycle_of(getattr(obj, name), depth + 1)
    except ObjectDoesNotExist:
        return None
    return None


def cycle_lookups(model: type[models.Model], depth: int = 0) -> list[str]:
    """The lookups from `model` to its cycle (`cycle`, `objective__cycle`, ...): a row
    belongs to the cycle through any of them (an indicator: its objective or its block)."""
    if depth > 5:
        return []
    names = {f.name: f for f in model._meta.get_fields() if f.many_to_one}
    if "cycle" in names:
        return ["cycle"]
    found: list[str] = []
    for name in CYCLE_PATH:
        related = names[name].related_model if name in names else None
        if isinstance(related, type):
            found += [f"{name}__{sub}" for sub in cycle_lookups(related, depth + 1)]
    return found


def parent_of(obj: Any) -> tuple[str, str]:
    """(label, pk) of the item this one belongs to, or ("", "")."""
    for name in PARENT_FIELDS:
        try:
            field = obj._meta.get_field(name)
        except Exception:
            continue
        if not getattr(field, "concrete", False):
            continue  # a reverse relation (a cycle's fund), not a key of this row
        value = getattr(obj, field.attname, None) if field.is_relation else None
        if value is not None and field.related_model is not None:
            return field.related_model._meta.label_lower, str(value)
    for name, via in PARENT_VIA.items():
        if getattr(obj, f"{name}_id", None) is None:
            continue
        try:
            return parent_of(getattr(obj, name)) if via else ("", "")
        except ObjectDoesNotExist:
            return "", ""
    return "", ""
