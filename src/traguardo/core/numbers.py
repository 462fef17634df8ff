"""Italian number formats and the one rounding function of the scoring core.

Users write numbers the Italian way (``676.433,56``, ``54,47%``, ``4,35``); the seed
also has plain forms (``1551``, ``2,3``) and a few English-looking ones (``98.7``).
All arithmetic is :class:`~decimal.Decimal`; nothing is rounded until it is shown,
and then only by :func:`round_half_up` (the SMVP of Treviso-Belluno prints two
decimals, rounding halves up: 3,144879 -> 3,14; 72,6266 -> 72,63).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from traguardo.core.i18n import _

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# A number as people type it: optional sign, digits with optional thousands dots
# (or spaces), optional decimal comma. ``1.500`` is one thousand five hundred.
_NUMBER = re.compile(
    r"""
    (?P<sign>[-+])?
    (?P<int>\d{1,3}(?:[.\u00a0 ]\d{3})+|\d+)
    (?:,(?P<frac>\d+))?
    """,
    re.VERBOSE,
)
# An English decimal point written by mistake (``98.7``, ``2.3``): one dot followed by
# 1, 2 or 4+ digits cannot be a thousands separator.
_DOT_DECIMAL = re.compile(r"^(?P<sign>[-+])?(?P<int>\d+)\.(?P<frac>\d{1,2}|\d{4,})$")


class NumberFormatError(ValueError):
    """Raised when a text is not a number in any accepted format."""


def parse_number(text: str) -> Decimal:
    """Parse one Italian-formatted number, the whole text, no units.

    >>> parse_number("676.433,56")
    Decimal('676433.56')
    >>> parse_number("54,47")
    Decimal('54.47')
    """
    cleaned = text.strip()
    match = _DOT_DECIMAL.match(cleaned)
    if match:
        return _to_decimal(match["sign"], match["int"], match["frac"], cleaned)
    match = _NUMBER.fullmatch(cleaned)
    if not match:
        raise NumberFormatError(
            _("«{text}» non è un numero (atteso ad es. 1.500 o 54,47)").format(text=text)
        )
    digits = re.sub(r"[.\u00a0 ]", "", match["int"])
    return _to_decimal(match["sign"], digits, match["frac"], cleaned)


def _to_decimal(sign: str | None, integer: str, frac: str | None, original: str) -> Decimal:
    literal = f"{sign or ''}{integer}" + (f".{frac}" if frac else "")
    try:
        return Decimal(literal)
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only digits
        raise NumberFormatError(_("«{text}» non è un numero").format(text=original)) from exc


def find_number(text: str) -> tuple[Decimal, int, int] | None:
    """The first number inside a free text, with its span, or None."""
    for match in _NUMBER.finditer(text):
        # A code such as ``ITAT1044`` is a word, not a number: skip digits glued to a letter.
        start, end = match.span()
        if start > 0 and text[start - 1].isalpha():
            continue
        digits = re.sub(r"[.\u00a0 ]", "", match["int"])
        return _to_decimal(match["sign"], digits, match["frac"], text), start, end
    return None


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """The SMVP rounding: ``places`` decimals, halves away from zero."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_it(value: Decimal, places: int = 2, *, trim: bool = False) -> str:
    """Italian display form: ``3144.879`` -> ``3.144,88``; ``trim`` drops ``,00``."""
    rounded = round_half_up(value, places)
    sign = "-" if rounded < 0 else ""
    integer, _unused, frac = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + ".".join(groups)
    if frac and not (trim and set(frac) == {"0"}):
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
