"""Charts of the public results page: the entity and its areas, how many indicators reached
their target, and the entity's result over the published years. Drawn by the Relazione's
own renderer (reports.relazione.charts), so the page and the document show the same bars;
each chart's <title> lists every figure for screen readers, and the page's tables repeat
them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from traguardo.core.results import PlanScore
from traguardo.plans.models import Cycle
from traguardo.reports.relazione.charts import BarChart, degree_bands, to_svg
from traguardo.scoring.services import score_cycle

HUNDRED = Decimal(100)


def _svg(chart: BarChart) -> SafeString:
    return mark_safe(to_svg(chart))


def areas(score: PlanScore) -> SafeString | None:
    rows = [(_("Ente"), score.entity.performance)]
    rows += [
        (unit.short or unit.name, unit.performance)
        for unit in score.units
        if unit.kind.value == "area" and unit.performance is not None
    ]
    if len(rows) < 2:
        return None
    return _svg(
        BarChart(
            _("Performance dell'ente e delle aree"),
            tuple(label for label, _v in rows),
            ((_("performance"), tuple(v for _l, v in rows)),),
            unit="%",
            maximum=HUNDRED,
        )
    )


def degrees(score: PlanScore) -> SafeString | None:
    values = [
        i.degree.value
        for o in score.objectives.values()
        for i in o.indicators
        if i.degree.value is not None
    ]
    values += [
        i.degree.value
        for b in score.entity.blocks
        for i in b.indicators
        if i.degree.value is not None
    ]
    if not values:
        return None
    labels, counts = degree_bands(values)
    return _svg(
        BarChart(
            _("Indicatori per grado di raggiungimento del target"),
            labels,
            ((_("indicatori"), counts),),
        )
    )


def trend(cycle: Cycle) -> SafeString | None:
    """The entity's result in this cycle and every earlier published one (nothing of an
    unpublished year reaches a public page)."""
    earlier = Cycle.objects.filter(
        entity_id=cycle.entity_id, year__lt=cycle.year, state=Cycle.State.PUBLISHED
    ).order_by("year")
    cycles = [*earlier, cycle]
    if len(cycles) < 2:
        return None
    figures = [(str(c.year), score_cycle(c, explain=False).entity.performance) for c in cycles]
    return _svg(
        BarChart(
            _("Performance dell'ente negli anni"),
            tuple(year for year, _v in figures),
            ((_("performance"), tuple(v for _y, v in figures)),),
            unit="%",
            maximum=HUNDRED,
        )
    )
