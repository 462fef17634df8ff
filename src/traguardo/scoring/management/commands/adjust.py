from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from traguardo.audit import recorder
from traguardo.core.numbers import NumberFormatError, format_it, parse_number
from traguardo.plans.management.commands._common import (
    add_entity_argument,
    cycle_of,
    user_named,
)
from traguardo.scoring import adjustments


class Command(BaseCommand):
    help = (
        "Valori pubblicati e rettifiche di un ciclo: senza opzioni elenca rettifiche e "
        "scostamenti; --published registra il valore pubblicato di CODE (vuoto: lo toglie), "
        "--override VALORE --reason «…» rettifica il valore calcolato, --clear torna al "
        "calcolato. Le modifiche restano nel registro."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", nargs="?", default="")
        parser.add_argument("--year", type=int, required=True)
        add_entity_argument(parser)
        parser.add_argument("--published", default=None, help="valore pubblicato (72,63)")
        parser.add_argument("--override", default=None, help="valore da usare (72,63)")
        parser.add_argument("--reason", default="", help="motivo della rettifica")
        parser.add_argument("--clear", action="store_true", help="toglie la rettifica")
        parser.add_argument(
            "--user",
            default="",
            help="chi registra (i suoi ruoli sono verificati; senza: l'operatore del server)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        by = user_named(options["user"]) if options["user"] else None
        with recorder.acting_as(by):
            self._handle(cycle, by, options)

    def _handle(self, cycle: Any, by: Any, options: dict[str, Any]) -> None:
        code = options["code"]
        wants = options["published"] is not None or options["override"] is not None
        if (wants or options["clear"]) and not code:
            raise CommandError(_("indica il codice dell'elemento (ad es. 2.1/1)"))
        try:
            if options["published"] is not None:
                value = _number(options["published"], "--published")
                adjustments.set_published(cycle, code, value, by=by)
            if options["override"] is not None:
                value = _number(options["override"], "--override")
                if value is None:
                    raise CommandError(_("--override: scrivi il valore"))
                adjustments.override(cycle, code, value, reason=options["reason"], by=by)
            if options["clear"]:
                adjustments.clear_override(cycle, code, by=by)
        except adjustments.AdjustmentRefused as refused:
            raise CommandError(refused.message) from None
        for found, item in adjustments.adjustments_of(cycle).items():
            parts = [found]
            if item.override is not None:
                parts.append(f"rettificato {format_it(item.override)} ({item.reason})")
            if item.published is not None:
                parts.append(f"pubblicato {format_it(item.published)}")
            self.stdout.write("  ".join(parts))
        for deviation in adjustments.deviations_of(cycle):
            computed = format_it(deviation.rounded) if deviation.rounded is not None else "n.d."
            self.stdout.write(
                _("scostamento %(code)s: pubblicato %(published)s, calcolato %(computed)s")
                % {
                    "code": deviation.code,
                    "published": format_it(deviation.published),
                    "computed": computed,
                }
            )


def _number(text: str, option: str) -> Any:
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        return parse_number(text)
    except NumberFormatError as error:
        raise CommandError(f"{option}: {error}") from None
