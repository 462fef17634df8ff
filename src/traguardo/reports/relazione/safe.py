"""Spreadsheet formula injection: a cell that starts with = + - @ tab or CR is text."""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a quote so spreadsheets show the text instead of evaluating it (OWASP)."""
    return "'" + value if value.startswith(DANGEROUS) else value
