"""Scoring rules of an SMVP, one small class each, behind a registry.

A rule turns a target and a reading into a degree of achievement in percent points
(0..cap). Each entity configures its default (its SMVP) and may override it per
indicator with a slug and parameters, e.g. ``{"rule": "bands", "bands": [[60, 50],
[90, 100]]}``. A new rule is one new class decorated with :func:`register`.

Degrees are never rounded here: rounding happens only when a figure is shown
(see :mod:`traguardo.core.numbers`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from traguardo.core.explanation import SILENT, Explanation
from traguardo.core.i18n import N_, _
from traguardo.core.numbers import (
    HUNDRED,
    ZERO,
    format_exact,
    format_it,
    format_percent,
    parse_number,
)
from traguardo.core.readings import Reading, ReadingKind, Target, TargetKind


class DegreeStatus(StrEnum):
    SCORED = "scored"
    MISSING = "missing"  # no value recorded: counts as the SMVP's missing-value policy says
    NOT_MEASURABLE = "not_measurable"  # a value that cannot be scored: likewise, with its reason
    EXCLUDED = "excluded"  # no target this year: left out of the weighted mean


@dataclass(frozen=True, slots=True)
class Degree:
    """Degree of achievement of one indicator, in percent points, unrounded."""

    value: Decimal | None
    status: DegreeStatus
    explanation: Explanation = SILENT

    @property
    def counts(self) -> bool:
        return self.value is not None


class RuleConfigError(ValueError):
    """A rule slug or parameter that does not exist or does not fit."""


@dataclass(frozen=True, slots=True)
class Context:
    subject: str  # "Indicatore 14" — used in explanations
    explain: bool = True


_QUIET = Context("", explain=False)


class Rule:
    slug: ClassVar[str]
    label: ClassVar[str]

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        raise NotImplementedError

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        """The degree alone (None: not measurable), for scoring without explanations.

        The built-in rules compute it without building any text, and their
        :meth:`degree` takes its figure from here, so both agree by construction. A rule
        that does not override it is asked for its degree without explanations."""
        return self.degree(target, reading, _QUIET).value

    # Helpers shared by the numeric rules --------------------------------------------
    def _scored(
        self,
        value: Decimal,
        formula: str,
        target: Target,
        reading: Reading,
        ctx: Context,
        notes: tuple[str, ...] = (),
    ) -> Degree:
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        extra = (reading.reason,) if reading.kind is ReadingKind.FROM_TEXT else ()
        return Degree(
            value,
            DegreeStatus.SCORED,
            Explanation(
                subject=_("Grado di realizzazione — {subject}").format(subject=ctx.subject),
                rule=self.slug,
                formula=f"{formula} = {format_percent(value)}",
                inputs=((_("target"), target.text), (_("valore"), reading.text)),
                notes=extra + notes,
            ),
        )


def unmeasurable(reason: str, target: Target, reading: Reading, ctx: Context, rule: str) -> Degree:
    explanation = (
        Explanation(
            subject=_("Grado di realizzazione — {subject}").format(subject=ctx.subject),
            rule=rule,
            formula=_("non misurabile"),
            inputs=((_("target"), target.text), (_("valore"), reading.text)),
            notes=(reason,),
        )
        if ctx.explain
        else SILENT
    )
    return Degree(None, DegreeStatus.NOT_MEASURABLE, explanation)


# A proportional degree divides by the target or by the value: with a zero where the
# divisor should be (a value of 0 above a negative target, a negative value under a range
# starting at 0) there is no ratio, and the indicator is not measurable under this rule.
UNDEFINED_RATIO = N_(
    "il rapporto tra valore e target non è definito (divisione per zero): per target o valori "
    "nulli o negativi l'SMVP deve usare una regola a fasce o sì/no"
)


RULES: dict[str, Callable[..., Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    RULES[cls.slug] = cls
    return cls


def build_rule(slug: str, params: Mapping[str, Any] | None = None) -> Rule:
    """Instantiate a registered rule; unknown slugs and parameters give a clear error."""
    try:
        factory = RULES[slug]
    except KeyError:
        known = ", ".join(sorted(RULES))
        raise RuleConfigError(
            _("regola di calcolo «{slug}» sconosciuta (disponibili: {known})").format(
                slug=slug, known=known
            )
        ) from None
    try:
        return factory(**dict(params or {}))
    except TypeError as exc:
        raise RuleConfigError(
            _("parametri non validi per la regola «{slug}»: {error}").format(slug=slug, error=exc)
        ) from None


def _dec(value: Any, name: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_number(value)
    raise RuleConfigError(
        _("parametro «{name}»: atteso un numero, trovato {value}").format(
            name=name, value=repr(value)
        )
    )


def _capped_value(ratio_pct: Decimal, cap: Decimal, floor: Decimal | None) -> Decimal:
    if floor is not None and ratio_pct < floor:
        return ZERO
    return min(ratio_pct, cap)


def _floor_notes(ratio_pct: Decimal, floor: Decimal | None) -> tuple[str, ...]:
    if floor is not None and ratio_pct < floor:
        return (
            _("sotto la soglia minima del {floor} il grado è 0").format(
                floor=format_percent(floor)
            ),
        )
    return ()


_NUMERIC = frozenset((ReadingKind.NUMBER, ReadingKind.FROM_TEXT))


def _numeric(reading: Reading) -> Decimal | None:
    return reading.number if reading.kind in _NUMERIC else None


@register
class HigherIsBetter(Rule):
    """actual / target, capped (default 100%), with an optional floor below which it is 0."""

    slug = "higher_is_better"
    label = N_("Più alto è meglio (proporzionale, con tetto)")

    def __init__(self, cap: Any = 100, floor: Any = None) -> None:
        self.cap = _dec(cap, "cap")
        self.floor = None if floor is None else _dec(floor, "floor")

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        actual = reading.number if reading.kind in _NUMERIC else None
        low = target.low
        if actual is None or low is None:
            return None
        return self.of(actual, low)

    def of(self, actual: Decimal, low: Decimal) -> Decimal:
        """The degree of `actual` against the threshold `low`."""
        if low == 0:
            return self.cap
        return _capped_value(actual / low * HUNDRED, self.cap, self.floor)

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        actual = _numeric(reading)
        if actual is None or target.low is None:
            return unmeasurable(
                _("serve un valore numerico e un target numerico"),
                target,
                reading,
                ctx,
                self.slug,
            )
        value = self.of(actual, target.low)
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        if target.low == 0:
            return self._scored(value, _("target 0 raggiunto"), target, reading, ctx)
        notes = _floor_notes(actual / target.low * HUNDRED, self.floor)
        cap_ratio = format_it(self.cap / HUNDRED, 2, trim=True)
        formula = f"min({format_exact(actual)} / {format_exact(target.low)}; {cap_ratio})"
        return self._scored(value, formula, target, reading, ctx, notes)


@register
class LowerIsBetter(Rule):
    """At or under the target scores the cap; above it, target / actual, or with
    ``mode: distance`` 100 minus the distance from the target in percent of the target,
    (2 × target − actual) / target (a value twice the target scores 0)."""

    slug = "lower_is_better"
    label = N_("Più basso è meglio")

    def __init__(self, cap: Any = 100, floor: Any = None, mode: str = "ratio") -> None:
        if mode not in ("ratio", "distance"):
            raise RuleConfigError(_("parametro «mode»: atteso «ratio» o «distance»"))
        self.cap = _dec(cap, "cap")
        self.floor = None if floor is None else _dec(floor, "floor")
        self.distance = mode == "distance"

    def _ratio(self, low: Decimal, actual: Decimal) -> Decimal:
        """The degree before cap and floor, `actual` above `low`."""
        if self.distance:
            left = HUNDRED - (actual - low) / abs(low) * HUNDRED
            return left if left > 0 else ZERO
        return low / actual * HUNDRED

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        actual = reading.number if reading.kind in _NUMERIC else None
        low = target.low
        if actual is None or low is None:
            return None
        if actual <= low:
            return self.cap
        # above a negative target target / actual has no meaning, nor a distance from 0
        if (low if self.distance else actual) == 0:
            return None
        return _capped_value(self._ratio(low, actual), self.cap, self.floor)

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        actual = _numeric(reading)
        if actual is None or target.low is None:
            return unmeasurable(
                _("serve un valore numerico e un target numerico"),
                target,
                reading,
                ctx,
                self.slug,
            )
        value = self.value(target, reading)
        if value is None:
            return unmeasurable(_(UNDEFINED_RATIO), target, reading, ctx, self.slug)
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        t, a = format_exact(target.low), format_exact(actual)
        if actual <= target.low:
            return self._scored(value, f"{a} <= {t}", target, reading, ctx)
        notes = _floor_notes(self._ratio(target.low, actual), self.floor)
        if self.distance:
            formula = f"max(1 − ({a} − {t}) / {format_exact(abs(target.low))}; 0)"
            return self._scored(value, formula, target, reading, ctx, notes)
        return self._scored(value, f"{t} / {a}", target, reading, ctx, notes)


@register
class Exact(Rule):
    """Only hitting the target (within a tolerance) counts: all or nothing."""

    slug = "exact"
    label = N_("Valore esatto (tutto o niente)")

    def __init__(self, tolerance: Any = 0, cap: Any = 100) -> None:
        self.tolerance = _dec(tolerance, "tolerance")
        self.cap = _dec(cap, "cap")

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        actual = reading.number if reading.kind in _NUMERIC else None
        low = target.low
        if actual is None or low is None:
            return None
        return self.cap if abs(actual - low) <= self.tolerance else ZERO

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        actual = _numeric(reading)
        if actual is None or target.low is None:
            return unmeasurable(
                _("serve un valore numerico e un target numerico"),
                target,
                reading,
                ctx,
                self.slug,
            )
        value = self.value(target, reading)
        assert value is not None
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        hit = abs(actual - target.low) <= self.tolerance
        a, t = format_exact(actual), format_exact(target.low)
        return self._scored(value, f"{a} {'=' if hit else '≠'} {t}", target, reading, ctx)


@register
class InRange(Rule):
    """Inside [low, high] scores the cap; below, actual / low; above, per ``above``."""

    slug = "range"
    label = N_("Intervallo")

    def __init__(self, above: str = "full", cap: Any = 100, floor: Any = None) -> None:
        if above not in ("full", "proportional"):
            raise RuleConfigError(_("parametro «above»: atteso «full» o «proportional»"))
        self.above = above
        self.cap = _dec(cap, "cap")
        self.floor = None if floor is None else _dec(floor, "floor")

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        actual = reading.number if reading.kind in _NUMERIC else None
        low, high = target.low, target.high
        if actual is None or low is None or high is None:
            return None
        if low <= actual <= high:
            return self.cap
        if actual < low:
            if low == 0:  # under a range that starts at 0: actual / 0 has no meaning
                return None
            return _capped_value(actual / low * HUNDRED, self.cap, self.floor)
        if self.above == "full":
            return self.cap
        if actual == 0:  # over a range of negative numbers: high / 0 has no meaning
            return None
        return _capped_value(high / actual * HUNDRED, self.cap, self.floor)

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        actual = _numeric(reading)
        if actual is None or target.low is None or target.high is None:
            return unmeasurable(
                _("serve un valore numerico e un intervallo"), target, reading, ctx, self.slug
            )
        value = self.value(target, reading)
        if value is None:
            return unmeasurable(_(UNDEFINED_RATIO), target, reading, ctx, self.slug)
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        a = format_exact(actual)
        lo, hi = format_exact(target.low), format_exact(target.high)
        if target.low <= actual <= target.high:
            return self._scored(value, f"{lo} <= {a} <= {hi}", target, reading, ctx)
        if actual < target.low:
            notes = _floor_notes(actual / target.low * HUNDRED, self.floor)
            return self._scored(value, f"{a} / {lo}", target, reading, ctx, notes)
        if self.above == "full":
            return self._scored(
                value,
                f"{a} > {hi}",
                target,
                reading,
                ctx,
                (_("oltre il massimo dell'intervallo: l'SMVP lo considera raggiunto"),),
            )
        notes = _floor_notes(target.high / actual * HUNDRED, self.floor)
        return self._scored(value, f"{hi} / {a}", target, reading, ctx, notes)


_ANSWERS = frozenset((ReadingKind.YES, ReadingKind.NO))
_YES_NO_TARGETS = frozenset((TargetKind.YES, TargetKind.NO))


@register
class YesNo(Rule):
    """A yes/no target: the expected answer scores the cap, the other 0."""

    slug = "yes_no"
    label = N_("Sì/No")

    def __init__(self, cap: Any = 100) -> None:
        self.cap = _dec(cap, "cap")

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        if target.kind not in _YES_NO_TARGETS or reading.kind not in _ANSWERS:
            return None
        hit = (reading.kind is ReadingKind.YES) == (target.kind is TargetKind.YES)
        return self.cap if hit else ZERO

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        if target.kind not in _YES_NO_TARGETS:
            return unmeasurable(
                _("la regola sì/no richiede un target «si» o «no»"),
                target,
                reading,
                ctx,
                self.slug,
            )
        if reading.kind not in _ANSWERS:
            return unmeasurable(_("atteso un valore «SI» o «NO»"), target, reading, ctx, self.slug)
        value = self.value(target, reading)
        assert value is not None
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        hit = (reading.kind is ReadingKind.YES) == (target.kind is TargetKind.YES)
        formula = f"{reading.text} {'=' if hit else '≠'} {target.text}"
        return self._scored(value, formula, target, reading, ctx)


@register
class Bands(Rule):
    """Thresholds on actual / target (percent): ``[[60, 50], [90, 100]]`` reads
    "from 60% of the target the degree is 50, from 90% it is 100"; below the first
    band it is 0. With ``interpolate`` the degree moves linearly between bands."""

    slug = "bands"
    label = N_("Fasce di punteggio")

    def __init__(self, bands: list[list[Any]], interpolate: bool = False) -> None:
        if not bands:
            raise RuleConfigError(
                _("parametro «bands»: serve almeno una fascia [soglia, punteggio]")
            )
        parsed = sorted((_dec(a, "bands"), _dec(b, "bands")) for a, b in bands)
        self.bands = tuple(parsed)
        self.interpolate = bool(interpolate)

    def _band(
        self, ratio: Decimal
    ) -> tuple[Decimal, tuple[Decimal, Decimal] | None, tuple[Decimal, Decimal] | None]:
        """The degree at `ratio`, the band it falls in and the next one up (None: none)."""
        below = [band for band in self.bands if band[0] <= ratio]
        if not below:
            return ZERO, None, None
        threshold, score = below[-1]
        above = [band for band in self.bands if band[0] > ratio]
        if self.interpolate and above:
            t2, s2 = above[0]
            value = score + (s2 - score) * (ratio - threshold) / (t2 - threshold)
            return value, below[-1], above[0]
        return score, below[-1], None

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        actual = reading.number if reading.kind in _NUMERIC else None
        if actual is None or not target.low:
            return None
        return self._band(actual / target.low * HUNDRED)[0]

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        actual = _numeric(reading)
        if actual is None or not target.low:
            return unmeasurable(
                _("serve un valore numerico e un target numerico non nullo"),
                target,
                reading,
                ctx,
                self.slug,
            )
        ratio = actual / target.low * HUNDRED
        value, band, upper = self._band(ratio)
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        r = format_it(ratio, 2)
        if band is None:
            formula = _("{ratio}% sotto la prima fascia ({first}%)").format(
                ratio=r, first=format_it(self.bands[0][0], 2)
            )
            return self._scored(value, formula, target, reading, ctx)
        threshold, score = band
        if upper is not None:
            t2, s2 = upper
            s1, s2_, t1, t2_ = (format_it(x, 2) for x in (score, s2, threshold, t2))
            formula = f"{s1} + ({s2_} − {s1}) × ({r} − {t1}) / ({t2_} − {t1})"
            return self._scored(value, formula, target, reading, ctx)
        formula = _("fascia da {threshold}% ({ratio}%)").format(
            threshold=format_it(threshold, 2), ratio=r
        )
        return self._scored(value, formula, target, reading, ctx)


class EqualMeans(StrEnum):
    AT_LEAST = "at_least"
    EXACT = "exact"


_PERCENT_GOALS = frozenset((TargetKind.EQUAL, TargetKind.AT_LEAST))


@register
class Smvp(Rule):
    """The entity's default: chooses a rule by the form of the target.

    Treviso-Belluno's SMVP (2019) as its report applies it: ``= n`` is read as "at
    least n" (``= 300.000`` with 676.433,56 scores 100%, ``= 100%`` with 93% scores 93%),
    a range exceeded upwards is achieved (10–15 with 19 scores 100%), ``>``/``>=``
    are proportional with a 100% cap, ``<``/``<=`` are lower-is-better.

    With ``fasce`` (``[[60, 50], [90, 100]]``) the degree so computed is then placed in
    bands, as SMVPs that score "by bands of achievement" do: from 60% it counts 50, from
    90% it counts 100, below the first band 0.
    """

    slug = "smvp"
    label = N_("Regola predefinita dell'SMVP")

    def __init__(
        self,
        equal_means: str = "at_least",
        range_above: str = "full",
        cap: Any = 100,
        floor: Any = None,
        fasce: list[list[Any]] | None = None,
        bare: str = "at_least",
    ) -> None:
        self.equal_means = EqualMeans(equal_means)
        self.bands = (
            tuple(sorted((_dec(a, "fasce"), _dec(b, "fasce")) for a, b in fasce)) if fasce else ()
        )
        self.higher = HigherIsBetter(cap=cap, floor=floor)
        self.lower = LowerIsBetter(cap=cap, floor=floor)
        self.exact = Exact(cap=cap)
        self.range = InRange(above=range_above, cap=cap, floor=floor)
        self.yes_no = YesNo(cap=cap)
        equal = self.higher if self.equal_means is EqualMeans.AT_LEAST else self.exact
        # The rule for each form of target, looked up once per indicator.
        self._by_kind: dict[TargetKind, Rule] = {
            TargetKind.AT_LEAST: self.higher,
            TargetKind.MORE_THAN: self.higher,
            TargetKind.AT_MOST: self.lower,
            TargetKind.LESS_THAN: self.lower,
            TargetKind.EQUAL: equal,
            TargetKind.RANGE: self.range,
        }
        # A target without a sign ("5 gg"): "at least" unless the indicator's direction
        # says "lower is better" (at_most) or "exact" (engine.RuleBook.for_indicator).
        bare_rules: dict[str, Rule] = {
            "at_least": self.higher,
            "at_most": self.lower,
            "exact": self.exact,
        }
        if bare not in bare_rules:
            raise RuleConfigError(_("parametro «bare»: atteso «at_least», «at_most» o «exact»"))
        self.bare = bare_rules[bare]

    def pick(self, target: Target) -> Rule:
        if target.bare:
            return self.bare
        return self._by_kind.get(target.kind, self.yes_no)

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        if reading.kind in _ANSWERS and target.kind in _PERCENT_GOALS and target.unit == "%":
            # "SI" against "= 100%": the SMVP reads a done/not-done answer as 100% / 0%.
            done = HUNDRED if reading.kind is ReadingKind.YES else ZERO
            value = None if target.low is None else self.higher.of(done, target.low)
        else:
            value = self.pick(target).value(target, reading)
        return self._in_band(value) if self.bands and value is not None else value

    def _in_band(self, degree: Decimal) -> Decimal:
        reached = [score for threshold, score in self.bands if degree >= threshold]
        return reached[-1] if reached else ZERO

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        computed = self._degree(target, reading, ctx)
        if not self.bands or computed.value is None:
            return computed
        banded = self._in_band(computed.value)
        if not ctx.explain:
            return Degree(banded, computed.status)
        e = computed.explanation
        note = _("fasce dell'SMVP: grado {degree} → {banded}").format(
            degree=format_percent(computed.value), banded=format_percent(banded)
        )
        return Degree(
            banded,
            computed.status,
            Explanation(
                e.subject,
                e.rule,
                f"{e.formula} → {format_percent(banded)}",
                e.inputs,
                (*e.notes, note),
                e.parts,
            ),
        )

    def _degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        answered = reading.kind in _ANSWERS
        # "SI" against "= 100%": the SMVP reads a done/not-done answer as 100% / 0%.
        percent_goal = target.kind in _PERCENT_GOALS and target.is_percent
        if answered and percent_goal:
            done = HUNDRED if reading.kind is ReadingKind.YES else ZERO
            as_number = Reading(reading.text, ReadingKind.NUMBER, done, "%")
            return self.higher.degree(target, as_number, ctx)
        return self.pick(target).degree(target, reading, ctx)


# --- rules added for SMVPs written as configuration (issue 14) -------------------------


def _param(value: Any, name: str) -> Decimal:
    """A numeric parameter (a YAML float too); anything else is refused naming it."""
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, bool):
        value = repr(value)  # refused below: a yes/no is not a number
    try:
        number = _dec(value, name)
        if not number.is_finite():
            raise ValueError(name)
        return number
    except ValueError as exc:
        if isinstance(exc, RuleConfigError):
            raise
        raise RuleConfigError(
            _("parametro «{name}»: atteso un numero, trovato {value}").format(
                name=name, value=repr(value)
            )
        ) from None


@register
class TwoPoint(Rule):
    """A straight line through two points the SMVP names: the value at which the degree
    is 0 (``zero``) and the value at which it is 100 (``full``; the target's number when
    left out). ``zero: 10, full: 5`` reads "10 days or more: 0; 5 or fewer: 100", so
    lower is better; ``zero: 50, full: 80`` the other way. The degree is kept between 0
    and ``cap`` (default 100): beyond ``full`` it grows up to the cap, never past it."""

    slug = "two_point"
    label = N_("Interpolazione lineare tra due punti")

    def __init__(self, zero: Any, full: Any = None, cap: Any = 100) -> None:
        self.zero = _param(zero, "zero")
        self.full = None if full is None else _param(full, "full")
        self.cap = _param(cap, "cap")
        if self.cap < 0:
            raise RuleConfigError(_("parametro «cap»: non può essere negativo"))
        if self.full is not None and self.full == self.zero:
            raise RuleConfigError(_("parametri «zero» e «full»: i due punti devono essere diversi"))

    def _full(self, target: Target) -> Decimal | None:
        """The value scoring 100: the parameter, else the target's number (None: neither,
        or the target's number is the zero point and there is no line)."""
        full = self.full if self.full is not None else target.low
        return None if full is None or full == self.zero else full

    def _line(self, actual: Decimal, full: Decimal) -> Decimal:
        return (actual - self.zero) / (full - self.zero) * HUNDRED

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        actual = reading.number if reading.kind in _NUMERIC else None
        full = self._full(target)
        if actual is None or full is None:
            return None
        line = self._line(actual, full)
        return ZERO if line <= 0 else min(line, self.cap)

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        actual = _numeric(reading)
        if actual is None:
            return unmeasurable(_("serve un valore numerico"), target, reading, ctx, self.slug)
        full = self._full(target)
        if full is None:
            return unmeasurable(
                _(
                    "manca il valore a cui il grado è 100: né il parametro «full» né un "
                    "target numerico diverso dal punto «zero»"
                ),
                target,
                reading,
                ctx,
                self.slug,
            )
        value = self.value(target, reading)
        assert value is not None
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        a, z, f = format_exact(actual), format_exact(self.zero), format_exact(full)
        line = self._line(actual, full)
        notes = [
            _("grado 0 a {zero}, grado 100 a {full}{whose}").format(
                zero=z,
                full=f,
                whose="" if self.full is not None else _(" (il target)"),
            )
        ]
        if line < 0:
            notes.append(_("oltre il punto di grado 0: il grado è 0"))
        elif line > self.cap:
            notes.append(
                _("oltre il tetto del {cap}: il grado è il tetto").format(
                    cap=format_percent(self.cap)
                )
            )
        formula = f"({a} − {z}) / ({f} − {z})"
        return self._scored(value, formula, target, reading, ctx, tuple(notes))


