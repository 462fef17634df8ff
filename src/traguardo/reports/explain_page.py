"""What the public "perché" page says around an explanation: the item's name in the
heading (not only its code), the owners' reasons for a deviation, and each step's rule in
Italian words (the core's explanations carry rule identifiers such as ``higher_is_better``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from traguardo.core import deviations
from traguardo.core.explanation import Explanation
from traguardo.core.i18n import _ as core_
from traguardo.core.results import PlanScore, level_code
from traguardo.core.rules import RULES
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.target_history import TargetChange, history
from traguardo.plans import labels
from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.scoring import adjustments


def heading(score: PlanScore, code: str) -> str:
    """The item as a reader names it: "Indicatore «…» (obiettivo 2.1/2)", "Obiettivo 2.1/2:
    …", the block's heading, the unit's name. The bare code when nothing better is known."""
    wanted = code.strip()
    try:
        if wanted.upper() in ("ENTE", "ENTITY"):
            return _("Performance dell'ente: %(name)s") % {"name": score.entity_name}
        for level, nodes in (score.levels or {}).items():  # "OS-1", "OA-1.1", own levels
            for node in nodes.values():
                if level_code(level, node.code) == wanted:
                    return f"{wanted}: {node.title}"
        if wanted.upper().startswith("BLOCCO-"):
            number = int(wanted.split("-", 1)[1])
            block = next(b for b in score.entity.blocks if b.number == number)
            # "Blocco 10" and "B10" (indicator 10) are never the same label (plans.labels).
            return f"{labels.block(number)}: {block.heading}"
        if wanted.upper().startswith("B") and wanted[1:].isdigit():
            indicator = score.entity_indicator(int(wanted[1:]))
            return _("Indicatore %(code)s «%(name)s» (tabella dell'ente)") % {
                "code": labels.entity_indicator(indicator.number),
                "name": indicator.name,
            }
        if "#" in wanted:
            objective = score.objectives[wanted.partition("#")[0]]
            scored = next(i for i in objective.indicators if i.key == wanted)
            return _("Indicatore «%(name)s» (obiettivo %(objective)s)") % {
                "name": scored.name,
                "objective": objective.key,
            }
        if wanted in score.objectives:
            objective = score.objectives[wanted]
            return _("Obiettivo %(code)s: %(title)s") % {"code": wanted, "title": objective.title}
        unit = score.unit(wanted)
        return f"{unit.name} ({unit.short or unit.code})"
    except (KeyError, StopIteration, ValueError):
        return wanted


@dataclass(frozen=True)
class Justification:
    indicator: str
    text: str


def _indicators(cycle: Cycle, code: str) -> list[Indicator]:
    wanted = code.strip()
    if wanted.upper().startswith("B") and wanted[1:].isdigit():
        return list(Indicator.objects.filter(entity_block__cycle=cycle, number=int(wanted[1:])))
    objective_code, _hash, position = wanted.partition("#")
    unit, _slash, number = objective_code.rpartition("/")
    if not unit or not number.isdigit():
        return []
    objective = OperationalObjective.objects.filter(
        cycle=cycle, home_unit__code=unit, number=int(number)
    ).first()
    if objective is None:
        return []
    # Positions as the engine numbers them (core model: "<objective>#<position>").
    rows = sorted(objective.indicators.all(), key=lambda i: (i.number, i.id))
    if not position:
        return rows
    index = int(position) - 1 if position.isdigit() else -1
    return [rows[index]] if 0 <= index < len(rows) else []


def justifications(cycle: Cycle, code: str) -> list[Justification]:
    """The owners' written reasons for missing the target, at the year-end period, for the
    indicator (or the objective's indicators) the page explains: the same text the
    Relazione prints beside the deviation."""
    indicators = _indicators(cycle, code)
    final = Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()
    if not indicators or final is None:
        return []
    by_indicator = {i.pk: i for i in indicators}
    found = (
        Measurement.objects.filter(period=final, indicator_id__in=by_indicator)
        .exclude(justification="")
        .order_by("indicator__number", "indicator_id")
    )
    return [Justification(by_indicator[m.indicator_id].name, m.justification) for m in found]


def rule_words(rule: str) -> str:
    """A rule identifier of the SMVP in the reader's words; other rule texts (already words,
    "media ponderata", or the SMVP's own symbols, "A × B") as they are."""
    registered = RULES.get(rule)
    label = getattr(registered, "label", None)
    return core_(label) if isinstance(label, str) else rule


def formula_words(explanation: Explanation) -> str:
    """The formula as written by the core, except where it reads oddly aloud: a yes/no
    target compares two answers ("SI = SI = 100,00%" becomes "valore «SI», atteso «SI»:
    raggiunto, 100,00%")."""
    if explanation.rule != "yes_no" or " = " not in explanation.formula:
        return explanation.formula
    inputs = dict(explanation.inputs)
    value, target = inputs.get(core_("valore"), ""), inputs.get(core_("target"), "")
    result = explanation.formula.rsplit(" = ", 1)[1]
    hit = "≠" not in explanation.formula
    return _("valore «%(value)s», atteso «%(target)s»: %(outcome)s, %(result)s") % {
        "value": value,
        "target": target,
        "outcome": _("raggiunto") if hit else _("non raggiunto"),
        "result": result,
    }


def target_changes(cycle: Cycle, code: str) -> list[TargetChange]:
    """How the year's target of the indicator the page explains changed through revisions
    (nothing for an objective or an aggregate: their indicators' pages say it)."""
    wanted = code.strip()
    single = "#" in wanted or (wanted.upper().startswith("B") and wanted[1:].isdigit())
    indicators = _indicators(cycle, wanted) if single else []
    if len(indicators) != 1:
        return []
    return history([indicators[0].pk], cycle.year).get(indicators[0].pk, [])


def adjustment(cycle: Cycle, score: PlanScore, code: str) -> dict[str, Any]:
    """What the page says of an override or a published figure of the item: the figure used
    and the computed one with the reason ("rettificato: 90 (calcolato 100) — motivo"), the
    published figure and its deviation from the computed one rounded at the item's level."""
    wanted = code.strip()
    canonical = "ENTE" if wanted.upper() in ("ENTE", "ENTITY") else wanted
    published = adjustments.published_of(cycle).get(canonical)
    deviation = None
    if published is not None:
        smvp = adjustments.plan_smvp(cycle)
        deviation, deviates = deviations.check(score, smvp, canonical, published)
        if not deviates:
            deviation = replace(deviation, difference=None)
    return {
        "adjusted": score.adjusted.get(canonical),
        "published": published,
        "published_check": deviation,
    }
