"""Scoring a whole cycle: entity table, operational objectives, units, report cards.

Order matters because some values are derived from other results:
1. the entity table (Allegato B): degrees, A = weighted mean per block, Σ A × B;
2. every operational objective whose indicators are entered;
3. derived indicators: the entity result (managers' objective 1), sums and means of an
   indicator over sub-units (riunioni di riesame, standard di servizio);
4. units: a sector (or office) is the plain mean of the objectives assigned to it,
   an area the plain mean of its sectors;
5. report cards: each synthesis row is the plain mean of the objectives it lists.

Nothing is rounded: figures keep full precision and are rounded only when shown, so
A × B is summed unrounded (98,606879 -> 98,61), as the SMVP of Treviso-Belluno does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from traguardo.core.aggregation import Part, plain_mean, weighted_mean
from traguardo.core.explanation import SILENT, Explanation
from traguardo.core.i18n import N_, _
from traguardo.core.model import (
    Block,
    Card,
    Derivation,
    DerivedValue,
    Indicator,
    Objective,
    Plan,
    Smvp,
    Unit,
    UnitKind,
)
from traguardo.core.numbers import HUNDRED, ZERO, format_exact, format_it, format_percent
from traguardo.core.readings import (
    Reading,
    ReadingKind,
    Target,
    TargetFormatError,
    TargetKind,
    parse_reading,
    parse_target,
)
from traguardo.core.results import (
    BlockScore,
    CardScore,
    EntityScore,
    IndicatorScore,
    ObjectiveScore,
    PlanScore,
    SynthesisScore,
    UnitScore,
)
from traguardo.core.rules import Context, Degree, DegreeStatus, Rule, build_rule, unmeasurable


class RuleBook:
    """The SMVP's default rule plus per-indicator overrides, built once per plan."""

    def __init__(self, smvp: Smvp) -> None:
        self.smvp = smvp
        self.default = build_rule(smvp.rule, smvp.params)
        self._cache: dict[tuple[str, tuple[tuple[str, str], ...]], Rule] = {}

    def for_indicator(self, indicator: Indicator) -> Rule:
        """The indicator's own rule, else the SMVP's. A bare target ("5 gg", no sign) reads
        by the indicator's direction: "lower" as at most, "exact" as exactly, "higher" as
        at least (the SMVP rule's ``bare``; another default rule gives way to the
        direction's rule with the SMVP's cap and floor). "range", "yes_no" and "derived"
        have no bare number to read. A signed target keeps the SMVP's reading of its sign."""
        if indicator.rule is None and not indicator.params:
            bare = {"lower": "at_most", "exact": "exact", "higher": "at_least"}.get(
                indicator.direction
            )
            if bare is None or (bare == "at_least" and self.smvp.rule == "smvp"):
                return self.default
            if self.smvp.rule == "smvp":
                slug, params = "smvp", {**self.smvp.params, "bare": bare}
            else:
                from traguardo.core.readings import target_or_none

                target = target_or_none(indicator.target)
                if target is None or not target.bare:
                    return self.default
                slug = {"at_most": "lower_is_better", "exact": "exact"}.get(
                    bare, "higher_is_better"
                )
                keep = ("cap",) if slug == "exact" else ("cap", "floor")
                params = {k: v for k, v in self.smvp.params.items() if k in keep}
        else:
            slug = indicator.rule or self.smvp.rule
            params = (
                {**self.smvp.params, **indicator.params}
                if slug == self.smvp.rule
                else dict(indicator.params)
            )
        key = (slug, tuple(sorted((k, repr(v)) for k, v in params.items())))
        if key not in self._cache:
            self._cache[key] = build_rule(slug, params)
        return self._cache[key]


def score_indicator(
    indicator: Indicator,
    subject: str,
    rules: RuleBook,
    *,
    explain: bool = True,
    reading: Reading | None = None,
    target: Target | None = None,
    notes: tuple[str, ...] = (),
) -> IndicatorScore:
    """Degree of one indicator; ``reading``/``target`` replace the written ones when derived."""
    ctx = Context(subject, explain)
    used_reading = reading if reading is not None else parse_reading(indicator.value)
    if target is None:
        try:
            target = parse_target(indicator.target)
        except TargetFormatError as exc:
            bad = Target(indicator.target, TargetKind.NONE)
            degree = unmeasurable(str(exc), bad, used_reading, ctx, "target")
            return IndicatorScore(
                indicator.key,
                indicator.number,
                indicator.name,
                None,
                used_reading,
                indicator.weight,
                degree,
                True,
            )
    degree = _degree(indicator, target, used_reading, ctx, rules)
    if notes and explain:
        e = degree.explanation
        degree = Degree(
            degree.value,
            degree.status,
            Explanation(e.subject, e.rule, e.formula, e.inputs, notes + e.notes, e.parts),
        )
    counted = degree.status is not DegreeStatus.EXCLUDED
    return IndicatorScore(
        indicator.key,
        indicator.number,
        indicator.name,
        target,
        used_reading,
        indicator.weight,
        degree,
        counted,
    )


