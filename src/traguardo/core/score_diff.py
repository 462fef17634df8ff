"""Figure by figure, what differs between two scores of the same plan.

A closed cycle shows its stored snapshot; the office is shown what today's data, code and
settings would give instead (scoring.snapshots.review). Figures are compared exactly,
unrounded: a change that rounds to the same two decimals is still listed, with the
digits that differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.i18n import _
from traguardo.core.numbers import format_exact, format_it
from traguardo.core.results import IndicatorScore, PlanScore


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str  # "Ente", "Blocco", "Unità", "Obiettivo", "Indicatore", "Scheda" (translated)
    code: str  # the node's code, as PlanScore.explain takes it
    label: str  # what the node is called
    figure: str  # which figure of the node ("performance", "grado", …)
    old: str  # as shown, "n.d." when undefined
    new: str


def _shown(old: Decimal | None, new: Decimal | None) -> tuple[str, str]:
    """Both values for display: two decimals, or every digit when those are equal."""
    undefined = _("n.d.")
    if old is not None and new is not None and format_it(old) == format_it(new):
        return format_exact(old, 12), format_exact(new, 12)
    return (
        undefined if old is None else format_it(old),
        undefined if new is None else format_it(new),
    )


def _figure(
    kind: str, code: str, label: str, figure: str, old: Decimal | None, new: Decimal | None
) -> Iterator[Difference]:
    if old != new:
        shown_old, shown_new = _shown(old, new)
        yield Difference(kind, code, label, figure, shown_old, shown_new)


def _text(
    kind: str, code: str, label: str, figure: str, old: str, new: str
) -> Iterator[Difference]:
    if old != new:
        yield Difference(kind, code, label, figure, old or "—", new or "—")


def _indicators(
    old: tuple[IndicatorScore, ...], new: tuple[IndicatorScore, ...], code_of: str
) -> Iterator[Difference]:
    kind = _("Indicatore")
    current = {i.key: i for i in new}
    for before in old:
        code = f"B{before.number}" if code_of == "block" else before.key
        after = current.pop(before.key, None)
        if after is None:
            yield Difference(kind, code, before.name, _("presenza"), _("presente"), _("assente"))
            continue
        yield from _text(
            kind, code, before.name, _("valore"), before.reading.text, after.reading.text
        )
        yield from _text(
            kind,
            code,
            before.name,
            _("target"),
            before.target.text if before.target else "",
            after.target.text if after.target else "",
        )
        yield from _figure(kind, code, before.name, _("peso"), before.weight, after.weight)
        yield from _figure(
            kind, code, before.name, _("grado"), before.degree.value, after.degree.value
        )
    for after in current.values():
        code = f"B{after.number}" if code_of == "block" else after.key
        yield Difference(kind, code, after.name, _("presenza"), _("assente"), _("presente"))


def differences(old: PlanScore, new: PlanScore) -> list[Difference]:
    """Every figure of `old` that `new` gives differently, in the order of the plan:
    entity, blocks and their indicators, units, objectives and their indicators, cards."""
    found: list[Difference] = []
    entity = _("Ente")
    found += _figure(
        entity,
        "ENTE",
        old.entity_name,
        _("performance"),
        old.entity.performance,
        new.entity.performance,
    )
    blocks = {b.number: b for b in new.entity.blocks}
    for before in old.entity.blocks:
        after = blocks.get(before.number)
        code, kind = f"BLOCCO-{before.number}", _("Blocco")
        if after is None:
            found.append(Difference(kind, code, before.heading, _("presenza"), "✓", "—"))
            continue
        found += _figure(kind, code, before.heading, "A", before.achievement, after.achievement)
        found += _figure(kind, code, before.heading, "B", before.weight, after.weight)
        found += _figure(kind, code, before.heading, "A × B", before.result, after.result)
        found += _indicators(before.indicators, after.indicators, "block")
    units = {u.code: u for u in new.units}
    for unit in old.units:
        now_unit = units.get(unit.code)
        found += _figure(
            _("Unità"),
            unit.short or unit.code,
            unit.name,
            _("performance"),
            unit.performance,
            now_unit.performance if now_unit else None,
        )
    for key, objective in old.objectives.items():
        now = new.objectives.get(key)
        found += _figure(
            _("Obiettivo"),
            key,
            objective.title,
            _("performance"),
            objective.performance,
            now.performance if now else None,
        )
        found += _indicators(objective.indicators, now.indicators if now else (), "objective")
    cards = {c.key: c for c in new.cards}
    for card in old.cards:
        other = cards.get(card.key)
        kind = _("Scheda")
        rows = {r.label: r.performance for r in other.synthesis} if other else {}
        for row in card.synthesis:
            found += _figure(
                kind, card.key, card.title, row.label, row.performance, rows.get(row.label)
            )
        numbers = {n: p for n, _ref, p in other.objectives} if other else {}
        for number, ref, performance in card.objectives:
            found += _figure(
                kind,
                card.key,
                card.title,
                _("obiettivo {n} ({ref})").format(n=number, ref=ref),
                performance,
                numbers.get(number),
            )
    return found
