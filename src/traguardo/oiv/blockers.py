"""What in the OIV's workspace blocks validating a cycle: checks still open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from traguardo.oiv import selectors
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
