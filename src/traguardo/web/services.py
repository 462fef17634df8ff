"""Writes of the web app: the footer pages' texts (web.models.SitePage)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.organisation.models import Entity
from traguardo.web.models import SitePage, SitePageKind
from traguardo.web.sitepages import default_text

# As the model's form field: long enough for an accessibility statement.
SITE_PAGE_MAX_LENGTH = 20_000


def may_edit_site_pages(user: Any, entity: Entity) -> bool:
    """The administration's performance office, or the installation's administrator."""
    return permissions.has_role_in(
        user, entity.pk, Role.PERFORMANCE_OFFICE
    ) or permissions.is_installation_admin(user)


def site_page_text(entity: Entity, kind: SitePageKind) -> tuple[str, SitePage | None]:
    """The page's text as saved, else the model text; with the saved row, if any."""
    page = SitePage.objects.filter(entity=entity, kind=kind).select_related("updated_by").first()
    return (page.text if page is not None else default_text(kind, entity)), page


def save_site_page(user: Any, entity: Entity, kind: SitePageKind, text: str) -> SitePage:
    """Store the administration's text of a footer page. Raises PermissionDenied for
    anyone but its office (or the installation's administrator), ValueError for an empty
    or too long text."""
    if not may_edit_site_pages(user, entity):
        raise PermissionDenied(_("Solo l'ufficio performance dell'ente modifica le sue pagine."))
    text = text.strip()
    if not text:
        raise ValueError(_("Il testo della pagina è vuoto."))
    if len(text) > SITE_PAGE_MAX_LENGTH:
        raise ValueError(
            _("Il testo supera i %(max)d caratteri ammessi.") % {"max": SITE_PAGE_MAX_LENGTH}
        )
    with transaction.atomic():
        page, _created = SitePage.objects.update_or_create(
            entity=entity, kind=kind, defaults={"text": text, "updated_by": user}
        )
    return page
