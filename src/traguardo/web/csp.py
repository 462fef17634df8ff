"""Content-Security-Policy on every response (issue 15, point 14).

The pages load scripts only from the site itself; the few inline scripts of the templates
carry the request's nonce (`<script nonce="{{ csp_nonce }}">`). Styles may be inline
(style attributes of badges, the Relazione's preview). Everything else is the site's own:
no frames, no plugins, forms post only to the site. The policy is the setting
TRAGUARDO_CSP (docs/settings.md); `{nonce}` in it is replaced by the request's nonce.

Never put an inline script in a cached page part (`scoring.score_cache.part`): its nonce
would be another response's, and the browser would refuse it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def policy(nonce: str) -> str:
    template = str(getattr(settings, "TRAGUARDO_CSP", "") or DEFAULT_POLICY)
    return template.replace("{nonce}", nonce)


def content_security_policy(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "TRAGUARDO_CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        if header not in response:
            response[header] = policy(nonce)
        return response

    return middleware


def nonce(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `csp_nonce` for the templates' inline scripts."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
