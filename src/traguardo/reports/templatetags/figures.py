"""Italian display of the engine's unrounded figures."""

from decimal import Decimal

from django import template
from traguardo.core.numbers import format_exact, format_it, format_percent
from traguardo.core.results import LevelScore
from traguardo.reports import links
from traguardo.scoring.smvp_view import LevelResults, LevelView

register = template.Library()


@register.filter
def pct(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "n.d."


@register.filter
def num(value: Decimal | None, places: int = 2) -> str:
    return format_it(value, places) if value is not None else "n.d."


@register.filter
def at(value: Decimal | None, level: LevelView) -> str:
    """`{{ figure|at:view.entity }}`: a percent with the SMVP's decimals for that level."""
    return level.percent(value)


@register.filter
def num_at(value: Decimal | None, level: LevelView) -> str:
    return level.number(value, missing="n.d.")


@register.filter
def explain_code(results: LevelResults, node: LevelScore) -> str:
    """`{{ results|explain_code:node }}`: "OS-1", "OA-1.1", "<level>-<code>"."""
    return results.explain_code(node)


@register.filter
def exact(value: Decimal | None) -> str:
    """Every digit the engine kept (cards, fund shares), Italian separators."""
    return format_exact(value) if value is not None else "n.d."


@register.filter
def euro(value: Decimal | None) -> str:
    return f"{format_it(value, 2)} €" if value is not None else "n.d."


@register.filter
def why(code: str, year: int) -> str:
    """`{{ code|why:cycle.year }}`: the "why this number" page of a figure."""
    return links.explain_url(year, code)


@register.filter
def objective_href(pk: int) -> str:
    return links.objective_url(pk)


@register.filter
def indicator_href(pk: int) -> str:
    return links.indicator_url(pk)


@register.filter
def shorten(text: str, length: int) -> str:
    """Like `truncatechars`, without its per-character Unicode walk (hundreds per page)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
