from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from traguardo.core.score_diff import differences
from traguardo.plans.management.commands._common import add_entity_argument, cycle_of
from traguardo.scoring import snapshots
from traguardo.scoring.services import live, score_cycle


class Command(BaseCommand):
    help = (
        "Istantanee dei punteggi di un ciclo chiuso: elenca le istantanee e le differenze "
        "con il calcolo di oggi; con --reason ne prende una nuova (registrata con il motivo)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        add_entity_argument(parser)
        parser.add_argument(
            "--reason",
            default="",
            help="prende una nuova istantanea con questo motivo (resta nel registro)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        if cycle.state not in snapshots.FROZEN_STATES:
            raise CommandError(
                _("il ciclo %(year)s è «%(state)s»: le istantanee si prendono a ciclo chiuso")
                % {"year": cycle.year, "state": cycle.get_state_display()}
            )
        if options["reason"]:
            try:
                taken = snapshots.take(cycle, reason=options["reason"])
            except snapshots.SnapshotRefused as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(
                self.style.SUCCESS(
                    _("Nuova istantanea n. %(id)s: performance dell'ente %(value)s")
                    % {"id": taken.pk, "value": taken.performance_shown}
                )
            )
            return
        for row in snapshots.history(cycle):
            self.stdout.write(
                f"n. {row.pk}  {row.taken_at:%d/%m/%Y %H:%M}  {row.state_label}  "
                f"{row.performance_shown}  Traguardo {row.version}  {row.reason}"
            )
        if snapshots.latest(cycle) is None:
            self.stdout.write(_("Nessuna istantanea: prendila con --reason «…»."))
            return
        found = differences(score_cycle(cycle), live(cycle)[1])
        if not found:
            self.stdout.write(_("Il calcolo di oggi dà gli stessi punteggi."))
        for d in found:
            self.stdout.write(f"{d.kind} {d.code} ({d.label[:50]}) {d.figure}: {d.old} → {d.new}")
