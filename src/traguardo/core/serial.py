"""The plan and its score as JSON-ready data, and back, losslessly.

A stored score snapshot (scoring.snapshots) must give back exactly the objects the engine
returned: unrounded Decimals, statuses, explanations, cards. :func:`to_data` turns a
:class:`~traguardo.core.model.Plan` or :class:`~traguardo.core.results.PlanScore` into
plain dicts, lists, strings and numbers (``json.dumps`` takes them as they are) and
:func:`from_data` rebuilds it, so that ``from_data(Plan, to_data(plan)) == plan``.

Decimals travel as strings (``str`` keeps every digit and the exponent); tuples as lists;
enums as their values; the ordered dict of a score's objectives as a list of pairs (a
database may reorder the keys of a JSON object). The conversion is cattrs' (it reads the
dataclasses' annotations), with hooks for what the defaults lack.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from traguardo.core.model import Plan
from traguardo.core.results import LevelScore, ObjectiveScore, PlanScore

T = TypeVar("T", Plan, PlanScore)


def _is_params(kind: Any) -> bool:
    return bool(kind == Mapping[str, Any])


def _is_objectives(kind: Any) -> bool:
    return bool(kind == dict[str, ObjectiveScore])


_converter = cattrs.Converter()
_converter.register_unstructure_hook(Decimal, str)
_converter.register_structure_hook(Decimal, lambda value, _type: Decimal(value))
# Rule parameters and SMVP options are free-form JSON from the database (or the default
# empty read-only mapping): copied as they are, compared equal after the round trip.
_converter.register_unstructure_hook_func(_is_params, lambda value: dict(value))
_converter.register_structure_hook_func(_is_params, lambda value, _type: dict(value))
# A score's objectives are a dict in the plan's order, which pages and the contract follow.
# JSON objects do not keep an order everywhere (PostgreSQL's jsonb sorts keys): pairs do.
_converter.register_unstructure_hook_func(
    _is_objectives,
    lambda value: [[key, _converter.unstructure(item)] for key, item in value.items()],
)
_converter.register_structure_hook_func(
    _is_objectives,
    lambda value, _type: {key: _converter.structure(item, ObjectiveScore) for key, item in value},
)


# The scored levels keep the plan's order too: pairs of pairs.
def _is_levels(kind: Any) -> bool:
    return bool(kind == dict[str, dict[str, LevelScore]])


_converter.register_unstructure_hook_func(
    _is_levels,
    lambda value: [
        [key, [[code, _converter.unstructure(node)] for code, node in nodes.items()]]
        for key, nodes in value.items()
    ],
)
_converter.register_structure_hook_func(
    _is_levels,
    lambda value, _type: {
        key: {code: _converter.structure(node, LevelScore) for code, node in nodes}
        for key, nodes in value
    },
)


def to_data(value: Plan | PlanScore) -> dict[str, Any]:
    """Plain JSON-ready data from which :func:`from_data` rebuilds `value` exactly."""
    data: dict[str, Any] = _converter.unstructure(value)
    return data


def from_data(kind: type[T], data: Mapping[str, Any]) -> T:
    """Rebuild a Plan or a PlanScore from :func:`to_data`'s output."""
    return _converter.structure(data, kind)
