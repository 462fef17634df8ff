"""Remembers the signed-in user of the current request, so that the audit trail can record
who made a change even when the change is saved far from the view (the services)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

current_user: ContextVar[Any] = ContextVar("traguardo_current_user", default=None)


def current_user_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = current_user.set(user if user is not None and user.is_authenticated else None)
        try:
            return get_response(request)
        finally:
            current_user.reset(token)

    return middleware
