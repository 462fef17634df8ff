"""Template context for every page: entity name, the signed-in user's roles, the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from traguardo.accounts import current, permissions
from traguardo.accounts.models import Role

# (url name, label, roles that see it; None = everyone, empty = signed-in members)
MENU: list[tuple[str, Any, frozenset[Role] | None]] = [
    ("web:home", _("Risultati pubblici"), None),
    ("web:dashboard", _("Cruscotto"), frozenset()),
    ("web:tree", _("Albero della performance"), frozenset()),
    ("monitoring:todo", _("Monitoraggio"), frozenset()),
    ("plans:editor", _("Piano"), frozenset({Role.PERFORMANCE_OFFICE})),
    ("plans:revisions", _("Revisioni"), frozenset()),
    ("plans:states", _("Stato del ciclo"), frozenset()),
    ("individual:cards", _("Schede di valutazione"), frozenset()),
    ("rewards:fund", _("Fondo e premi"), frozenset({Role.PERFORMANCE_OFFICE, Role.OIV})),
    ("staff:gender", _("Bilancio di genere"), frozenset()),
    ("oiv:workspace", _("OIV"), frozenset({Role.OIV, Role.PERFORMANCE_OFFICE})),
    ("relazione:index", _("Relazione"), frozenset()),
    ("exchange:index", _("Importa ed esporta"), frozenset({Role.PERFORMANCE_OFFICE})),
    # the office's own onboarding pages: who holds which role, a new cycle
    ("onboarding:office_users", _("Utenti e ruoli"), frozenset({Role.PERFORMANCE_OFFICE})),
    ("onboarding:office_cycle_new", _("Nuovo ciclo"), frozenset({Role.PERFORMANCE_OFFICE})),
]
# The installation administrator's pages (not a role in an administration).
INSTALLATION_MENU = ("onboarding:installation", _("Installazione"))


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    member = permissions.is_member(user)
    # The administration of the page (the URL's, else the one chosen in the header): its
    # name, and the user's roles there, decide the header and the menu.
    entity = current.current_entity(request)
    mine = [m for m in permissions.memberships(user) if entity is None or m.entity_id == entity.pk]
    user_roles = frozenset(Role(m.role) for m in mine)
    items = []
    for name, label, allowed in MENU:
        if allowed is not None and not member:
            continue
        if allowed and not (allowed & user_roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the page belongs to a part of the application not installed yet
        items.append({"url": url, "label": label, "active": request.path == url})
    if permissions.is_installation_admin(user):
        # installation-wide: never under an administration's code
        name, label = INSTALLATION_MENU
        url = current.base_prefix(request) + reverse(name).removeprefix(get_script_prefix())
        items.append({"url": url, "label": label, "active": request.path == url})
    entities = current.user_entities(request) if member else []
    return {
        "nav": {
            "items": items,
            "roles": [m.get_role_display() for m in mine],
            "entity_name": entity.name if entity is not None else "",
            "entity": entity,
            # The header's switcher, with more than one administration to choose from.
            "entities": entities if len(entities) > 1 else [],
            "home_url": reverse("web:dashboard") if member else reverse("web:home"),
            "search_url": reverse("web:search") if member else "",
        }
    }
