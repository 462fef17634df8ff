"""What in monitoring blocks closing a cycle: open campaigns, final values missing or
not validated (registered with plans.blockers by the app's ready())."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traguardo.monitoring.models import Measurement, Period
from traguardo.plans import scope
from traguardo.plans.blockers import Blocker
from traguardo.plans.models import Cycle


def blockers(cycle: Cycle, target: str) -> list[Blocker]:
    if target != Cycle.State.CLOSED:
        return []
    periods_url = reverse("monitoring:periods") + f"?anno={cycle.year}"
    todo_url = reverse("monitoring:todo") + f"?anno={cycle.year}"
    found: list[Blocker] = []
    for period in Period.objects.filter(cycle=cycle, closed=False).order_by("date"):
        found.append(
            Blocker(
                _("La campagna di monitoraggio %(period)s è ancora aperta: chiudila.")
                % {"period": f"{period.code}.{cycle.year}"},
                1,
                periods_url,
            )
        )
    final = Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()
    indicators = scope.indicators_of(cycle).filter(replaced_by__isnull=True)
    total = indicators.count()
    if final is None:
        if total:
            found.append(
                Blocker(
                    _(
                        "La campagna del consuntivo (31.12.%(year)s) non è mai stata aperta: "
                        "mancano i valori finali di %(n)s indicatori."
                    )
                    % {"year": cycle.year, "n": total},
                    total,
                    periods_url,
                )
            )
        return found
    values = Measurement.objects.filter(period=final, indicator__in=indicators)
    missing = total - values.count()
    if missing > 0:
        found.append(
            Blocker(
                ngettext(
                    "Manca il valore al 31.12.%(year)s di %(n)s indicatore su %(total)s.",
                    "Manca il valore al 31.12.%(year)s di %(n)s indicatori su %(total)s.",
                    missing,
                )
                % {"year": cycle.year, "n": missing, "total": total},
                missing,
                todo_url,
            )
        )
    not_validated = values.filter(validated_at__isnull=True).count()
    if not_validated:
        found.append(
            Blocker(
                ngettext(
                    "%(n)s valore al 31.12.%(year)s su %(total)s non è validato dal responsabile.",
                    "%(n)s valori al 31.12.%(year)s su %(total)s non sono validati dai "
                    "responsabili.",
                    not_validated,
                )
                % {"year": cycle.year, "n": not_validated, "total": total}
                + (
                    " " + _("La campagna è chiusa: per validarli va riaperta.")
                    if final.closed
                    else ""
                ),
                not_validated,
                periods_url if final.closed else todo_url,
            )
        )
    return found
