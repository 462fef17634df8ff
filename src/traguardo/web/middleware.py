"""Read your own writes: whoever has just saved something sees it on every page at once.

While another request renders a page part for a new state of the data, readers get the part
as it was just before (scoring.once), but only a part rendered after their own last change
through the web: otherwise they wait for the new one. The moment of that change is kept in
the session; the clocks of the server processes must agree (one machine, or NTP).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from traguardo.scoring.once import fresh_since
from traguardo.web import warm

SESSION_KEY = "traguardo_wrote_at"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def read_your_writes(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        wrote_at = session.get(SESSION_KEY) if session is not None else None
        # Signed in before the request: signing in itself changes no data.
        member = request.user.is_authenticated
        token = fresh_since.set(wrote_at if isinstance(wrote_at, float) else 0.0)
        try:
            response = get_response(request)
        finally:
            fresh_since.reset(token)
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
