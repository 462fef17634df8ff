"""Read your own writes: whoever has just saved something sees it on every page at once.

While another request renders a page part for a new state of the data, readers get the part
as it was just before (scoring.once). Not the user who caused the change: for a while after
any change they make through the web, their requests wait for the new part instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from traguardo.scoring.once import fresh_required
from traguardo.web import warm

SESSION_KEY = "traguardo_wrote_at"
WINDOW_SECONDS = 60  # far longer than rendering any part takes
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def read_your_writes(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        wrote_at = session.get(SESSION_KEY) if session is not None else None
        recent = isinstance(wrote_at, float) and time.time() - wrote_at < WINDOW_SECONDS
        # Signed in before the request: signing in itself changes no data.
        member = request.user.is_authenticated
        token = fresh_required.set(recent)
        try:
            response = get_response(request)
        finally:
            fresh_required.reset(token)
        if (
            member
            and session is not None
            and request.method not in SAFE_METHODS
            and response.status_code < 400
        ):
            session[SESSION_KEY] = time.time()
            if request.user.is_authenticated:  # not after signing out
                warm.after_response(request.user)
        return response

    return middleware
