"""Template context for every page: entity name, the signed-in user's roles, the menu.

The menu's pages are grouped by the phase of the cycle they belong to (PHASES): a phase
with one page the user may see is a plain link, one with several a dropdown, so that the
menu stays on one row at desktop width (web/templates/web/_menu.html).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from traguardo.accounts import current, permissions
from traguardo.accounts.models import Role
from traguardo.organisation.logo import logo_url

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
    (
        "scoring:adjustments",
        _("Scostamenti e rettifiche"),
        frozenset({Role.PERFORMANCE_OFFICE, Role.SEGRETARIO, Role.OIV}),
    ),
    ("relazione:index", _("Relazione"), frozenset()),
    ("exchange:index", _("Importa ed esporta"), frozenset({Role.PERFORMANCE_OFFICE})),
    # the office's own onboarding pages: who holds which role, a new cycle
    ("onboarding:office_entity", _("Ente e logo"), frozenset({Role.PERFORMANCE_OFFICE})),
    ("onboarding:office_users", _("Utenti e ruoli"), frozenset({Role.PERFORMANCE_OFFICE})),
    ("onboarding:office_cycle_new", _("Nuovo ciclo"), frozenset({Role.PERFORMANCE_OFFICE})),
    (
        "plans:smvp",
        _("Sistema di misurazione (SMVP)"),
        frozenset({Role.PERFORMANCE_OFFICE, Role.SEGRETARIO, Role.DIRIGENTE, Role.OIV}),
    ),
]
# The installation administrator's pages (not a role in an administration).
INSTALLATION_MENU = ("onboarding:installation", _("Installazione"))


# The phases of the cycle, in order, and the pages (url names of MENU) of each. A page of
# MENU missing here is a link of its own after the phases.
PHASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("overview", _("Panoramica"), ("web:dashboard", "web:tree")),
    ("plan", _("Pianificazione"), ("plans:editor", "plans:revisions", "plans:states")),
    ("monitoring", _("Monitoraggio"), ("monitoring:todo",)),
    (
        "evaluation",
        _("Valutazione"),
        (
            "individual:cards",
            "oiv:workspace",
            "scoring:adjustments",
            "rewards:fund",
        ),
    ),
    (
        "reporting",
        _("Rendicontazione"),
        ("relazione:index", "staff:gender", "web:home", "exchange:index"),
    ),
    (
        "administration",
        _("Amministrazione"),
        (
            "onboarding:office_entity",
            "onboarding:office_users",
            "onboarding:office_cycle_new",
            "plans:smvp",
            "onboarding:installation",
        ),
    ),
]


def menu_groups(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The visible menu items grouped by phase: [{key, label, items, active}], each group
    with at least one item; a group of one item is shown as that item's link."""
    by_name = {item["name"]: item for item in items}
    groups = []
    placed: set[str] = set()
    for key, label, names in PHASES:
        members = [by_name[n] for n in names if n in by_name]
        placed.update(n for n in names if n in by_name)
        if members:
            groups.append(_group(key, label, members))
    for item in items:
        if item["name"] not in placed:
            groups.append(_group(item["name"].replace(":", "-"), item["label"], [item]))
    return groups


def _group(key: str, label: Any, members: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "items": members,
        "active": any(m["active"] for m in members),
    }


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
        items.append({"name": name, "url": url, "label": label, "active": request.path == url})
    if permissions.is_installation_admin(user):
        # installation-wide: never under an administration's code
        name, label = INSTALLATION_MENU
        url = current.base_prefix(request) + reverse(name).removeprefix(get_script_prefix())
        items.append({"name": name, "url": url, "label": label, "active": request.path == url})
    entities = current.user_entities(request) if member else []
    return {
        "nav": {
            "items": items,
            "groups": menu_groups(items),
            "roles": [m.get_role_display() for m in mine],
            "entity_name": entity.name if entity is not None else "",
            "entity": entity,
            "logo_url": logo_url(entity),
            # The product, in the header only when no administration is meant.
            "brand": entity.name if entity is not None else "Traguardo",
            # The header's switcher, with more than one administration to choose from.
            "entities": entities if len(entities) > 1 else [],
            "home_url": reverse("web:dashboard") if member else reverse("web:home"),
            "search_url": reverse("web:search") if member else "",
        }
    }
