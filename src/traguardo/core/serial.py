"""The plan and its score as JSON-ready data, and back, losslessly.

A stored score snapshot (scoring.snapshots) must give back exactly the objects the engine
returned: unrounded Decimals, statuses, explanations, cards. :func:`to_data` turns a
:class:`~traguardo.core.model.Plan` or :class:`~traguardo.core.results.PlanScore` into
plain dicts, lists, strings and numbers (``json.dumps`` takes them as they are) and
:func:`from_data` rebuilds it, so that ``from_data(Plan, to_data(plan)) == plan``.

Decimals travel as strings (``str`` keeps every digit and the exponent); tuples as lists;
enums as their values. The conversion is cattrs' (it reads the dataclasses' annotations),
with the two hooks the defaults lack: Decimals, and the read-only mappings of rule
parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from traguardo.core.model import Plan
from traguardo.core.results import PlanScore

T = TypeVar("T", Plan, PlanScore)


def _is_params(kind: Any) -> bool:
    return bool(kind == Mapping[str, Any])


_converter = cattrs.Converter()
_converter.register_unstructure_hook(Decimal, str)
_converter.register_structure_hook(Decimal, lambda value, _type: Decimal(value))
# Rule parameters and SMVP options are free-form JSON from the database (or the default
# empty read-only mapping): copied as they are, compared equal after the round trip.
_converter.register_unstructure_hook_func(_is_params, lambda value: dict(value))
_converter.register_structure_hook_func(_is_params, lambda value, _type: dict(value))


def to_data(value: Plan | PlanScore) -> dict[str, Any]:
    """Plain JSON-ready data from which :func:`from_data` rebuilds `value` exactly."""
    data: dict[str, Any] = _converter.unstructure(value)
    return data


def from_data(kind: type[T], data: Mapping[str, Any]) -> T:
    """Rebuild a Plan or a PlanScore from :func:`to_data`'s output."""
    return _converter.structure(data, kind)
