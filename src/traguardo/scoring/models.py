from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreStamp(models.Model):
    """A random token written in the same transaction as every change that can move a
    score; the latest one names the data that scores are cached for (scoring.cache).

    Random rather than a counter: a rolled-back transaction (a what-if preview, a failed
    import, a test) must never leave a number that a later change could reuse, or a score
    computed inside it could be served for different data. Rows are only inserted, so
    writers never wait on each other; old rows are pruned as new ones arrive."""

    token = models.CharField(_("contrassegno"), max_length=32)
    at = models.DateTimeField(_("data"), auto_now_add=True)

    class Meta:
        verbose_name = _("contrassegno dei punteggi")
        verbose_name_plural = _("contrassegni dei punteggi")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.token
