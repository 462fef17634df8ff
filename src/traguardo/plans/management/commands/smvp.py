"""`traguardo smvp presets | set | show`: a cycle's SMVP from the command line (docs/smvp.md).

traguardo smvp presets
traguardo smvp set --entity CODE --year YEAR (--preset NAME | --file FILE.yaml)
                   [--atto "Delibera n. 12 del 10/01/2020"] [--motivo "..."] [--user NAME]
traguardo smvp show --entity CODE --year YEAR      # the YAML that --file accepts
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from traguardo.core.smvp import PRESET_LABELS, PRESETS, SmvpError
from traguardo.core.smvp import preset as preset_smvp
from traguardo.plans.management.commands._common import (
    add_entity_argument,
    cycle_of,
    user_named,
)
from traguardo.plans.smvp_services import (
    SmvpRefused,
    canonical,
    document_of,
    set_cycle_smvp,
    to_yaml,
)
from traguardo.yamlfiles import read_yaml


class Command(BaseCommand):
    help = (
        "Il sistema di misurazione e valutazione (SMVP) di un ciclo: «presets» elenca i "
        "modelli pronti, «set» lo imposta da un modello (--preset) o da un file YAML "
        "(--file), «show» stampa quello in vigore nel formato che --file accetta "
        "(docs/smvp.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["presets", "set", "show"])
        add_entity_argument(parser)
        parser.add_argument("--year", type=int, default=None, help="anno del ciclo")
        parser.add_argument("--preset", default="", help="nome del modello (smvp presets)")
        parser.add_argument("--file", default="", help="file YAML dello SMVP (docs/smvp.md)")
        parser.add_argument(
            "--atto",
            default="",
            help="atto che adotta lo SMVP, es. «Delibera n. 12 del 10/01/2020» "
            "(obbligatorio dopo l'approvazione del piano)",
        )
        parser.add_argument(
            "--motivo", default="", help="motivo del cambio (obbligatorio dopo l'approvazione)"
        )
        parser.add_argument(
            "--user", default="", help="utente che fa il cambio (ufficio performance)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Messages and labels in Italian, as every command prints them.
        with translation.override("it"):
            action = options["action"]
            if action == "presets":
                self._presets()
            elif action == "show":
                self._show(options)
            else:
                self._set(options)

    def _presets(self) -> None:
        width = max(len(name) for name in PRESETS)
        for name in PRESETS:
            self.stdout.write(f"{name:<{width}}  {translation.gettext(PRESET_LABELS[name])}")

    def _cycle(self, options: dict[str, Any]) -> Any:
        if options["year"] is None:
            raise CommandError("indica l'anno del ciclo: --year ANNO")
        return cycle_of(options)

    def _show(self, options: dict[str, Any]) -> None:
        cycle = self._cycle(options)
        try:
            document = document_of(cycle)
        except SmvpError as exc:  # a stored document a newer check refuses
            raise CommandError(f"SMVP memorizzato non valido: {exc.where}: {exc.message}") from None
        self.stdout.write(to_yaml(document), ending="")

    def _set(self, options: dict[str, Any]) -> None:
        cycle = self._cycle(options)
        if bool(options["preset"]) == bool(options["file"]):
            raise CommandError("indica o --preset NOME o --file FILE.yaml (uno dei due)")
        if options["preset"]:
            try:
                document: Any = canonical(preset_smvp(options["preset"]))
            except SmvpError as exc:
                raise CommandError(f"{exc.where}: {exc.message}") from None
            source = f"modello «{options['preset']}»"
        else:
            path = Path(options["file"])
            try:
                document = read_yaml(path)
            except OSError as exc:
                raise CommandError(
                    f"{path}: non riesco a leggere il file ({exc.strerror})"
                ) from None
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" (riga {mark.line + 1}, colonna {mark.column + 1})" if mark else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise CommandError(f"{path}{where}: YAML non valido: {problem}") from None
            source = f"file {path}"
        user = user_named(options["user"]) if options["user"] else None
        try:
            saved = set_cycle_smvp(
                cycle,
                document,
                by=user,
                act_reference=options["atto"],
                reason=options["motivo"],
            )
        except SmvpError as exc:
            prefix = f"{options['file']}: " if options["file"] else ""
            raise CommandError(f"{prefix}{exc.where}: {exc.message}") from None
        except SmvpRefused as exc:
            where = {"atto": "--atto", "motivo": "--motivo"}.get(exc.where, exc.where)
            raise CommandError(f"{where}: {exc.message}" if where else exc.message) from None
        if not saved.stored:
            self.stdout.write(
                f"Il ciclo {cycle.year} di «{cycle.entity.code}» ha già questo SMVP: nulla da fare."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"SMVP del ciclo {cycle.year} di «{cycle.entity.code}» impostato dal {source} "
                f"(impostazioni cambiate: {len(saved.changed)})."
            )
        )
        if saved.revision is not None:
            self.stdout.write(
                f"Il piano è approvato: il cambio è registrato nella revisione n. "
                f"{saved.revision.number}."
            )
        self.stdout.write(
            f"Passo successivo: traguardo score --entity {cycle.entity.code} --year {cycle.year}"
        )
