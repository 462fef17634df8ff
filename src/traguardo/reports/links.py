"""Links to the "why this number" and item pages, built without `reverse()` per row.

A tree or a dashboard links every figure (~800 links); resolving each through the URL
resolver cost more than the rest of the page. The prefix is resolved once per URL name
and script prefix, and the code is quoted as Django quotes a `<path:…>` argument (a test
compares the two for every code of the demo)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

# What Django leaves unquoted in a reversed path argument (RFC 3986 sub-delims and /~:@).
_SAFE = "/~:@!$&'()*+,;="


_SENTINEL = "987654321"


@lru_cache(maxsize=64)
def _around(name: str, script_prefix: str, *args: int) -> tuple[str, str]:
    """What comes before and after the last argument of the URL `name`."""
    del script_prefix  # part of the cache key: reverse() reads it itself
    before, _, after = reverse(name, args=[*args, _SENTINEL]).rpartition(_SENTINEL)
    return before, after


def explain_url(year: int, code: str) -> str:
    before, after = _around("reports:explain", get_script_prefix(), year)
    return before + quote(code, safe=_SAFE) + after


def objective_url(pk: int) -> str:
    before, after = _around("web:objective", get_script_prefix())
    return f"{before}{pk}{after}"


def indicator_url(pk: int) -> str:
    before, after = _around("monitoring:indicator", get_script_prefix())
    return f"{before}{pk}{after}"
