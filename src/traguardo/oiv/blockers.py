"""What in the OIV's workspace blocks validating a cycle: checks still open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traguardo.oiv import selectors
from traguardo.oiv.models import DecisionOutcome, ValidationDecision
from traguardo.plans.blockers import Blocker
from traguardo.plans.models import Cycle


def blockers(cycle: Cycle, target: str) -> list[Blocker]:
    if target != Cycle.State.VALIDATED:
        return []
    done, total = selectors.progress(selectors.matrix(cycle))
    open_checks = total - done
    if not open_checks:
        return []
    return [
        Blocker(
            ngettext(
                "%(n)s verifica dell'OIV su %(total)s è ancora da fare.",
                "%(n)s verifiche dell'OIV su %(total)s sono ancora da fare.",
                open_checks,
            )
            % {"n": open_checks, "total": total},
            open_checks,
            reverse("oiv:workspace") + f"?anno={cycle.year}",
        )
    ]


def notices(cycle: Cycle) -> list[Blocker]:
    """The OIV's "non validata" sent back to the office, with its reasons, until the OIV
    decides again."""
    latest = ValidationDecision.objects.filter(cycle=cycle).order_by("-round").first()
    if latest is None or latest.outcome != DecisionOutcome.NOT_VALIDATED:
        return []
    if cycle.state not in (Cycle.State.MONITORING, Cycle.State.CLOSED):
        return []
    return [
        Blocker(
            _(
                "L'OIV non ha validato la Relazione (tornata %(round)s, %(date)s): "
                "%(reasons)s — correggi (se serve riportando il ciclo in monitoraggio), "
                "richiudi il ciclo e chiedi all'OIV una nuova validazione."
            )
            % {
                "round": latest.round,
                "date": f"{latest.date:%d/%m/%Y}",
                "reasons": latest.reasons,
            },
            1,
            reverse("oiv:workspace") + f"?anno={cycle.year}#decisione",
        )
    ]
