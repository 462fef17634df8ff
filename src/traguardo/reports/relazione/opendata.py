"""Open data for "Amministrazione trasparente": objectives, indicators, targets, values and
scores as CSV (UTF-8, comma, one file per table) and one JSON, zipped. Schema in
docs/opendata.md; figures are dot-decimal, rounded to the decimals the SMVP gives each
level (two in Treviso-Belluno's, like the contract). Columns and files the SMVP and the
plan leave empty (no entity table, no art. 67) are left out; the results of the levels the
SMVP scores beyond the fixed ones (strategic and annual objectives, its own) are added."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

from traguardo.core.numbers import to_contract
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective, Target
from traguardo.reports.relazione.safe import neutralise
from traguardo.reports.relazione.sanitize import to_text
from traguardo.scoring.services import score_cycle
from traguardo.scoring.smvp_view import LevelView, SmvpView, build_view

SCHEMA_VERSION = "1.0"

UNIT_FIELDS = ("anno", "codice", "sigla", "nome", "tipo", "performance")
OBJECTIVE_FIELDS = (
    "anno",
    "codice",
    "unita",
    "numero",
    "titolo",
    "categoria",
    "scheda_art67",
    "obiettivi_annuali",
    "performance",
)
INDICATOR_FIELDS = (
    "anno",
    "codice",
    "ambito",
    "obiettivo",
    "blocco",
    "numero",
    "indicatore",
    "metodo",
    "fonte",
    "tipo",
    "peso",
    "art67",
    "target",
    "valore",
    "grado",
    "commento",
)
TARGET_FIELDS = ("codice_indicatore", "anno", "target")
BLOCK_FIELDS = ("anno", "numero", "intestazione", "realizzazione_a", "peso_b", "risultato_axb")
LEVEL_FIELDS = ("anno", "livello", "etichetta", "codice", "titolo", "performance")


def _n(value: Decimal | None, level: LevelView | None = None) -> str:
    if value is None:
        return ""
    return (level.contract(value) or "") if level is not None else to_contract(value)


def build_opendata(cycle: Cycle) -> dict[str, list[dict[str, Any]]]:
    """The open data tables as lists of rows (the JSON keeps the same rows), with only
    the fields and files of :func:`fields` for the cycle's SMVP and plan."""
    score = score_cycle(cycle, explain=False)
    view = build_view(cycle, score)
    tables = _all_tables(cycle, score, view)
    wanted = fields(view)
    return {
        name: [{k: v for k, v in row.items() if k in wanted[name]} for row in rows]
        for name, rows in tables.items()
        if name in wanted
    }


def fields(view: SmvpView) -> dict[str, tuple[str, ...]]:
    """The files and their fields under the cycle's SMVP: Treviso-Belluno's are
    :data:`FIELDS`; without an entity table no `blocchi_ente.csv` and no `blocco`, without
    Σ A × B no `peso_b`/`risultato_axb`, without art. 67 no such column; `livelli.csv`
    when the SMVP scores strategic, annual or its own levels."""
    found = dict(FIELDS)
    if not view.art67_objectives:
        found["obiettivi"] = tuple(f for f in OBJECTIVE_FIELDS if f != "scheda_art67")
    drop = set() if view.art67_indicators else {"art67"}
    if not view.has_blocks:
        drop.add("blocco")
        del found["blocchi_ente"]
    elif not view.weighted_sum:
        found["blocchi_ente"] = tuple(
            f for f in BLOCK_FIELDS if f not in ("peso_b", "risultato_axb")
        )
    found["indicatori"] = tuple(f for f in INDICATOR_FIELDS if f not in drop)
    if view.results:
        found["livelli"] = LEVEL_FIELDS
    return found