class StatusCategory(StrEnum):
    ABOVE = "superiore"
    IN_LINE = "in linea"
    BELOW = "inferiore"
    NOT_MEASURABLE = "non misurabile"


# The words an owner may enter instead of a number ("in linea", "Superiore alle attese"):
# the category is the one the text starts with.
_CATEGORY_WORDS = (
    ("non misurabile", StatusCategory.NOT_MEASURABLE),
    ("superiore", StatusCategory.ABOVE),
    ("in linea", StatusCategory.IN_LINE),
    ("inferiore", StatusCategory.BELOW),
)
_LOWER_TARGETS = frozenset((TargetKind.AT_MOST, TargetKind.LESS_THAN))
_COMPARED = frozenset(
    (
        TargetKind.AT_LEAST,
        TargetKind.MORE_THAN,
        TargetKind.AT_MOST,
        TargetKind.LESS_THAN,
        TargetKind.EQUAL,
        TargetKind.RANGE,
    )
)


def status_category(text: str) -> StatusCategory | None:
    """The category a value written as words names, or None when it names none."""
    words = " ".join(text.lower().split()).rstrip(".")
    for start, category in _CATEGORY_WORDS:
        if words.startswith(start):
            return category
    return None


@register
class Status(Rule):
    """Status categories: "superiore", "in linea", "inferiore" (to the target), "non
    misurabile"; each category is worth the degree the SMVP gives it.

    The owner may write the category itself as the value, or a number: it is then
    compared with the target. Within ``tolerance`` percent of the target (or ``margin``,
    in the value's own unit) it is "in linea"; better than that "superiore", worse
    "inferiore" — better meaning lower for ``<=``/``<`` targets. In a range it is "in
    linea", under it "inferiore", over it "superiore". Against "si"/"no" the expected
    answer is "in linea", the other "inferiore". "non misurabile" is not measurable (the
    SMVP's policy for those applies)."""

    slug = "status"
    label = N_("Stato rispetto al target (superiore, in linea, inferiore)")
    # Values without a number ("in linea") are this rule's to read: the engine must hand
    # them over instead of taking them as not measurable.
    reads_words: ClassVar[bool] = True

    def __init__(
        self,
        superiore: Any = 100,
        in_linea: Any = 100,
        inferiore: Any = 0,
        tolerance: Any = None,
        margin: Any = None,
    ) -> None:
        self.degrees = {
            StatusCategory.ABOVE: _param(superiore, "superiore"),
            StatusCategory.IN_LINE: _param(in_linea, "in_linea"),
            StatusCategory.BELOW: _param(inferiore, "inferiore"),
        }
        for category, degree in self.degrees.items():
            if degree < 0:
                raise RuleConfigError(
                    _("parametro «{name}»: il grado non può essere negativo").format(
                        name=category.value.replace(" ", "_")
                    )
                )
        if tolerance is not None and margin is not None:
            raise RuleConfigError(
                _(
                    "parametri «tolerance» e «margin»: indicare la tolleranza in percentuale "
                    "del target oppure in valore assoluto, non entrambe"
                )
            )
        self.tolerance = None if tolerance is None else _param(tolerance, "tolerance")
        self.margin = None if margin is None else _param(margin, "margin")
        for name, amount in (("tolerance", self.tolerance), ("margin", self.margin)):
            if amount is not None and amount < 0:
                raise RuleConfigError(
                    _("parametro «{name}»: non può essere negativo").format(name=name)
                )

    def _slack(self, low: Decimal) -> Decimal:
        if self.margin is not None:
            return self.margin
        if self.tolerance is not None:
            return abs(low) * self.tolerance / HUNDRED
        return ZERO

    def category(self, target: Target, reading: Reading) -> StatusCategory | None:
        """The reading's category against the target (None: it has none)."""
        if reading.kind is ReadingKind.NOT_MEASURABLE or reading.kind is ReadingKind.FROM_TEXT:
            named = status_category(reading.text)
            if named is not None:
                return named
        if target.kind in _YES_NO_TARGETS:
            if reading.kind not in _ANSWERS:
                return None
            hit = (reading.kind is ReadingKind.YES) == (target.kind is TargetKind.YES)
            return StatusCategory.IN_LINE if hit else StatusCategory.BELOW
        actual = reading.number if reading.kind in _NUMERIC else None
        low = target.low
        if actual is None or low is None or target.kind not in _COMPARED:
            return None
        high = target.high if target.kind is TargetKind.RANGE and target.high is not None else low
        if low - self._slack(low) <= actual <= high + self._slack(high):
            return StatusCategory.IN_LINE
        better = actual < low if target.kind in _LOWER_TARGETS else actual > high
        return StatusCategory.ABOVE if better else StatusCategory.BELOW

    def value(self, target: Target, reading: Reading) -> Decimal | None:
        category = self.category(target, reading)
        if category is None or category is StatusCategory.NOT_MEASURABLE:
            return None
        return self.degrees[category]

    def degree(self, target: Target, reading: Reading, ctx: Context) -> Degree:
        category = self.category(target, reading)
        if category is StatusCategory.NOT_MEASURABLE:
            return unmeasurable(
                _("indicato «non misurabile» dal responsabile"), target, reading, ctx, self.slug
            )
        if category is None:
            return unmeasurable(
                _(
                    "servono un valore numerico e un target numerico (o «si»/«no»), oppure "
                    "una delle categorie «superiore», «in linea», «inferiore», «non misurabile»"
                ),
                target,
                reading,
                ctx,
                self.slug,
            )
        value = self.degrees[category]
        if not ctx.explain:
            return Degree(value, DegreeStatus.SCORED)
        named = reading.kind in (ReadingKind.NOT_MEASURABLE, ReadingKind.FROM_TEXT) and (
            status_category(reading.text) is not None
        )
        if named:
            formula = _("categoria indicata «{category}»").format(category=category.value)
        else:
            formula = _("«{value}» rispetto al target «{target}»: {category}").format(
                value=reading.text, target=target.text, category=category.value
            )
        notes = []
        if not named and target.kind not in _YES_NO_TARGETS:
            if self.margin is not None:
                notes.append(
                    _("in linea entro ±{margin} dal target").format(
                        margin=format_exact(self.margin)
                    )
                )
            elif self.tolerance is not None:
                notes.append(
                    _("in linea entro ±{tolerance} del target").format(
                        tolerance=format_percent(self.tolerance)
                    )
                )
        notes.append(
            _(
                "gradi per categoria: superiore {above}, in linea {in_line}, inferiore {below}"
            ).format(
                above=format_percent(self.degrees[StatusCategory.ABOVE]),
                in_line=format_percent(self.degrees[StatusCategory.IN_LINE]),
                below=format_percent(self.degrees[StatusCategory.BELOW]),
            )
        )
        return self._scored(value, formula, target, reading, ctx, tuple(notes))
