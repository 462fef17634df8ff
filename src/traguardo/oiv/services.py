"""The OIV's writes: checklist notes, sampled evidence, the validation decision.

Every function checks the permission itself (views and any other caller alike).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.audit import recorder
from traguardo.monitoring.evidence import EvidenceRefused, check_upload
from traguardo.oiv.models import (
    Criterion,
    DecisionOutcome,
    EvidenceSample,
    Outcome,
    ValidationCheck,
    ValidationDecision,
)
from traguardo.plans import labels, states
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective
from traguardo.scoring import lifecycle

# The checklist can be filled in until the Relazione is validated.
WRITABLE_STATES = frozenset({"draft", "approved", "monitoring", "closed"})
OBSERVED_OUTCOMES = frozenset({Outcome.REMARKS, Outcome.NOT_OK})


class OivRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def can_read(user: Any, cycle: Cycle) -> bool:
    """The OIV and the performance office (which prepares the Relazione) read the workspace."""
    return permissions.can_oiv(user, cycle) or permissions.has_role_in(
        user, cycle.entity_id, Role.PERFORMANCE_OFFICE
    )


def can_write(user: Any, cycle: Cycle) -> bool:
    return permissions.can_oiv(user, cycle) and cycle.state in WRITABLE_STATES


def _require_write(user: Any, cycle: Cycle) -> None:
    if not permissions.can_oiv(user, cycle):
        raise OivRefused(_("Solo l'OIV dell'ente scrive nello spazio di validazione."))
    if cycle.state not in WRITABLE_STATES:
        raise OivRefused(_("La Relazione è già validata: le verifiche non si modificano più."))


@transaction.atomic
def save_check(
    user: Any,
    cycle: Cycle,
    criterion: str,
    outcome: str,
    note: str,
    *,
    objective: OperationalObjective | None = None,
    entity_block: EntityBlock | None = None,
) -> ValidationCheck:
    _require_write(user, cycle)
    subject = objective or entity_block
    if subject is not None and subject.cycle_id != cycle.pk:
        raise OivRefused(_("L'obiettivo non appartiene a questo ciclo."))
    check = ValidationCheck.objects.filter(
        cycle=cycle, objective=objective, entity_block=entity_block, criterion=criterion
    ).first()
    if check is None:
        check = ValidationCheck(
            cycle=cycle, objective=objective, entity_block=entity_block, criterion=criterion
        )
    elif check.outcome == outcome and check.note == note:
        return check  # unchanged: no new history entry
    old = recorder.values_of(check) if check.pk is not None else None
    check.outcome = outcome
    check.note = note
    check.updated_by = user
    check.updated_at = timezone.now()
    check.save()
    recorder.record_saved(check, old)  # the OIV's work feeds no score: no version bump
    return check


@dataclass(frozen=True)
class Marked:
    """What a bulk "nessuna osservazione" did: the checks set to "conforme", the lines
    marked, and the lines left as they were because the OIV already observed something."""

    checks: int
    lines: list[str]
    skipped: list[str]


def _line(cycle: Cycle, key: str) -> tuple[str, dict[str, Any]]:
    """A line of the matrix named as the form names it ("obiettivo-12", "blocco-3",
    "relazione-0"): its label and its subject; refused when not of this cycle."""
    scope, _dash, raw = key.partition("-")
    pk = int(raw) if raw.isdigit() else 0
    if scope == "relazione":
        return _("Relazione nel complesso"), {"objective": None, "entity_block": None}
    if scope == "blocco":
        block = EntityBlock.objects.filter(cycle=cycle, pk=pk).first()
        if block is not None:
            return labels.block(block.number), {"objective": None, "entity_block": block}
    if scope == "obiettivo":
        objective = (
            OperationalObjective.objects.filter(cycle=cycle, pk=pk, replaced_by=None)
            .select_related("home_unit")
            .first()
        )
        if objective is not None:
            return objective.code, {"objective": objective, "entity_block": None}
    raise OivRefused(_("La voce «%(key)s» non è una verifica di questo ciclo.") % {"key": key[:40]})


@transaction.atomic
def mark_no_remarks(user: Any, cycle: Cycle, keys: Iterable[str]) -> Marked:
    """Every check still to do of the chosen lines becomes "conforme" with no note: the
    lines the OIV examined and found nothing to observe, marked in one go. A line where
    the OIV already observed something (an outcome other than "conforme", a note) is left
    as it is and named back; each check saved is in the audit trail, as one by one."""
    _require_write(user, cycle)
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise OivRefused(_("Scegli almeno una voce da segnare senza osservazioni."))
    lines = [_line(cycle, key) for key in wanted]  # every key checked before any write
    saved = 0
    marked: list[str] = []
    skipped: list[str] = []
    for label, subject in lines:
        existing = {c.criterion: c for c in ValidationCheck.objects.filter(cycle=cycle, **subject)}
        if any(c.outcome in OBSERVED_OUTCOMES or c.note for c in existing.values()):
            skipped.append(label)
            continue
        todo = [c for c in Criterion if c not in existing or existing[c].outcome == Outcome.PENDING]
        for criterion in todo:
            save_check(user, cycle, criterion.value, Outcome.OK, "", **subject)
        saved += len(todo)
        marked.append(label)
    return Marked(saved, marked, skipped)


def add_evidence(
    user: Any,
    cycle: Cycle,
    indicator: Indicator,
    source: str,
    outcome: str,
    note: str = "",
    document: UploadedFile | None = None,
) -> EvidenceSample:
    _require_write(user, cycle)
    owner = indicator.objective or indicator.entity_block
    if owner is None or owner.cycle_id != cycle.pk:
        raise OivRefused(_("L'indicatore non appartiene a questo ciclo."))
    sample = EvidenceSample(
        cycle=cycle,
        indicator=indicator,
        source=source,
        outcome=outcome,
        note=note,
        checked_by=user,
    )
    if document is not None:
        # The same allow-list, size limit and content check as a value's evidence.
        try:
            check_upload(document)
        except EvidenceRefused as exc:
            raise OivRefused(exc.message) from None
        sample.document = document
    return recorder.save(sample)


def _checked_pdf(upload: UploadedFile) -> UploadedFile:
    """The validation document is published as it is: a PDF (signed PAdES), checked like
    every upload (allow-list, size, content)."""
    name = upload.name or ""
    if not name.lower().endswith(".pdf"):
        raise OivRefused(
            _("Il documento di validazione «%(name)s» deve essere un PDF (firmato).")
            % {"name": name}
        )
    try:
        check_upload(upload)
    except EvidenceRefused as exc:
        raise OivRefused(exc.message) from None
    return upload


@transaction.atomic
def attach_decision_document(
    user: Any, decision: ValidationDecision, upload: UploadedFile
) -> ValidationDecision:
    """The signed document of a decision already recorded (it is often signed later).
    Once the cycle is published the document is what citizens read: it is not replaced
    then (a formal correction of the Relazione does not reopen the OIV's decision)."""
    cycle = decision.cycle
    if not permissions.can_oiv(user, cycle):
        raise OivRefused(_("Solo l'OIV dell'ente carica il documento di validazione."))
    if cycle.is_published and decision.document:
        raise OivRefused(
            _("Il ciclo è pubblicato: il documento di validazione pubblicato non si sostituisce.")
        )
    decision.document = _checked_pdf(upload)
    return recorder.save(decision, update_fields=["document"])


def decisions(cycle: Cycle) -> list[ValidationDecision]:
    """Every decision of the cycle, newest round first."""
    return list(
        ValidationDecision.objects.filter(cycle=cycle)
        .select_related("decided_by")
        .order_by("-round")
    )


@transaction.atomic
def decide(
    user: Any,
    cycle: Cycle,
    outcome: str,
    date: datetime.date,
    reasons: str,
    *,
    override: bool = False,
    override_reason: str = "",
    document: UploadedFile | None = None,
) -> ValidationDecision:
    """Record the decision; a positive one moves the cycle from "closed" to "validated"
    (blocked by open checks or texts unless overridden with a reason). A negative one sends
    the Relazione back to the office with its reasons: the next decision is a new round."""
    if not permissions.can_oiv(user, cycle):
        raise OivRefused(_("Solo l'OIV dell'ente decide sulla validazione."))
    if cycle.state != "closed":
        raise OivRefused(
            _("La decisione si registra sul ciclo chiuso (consuntivo); ora è «%(state)s».")
            % {"state": cycle.get_state_display()}
        )
    if outcome == DecisionOutcome.NOT_VALIDATED and not reasons.strip():
        raise OivRefused(_("Motiva la mancata validazione: l'ufficio la legge per correggere."))
    Cycle.objects.select_for_update().get(pk=cycle.pk)  # one round number at a time
    latest = ValidationDecision.objects.filter(cycle=cycle).order_by("-round").first()
    decision = ValidationDecision(
        cycle=cycle,
        round=(latest.round if latest is not None else 0) + 1,
        outcome=outcome,
        date=date,
        reasons=reasons,
        decided_by=user,
        recorded_at=timezone.now(),
    )
    if document is not None:
        decision.document = _checked_pdf(document)
    # Saved first: moving to "validated" requires the positive decision on record
    # (permissions.can_transition); a refused move rolls both back (atomic).
    decision.save()
    recorder.record_saved(decision, None)
    if outcome == DecisionOutcome.VALIDATED:
        try:
            lifecycle.change_state(
                user, cycle, "validated", note=reasons, override=override, reason=override_reason
            )
        except states.TransitionRefused as exc:
            raise OivRefused(exc.message) from exc
    return decision