def _degree(
    indicator: Indicator, target: Target, reading: Reading, ctx: Context, rules: RuleBook
) -> Degree:
    if target.kind is TargetKind.NONE:
        explanation = (
            Explanation(
                _("Grado di realizzazione — {subject}").format(subject=ctx.subject),
                _("nessun target"),
                _("escluso: nessun target per l'anno"),
                ((_("target"), target.text),),
            )
            if ctx.explain
            else SILENT
        )
        return Degree(None, DegreeStatus.EXCLUDED, explanation)
    if reading.kind is ReadingKind.EMPTY:
        degree = unmeasurable(
            _("nessun valore rilevato"), target, reading, ctx, _("valore mancante")
        )
        return Degree(None, DegreeStatus.MISSING, degree.explanation)
    if reading.kind is ReadingKind.NOT_MEASURABLE:
        return unmeasurable(reading.reason, target, reading, ctx, _("non misurabile"))
    if target.kind is TargetKind.AGGREGATE:
        return unmeasurable(
            _("target calcolato dalle unità sottostanti: manca la regola di derivazione"),
            target,
            reading,
            ctx,
            _("derivato"),
        )
    return rules.for_indicator(indicator).degree(target, reading, ctx)


class _Scorer:
    def __init__(self, plan: Plan, explain: bool) -> None:
        self.plan = plan
        self.explain = explain
        self.rules = RuleBook(plan.smvp)
        self.units = {unit.code: unit for unit in plan.units}
        self.children: dict[str, list[str]] = defaultdict(list)
        for unit in plan.units:
            if unit.parent:
                self.children[unit.parent].append(unit.code)
        self.by_unit: dict[str, list[Objective]] = defaultdict(list)
        for objective in plan.objectives:
            for unit_code, _seat in objective.assignments or ((objective.unit, objective.number),):
                self.by_unit[unit_code].append(objective)

    # 1. entity table ---------------------------------------------------------------
    def entity(self) -> EntityScore:
        blocks = tuple(self.block(block) for block in self.plan.blocks)
        total = sum((b.result for b in blocks), ZERO)
        explanation = SILENT
        if self.explain:
            terms = " + ".join(format_exact(b.result) for b in blocks)
            explanation = Explanation(
                subject=_("Performance di Ente {year}").format(year=self.plan.year),
                rule="Σ A × B",
                formula=f"{terms} = {format_exact(total)} ≈ {format_it(total, 2)}",
                notes=(_("A × B non è arrotondato prima della somma (SMVP)"),),
                parts=tuple(b.explanation for b in blocks),
            )
        return EntityScore(total, blocks, explanation)

    def block(self, block: Block) -> BlockScore:
        scored = tuple(
            score_indicator(
                i, _("indicatore {n}").format(n=i.number), self.rules, explain=self.explain
            )
            for i in block.indicators
        )
        achievement, a_expl = weighted_mean(
            _("Realizzazione (A) blocco {n}").format(n=block.number),
            [Part(_("indicatore {n}").format(n=s.number), s.degree, s.weight) for s in scored],
            missing=self.plan.smvp.missing_value,
            unmeasurable=self.plan.smvp.not_measurable,
            explain=self.explain,
        )
        result = (achievement or ZERO) * block.weight / HUNDRED
        explanation = SILENT
        if self.explain:
            shown_a = format_percent(achievement) if achievement is not None else _("non definita")
            explanation = Explanation(
                subject=_("Blocco {n} — {heading}").format(n=block.number, heading=block.heading),
                rule="A × B",
                formula=f"{shown_a} × {format_exact(block.weight)} = {format_exact(result)}",
                inputs=(("A", shown_a), ("B", format_exact(block.weight))),
                parts=(a_expl,),
            )
        return BlockScore(
            block.number, block.heading, achievement, block.weight, result, scored, explanation
        )

    # 2-3. operational objectives -------------------------------------------------------
    def objectives(self, entity: EntityScore) -> dict[str, ObjectiveScore]:
        plain: dict[str, tuple[IndicatorScore, ...]] = {}
        for objective in self.plan.objectives:
            plain[objective.key] = tuple(
                self._indicator(objective, i, entity, None) if i.derived is None else None  # type: ignore[misc]
                for i in objective.indicators
            )
        result: dict[str, ObjectiveScore] = {}
        for objective in self.plan.objectives:
            scored = tuple(
                s if s is not None else self._indicator(objective, i, entity, plain)
                for i, s in zip(objective.indicators, plain[objective.key], strict=True)
            )
            performance, explanation = weighted_mean(
                _("Obiettivo {key} — {title}").format(key=objective.key, title=objective.title),
                [Part(_("indicatore {n}").format(n=s.number), s.degree, s.weight) for s in scored],
                missing=self.plan.smvp.missing_value,
                unmeasurable=self.plan.smvp.not_measurable,
                explain=self.explain,
            )
            result[objective.key] = ObjectiveScore(
                objective.key, objective.title, performance, scored, explanation
            )
        return result

    def _indicator(
        self,
        objective: Objective,
        indicator: Indicator,
        entity: EntityScore,
        plain: dict[str, tuple[IndicatorScore | None, ...]] | None,
    ) -> IndicatorScore:
        subject = _("indicatore {key}#{n}").format(key=objective.key, n=indicator.number)
        spec = indicator.derived
        if spec is None or plain is None:
            return score_indicator(indicator, subject, self.rules, explain=self.explain)
        if spec.kind is Derivation.ENTITY_SCORE:
            reading = Reading(
                f"{format_percent(entity.performance)}", ReadingKind.NUMBER, entity.performance, "%"
            )
            note = _("valore derivato: performance di Ente = {value}%").format(
                value=format_exact(entity.performance)
            )
            return score_indicator(
                indicator, subject, self.rules, explain=self.explain, reading=reading, notes=(note,)
            )
        sources = self._sub_unit_indicators(
            objective, spec, spec.indicator_name or indicator.name, plain
        )
        values = [s.reading.number for s in sources if s.reading.number is not None]
        if not values:
            return score_indicator(
                indicator,
                subject,
                self.rules,
                explain=self.explain,
                reading=Reading(
                    "",
                    ReadingKind.NOT_MEASURABLE,
                    reason=_("nessun valore nelle unità sottostanti"),
                ),
            )
        listing = "; ".join(
            f"{s.key}: {s.reading.text}" for s in sources if s.reading.number is not None
        )
        if spec.kind is Derivation.SUM:
            total = sum(values, ZERO)
            reading = Reading(format_it(total, 2, trim=True), ReadingKind.NUMBER, total)
            targets = [
                s.target.low for s in sources if s.target is not None and s.target.low is not None
            ]
            target = None
            shown_total = format_it(total, 2, trim=True)
            notes = [
                _("valore derivato: somma su {n} unità = {total} ({listing})").format(
                    n=len(values), total=shown_total, listing=listing
                )
            ]
            parsed = _safe_target(indicator.target)
            if parsed is not None and parsed.kind is TargetKind.AGGREGATE:
                target_total = sum(targets, ZERO)
                target = Target(
                    f"{indicator.target} = {format_it(target_total, 2, trim=True)}",
                    TargetKind.AT_LEAST,
                    target_total,
                )
                shown_target = format_it(target_total, 2, trim=True)
                notes.append(
                    _("target derivato: somma dei target delle unità = {target}").format(
                        target=shown_target
                    )
                )
            return score_indicator(
                indicator,
                subject,
                self.rules,
                explain=self.explain,
                reading=reading,
                target=target,
                notes=tuple(notes),
            )
        mean = sum(values, ZERO) / len(values)
        reading = Reading(format_percent(mean), ReadingKind.NUMBER, mean, "%")
        note = _("valore derivato: media su {n} unità = {mean} ({listing})").format(
            n=len(values), mean=format_exact(mean), listing=listing
        )
        return score_indicator(
            indicator, subject, self.rules, explain=self.explain, reading=reading, notes=(note,)
        )

    def _sub_unit_indicators(
        self,
        objective: Objective,
        spec: DerivedValue,
        name: str,
        plain: dict[str, tuple[IndicatorScore | None, ...]],
    ) -> list[IndicatorScore]:
        wanted = _normal_name(name)
        holders = [code for code, _seat in objective.assignments] or [objective.unit]
        found: list[IndicatorScore] = []
        seen: set[str] = set()
        for unit_code in self._descendants(holders):
            unit = self.units[unit_code]
            if spec.unit_kinds and unit.kind not in spec.unit_kinds:
                continue
            if spec.leaves_only and self.children.get(unit_code):
                continue
            for other in self.by_unit.get(unit_code, ()):
                if other.key == objective.key or other.unit != unit_code:
                    continue  # a shared objective counts once, in its home unit
                for score in plain[other.key]:
                    if (
                        score is not None
                        and _normal_name(score.name) == wanted
                        and score.key not in seen
                    ):
                        seen.add(score.key)
                        found.append(score)
        return found

    def _descendants(self, roots: Iterable[str]) -> list[str]:
        out: list[str] = []
        stack = [child for root in roots for child in reversed(self.children.get(root, []))]
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(self.children.get(code, [])))
        return out

    # 4. units ------------------------------------------------------------------------
    def units_scores(self, objectives: dict[str, ObjectiveScore]) -> tuple[UnitScore, ...]:
        own: dict[str, UnitScore] = {}
        for unit in self.plan.units:
            if unit.kind is UnitKind.AREA:
                continue
            keys = tuple(o.key for o in self.by_unit.get(unit.code, ()))
            performance, explanation = plain_mean(
                _("Performance {unit}").format(unit=_label(unit)),
                [(key, objectives[key].performance, objectives[key].explanation) for key in keys],
                explain=self.explain,
                rule=_("media degli obiettivi"),
            )
            own[unit.code] = UnitScore(
                unit.code, unit.kind, unit.name, unit.short, performance, keys, explanation
            )
        areas: dict[str, UnitScore] = {}
        for unit in self.plan.units:
            if unit.kind is not UnitKind.AREA:
                continue
            sectors = [
                own[c]
                for c in self.children.get(unit.code, [])
                if self.units[c].kind is UnitKind.SECTOR
            ]
            performance, explanation = plain_mean(
                _("Performance {unit}").format(unit=_label(unit)),
                [(s.short or s.code, s.performance, s.explanation) for s in sectors],
                explain=self.explain,
                rule=_("media dei settori"),
            )
            areas[unit.code] = UnitScore(
                unit.code,
                unit.kind,
                unit.name,
                unit.short,
                performance,
                tuple(s.code for s in sectors),
                explanation,
            )
        return tuple(areas.get(u.code) or own[u.code] for u in self.plan.units)

    # 5. cards -------------------------------------------------------------------------
    def card(self, card: Card, objectives: dict[str, ObjectiveScore]) -> CardScore:
        refs = {o.number: o.ref for o in card.objectives}
        rows = []
        for row in card.synthesis:
            performance, explanation = plain_mean(
                f"{card.title}: {row.label}",
                [
                    (
                        _("obiettivo {n} ({ref})").format(n=n, ref=refs[n]),
                        objectives[refs[n]].performance,
                        objectives[refs[n]].explanation,
                    )
                    for n in row.objectives
                ],
                explain=self.explain,
                rule=_("media degli obiettivi della scheda"),
            )
            rows.append(SynthesisScore(row.label, row.objectives, performance, explanation))
        listed = tuple((o.number, o.ref, objectives[o.ref].performance) for o in card.objectives)
        return CardScore(card.key, card.role, card.title, card.units, listed, tuple(rows))


