"""The administration a request is about: the code in its URL, else the user's choice.

A URL may start with an administration's code (``/tvbl/risultati/2019/``): the middleware
(`traguardo.accounts.middleware`) records that administration as ``request.entity``, strips
the code from ``path_info`` and adds it to the script prefix, so that every URL pattern
works under it and every ``reverse()`` of the request gives prefixed links. Without a code,
a signed-in member works in the administration chosen in the header (kept in the session),
else in the first of theirs (by code); an installation with one administration needs
neither.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.organisation.models import Entity

# The session's key for the administration chosen in the header (an Entity id).
SESSION_KEY = "traguardo_entity"
_MINE = "_traguardo_entities"


def url_entity(request: HttpRequest) -> Entity | None:
    """The administration named by the URL's code, if any."""
    return getattr(request, "entity", None)


def base_prefix(request: HttpRequest) -> str:
    """The script prefix without the administration's code ("/" in most installations)."""
    return str(getattr(request, "base_prefix", "") or get_script_prefix())


def user_entities(request: HttpRequest) -> list[Entity]:
    """The administrations the user has a role in, by code (read once per request)."""
    cached: list[Entity] | None = getattr(request, _MINE, None)
    if cached is None:
        ids = permissions.entity_ids(request.user)
        cached = list(Entity.objects.filter(pk__in=ids).order_by("code")) if ids else []
        setattr(request, _MINE, cached)
    return cached


def chosen_entity(request: HttpRequest) -> Entity | None:
    """The user's administration when the URL names none: the one chosen in the header
    (while the user still has a role there), else the first of theirs; None without roles."""
    mine = user_entities(request)
    if not mine:
        return None
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY) if session is not None else None
    return next((e for e in mine if e.pk == chosen), mine[0])


def current_entity(request: HttpRequest) -> Entity | None:
    """The URL's administration, else the user's (see `chosen_entity`)."""
    return url_entity(request) or chosen_entity(request)


def entity_ids(request: HttpRequest) -> set[int]:
    """The administrations whose cycles the pages of this request pick from: the current
    one (empty for a visitor without roles on a URL without code)."""
    entity = current_entity(request)
    return {entity.pk} if entity is not None else set()


def public_entity(request: HttpRequest) -> Entity | None:
    """Whose public pages to show: the URL's administration, else the member's, else the
    installation's only one; None when several could be meant (the page lists them)."""
    entity = current_entity(request)
    if entity is not None:
        return entity
    only = list(Entity.objects.order_by("code")[:2])
    return only[0] if len(only) == 1 else None


def several() -> bool:
    """The installation holds more than one administration (links then carry the code)."""
    return Entity.objects.count() > 1


def choose(request: HttpRequest, code: str) -> Entity:
    """Make `code` the user's current administration (kept in the session). Raises
    PermissionDenied for an administration the user has no role in (or an unknown code)."""
    wanted = code.strip().lower()
    entity = next((e for e in user_entities(request) if e.code == wanted), None)
    if entity is None:
        raise PermissionDenied(
            _("Non hai un ruolo nell'ente «%(code)s»: non puoi sceglierlo.") % {"code": code}
        )
    request.session[SESSION_KEY] = entity.pk
    return entity


def reverse_for(
    request: HttpRequest,
    entity: Entity,
    viewname: str,
    args: list[object] | tuple[object, ...] | None = None,
    kwargs: dict[str, object] | None = None,
) -> str:
    """`reverse()` under the code of `entity` (``/altro/risultati/2019/``), whatever the
    prefix of the current request."""
    previous = get_script_prefix()
    set_script_prefix(f"{base_prefix(request)}{entity.code}/")
    try:
        return reverse(viewname, args=args, kwargs=kwargs)
    finally:
        set_script_prefix(previous)


def absolute_url(
    viewname: str,
    entity: Entity | None = None,
    args: list[object] | tuple[object, ...] | None = None,
    kwargs: dict[str, object] | None = None,
) -> str:
    """A link for an e-mail or a command's output, built without a request: the configured
    address of the site (``TRAGUARDO_SITE_URL``, which includes any sub-path the site is
    served under), then the code of `entity` when the installation holds more than one
    administration (the reader may work for several), then the page's path."""
    site = str(settings.TRAGUARDO_SITE_URL).rstrip("/")
    prefix = f"/{entity.code}/" if entity is not None and several() else "/"
    previous = get_script_prefix()
    set_script_prefix(prefix)
    try:
        return site + reverse(viewname, args=args, kwargs=kwargs)
    finally:
        set_script_prefix(previous)
