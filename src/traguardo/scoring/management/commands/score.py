import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from traguardo.core.contract import to_contract_dict
from traguardo.core.numbers import format_it, format_percent
from traguardo.core.results import PlanScore
from traguardo.monitoring.models import Period
from traguardo.plans.management.commands._common import add_entity_argument, cycle_of
from traguardo.scoring.services import live, score_cycle


class Command(BaseCommand):
    help = "Calcola la performance di un ciclo e stampa la tabella dell'Ente (o il JSON del contratto)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        add_entity_argument(parser)
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument(
            "--period",
            choices=Period.Code.values,
            default=Period.Code.FINAL,
            help="periodo di monitoraggio (predefinito 31.12)",
        )
        parser.add_argument(
            "--live",
            action="store_true",
            help="calcola dai dati, dal codice e dalle impostazioni di oggi anche per un ciclo "
            "chiuso (che altrimenti mostra la sua istantanea), per confronto",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        period = options["period"]
        score = live(cycle, period)[1] if options["live"] else score_cycle(cycle, period=period)
        if options["format"] == "json":
            self.stdout.write(json.dumps(to_contract_dict(score), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(score))


def _pct(value: Any) -> str:
    return format_percent(value) if value is not None else "n.d."


def render_table(score: PlanScore) -> str:
    lines = [f"{score.entity_name} — Tabella calcolo Performance dell'Ente {score.year}", ""]
    lines.append(
        f"{'N.':>3}  {'Indicatore':<52} {'Target':<16} {'Valore':<14} {'Grado':>8}   "
        f"{'A':>8} {'B':>6} {'A×B':>7}"
    )
    for block in score.entity.blocks:
        for position, indicator in enumerate(block.indicators):
            tail = (
                (
                    f"{_pct(block.achievement):>8} {format_it(block.weight, 2, trim=True):>6} "
                    f"{format_it(block.result, 2):>7}"
                )
                if position == 0
                else ""
            )
            lines.append(
                f"{indicator.number:>3}  {indicator.name[:52]:<52} {(indicator.target.text if indicator.target else '?')[:16]:<16} "
                f"{indicator.reading.text[:14]:<14} {_pct(indicator.degree.value):>8}   {tail}"
            )
    lines += [
        "",
        f"PERFORMANCE DELL'ENTE: {format_it(score.entity.performance, 2)}",
        "",
        "Performance di area e di settore",
    ]
    for unit in score.units:
        if unit.kind.value in ("area", "settore"):
            indent = "  " if unit.kind.value == "settore" else ""
            lines.append(
                f"{indent}{unit.short or unit.code:<8} {unit.name[:60]:<60} {_pct(unit.performance):>8}"
            )
    return "\n".join(lines)