# The word for each kind of unit in the labels the engine builds ("settore 2.1 SERVI").
_KIND_WORDS: dict[UnitKind, str] = {
    UnitKind.AREA: N_("area"),
    UnitKind.SECTOR: N_("settore"),
    UnitKind.OFFICE: N_("ufficio"),
    UnitKind.STAFF_PDC: N_("staff_pdc"),
}


def _label(unit: Unit) -> str:
    kind = _(_KIND_WORDS.get(unit.kind, unit.kind.value))
    return f"{kind} {unit.code}" + (f" {unit.short}" if unit.short else "")


def _normal_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _safe_target(text: str) -> Target | None:
    try:
        return parse_target(text)
    except TargetFormatError:
        return None


def score_plan(plan: Plan, *, explain: bool = True) -> PlanScore:
    """Score a whole cycle. With ``explain=False`` no explanation is built (bulk runs).

    Both ways give the same figures, to the last digit: without explanations the plan is
    scored by :class:`~traguardo.core.fast.FastScorer`, which does the same Decimal
    operations in the same order without building any text (tests/core/test_fast_path.py
    compares the two on thousands of random plans and on the demo)."""
    scorer = _Scorer(plan, explain) if explain else _fast_scorer(plan)
    entity = scorer.entity()
    objectives = scorer.objectives(entity)
    units = scorer.units_scores(objectives)
    cards = tuple(scorer.card(card, objectives) for card in plan.cards)
    return PlanScore(plan.entity, plan.year, entity, objectives, units, cards)


def _fast_scorer(plan: Plan) -> _Scorer:
    from traguardo.core.fast import FastScorer  # it builds on _Scorer: imported late

    return FastScorer(plan)