def _all_tables(cycle: Cycle, score: Any, view: SmvpView) -> dict[str, list[dict[str, Any]]]:
    year = cycle.year
    final = Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()
    measures = {m.indicator_id: m for m in Measurement.objects.filter(period=final)}
    units = [
        {
            "anno": year,
            "codice": u.code,
            "sigla": u.short,
            "nome": u.name,
            "tipo": u.kind.value,
            "performance": _n(u.performance, view.area if u.kind.value == "area" else view.unit),
        }
        for u in score.units
    ]
    objectives = []
    indicators = []
    targets = []
    for objective in (
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("home_unit")
        .prefetch_related("annual_objectives", "indicators__targets")
        .order_by("home_unit__code", "number")
    ):
        key = objective.code
        scored = score.objectives.get(key)
        objectives.append(
            {
                "anno": year,
                "codice": key,
                "unita": objective.home_unit.code,
                "numero": objective.number,
                "titolo": objective.title,
                "categoria": objective.category,
                "scheda_art67": objective.art67_scheda or "",
                "obiettivi_annuali": ";".join(a.code for a in objective.annual_objectives.all()),
                "performance": _n(scored.performance if scored else None, view.objective),
            }
        )
        rows = sorted(objective.indicators.all(), key=lambda i: (i.number, i.id))
        for position, indicator in enumerate(rows, start=1):
            ikey = f"{key}#{position}"
            degree = (
                next((i.degree.value for i in scored.indicators if i.key == ikey), None)
                if scored
                else None
            )
            indicators.append(
                _indicator_row(year, ikey, "obiettivo", key, "", indicator, measures, degree, view)
            )
            targets += [
                {"codice_indicatore": ikey, "anno": t.year, "target": t.text}
                for t in indicator.targets.all()
            ]
    blocks = []
    scored_blocks = {b.number: b for b in score.entity.blocks}
    for block in EntityBlock.objects.filter(cycle=cycle).order_by("number"):
        scored_block = scored_blocks[block.number]
        blocks.append(
            {
                "anno": year,
                "numero": block.number,
                "intestazione": block.heading,
                "realizzazione_a": _n(scored_block.achievement, view.block),
                "peso_b": _n(scored_block.weight),
                "risultato_axb": _n(scored_block.result, view.entity),
            }
        )
        for indicator in Indicator.objects.filter(entity_block=block).order_by("number"):
            ikey = f"B{indicator.number}"
            indicators.append(
                _indicator_row(
                    year,
                    ikey,
                    "ente",
                    "",
                    str(block.number),
                    indicator,
                    measures,
                    score.entity_indicator(indicator.number).degree.value,
                    view,
                )
            )
            targets += [
                {"codice_indicatore": ikey, "anno": t.year, "target": t.text}
                for t in Target.objects.filter(indicator=indicator)
            ]
    levels = [
        {
            "anno": year,
            "livello": results.level.key,
            "etichetta": results.level.label,
            "codice": node.code,
            "titolo": node.title,
            "performance": _n(node.performance, results.level),
        }
        for results in view.results
        for node in results.nodes
    ]
    return {
        "unita": units,
        "obiettivi": objectives,
        "indicatori": indicators,
        "target": targets,
        "blocchi_ente": blocks,
        "livelli": levels,
    }


def _indicator_row(
    year: int,
    key: str,
    scope: str,
    objective: str,
    block: str,
    indicator: Indicator,
    measures: dict[int, Measurement],
    degree: Decimal | None,
    view: SmvpView,
) -> dict[str, Any]:
    measure = measures.get(indicator.id)
    target = next((t.text for t in indicator.targets.all() if t.year == year), "")
    return {
        "anno": year,
        "codice": key,
        "ambito": scope,
        "obiettivo": objective,
        "blocco": block,
        "numero": indicator.number,
        "indicatore": indicator.name,
        "metodo": indicator.method,
        "fonte": indicator.source,
        "tipo": indicator.kind,
        "peso": _n(indicator.weight),
        "art67": "si" if indicator.art67 else "no",
        "target": target,
        "valore": measure.text if measure else "",
        "grado": _n(degree, view.indicator),
        "commento": to_text(measure.comment) if measure and measure.comment else "",
    }


FIELDS = {
    "unita": UNIT_FIELDS,
    "obiettivi": OBJECTIVE_FIELDS,
    "indicatori": INDICATOR_FIELDS,
    "target": TARGET_FIELDS,
    "blocchi_ente": BLOCK_FIELDS,
}


def to_csv(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()})
    return buffer.getvalue()


def render_opendata(cycle: Cycle) -> bytes:
    tables = build_opendata(cycle)
    score = score_cycle(cycle, explain=False)
    view = build_view(cycle, score)
    wanted = fields(view)
    payload = {
        "schema": f"traguardo-opendata/{SCHEMA_VERSION}",
        "ente": cycle.entity.name,
        "anno": cycle.year,
        "performance_ente": _n(score.entity.performance, view.entity),
        **tables,
    }
    if view.entity.renamed or view.results:  # the SMVP's own names of its levels
        payload["livelli"] = tables.get("livelli", [])
        payload["etichette"] = {k: lv.label for k, lv in view.levels.items() if lv.scored}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", "\ufeff" + to_csv(rows, wanted[name]))
        archive.writestr(
            "relazione.json", json.dumps(payload, ensure_ascii=False, indent=1, default=str)
        )
    return buffer.getvalue()
