"""API tokens, kept hashed: the database (and a backup, a dump, a stolen copy) never holds a
usable token. One token per user at a time; it expires after TRAGUARDO_API_TOKEN_DAYS; a new
one replaces the old (rotation); changing the password revokes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("utente"),
    )
    digest = models.CharField(_("impronta SHA-256"), max_length=64, unique=True)
    prefix = models.CharField(
        _("inizio del token"), max_length=8, help_text=_("Per riconoscerlo, non per usarlo.")
    )
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    expires_at = models.DateTimeField(_("scade il"))
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["user_id", "-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
