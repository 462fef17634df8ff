import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from traguardo.core.contract import to_contract_dict
from traguardo.core.levels import LevelKey, Method
from traguardo.core.model import Smvp
from traguardo.core.numbers import format_it, format_percent
from traguardo.core.results import PlanScore
from traguardo.monitoring.models import Period
from traguardo.plans.management.commands._common import add_entity_argument, cycle_of
from traguardo.plans.smvp_settings import cycle_smvp
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
            self.stdout.write(render_table(score, cycle_smvp(cycle)))


def _pct(value: Any, places: int = 2) -> str:
    return format_percent(value, places) if value is not None else "n.d."


def render_table(score: PlanScore, smvp: Smvp | None = None) -> str:
    """The cycle's figures as the SMVP names and rounds them: the entity table when there
    is one (A × B only when the entity is Σ A × B), the entity, the scored levels, units."""
    smvp = smvp or Smvp()

    def places(level: str) -> int:
        return smvp.level(level).rounding.places

    entity_level = smvp.level(LevelKey.ENTITY)
    weighted_sum = entity_level.method is Method.WEIGHTED_SUM
    # Treviso-Belluno's own heading for its entity table; the SMVP's name for the level else.
    title = (
        f"Tabella calcolo Performance dell'Ente {score.year}"
        if score.entity.blocks
        else f"{entity_level.label} {score.year}"
    )
    lines = [f"{score.entity_name} — {title}", ""]
    if score.entity.blocks:
        tail_head = f"{'A':>8} {'B':>6} {'A×B':>7}" if weighted_sum else f"{'A':>8}"
        lines.append(
            f"{'N.':>3}  {'Indicatore':<52} {'Target':<16} {'Valore':<14} {'Grado':>8}   "
            + tail_head
        )
    for block in score.entity.blocks:
        for position, indicator in enumerate(block.indicators):
            tail = ""
            if position == 0:
                tail = f"{_pct(block.achievement, places(LevelKey.BLOCK)):>8}"
                if weighted_sum:
                    tail += (
                        f" {format_it(block.weight, 2, trim=True):>6} "
                        f"{format_it(block.result, 2):>7}"
                    )
            target = (indicator.target.text if indicator.target else "?")[:16]
            lines.append(
                f"{indicator.number:>3}  {indicator.name[:52]:<52} {target:<16} "
                f"{indicator.reading.text[:14]:<14} "
                f"{_pct(indicator.degree.value, places(LevelKey.INDICATOR)):>8}   {tail}"
            )
    lines += [
        "",
        f"PERFORMANCE DELL'ENTE: {format_it(score.entity.performance, places(LevelKey.ENTITY))}"
        + ("" if entity_level.label == "Performance di Ente" else f" ({entity_level.label})"),
    ]
    for key, nodes in score.levels.items():
        if not nodes:
            continue
        level = smvp.level(key)
        lines += ["", level.label]
        for code, node in nodes.items():
            lines.append(
                f"  {code:<8} {node.title[:60]:<60} {_pct(node.performance, places(key)):>8}"
            )
    lines += ["", "Performance di area e di settore"]
    for unit in score.units:
        if unit.kind.value in ("area", "settore"):
            indent = "  " if unit.kind.value == "settore" else ""
            unit_level = LevelKey.AREA if unit.kind.value == "area" else LevelKey.UNIT
            lines.append(
                f"{indent}{unit.short or unit.code:<8} {unit.name[:60]:<60} "
                f"{_pct(unit.performance, places(unit_level)):>8}"
            )
    return "\n".join(lines)
