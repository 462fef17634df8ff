"""Reading one cell's text as a date, a number, a choice: each failure is a sentence."""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from traguardo.core.numbers import (
    Limits,
    NumberFormatError,
    limits_problem,
    misread_problem,
    parse_number,
)
from traguardo.exchange.schema import normal


class CellError(ValueError):
    pass


_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


def parse_date(text: str) -> datetime.date:
    raw = text.strip()
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError:
        pass
    match = _DMY.match(raw)
    if match:
        try:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise CellError(
        _("«{text}» non è una data (attesa ad es. 21/05/2019 o 2019-05-21)").format(text=text)
    )


def parse_decimal(
    text: str,
    *,
    low: Decimal | None = None,
    high: Decimal | None = None,
    limits: Limits | None = None,
) -> Decimal:
    """A number of a cell by the one strict parser; `limits`: the model field's digits."""
    raw = text.strip().rstrip("%").strip()
    problem = misread_problem(raw)
    if problem:
        raise CellError(problem)
    try:
        value = parse_number(raw)
    except NumberFormatError:
        raise CellError(
            _("«{text}» non è un numero (atteso ad es. 50 oppure 33,33)").format(text=text)
        ) from None
    problem = limits_problem(value, limits, raw) if limits is not None else None
    if problem:
        raise CellError(problem)
    if low is not None and value < low:
        raise CellError(
            _("«{text}»: il valore non può essere minore di {low}").format(text=text, low=low)
        )
    if high is not None and value > high:
        raise CellError(
            _("«{text}»: il valore non può essere maggiore di {high}").format(text=text, high=high)
        )
    return value


def parse_int(text: str) -> int:
    value = parse_decimal(text, low=Decimal(0))
    if value != value.to_integral_value():
        raise CellError(_("«{text}» non è un numero intero").format(text=text))
    return int(value)


@functools.cache
def _choice_names(choices: type[models.TextChoices]) -> dict[str, str]:
    names: dict[str, str] = {}
    for value, label in choices.choices:
        names[normal(str(value))] = str(value)
        for language in ("it", "en"):
            with translation.override(language):
                names.setdefault(normal(str(label)), str(value))
    return names


def parse_choice(text: str, choices: type[models.TextChoices]) -> str:
    """A choice by its code (``settore``) or its label in Italian or English."""
    found = _choice_names(choices).get(normal(text))
    if found is None:
        allowed = ", ".join(str(v) for v in choices.values)
        raise CellError(
            _("«{text}» non è un valore ammesso (valori ammessi: {allowed})").format(
                text=text, allowed=allowed
            )
        )
    return found
