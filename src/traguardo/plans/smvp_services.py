"""Setting a cycle's SMVP: the one write service the page, the command line and the API call.

:func:`set_cycle_smvp` reads the document (docs/smvp.md) with :func:`core.smvp.parse_smvp`
(an invalid setting is refused with its path, ``livelli.unit.metodo``), stores it in its
canonical form in ``ScoringConfig.options["documento"]`` (``default_rule`` and the older
option keys kept in step), records the act that adopted it and the audit trail, and bumps
the cycle's data version so that every cached score is recomputed.

Once the plan is approved the SMVP is part of what was approved: a change is recorded like
a revision of the plan. It goes into the revision open at the time, else into a new
revision, closed at once, whose act is the SMVP's act; each changed setting is one line of
it ("Altra variazione", element "Sistema di misurazione e valutazione (SMVP)", the setting,
before, after), so the Revisioni page and the history show it. A closed, validated or
published cycle keeps the SMVP it was measured with.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.audit import recorder
from traguardo.core.model import Smvp
from traguardo.core.smvp import parse_smvp, smvp_to_dict
from traguardo.plans import editing, snapshots, versions
from traguardo.plans.models import (
    Act,
    Cycle,
    EntityBlock,
    OperationalObjective,
    Revision,
    RevisionChange,
    ScoringConfig,
    StrategicObjective,
)
from traguardo.plans.smvp_settings import DOCUMENT, cycle_smvp, stored_document

# The states in which the scores are final: the SMVP they were computed with stays.
FROZEN_STATES = frozenset({Cycle.State.CLOSED, Cycle.State.VALIDATED, Cycle.State.PUBLISHED})
ITEM_LABEL = "Sistema di misurazione e valutazione (SMVP)"


class SmvpRefused(ValueError):
    """The SMVP cannot be set; `message` says why, `where` names the setting or field
    ("livelli.unit.metodo", "atto", "motivo"), empty when it is about the cycle."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class SmvpSaved:
    smvp: Smvp
    changed: tuple[tuple[str, str, str], ...]  # (setting, before, after)
    act: Act | None  # None when nothing was stored, or no act was named (in preparation)
    revision: Revision | None  # the revision the change was recorded in (plan approved)
    stored: bool = True  # False: the cycle had this very SMVP already, nothing was written


# --- reading ------------------------------------------------------------------------------


def has_blocks(cycle: Cycle) -> bool | None:
    """Whether the plan has the entity table (Allegato B blocks): ``fonte: blocks`` needs
    it. None while the plan is empty (nothing imported yet): not known, not refused."""
    if EntityBlock.objects.filter(cycle=cycle).exists():
        return True
    if (
        OperationalObjective.objects.filter(cycle=cycle).exists()
        or StrategicObjective.objects.filter(cycle=cycle).exists()
    ):
        return False
    return None


def parse_for(cycle: Cycle, document: Any) -> Smvp:
    """The SMVP `document` describes, checked against the cycle's plan (SmvpError)."""
    return parse_smvp(document, has_blocks=has_blocks(cycle))


def canonical(smvp: Smvp) -> dict[str, Any]:
    """The document of `smvp` in plain JSON types (the core's keys are StrEnums, which YAML
    and the comparison of two documents would otherwise see as objects)."""
    plain: dict[str, Any] = json.loads(json.dumps(smvp_to_dict(smvp)))
    return plain


def document_of(cycle: Cycle) -> dict[str, Any]:
    """The cycle's SMVP as the document `set` accepts (canonical: every level written)."""
    return canonical(cycle_smvp(cycle))


def to_yaml(document: Mapping[str, Any]) -> str:
    """The document as YAML, in the order it is written (what ``smvp show`` prints)."""
    return yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, width=100)


def differences(old: Any, new: Any, where: str = "") -> list[tuple[str, str, str]]:
    """The settings that differ between two documents: (path, before, after)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        found: list[tuple[str, str, str]] = []
        for key in list(old) + [k for k in new if k not in old]:
            path = f"{where}.{key}" if where else str(key)
            found.extend(differences(old.get(key), new.get(key), path))
        return found
    if old == new:
        return []
    return [(where, _text(old), _text(new))]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
    return str(value)


# --- who may, when ------------------------------------------------------------------------


def refusal(user: Any, cycle: Cycle) -> str | None:
    """Why `user` may not change the cycle's SMVP now, or None. `user` None: the command
    line run by whoever operates the server (as `cycle add`)."""
    if cycle.state in FROZEN_STATES:
        return _(
            "Il ciclo %(year)s è nello stato «%(state)s»: i suoi punteggi sono stati chiusi "
            "con lo SMVP di allora, che non si cambia più. Un nuovo SMVP vale dal ciclo "
            "successivo: impostalo lì."
        ) % {"year": cycle.year, "state": cycle.get_state_display()}
    if user is None:
        return None
    if permissions.is_installation_admin(user):
        return None
    if not permissions.has_role_in(user, cycle.entity_id, Role.PERFORMANCE_OFFICE):
        return _(
            "Solo la struttura tecnica permanente (ufficio performance) dell'ente cambia il "
            "sistema di misurazione e valutazione."
        )
    return None


def needs_revision(cycle: Cycle) -> bool:
    """After approval a change of the SMVP is recorded like a revision of the plan."""
    return cycle.state in editing.REVISION_STATES


# --- the act ------------------------------------------------------------------------------

_ACT = re.compile(
    r"^(?P<type>.*?)\s*\bn(?:\.|um(?:ero)?\.?)?\s*(?P<number>[\w/.\-]+?)"
    r"(?:\s*,?\s+del(?:l')?\s*(?P<date>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}))?\s*$",
    re.IGNORECASE,
)


def parse_act_reference(text: str) -> tuple[str, str, datetime.date | None]:
    """("Delibera di Giunta", "12", 10 January 2020) from "Delibera di Giunta n. 12 del
    10/01/2020"; a reference of another shape is kept whole as the act's type."""
    text = " ".join(text.split())
    found = _ACT.match(text)
    if found is None:
        return text[:100], "", None
    date = None
    if found.group("date"):
        day, month, year = (int(p) for p in re.split(r"[/.\-]", found.group("date")))
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            raise SmvpRefused(
                _("la data «%(date)s» non esiste (scrivila come gg/mm/aaaa)")
                % {"date": found.group("date")},
                "atto",
            ) from None
    return found.group("type").strip(" ,")[:100], found.group("number")[:30], date


