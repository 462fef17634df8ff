"""URLs that start with an administration's code: ``/tvbl/risultati/2019/``.

The code is taken off ``path_info`` (so every URL pattern works under it) and added to the
script prefix for the request (so every ``reverse()`` and ``{% url %}`` gives links under
the same code). An unknown code is not special: the path is resolved as it is, and answers
404. A signed-in member of other administrations only gets 403 on the staff pages of an
administration they have no role in; the public pages (results, sign-in) are everyone's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import ResolverMatch, get_script_prefix, set_script_prefix
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.organisation.codes import CODE_PATTERN, RESERVED
from traguardo.organisation.models import Entity

# Pages anyone may open under any administration's code.
PUBLIC_NAMESPACES = frozenset({"reports", "accounts"})
PUBLIC_VIEWS = frozenset({"web:home", "web:site_page", "set_language"})


def _entity(path_info: str) -> Entity | None:
    segment = path_info.split("/", 2)[1] if path_info.startswith("/") else ""
    if segment in RESERVED or not CODE_PATTERN.match(segment):
        return None
    return Entity.objects.filter(code=segment).first()


def is_public(match: ResolverMatch | None) -> bool:
    if match is None:
        return True
    return match.namespace in PUBLIC_NAMESPACES or match.view_name in PUBLIC_VIEWS


class EntityPrefixMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django computes (and caches) the relative STATIC_URL and MEDIA_URL under the
        # script prefix of their first use: make it the installation's, never a code's.
        settings.STATIC_URL, settings.MEDIA_URL  # noqa: B018
        base = get_script_prefix()
        request.base_prefix = base  # type: ignore[attr-defined]
        entity = _entity(request.path_info)
        request.entity = entity  # type: ignore[attr-defined]
        if entity is None:
            return self.get_response(request)
        rest = request.path_info[len(entity.code) + 1 :]
        if not rest:  # "/tvbl": the administration's home page is "/tvbl/"
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                f"{request.path}/" + ("?" + query if query else "")
            )
        request.path_info = rest
        set_script_prefix(f"{base}{entity.code}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(base)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        entity: Entity | None = getattr(request, "entity", None)
        if entity is None or is_public(request.resolver_match):
            return None
        mine = permissions.entity_ids(request.user)
        if mine and entity.pk not in mine:
            raise PermissionDenied(
                _("Non hai un ruolo nell'ente «%(name)s».") % {"name": entity.name}
            )
        return None
