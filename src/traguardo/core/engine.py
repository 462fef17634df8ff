"""Scoring a whole cycle: entity table, operational objectives, units, report cards.

How each level combines its parts, whether it is scored and how it is rounded is the
SMVP's (:mod:`traguardo.core.levels`); the order below and the comments describe
Treviso-Belluno's configuration, the default. Other configurations also score annual and
strategic objectives and levels of the administration's own, and may compute the entity
result from them instead of the blocks.

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
from dataclasses import replace
from decimal import Decimal

from traguardo.core.aggregation import Item, Part, combine, combine_parts
from traguardo.core.explanation import SILENT, Explanation
from traguardo.core.i18n import N_, _
from traguardo.core.levels import TVBL_LEVELS, EntitySource, Level, LevelKey, Method
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
    AdjustedFigure,
    BlockScore,
    CardScore,
    EntityScore,
    IndicatorScore,
    LevelScore,
    ObjectiveScore,
    PlanScore,
    SynthesisScore,
    UnitScore,
    level_code,
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
    if reading.kind is ReadingKind.NOT_MEASURABLE and not getattr(
        rules.for_indicator(indicator), "reads_words", False
    ):  # a rule of categories reads words ("in linea") that have no number
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
        self.levels: dict[str, Level] = {level.key: level for level in plan.smvp.levels}
        for level in TVBL_LEVELS:  # an SMVP built in code may leave levels out
            self.levels.setdefault(level.key, level)
        entity = self.levels[LevelKey.ENTITY]
        # The entity from the blocks is known before the objectives (a derived indicator may
        # take it as its value); from anything else, only after them.
        self.entity_first = (entity.source or EntitySource.BLOCKS) == EntitySource.BLOCKS
        self.adjustments = plan.adjustments
        self.adjusted: dict[str, AdjustedFigure] = {}
        self.published: dict[str, Decimal] = {
            code: a.published for code, a in plan.adjustments.items() if a.published is not None
        }

    # The SMVP's rounding and the people's overrides, applied to every figure ----------------
    def settle(
        self, level: str, code: str, value: Decimal | None, explanation: Explanation
    ) -> tuple[Decimal | None, Explanation]:
        """The figure the next level uses: rounded if the SMVP rounds here, overridden if a
        person overrode it (the computed figure is kept in ``adjusted``)."""
        rounding = self.levels[level].rounding
        passed = rounding.passed_on(value)
        if self.explain and passed is not None and passed != value:
            explanation = replace(
                explanation,
                notes=(
                    *explanation.notes,
                    _("arrotondato prima del livello successivo (decimali: {places}): {v}").format(
                        places=rounding.places, v=format_exact(passed)
                    ),
                ),
            )
        adjustment = self.adjustments.get(code)
        if adjustment is None or adjustment.override is None:
            return passed, explanation
        self.adjusted[code] = AdjustedFigure(
            code, adjustment.override, passed, adjustment.reason, adjustment.by
        )
        if self.explain:
            computed = format_exact(passed) if passed is not None else _("non definito")
            explanation = replace(
                explanation,
                formula=_("{formula} → rettificato: {value}").format(
                    formula=explanation.formula, value=format_exact(adjustment.override)
                ),
                notes=(
                    *explanation.notes,
                    _(
                        "rettificato: {value} invece di {computed} calcolato. Motivo: {reason}"
                    ).format(
                        value=format_exact(adjustment.override),
                        computed=computed,
                        reason=adjustment.reason,
                    ),
                ),
            )
        return adjustment.override, explanation

    def settle_indicator(self, score: IndicatorScore) -> IndicatorScore:
        degree = score.degree
        value, explanation = self.settle(
            LevelKey.INDICATOR, score.key, degree.value, degree.explanation
        )
        if value is degree.value:
            return score
        status = DegreeStatus.SCORED if value is not None else degree.status
        return replace(score, degree=Degree(value, status, explanation), counted=True)

    # 1. entity table ---------------------------------------------------------------
    def entity(self) -> EntityScore:
        blocks = tuple(self.block(block) for block in self.plan.blocks)
        level = self.levels[LevelKey.ENTITY]
        if level.method is Method.WEIGHTED_SUM:
            summed = sum((b.result for b in blocks), ZERO)
            total: Decimal | None = summed
            explanation = SILENT
            if self.explain:
                terms = " + ".join(format_exact(b.result) for b in blocks)
                explanation = Explanation(
                    subject=self.entity_subject(),
                    rule="Σ A × B",
                    formula=f"{terms} = {format_exact(summed)} ≈ {format_it(summed, 2)}",
                    notes=(_("A × B non è arrotondato prima della somma (SMVP)"),),
                    parts=tuple(b.explanation for b in blocks),
                )
        else:
            total, explanation = combine(
                self.entity_subject(),
                level.method,
                [
                    (_("blocco {n}").format(n=b.number), b.achievement, b.explanation, b.weight)
                    for b in blocks
                ],
                explain=self.explain,
                factor=level.factor,
            )
        return self.entity_score(total, blocks, explanation)

    def entity_subject(self) -> str:
        label = self.levels[LevelKey.ENTITY].label
        return _("{label} {year}").format(label=_(label), year=self.plan.year)

    def entity_score(
        self, total: Decimal | None, blocks: tuple[BlockScore, ...], explanation: Explanation
    ) -> EntityScore:
        value, explanation = self.settle(LevelKey.ENTITY, "ENTE", total, explanation)
        return EntityScore(value if value is not None else ZERO, blocks, explanation)

    def block(self, block: Block) -> BlockScore:
        scored = tuple(
            self.settle_indicator(
                score_indicator(
                    i, _("indicatore {n}").format(n=i.number), self.rules, explain=self.explain
                )
            )
            for i in block.indicators
        )
        level = self.levels[LevelKey.BLOCK]
        achievement, a_expl = combine_parts(
            _("Realizzazione (A) blocco {n}").format(n=block.number),
            level.method,
            [Part(_("indicatore {n}").format(n=s.number), s.degree, s.weight) for s in scored],
            missing=self.plan.smvp.missing_value,
            unmeasurable=self.plan.smvp.not_measurable,
            explain=self.explain,
            factor=level.factor,
        )
        achievement, a_expl = self.settle(
            LevelKey.BLOCK, f"BLOCCO-{block.number}", achievement, a_expl
        )
        weighted_sum = self.levels[LevelKey.ENTITY].method is Method.WEIGHTED_SUM
        # The block's share of the entity result: A × B / 100 when the entity is Σ A × B;
        # otherwise the entity combines the A's itself, and the block's figure is its A.
        result = (
            (achievement or ZERO) * block.weight / HUNDRED if weighted_sum else achievement or ZERO
        )
        explanation = SILENT
        if self.explain:
            shown_a = format_percent(achievement) if achievement is not None else _("non definita")
            heading = _("Blocco {n} — {heading}").format(n=block.number, heading=block.heading)
            explanation = (
                Explanation(
                    subject=heading,
                    rule="A × B",
                    formula=f"{shown_a} × {format_exact(block.weight)} = {format_exact(result)}",
                    inputs=(("A", shown_a), ("B", format_exact(block.weight))),
                    parts=(a_expl,),
                )
                if weighted_sum
                else replace(a_expl, subject=heading)
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
            scored = tuple(self.settle_indicator(s) for s in scored)
            level = self.levels[LevelKey.OBJECTIVE]
            performance, explanation = combine_parts(
                _("Obiettivo {key} — {title}").format(key=objective.key, title=objective.title),
                level.method,
                [Part(_("indicatore {n}").format(n=s.number), s.degree, s.weight) for s in scored],
                missing=self.plan.smvp.missing_value,
                unmeasurable=self.plan.smvp.not_measurable,
                explain=self.explain,
                factor=level.factor,
            )
            if not level.scored:
                performance, explanation = None, _not_scored(explanation)
            performance, explanation = self.settle(
                LevelKey.OBJECTIVE, objective.key, performance, explanation
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
        if spec.kind is Derivation.ENTITY_SCORE and not self.entity_first:
            return score_indicator(
                indicator,
                subject,
                self.rules,
                explain=self.explain,
                reading=Reading(
                    "",
                    ReadingKind.NOT_MEASURABLE,
                    reason=_(
                        "la performance dell'ente è calcolata dagli obiettivi (SMVP): non può "
                        "essere anche il valore di un loro indicatore"
                    ),
                ),
            )
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
        level = self.levels[LevelKey.UNIT]
        for unit in self.plan.units:
            if unit.kind is UnitKind.AREA:
                continue
            keys = tuple(o.key for o in self.by_unit.get(unit.code, ()))
            performance, explanation = self.level_figure(
                level,
                unit.code,
                _("Performance {unit}").format(unit=_label(unit)),
                [
                    (
                        key,
                        objectives[key].performance,
                        objectives[key].explanation,
                        level.weight_of(key),
                    )
                    for key in keys
                ],
                _("media degli obiettivi"),
            )
            own[unit.code] = UnitScore(
                unit.code, unit.kind, unit.name, unit.short, performance, keys, explanation
            )
        areas: dict[str, UnitScore] = {}
        level = self.levels[LevelKey.AREA]
        for unit in self.plan.units:
            if unit.kind is not UnitKind.AREA:
                continue
            sectors = [
                own[c]
                for c in self.children.get(unit.code, [])
                if self.units[c].kind is UnitKind.SECTOR
            ]
            performance, explanation = self.level_figure(
                level,
                unit.code,
                _("Performance {unit}").format(unit=_label(unit)),
                [
                    (s.short or s.code, s.performance, s.explanation, level.weight_of(s.code))
                    for s in sectors
                ],
                _("media dei settori"),
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

    def level_figure(
        self, level: Level, code: str, subject: str, items: list[Item], mean_rule: str
    ) -> tuple[Decimal | None, Explanation]:
        """A node of a level above the objectives: combined, rounded and overridden."""
        value, explanation = combine(
            subject,
            level.method,
            items,
            explain=self.explain,
            rule=mean_rule if level.method is Method.MEAN else "",
            factor=level.factor,
        )
        if not level.scored:
            return None, _not_scored(explanation)
        return self.settle(level.key, code, value, explanation)

    # Annual and strategic objectives, the entity from them, and the SMVP's own levels -------
    def goal_levels(
        self, objectives: dict[str, ObjectiveScore]
    ) -> dict[str, dict[str, LevelScore]]:
        levels: dict[str, dict[str, LevelScore]] = {}
        annual_level = self.levels[LevelKey.ANNUAL]
        strategic_level = self.levels[LevelKey.STRATEGIC]
        annual: dict[str, LevelScore] = {}
        if annual_level.scored:
            for goal in self.plan.strategic:
                for item in goal.annual:
                    annual[item.code] = self.goal_score(
                        annual_level,
                        item.code,
                        item.title,
                        self.objective_items(item.objectives, objectives, annual_level),
                    )
            levels[LevelKey.ANNUAL] = annual
        if strategic_level.scored:
            strategic: dict[str, LevelScore] = {}
            for goal in self.plan.strategic:
                if annual_level.scored:
                    items: list[Item] = [
                        (
                            level_code(LevelKey.ANNUAL, a.code),
                            annual[a.code].performance,
                            annual[a.code].explanation,
                            strategic_level.weight_of(a.code),
                        )
                        for a in goal.annual
                    ]
                else:
                    keys = list(dict.fromkeys(k for a in goal.annual for k in a.objectives))
                    items = self.objective_items(keys, objectives, strategic_level)
                strategic[goal.code] = self.goal_score(
                    strategic_level, goal.code, goal.title, items
                )
            levels[LevelKey.STRATEGIC] = strategic
        return levels

    def objective_items(
        self, keys: Iterable[str], objectives: dict[str, ObjectiveScore], level: Level
    ) -> list[Item]:
        return [
            (key, objectives[key].performance, objectives[key].explanation, level.weight_of(key))
            for key in keys
            if key in objectives
        ]

    def goal_score(self, level: Level, code: str, title: str, items: list[Item]) -> LevelScore:
        explain_code = level_code(level.key, code)
        subject = f"{_(level.label)} {code} — {title}"
        value, explanation = self.level_figure(level, explain_code, subject, items, "")
        return LevelScore(
            level.key, code, title, value, tuple(label for label, *_rest in items), explanation
        )

    def entity_from_tree(
        self,
        blocks: tuple[BlockScore, ...],
        objectives: dict[str, ObjectiveScore],
        units: tuple[UnitScore, ...],
        levels: dict[str, dict[str, LevelScore]],
    ) -> EntityScore:
        level = self.levels[LevelKey.ENTITY]
        source = EntitySource(level.source)
        items: list[Item]
        if source is EntitySource.STRATEGIC:
            strategic = levels.get(LevelKey.STRATEGIC, {})
            items = [
                (
                    level_code(LevelKey.STRATEGIC, code),
                    s.performance,
                    s.explanation,
                    level.weight_of(code),
                )
                for code, s in strategic.items()
            ]
        elif source is EntitySource.AREAS:
            tops = [u for u in units if u.kind is UnitKind.AREA] or [
                u for u in units if not self.units[u.code].parent
            ]
            items = [
                (u.short or u.code, u.performance, u.explanation, level.weight_of(u.code))
                for u in tops
            ]
        else:
            items = self.objective_items(objectives, objectives, level)
        total, explanation = combine(
            self.entity_subject(),
            level.method,
            items,
            explain=self.explain,
            factor=level.factor,
        )
        return self.entity_score(total, blocks, explanation)

    def own_levels(
        self,
        objectives: dict[str, ObjectiveScore],
        units: tuple[UnitScore, ...],
        blocks: tuple[BlockScore, ...],
        levels: dict[str, dict[str, LevelScore]],
    ) -> dict[str, dict[str, LevelScore]]:
        known = {key.value for key in LevelKey}
        out: dict[str, dict[str, LevelScore]] = {}
        for level in self.plan.smvp.levels:
            if level.key in known:
                continue
            figures: dict[str, tuple[str, Decimal | None, Explanation]] = {}
            if level.source == LevelKey.OBJECTIVE:
                figures = {k: (k, o.performance, o.explanation) for k, o in objectives.items()}
            elif level.source in (LevelKey.UNIT, LevelKey.AREA):
                figures = {u.code: (u.short or u.code, u.performance, u.explanation) for u in units}
            elif level.source == LevelKey.BLOCK:
                figures = {
                    str(b.number): (
                        _("blocco {n}").format(n=b.number),
                        b.achievement,
                        b.explanation,
                    )
                    for b in blocks
                }
            else:
                figures = {
                    code: (level_code(level.source, code), s.performance, s.explanation)
                    for code, s in levels.get(level.source, {}).items()
                }
            nodes: dict[str, LevelScore] = {}
            for group in level.groups:
                items: list[Item] = []
                missing: list[str] = []
                for member in group.members:
                    if member in figures:
                        label, value, explanation = figures[member]
                        items.append((label, value, explanation, level.weight_of(member)))
                    else:
                        missing.append(member)
                code = level_code(level.key, group.code)
                value, explanation = self.level_figure(
                    level, code, f"{level.label} {group.code} — {group.label}", items, ""
                )
                if missing and self.explain:
                    explanation = replace(
                        explanation,
                        notes=(
                            *explanation.notes,
                            _("non trovati nel piano, esclusi: {codes}").format(
                                codes=", ".join(missing)
                            ),
                        ),
                    )
                nodes[group.code] = LevelScore(
                    level.key,
                    group.code,
                    group.label,
                    value,
                    tuple(i[0] for i in items),
                    explanation,
                )
            out[level.key] = nodes
        return out

    # 5. cards -------------------------------------------------------------------------
    def card(self, card: Card, objectives: dict[str, ObjectiveScore]) -> CardScore:
        refs = {o.number: o.ref for o in card.objectives}
        rows = []
        level = self.levels[LevelKey.CARD]
        for row in card.synthesis:
            performance, explanation = combine(
                f"{card.title}: {row.label}",
                level.method,
                [
                    (
                        _("obiettivo {n} ({ref})").format(n=n, ref=refs[n]),
                        objectives[refs[n]].performance,
                        objectives[refs[n]].explanation,
                        level.weight_of(refs[n]),
                    )
                    for n in row.objectives
                ],
                explain=self.explain,
                rule=_("media degli obiettivi della scheda") if level.method is Method.MEAN else "",
                factor=level.factor,
            )
            performance = level.rounding.passed_on(performance)
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
    scorer = _Scorer(plan, explain) if explain or not fast_path_fits(plan) else _fast_scorer(plan)
    if scorer.entity_first:
        entity = scorer.entity()
        blocks = entity.blocks
    else:
        blocks = tuple(scorer.block(block) for block in plan.blocks)
        entity = EntityScore(ZERO, blocks)  # not known yet: no indicator may derive from it
    objectives = scorer.objectives(entity)
    units = scorer.units_scores(objectives)
    levels = scorer.goal_levels(objectives)
    if not scorer.entity_first:
        entity = scorer.entity_from_tree(blocks, objectives, units, levels)
    levels.update(scorer.own_levels(objectives, units, blocks, levels))
    cards = tuple(scorer.card(card, objectives) for card in plan.cards)
    return PlanScore(
        plan.entity,
        plan.year,
        entity,
        objectives,
        units,
        cards,
        levels,
        scorer.adjusted,
        scorer.published,
    )


def _numeric_shape(level: Level) -> tuple[object, ...]:
    """What of a level changes figures (its label does not)."""
    return (
        level.key,
        level.scored,
        level.method,
        level.rounding,
        tuple(sorted(level.weights.items())),
        level.factor,
        level.source or (EntitySource.BLOCKS.value if level.key == LevelKey.ENTITY else ""),
        level.groups,
    )


_TVBL_SHAPE = tuple(_numeric_shape(level) for level in TVBL_LEVELS)


def fast_path_fits(plan: Plan) -> bool:
    """Whether the text-free path computes this plan: Treviso-Belluno's levels and no
    overrides (the path repeats that configuration's arithmetic; others are scored by the
    explaining path with explanations off, which is slower but general)."""
    return not plan.adjustments and (
        tuple(_numeric_shape(level) for level in plan.smvp.levels) == _TVBL_SHAPE
    )


def _fast_scorer(plan: Plan) -> _Scorer:
    from traguardo.core.fast import FastScorer  # it builds on _Scorer: imported late

    return FastScorer(plan)


def _not_scored(explanation: Explanation) -> Explanation:
    if explanation is SILENT:
        return explanation
    return replace(explanation, formula=_("livello non valutato dall'SMVP"))
