"""The cycle's life: draft → approved → monitoring → closed → validated → published.

One way back: closed → monitoring (a correction before the OIV's validation), only with a
written reason. A change forward first asks plans.blockers what blocks it; a blocked change
goes ahead only with an explicit override and a written reason, kept in the history and
the audit trail. Validation and publication cannot be undone (IRREVERSIBLE): the pages ask
for a confirmation first; a published Relazione changes only through a formal correction
(scoring.lifecycle.open_correction, publish_correction), which makes a new published
version.

Each transition is allowed to one role (accounts.permissions.TRANSITIONS) and recorded
with who and when (the cycle's transitions and the audit trail); a published cycle is
read-only everywhere. `transition` is the one service that changes a cycle's state: web,
API, command line and the OIV's validation call it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.audit.models import AuditEntry
from traguardo.plans import blockers as blocking
from traguardo.plans import editing, snapshots, versions
from traguardo.plans.blockers import Blocker
from traguardo.plans.models import Cycle, CycleTransition

# Backward changes: allowed only with a reason, never blocked.
BACKWARD = frozenset({("closed", "monitoring")})
# Changes that cannot be undone: the pages show what happens and ask to confirm.
IRREVERSIBLE = frozenset({"validated", "published"})


class TransitionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionBlocked(TransitionRefused):
    """The change has blockers and was not overridden: `blockers` lists them."""

    def __init__(self, found: list[Blocker]) -> None:
        super().__init__(
            _(
                "Il passaggio di stato è bloccato da %(n)s impedimenti; risolvili oppure "
                "forza il passaggio scrivendo il motivo:"
            )
            % {"n": len(found)}
            + "\n"
            + blocking.as_text(found)
        )
        self.blockers = found


def is_backward(source: str, target: str) -> bool:
    return (source, target) in BACKWARD


def what_happens(source: str, target: str) -> str:
    """One sentence for the confirmation page: what the change does."""
    texts = {
        ("draft", "approved"): _(
            "Il piano è approvato: se ne conserva la versione 0, con cui si confrontano "
            "le revisioni."
        ),
        ("approved", "monitoring"): _("Si apre il monitoraggio: si inseriscono i valori."),
        ("monitoring", "closed"): _(
            "Il ciclo si chiude: i punteggi sono fissati in un'istantanea; i valori non si "
            "modificano più, salvo riaprire il monitoraggio con una motivazione."
        ),
        ("closed", "monitoring"): _(
            "Il ciclo torna in monitoraggio per una correzione prima della validazione: "
            "l'istantanea presa alla chiusura resta nello storico; alla nuova chiusura se "
            "ne prende un'altra."
        ),
        ("closed", "validated"): _(
            "L'OIV valida la Relazione: non si torna indietro; i punteggi validati sono "
            "quelli dell'istantanea."
        ),
        ("validated", "published"): _(
            "La Relazione e i risultati diventano pubblici: non si torna indietro; da qui "
            "si cambiano solo con una rettifica formale, che crea una nuova versione "
            "pubblicata."
        ),
    }
    return str(texts.get((source, target), ""))


def allowed_targets(user: Any, cycle: Cycle) -> list[str]:
    return [
        target
        for (source, target) in permissions.TRANSITIONS
        if source == cycle.state and permissions.can_transition(user, cycle, target)
    ]


@transaction.atomic
def transition(
    user: Any,
    cycle: Cycle,
    target: str,
    note: str = "",
    *,
    override: bool = False,
    reason: str = "",
) -> CycleTransition:
    """Move the cycle to `target`. TransitionRefused says why not; TransitionBlocked (a
    subclass) lists the blockers when there are some and `override` is not given with a
    `reason`. A way back needs its reason in `note`."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if (locked.state, target) not in permissions.TRANSITIONS:
        raise TransitionRefused(
            f"Da «{locked.get_state_display()}» non si passa a «{Cycle.State(target).label}»."
        )
    if not permissions.can_transition(user, locked, target):
        raise TransitionRefused("Il tuo ruolo non consente questo passaggio di stato.")
    backward = is_backward(locked.state, target)
    if backward and not note.strip():
        raise TransitionRefused(
            _("Per riportare il ciclo da «%(s)s» a «%(t)s» scrivi la motivazione.")
            % {"s": locked.get_state_display(), "t": Cycle.State(target).label}
        )
    open_revision = editing.open_revision(locked)
    if open_revision is not None and target not in editing.REVISION_STATES:
        raise TransitionRefused(
            _("La revisione n. %(n)s è ancora aperta: chiudila prima di chiudere il ciclo.")
            % {"n": open_revision.number}
        )
    found = [] if backward else blocking.blockers(locked, target)
    if found and not override:
        raise TransitionBlocked(found)
    if found and not reason.strip():
        raise TransitionRefused(
            _("Per forzare un passaggio di stato bloccato scrivi il motivo della forzatura.")
        )
    record = CycleTransition.objects.create(
        cycle=locked,
        source=locked.state,
        target=target,
        by=user,
        note=note,
        blockers=[{"message": b.message, "count": b.count} for b in found],
        override_reason=reason.strip() if found else "",
    )
    locked.state = target
    recorder.save(locked, update_fields=["state"])
    cycle.state = target
    if found:
        _record_override(user, locked, record)
    if target == Cycle.State.APPROVED:
        snapshots.take(locked, 0, _("Piano approvato"))  # what revisions are compared with
    versions.bump([locked.pk])
    return record


def _record_override(user: Any, cycle: Cycle, record: CycleTransition) -> None:
    """The audit entry of a forced change: the blockers it passed over and why."""
    username = user.get_username() if getattr(user, "is_authenticated", False) else ""
    AuditEntry.objects.create(
        user=user if username else None,
        username=username,
        action=AuditEntry.Action.UPDATE,
        model_label="plans.cycletransition",
        object_pk=str(record.pk),
        object_repr=str(
            _("Passaggio di stato forzato: %(s)s → %(t)s")
            % {
                "s": Cycle.State(record.source).label,
                "t": Cycle.State(record.target).label,
            }
        ),
        cycle_id=cycle.pk,
        entity_id=cycle.entity_id,
        changes={"state": [record.source, record.target], "blockers": record.blockers},
        note=record.override_reason,
    )
