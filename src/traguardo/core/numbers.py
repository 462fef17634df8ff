"""Italian number formats and the one rounding function of the scoring core.

Users write numbers the Italian way (``676.433,56``, ``54,47%``, ``4,35``); the seed
also has plain forms (``1551``, ``2,3``) and a few English-looking ones (``98.7``).
All arithmetic is :class:`~decimal.Decimal`; nothing is rounded until it is shown,
and then only by :func:`round_half_up` (the SMVP of Treviso-Belluno prints two
decimals, rounding halves up: 3,144879 -> 3,14; 72,6266 -> 72,63).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from traguardo.core.i18n import N_, _

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# Signs and spaces that word processors and other locales put in numbers, read as what
# they are: the Unicode minus ``−5`` is minus five; a thin or narrow no-break space
# separates thousands (``12 345``) as a plain or no-break space does.
MINUS_SIGNS = "-\u2212"
# Dashes that are not a minus (hyphen, en and em dash, small and full-width hyphen-minus):
# before a number they are refused with a message, never read as minus nor dropped.
OTHER_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\ufe63\uff0d"
GROUP_SPACES = " \u00a0\u202f\u2009"
# A number as people type it: optional sign, digits with optional thousands dots
# (or spaces), optional decimal comma. ``1.500`` is one thousand five hundred.
_NUMBER = re.compile(
    r"""
    (?P<sign>[-+\u2212])?
    (?P<int>\d{1,3}(?:[.\u00a0\u202f\u2009 ]\d{3})+|\d+)
    (?:,(?P<frac>\d+))?
    """,
    re.VERBOSE,
)
_GROUP = re.compile(r"[.\u00a0\u202f\u2009 ]")
# An English decimal point written by mistake (``98.7``, ``2.3``): one dot followed by
# 1, 2 or 4+ digits cannot be a thousands separator.
_DOT_DECIMAL = re.compile(r"^(?P<sign>[-+\u2212])?(?P<int>\d+)\.(?P<frac>\d{1,2}|\d{4,})$")

# Texts that look like numbers but that another program would read as something else:
# refused with a message rather than read as the first digits found in them.
_MISREAD = (
    (
        re.compile(r"\d[eE][-+\u2212]?\d"),
        N_(
            "«{text}»: la notazione esponenziale non è accettata, scrivi il numero per esteso "
            "(ad es. 2.500 invece di 2,5e3)"
        ),
    ),
    (
        re.compile(r"(?<![0-9A-Za-z])0[xXbBoO][0-9A-Fa-f]"),
        N_(
            "«{text}»: i numeri esadecimali, binari o ottali non sono accettati, "
            "scrivi il numero in cifre decimali"
        ),
    ),
    (
        re.compile(r"\d_\d"),
        N_("«{text}»: il trattino basso non separa le migliaia, scrivi ad es. 1.000"),
    ),
    (
        # "–5" or "valore —5", not the dash of "2017 – 2018" or "2019–2021" (a span of years).
        re.compile(rf"(?<!\d)(?<!\d\s)[{OTHER_DASHES}]\s?\d"),
        N_(
            "«{text}»: il trattino (–, —) non è il segno meno; per un numero negativo "
            "scrivi il segno meno, ad es. -5"
        ),
    ),
    (
        re.compile(r"\d,\d{3}(?:,\d{3})*\.\d|\d,\d{3},\d{3}"),
        N_(
            "«{text}» è scritto all'inglese (virgola per le migliaia, punto per i decimali): "
            "scrivi ad es. 1.234,56"
        ),
    ),
)


class NumberFormatError(ValueError):
    """Raised when a text is not a number in any accepted format."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How large and how precise a stored number may be (a DecimalField's max_digits and
    decimal_places): a number beyond them is refused, never cut or rounded."""

    max_digits: int
    decimal_places: int

    @property
    def integer_digits(self) -> int:
        return self.max_digits - self.decimal_places


# Monitoring values and targets: the Measurement.number field is declared from these.
VALUE_LIMITS = Limits(max_digits=20, decimal_places=6)


def misread_problem(text: str) -> str | None:
    """Why `text` would be read as another number than the one meant, or None.

    >>> misread_problem("1,234.56") is not None
    True
    >>> misread_problem("1.234,56") is None
    True
    """
    message = misread_message(text)
    return _(message).format(text=text.strip()) if message else None


def misread_message(text: str) -> str | None:
    """:func:`misread_problem`'s message untranslated, its field ``{text}`` unfilled."""
    for pattern, message in _MISREAD:
        if pattern.search(text):
            return message
    return None


def limits_problem(value: Decimal, limits: Limits, text: str) -> str | None:
    """Why `value` (written `text`) does not fit `limits`, or None."""
    if not value.is_finite():
        return _("«{text}» non è un numero").format(text=text.strip())
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    integer = max(0, len(digits) + exponent) if any(digits) else 0
    if integer > limits.integer_digits:
        return _("«{text}» è troppo grande: al massimo {digits} cifre prima della virgola").format(
            text=text.strip(), digits=limits.integer_digits
        )
    if places > limits.decimal_places and value != round(value, limits.decimal_places):
        return _("«{text}» ha troppi decimali: al massimo {places} dopo la virgola").format(
            text=text.strip(), places=limits.decimal_places
        )
    return None