# --- writing ------------------------------------------------------------------------------


@transaction.atomic
def set_cycle_smvp(
    cycle: Cycle,
    document: Any,
    *,
    by: Any,
    act_reference: str,
    reason: str = "",
) -> SmvpSaved:
    """Validate and store `document` as the SMVP of `cycle`.

    Raises :class:`core.smvp.SmvpError` (with ``where``) for an invalid setting and
    :class:`SmvpRefused` when the change is not allowed (the cycle's state, the user's role,
    an act or a reason missing after approval). Nothing is written when the document is the
    one stored already (``stored`` False). The act is recorded when `act_reference` names
    one (required once the plan is approved).
    """
    locked = Cycle.objects.select_for_update().select_related("entity").get(pk=cycle.pk)
    why = refusal(by, locked)
    if why:
        raise SmvpRefused(why)
    smvp = parse_for(locked, document)
    document = canonical(smvp)
    config = ScoringConfig.objects.select_for_update().filter(cycle=locked).first()
    before_doc = stored_document(config)
    old_doc = before_doc if before_doc is not None else document_of(locked)
    changed = differences(old_doc, document)
    if before_doc is not None and not changed:
        return SmvpSaved(smvp, (), None, None, stored=False)
    act_reference = act_reference.strip()
    reason = reason.strip()
    # Storing as a document what the older settings meant already changes nothing: no
    # revision for that.
    revising = needs_revision(locked) and bool(changed)
    if revising and not act_reference:
        raise SmvpRefused(
            _(
                "il piano è approvato: un cambio dello SMVP è una revisione e richiede l'atto "
                "che lo adotta (es. «Delibera di Giunta n. 12 del 10/01/2020»)"
            ),
            "atto",
        )
    if revising and not reason:
        raise SmvpRefused(
            _("il piano è approvato: indica il motivo del cambio dello SMVP"), "motivo"
        )
    act_type, number, date = parse_act_reference(act_reference)
    user = by if getattr(by, "is_authenticated", False) else None
    with recorder.acting_as(user) if user is not None else nullcontext():
        act = (
            recorder.create(
                Act,
                cycle=locked,
                kind=Act.Kind.SMVP,
                act_type=act_type,
                number=number,
                date=date,
                subject=_subject(smvp, act_reference, reason),
            )
            if act_reference
            else None
        )
        options = dict(config.options or {}) if config is not None else {}
        options.update(
            {
                DOCUMENT: document,
                "params": document["parametri"],
                "missing_value": document["valore_mancante"],
                "not_measurable": document["non_misurabile"],
            }
        )
        if config is None:
            config = recorder.create(
                ScoringConfig, cycle=locked, default_rule=smvp.rule, options=options
            )
        else:
            old_values = recorder.before(config)
            config.default_rule = smvp.rule
            config.options = options
            config.save()
            recorder.record_saved(config, old_values)
        revision = (
            _record_revision(locked, config, user, act, reason, changed) if revising else None
        )
    versions.bump([locked.pk])
    return SmvpSaved(smvp, tuple(changed), act, revision)


def _subject(smvp: Smvp, reference: str, reason: str) -> str:
    with translation.override("it"):  # the act is data: Italian whatever the reader's language
        subject = "Sistema di misurazione e valutazione della performance"
        if smvp.name:
            subject += f" «{smvp.name}»"
        if reference:
            subject += f" ({reference})"
        if reason:
            subject += f": {reason}"
        return subject


def _record_revision(
    cycle: Cycle,
    config: ScoringConfig,
    user: Any,
    act: Act | None,
    reason: str,
    changed: list[tuple[str, str, str]],
) -> Revision:
    """The change in the open revision, else in a new revision closed at once."""
    revision = editing.open_revision(cycle)
    now = timezone.now()
    created = revision is None
    if revision is None:
        last = Revision.objects.filter(cycle=cycle).order_by("-number").first()
        number = (last.number if last else 0) + 1
        snapshots.take(
            cycle,
            number - 1,
            "Piano approvato" if number == 1 else f"Piano dopo la revisione n. {number - 1}",
        )
        revision = recorder.create(
            Revision,
            cycle=cycle,
            number=number,
            act=act,
            reason=f"Sistema di misurazione e valutazione: {reason}",
            is_open=False,
            opened_by=user,
            opened_at=now,
            closed_at=now,
        )
    for setting, old, new in changed:
        recorder.create(
            RevisionChange,
            revision=revision,
            kind=RevisionChange.Kind.OTHER,
            text=f"SMVP: {setting} «{old}» → «{new}»",
            item_type=config._meta.label_lower,
            item_id=config.pk,
            item_label=ITEM_LABEL,
            field=setting[:100],
            old_value=old,
            new_value=new,
            by=user,
            at=now,
        )
    if created:
        Revision.objects.filter(pk=revision.pk).update(variations_count=len(changed))
        revision.variations_count = len(changed)
        snapshots.take(cycle, revision.number, f"Piano dopo la revisione n. {revision.number}")
    return revision
