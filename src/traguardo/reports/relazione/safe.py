"""Spreadsheet formula injection: the one function is core.tabular.neutralise."""

from __future__ import annotations

from traguardo.core.tabular import FORMULA_STARTS as DANGEROUS
from traguardo.core.tabular import neutralise as _neutralise


def neutralise(value: str) -> str:
    """Prefix a quote so spreadsheets show the text instead of evaluating it (OWASP)."""
    return str(_neutralise(value))


__all__ = ["DANGEROUS", "neutralise"]