def check_limits(value: Decimal, limits: Limits, text: str) -> Decimal:
    """`value` if it fits `limits`; NumberFormatError saying what is too large otherwise."""
    problem = limits_problem(value, limits, text)
    if problem:
        raise NumberFormatError(problem)
    return value


def parse_number(text: str, limits: Limits | None = None) -> Decimal:
    """Parse one Italian-formatted number, the whole text, no units.

    The one strict parser of the application: a text that is not exactly one number in
    an accepted form is refused with a message, never read as a part of it. With
    `limits`, a number too large or too precise for where it goes is refused too.

    >>> parse_number("676.433,56")
    Decimal('676433.56')
    >>> parse_number("54,47")
    Decimal('54.47')
    >>> parse_number("\u22125")
    Decimal('-5')
    """
    cleaned = text.strip()
    problem = misread_problem(cleaned)
    if problem:
        raise NumberFormatError(problem)
    match = _DOT_DECIMAL.match(cleaned)
    if match:
        value = _to_decimal(match["sign"], match["int"], match["frac"], cleaned)
    else:
        match = _NUMBER.fullmatch(cleaned)
        if not match:
            raise NumberFormatError(
                _("«{text}» non è un numero (atteso ad es. 1.500 o 54,47)").format(text=text)
            )
        digits = _GROUP.sub("", match["int"])
        value = _to_decimal(match["sign"], digits, match["frac"], cleaned)
    return check_limits(value, limits, cleaned) if limits is not None else value


def _to_decimal(sign: str | None, integer: str, frac: str | None, original: str) -> Decimal:
    sign = "-" if sign and sign in MINUS_SIGNS else ""
    literal = f"{sign}{integer}" + (f".{frac}" if frac else "")
    try:
        return Decimal(literal)
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only digits
        raise NumberFormatError(_("«{text}» non è un numero").format(text=original)) from exc


def find_number(text: str) -> tuple[Decimal, int, int] | None:
    """The first number inside a free text, with its span, or None."""
    return next(_numbers_in(text), None)


def find_numbers(text: str) -> list[tuple[Decimal, int, int]]:
    """Every number inside a free text, with its span, in order."""
    return list(_numbers_in(text))


def _numbers_in(text: str) -> Iterator[tuple[Decimal, int, int]]:
    for match in _NUMBER.finditer(text):
        # A code such as ``ITAT1044`` is a word, not a number: skip digits glued to a letter.
        start, end = match.span()
        if start > 0 and text[start - 1].isalpha():
            continue
        digits = _GROUP.sub("", match["int"])
        yield _to_decimal(match["sign"], digits, match["frac"], text), start, end


# One rounding context per number of places, for the figures that fit in 28 digits (all
# scores do): making a Context per call was most of the cost of an explanation.
_PRECISION = 28
_HALF_UP = Context(prec=_PRECISION, rounding=ROUND_HALF_UP)
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(10))


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """The SMVP rounding: ``places`` decimals, halves away from zero.

    Never fails on a large number (a value stored before the limits existed, a product of
    two large figures): the precision is that of the number, not the default 28 digits.
    """
    if isinstance(value, int):  # a model default not yet read back from the database
        value = Decimal(value)
    if not value.is_finite():
        return value
    # quantize rounds exactly whatever the precision, which only has to hold the result:
    # at most adjusted() + 1 + places digits, so 28 do below 10^(27 - places - 1).
    if 0 <= places < len(_QUANTA) and value.adjusted() < _PRECISION - places - 2:
        return value.quantize(_QUANTA[places], context=_HALF_UP)
    digits = len(value.as_tuple().digits) + abs(value.adjusted()) + places + 2
    context = Context(prec=max(_PRECISION, digits), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1).scaleb(-places), context=context)


def format_it(value: Decimal, places: int = 2, *, trim: bool = False) -> str:
    """Italian display form: ``3144.879`` -> ``3.144,88``; ``trim`` drops ``,00``."""
    rounded = round_half_up(value, places)
    sign = "-" if rounded < 0 else ""
    if rounded.is_finite():
        # Python's own grouping (1,234.56) with the Italian separators swapped in.
        integer, _unused, frac = format(abs(rounded), ",f").partition(".")
        text = sign + integer.replace(",", ".")
    else:
        integer, _unused, frac = f"{abs(rounded):f}".partition(".")
        groups: list[str] = []
        while len(integer) > 3:
            groups.insert(0, integer[-3:])
            integer = integer[:-3]
        groups.insert(0, integer)
        text = sign + ".".join(groups)
    if frac and not (trim and not frac.strip("0")):
        text += "," + frac
    return text


def format_exact(value: Decimal, max_places: int = 6) -> str:
    """Italian form without trailing zeros, for formulas: ``54.4700`` -> ``54,47``."""
    text = format_it(value, max_places)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_percent(value: Decimal, places: int = 2) -> str:
    """A share already expressed in percent points: ``72.6266`` -> ``72,63%``."""
    return format_it(value, places) + "%"


def to_contract(value: Decimal, places: int = 2) -> str:
    """The JSON contract's form of a figure: rounded, dot decimal (``"72.63"``)."""
    return f"{round_half_up(value, places):f}"
