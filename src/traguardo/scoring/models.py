from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.core.numbers import format_it
from traguardo.plans.models import Cycle


def _token() -> str:
    return uuid.uuid4().hex


class ScoreSnapshotQuerySet(models.QuerySet["ScoreSnapshot"]):
    def listed(self) -> ScoreSnapshotQuerySet:
        """Metadata only: the stored scores are hundreds of kilobytes per row."""
        return self.defer("contract", "data")


class ScoreSnapshot(models.Model):
    """The complete score of a cycle as it was when the cycle was closed (or validated,
    published, or re-taken by the office with a reason): what every reader of a closed
    cycle shows, so that new code or settings never change a published figure silently.

    `data` holds, for every period, the plan and, for every language of the explanations,
    its score, in the core's lossless form (traguardo.core.serial); `contract` the same
    scores in the `score --format json` contract. Both are large: readers that need only
    the metadata defer them (`ScoreSnapshot.objects.listed()`). Rows are never changed."""

    cycle = models.ForeignKey(
        "plans.Cycle",
        on_delete=models.CASCADE,
        related_name="score_snapshots",
        verbose_name=_("ciclo"),
    )
    # What caches file the rebuilt objects under: unlike the id, never reused by a row
    # written after a rolled-back one (SQLite reuses ids).
    token = models.CharField(_("contrassegno"), max_length=32, unique=True, default=_token)
    taken_at = models.DateTimeField(_("data"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da"),
    )
    reason = models.TextField(_("motivo"))
    state = models.CharField(_("stato del ciclo"), max_length=16)
    version = models.CharField(_("versione di Traguardo"), max_length=32)
    smvp = models.JSONField(_("impostazioni SMVP"), default=dict, blank=True)
    performance = models.CharField(_("performance dell'ente (31.12)"), max_length=64, blank=True)
    periods = models.JSONField(_("periodi"), default=list)
    languages = models.JSONField(_("lingue delle spiegazioni"), default=list)
    contract = models.JSONField(_("contratto JSON"), default=dict)
    data = models.JSONField(_("dati completi"), default=dict)

    objects = ScoreSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("istantanea dei punteggi")
        verbose_name_plural = _("istantanee dei punteggi")
        ordering = ["-id"]
        indexes = [models.Index(fields=["cycle", "-id"], name="scoring_snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.cycle_id} · {self.taken_at:%Y-%m-%d %H:%M} · {self.reason[:60]}"

    @property
    def state_label(self) -> str:
        try:
            return str(Cycle.State(self.state).label)
        except ValueError:
            return self.state

    @property
    def performance_shown(self) -> str:
        """The entity performance at the 31.12, as pages show it."""
        return format_it(Decimal(self.performance)) if self.performance else "—"


class ScoreAdjustment(models.Model):
    """What a person set on one scored figure of a cycle, by its explain code
    (``ENTE``, ``BLOCCO-10``, ``B14``, ``2.1/1``, ``2.1/1#2``, ``2.1``, ``OS-1``, ``OA-1.1``):

    - `published`: the figure as published (a past cycle loaded from its Relazione), shown
      beside the computed one and flagged when they differ (core.deviations);
    - `override`: the figure used instead of the computed one, with its written `reason`;
      the computed figure stays visible beside it ("rettificato").

    Written only through scoring.adjustments (permissions, audit, data version)."""

    cycle = models.ForeignKey(
        "plans.Cycle",
        on_delete=models.CASCADE,
        related_name="score_adjustments",
        verbose_name=_("ciclo"),
    )
    code = models.CharField(_("codice"), max_length=64)
    published = models.DecimalField(
        _("valore pubblicato"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    override = models.DecimalField(
        _("valore rettificato"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    reason = models.TextField(_("motivo della rettifica"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da"),
    )
    set_at = models.DateTimeField(_("data"), default=timezone.now)

    class Meta:
        verbose_name = _("rettifica o valore pubblicato")
        verbose_name_plural = _("rettifiche e valori pubblicati")
        ordering = ["cycle_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="scoring_adjustment_unique"),
            models.CheckConstraint(
                condition=models.Q(override__isnull=True) | ~models.Q(reason=""),
                name="scoring_adjustment_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.code]
        if self.override is not None:
            parts.append(f"rettificato {format_it(self.override)}")
        if self.published is not None:
            parts.append(f"pubblicato {format_it(self.published)}")
        return " · ".join(parts)
