"""The pages every public site must link from its footer, one set per administration."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import Entity


class SitePageKind(models.TextChoices):
    # The value is the page's URL segment (/sito/accessibilita/).
    ACCESSIBILITY = "accessibilita", _("Dichiarazione di accessibilità")
    PRIVACY = "privacy", _("Informativa sul trattamento dei dati personali")
    LEGAL = "note-legali", _("Note legali")
    CONTACTS = "contatti", _("Contatti")


class SitePage(models.Model):
    """The administration's own text of a footer page (accessibility statement, privacy
    notice, legal notes, contacts). Without a row the page shows the model text of
    `web.sitepages.default_text`, which the office edits into its own."""

    Kind = SitePageKind

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="site_pages", verbose_name=_("ente")
    )
    kind = models.CharField(_("pagina"), max_length=20, choices=Kind.choices)
    # Plain text: a line starting with "## " is a heading, a blank line ends a paragraph
    # (web/sitepages.py renders it, escaped).
    text = models.TextField(_("testo"))
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aggiornata da"),
    )

    class Meta:
        verbose_name = _("pagina del sito")
        verbose_name_plural = _("pagine del sito")
        constraints = [
            choices_constraint("kind", SitePageKind),
            models.UniqueConstraint(fields=["entity", "kind"], name="web_sitepage_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} · {self.get_kind_display()}"
