"""Reading targets and monitoring values as people write them.

A target is kept exactly as written (``>= 100``, ``<= 5 gg``, ``= 100%``, ``si``,
``compresi tra n. 10 e n. 15``, ``= 300.000``, ``> 300.000 €``, ``===``,
``= Σ delle riunioni …``) and parsed into a :class:`Target`. A value is kept as written
too (``70 ispezioni``, ``oltre 10``, ``> 8``, ``676.433,56 €``, ``SI``) and parsed into a
:class:`Reading`. Nothing unreadable becomes a silent zero: it is a reading of kind
``NOT_MEASURABLE`` that carries its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from traguardo.core.i18n import N_, _
from traguardo.core.numbers import (
    HUNDRED,
    VALUE_LIMITS,
    Limits,
    NumberFormatError,
    find_number,
    find_numbers,
    format_exact,
    limits_problem,
    misread_message,
    misread_problem,
    parse_number,
    round_half_up,
)


class TargetKind(StrEnum):
    AT_LEAST = "at_least"  # >= n
    MORE_THAN = "more_than"  # > n
    AT_MOST = "at_most"  # <= n
    LESS_THAN = "less_than"  # < n
    EQUAL = "equal"  # = n (the SMVP decides whether that means "exactly" or "at least")
    RANGE = "range"  # compresi tra n e m
    YES = "yes"  # si
    NO = "no"  # no
    NONE = "none"  # === : no target that year
    AGGREGATE = "aggregate"  # = Σ delle riunioni … : computed from sub-units


@dataclass(frozen=True, slots=True)
class Target:
    text: str
    kind: TargetKind
    low: Decimal | None = None  # the threshold; for RANGE the lower bound
    high: Decimal | None = None  # RANGE upper bound
    unit: str = ""  # what followed the number: "%", "€", "gg", …
    # A number without a sign ("5 gg", "100", "80%"): read as "at least" unless the
    # indicator's direction says otherwise (engine.RuleBook.for_indicator). Not compared:
    # "15" and ">= 15" are the same target for everything but the choice of the rule.
    bare: bool = field(default=False, compare=False)

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


class TargetFormatError(ValueError):
    """A target that cannot be read. The message says what was expected."""


_OPERATORS = (
    (">=", TargetKind.AT_LEAST),
    ("≥", TargetKind.AT_LEAST),
    ("=>", TargetKind.AT_LEAST),
    ("<=", TargetKind.AT_MOST),
    ("≤", TargetKind.AT_MOST),
    ("=<", TargetKind.AT_MOST),
    (">", TargetKind.MORE_THAN),
    ("<", TargetKind.LESS_THAN),
    ("=", TargetKind.EQUAL),
)
_RANGE = re.compile(
    r"^compres[io]\s+tra\s+(?:n\.\s*)?(?P<low>[\d.,]+)\s*%?\s+e\s+(?:n\.\s*)?(?P<high>[\d.,]+)\s*(?P<unit>%?)$",
    re.IGNORECASE,
)
_NUMBER_AND_UNIT = re.compile(
    r"^(?P<number>[-+\u2212]?[\d.,\u00a0\u202f\u2009 ]*\d)\s*(?P<unit>%|€|euro|gg|giorni|ore)?\.?$",
    re.IGNORECASE,
)
# A target may name what it counts after the number: ">= 6 pagine", ">= 55% dei verbali".
_NUMBER_AND_WORDS = re.compile(
    r"^(?P<number>[-+\u2212]?[\d.,]*\d)\s*(?P<unit>%|€)?\s+(?P<words>[^\d\s].*)$", re.IGNORECASE
)
_YES = {"si", "sì", "yes", "s"}
_NO = {"no"}
_NONE = {"===", "==", "—", "-", "n.a.", "n/a"}


# Plans repeat the same few target and value texts: parsing each once is a large saving
# in bulk scoring. Both functions are pure and return frozen objects, so caching is safe.
@lru_cache(maxsize=65536)
def _target_number(raw: str, number: str) -> Decimal:
    try:
        return parse_number(number, VALUE_LIMITS)
    except NumberFormatError as exc:
        raise TargetFormatError(_("target «{raw}»: {error}").format(raw=raw, error=exc)) from exc


def parse_target(text: str) -> Target:
    """Parse a target as written; raise :class:`TargetFormatError` saying what was expected."""
    target = target_or_none(text)
    return target if target is not None else _read_target(text)


@lru_cache(maxsize=65536)
def target_or_none(text: str) -> Target | None:
    """The target as parsed, None when it cannot be read (:func:`parse_target` says why).

    Memoised: a parsed target is frozen and holds no translated text (only the refusal
    does, and it is not kept), and plans repeat a few target texts many times."""
    try:
        return _read_target(text)
    except TargetFormatError:
        return None


def _read_target(text: str) -> Target:
    raw = text.strip()
    problem = misread_problem(raw)  # "–5", "1,234.56", "1e308": said, never misread
    if problem:
        raise TargetFormatError(_("target «{raw}»: {error}").format(raw=raw, error=problem))
    lowered = raw.lower()
    if lowered in _YES:
        return Target(raw, TargetKind.YES)
    if lowered in _NO:
        return Target(raw, TargetKind.NO)
    if lowered in _NONE:
        return Target(raw, TargetKind.NONE)
    match = _RANGE.match(raw.lstrip("= ").strip())
    if match:
        try:
            low = parse_number(match["low"], VALUE_LIMITS)
            high = parse_number(match["high"], VALUE_LIMITS)
        except NumberFormatError as exc:
            raise TargetFormatError(
                _("target «{raw}»: {error}").format(raw=raw, error=exc)
            ) from exc
        if low > high:
            raise TargetFormatError(
                _("intervallo «{raw}»: il minimo {low} supera il massimo {high}").format(
                    raw=raw, low=low, high=high
                )
            )
        return Target(raw, TargetKind.RANGE, low, high, match["unit"])
    for symbol, kind in _OPERATORS:
        if raw.startswith(symbol):
            rest = raw[len(symbol) :].strip()
            if "Σ" in rest or "\\sum" in rest or rest.lower().startswith("somma"):
                return Target(raw, TargetKind.AGGREGATE)
            number = _NUMBER_AND_UNIT.match(rest) or _NUMBER_AND_WORDS.match(rest)
            if not number:
                raise TargetFormatError(
                    _(
                        "target «{raw}»: dopo «{symbol}» è atteso un numero con unità facoltativa "
                        "(ad es. «>= 100», «<= 5 gg», «= 100%», «> 300.000 €»)"
                    ).format(raw=raw, symbol=symbol)
                )
            value = _target_number(raw, number["number"])
            unit = _normal_unit(number["unit"]) or number.groupdict().get("words") or ""
            return Target(raw, kind, value, None, unit.strip())
    number = _NUMBER_AND_UNIT.match(raw)
    if number:  # a bare number reads as "at least" ("15" means reach 15), bar its direction
        value = _target_number(raw, number["number"])
        return Target(
            raw, TargetKind.AT_LEAST, value, None, _normal_unit(number["unit"]), bare=True
        )
    raise TargetFormatError(
        _(
            "target «{raw}» non riconosciuto: attesi «>= n», «<= n», «= n», «> n», «< n», "
            "«compresi tra n. a e n. b», «si», «no», «===» (nessun target) o «= Σ …»"
        ).format(raw=raw)
    )


def _normal_unit(unit: str | None) -> str:
    if not unit:
        return ""
    unit = unit.lower()
    return {"euro": "€", "giorni": "gg"}.get(unit, unit)


class ReadingKind(StrEnum):
    NUMBER = "number"  # the whole text is a number (with an optional unit)
    FROM_TEXT = "from_text"  # a number read out of free text: shown as such
    YES = "yes"
    NO = "no"
    EMPTY = "empty"  # nothing recorded
    NOT_MEASURABLE = "not_measurable"


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    kind: ReadingKind
    number: Decimal | None = None
    unit: str = ""
    qualifier: str = ""  # ">" for "> 8", "oltre" for "oltre 10": the number is a lower bound
    reason: str = ""  # why NOT_MEASURABLE, or how a FROM_TEXT number was read

    @property
    def has_number(self) -> bool:
        return self.number is not None


_QUALIFIED = re.compile(r"^(?P<q>>=|>|oltre|più di|almeno)\s*(?P<rest>.+)$", re.IGNORECASE)


def parse_reading(text: str | None) -> Reading:
    """Parse a monitoring value as written. Never raises: the unreadable is NOT_MEASURABLE."""
    reading, reason, fields = _parse_reading(text)
    if not reason:
        return reading
    # The parse is cached across readers: its reason is put in the reader's language here.
    return replace(reading, reason=_(reason).format(**dict(fields)))


_Fields = tuple[tuple[str, object], ...]


def value_problem(text: str | None, limits: Limits = VALUE_LIMITS) -> str | None:
    """Why a monitoring value as written cannot be recorded as it is, or None.

    :func:`parse_reading` reads any text (the unreadable is not measurable); a value
    being entered is stricter: a number another program would read otherwise
    (``1,234.56``, ``2,5e3``, ``0x1F``, ``1_000``) or one too large or too precise for
    the stored figure (`limits`) is refused with this message, never cut or misread.
    """
    raw = (text or "").strip()
    problem = misread_problem(raw)
    if problem:
        return problem
    if _RATIO.search(raw):
        return _(RATIO_REFUSED).format(raw=raw)
    reading = parse_reading(raw)
    if reading.number is None:
        return None
    if reading.kind is ReadingKind.FROM_TEXT:
        numbers = find_numbers(raw)
        if len(numbers) > 1:
            return _(
                "«{raw}» contiene più numeri ({numbers}): non si sceglie uno per te. "
                "Scrivi nel valore il solo numero da misurare e il resto nelle note"
            ).format(raw=raw, numbers=", ".join(format_exact(n) for n, _s, _e in numbers))
    return limits_problem(reading.number, limits, raw)


# A ratio written in the value ("12,21/13,06", "3 / 4"), not a date ("31/12/2019"): its
# numerator is not its value. Entered values refuse it (value_problem), stored ones read
# it as not measurable.
_RATIO = re.compile(r"(?<![\d/.,])\d[\d.,]*\s*/\s*\d[\d.,]*(?![\d.,]*\s*/)")
RATIO_REFUSED = N_(
    "«{raw}» è un rapporto: scrivi il numeratore e il denominatore nei loro campi "
    "(«numeratore» e «denominatore» nei file), Traguardo calcola il valore"
)


class RatioError(ValueError):
    """A numerator and denominator that do not make a value (denominator zero)."""


def ratio_value(numerator: Decimal, denominator: Decimal, *, percent: bool) -> Decimal:
    """numerator / denominator, times 100 when the target is a percentage.

    >>> ratio_value(Decimal("12.21"), Decimal("13.06"), percent=True)
    Decimal('93.491577')
    """
    if denominator == 0:
        raise RatioError(_("il denominatore è zero: il rapporto non ha valore"))
    quotient = numerator / denominator * (HUNDRED if percent else 1)
    return round_half_up(quotient, VALUE_LIMITS.decimal_places)


def ratio_text(numerator: Decimal, denominator: Decimal, *, percent: bool) -> str:
    """The value as stored for a ratio, the form the core reads: ``93,491577%``.

    Six decimals (the stored figure's precision), halves up; the report and the pages
    show it with two, beside the numerator and the denominator.
    """
    value = ratio_value(numerator, denominator, percent=percent)
    return format_exact(value, VALUE_LIMITS.decimal_places) + ("%" if percent else "")


# The form most values take, a plain Italian number with an optional unit (``54,47%``,
# ``676.433,56 €``, ``12 gg``): read directly, it is what the general reading below
# makes of it (tests/core/test_readings.py compares the two on many numbers).
_PLAIN = re.compile(
    r"(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?(?:\s*(?P<unit>%|€|gg))?", re.ASCII
)


@lru_cache(maxsize=65536)
def _parse_reading(text: str | None) -> tuple[Reading, str, _Fields]:
    """The reading without its reason, the reason's untranslated message and its fields."""
    raw = (text or "").strip()
    plain = _PLAIN.fullmatch(raw)
    if plain:
        integer, frac = plain["int"].replace(".", ""), plain["frac"]
        number = Decimal(f"{integer}.{frac}" if frac else integer)
        return Reading(raw, ReadingKind.NUMBER, number, plain["unit"] or ""), "", ()
    return _read_in_full(raw)


def _read_in_full(raw: str) -> tuple[Reading, str, _Fields]:
    """_parse_reading for any text (`raw` is stripped)."""
    if not raw:
        return Reading("", ReadingKind.EMPTY), N_("nessun valore rilevato"), ()
    lowered = raw.lower().rstrip(".")
    if lowered in _YES:
        return Reading(raw, ReadingKind.YES), "", ()
    if lowered in _NO:
        return Reading(raw, ReadingKind.NO), "", ()
    qualifier = ""
    body = raw
    match = _QUALIFIED.match(raw)
    if match:
        qualifier, body = match["q"].lower(), match["rest"].strip()
    whole = _NUMBER_AND_UNIT.match(body)
    if whole:
        try:
            number = parse_number(whole["number"])
        except NumberFormatError:
            pass
        else:
            kind = ReadingKind.FROM_TEXT if qualifier else ReadingKind.NUMBER
            reading = Reading(raw, kind, number, _normal_unit(whole["unit"]), qualifier)
            if not qualifier:
                return reading, "", ()
            reason = N_("«{raw}» è un limite inferiore: si assume {number}")
            return reading, reason, (("raw", raw), ("number", number))
    # A number another program would read otherwise ("1,234.56", "–5", "2,5e3") or a ratio
    # is not read as the first digits found in it: not measurable, saying why.
    misread = misread_message(raw)
    if misread:
        return Reading(raw, ReadingKind.NOT_MEASURABLE), misread, (("text", raw),)
    if _RATIO.search(body):
        reading = Reading(raw, ReadingKind.NOT_MEASURABLE)
        return reading, RATIO_REFUSED, (("raw", raw),)
    found = find_number(body)
    if found is None:
        reading = Reading(raw, ReadingKind.NOT_MEASURABLE)
        return reading, N_("nessun numero in «{raw}»"), (("raw", raw),)
    number, _start, end = found
    unit_match = re.match(r"\s*(%|€|gg)", body[end:])
    unit = unit_match.group(1) if unit_match else ""
    reading = Reading(raw, ReadingKind.FROM_TEXT, number, unit, qualifier)
    if qualifier:
        reason = N_("valore letto dal testo «{raw}»: {number} ({qualifier})")
        return reading, reason, (("raw", raw), ("number", number), ("qualifier", qualifier))
    reason = N_("valore letto dal testo «{raw}»: {number}")
    return reading, reason, (("raw", raw), ("number", number))
