"""Placeholder for a page whose URL other pages already link to (replaced by the real view)."""

from typing import Any

from django.http import HttpRequest, HttpResponse


def under_construction(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse("Pagina in costruzione.", status=501, content_type="text/plain")
