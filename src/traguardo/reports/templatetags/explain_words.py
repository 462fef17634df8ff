"""Template filters of the "perché" pages (traguardo.reports.explain_page)."""

from django import template
from traguardo.core.explanation import Explanation
from traguardo.reports import explain_page

register = template.Library()


@register.filter
def rule_words(rule: str) -> str:
    return explain_page.rule_words(rule)


@register.filter
def formula_words(explanation: Explanation) -> str:
    return explain_page.formula_words(explanation)
