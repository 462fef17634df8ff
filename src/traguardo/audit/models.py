"""The audit trail: one row per create, update or delete of a plan item, value or decision.

Rows are written by the write services through `recorder.py` (explicit calls, no
signals), never by views. They keep plain ids and labels rather than foreign keys, so the
history of an item survives the item (and its cycle) being deleted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint


class AuditAction(models.TextChoices):
    CREATE = "create", _("Creazione")
    UPDATE = "update", _("Modifica")
    DELETE = "delete", _("Eliminazione")
    BULK = "bulk", _("Operazione massiva (riepilogo)")


class AuditEntry(models.Model):
    Action = AuditAction

    at = models.DateTimeField(_("quando"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    # Kept as written at the time: the user may be renamed or deleted later.
    username = models.CharField(_("nome utente"), max_length=150, blank=True)
    action = models.CharField(_("operazione"), max_length=8, choices=Action.choices)
    model_label = models.CharField(_("tipo di elemento"), max_length=100)
    object_pk = models.CharField(_("identificativo"), max_length=64)
    object_repr = models.CharField(_("elemento"), max_length=300, blank=True)
    # The item this one belongs to (a target's or a value's indicator), so that an
    # indicator's history also lists its targets and values.
    parent_label = models.CharField(_("tipo dell'elemento padre"), max_length=100, blank=True)
    parent_pk = models.CharField(_("identificativo dell'elemento padre"), max_length=64, blank=True)
    cycle_id = models.BigIntegerField(_("ciclo"), null=True, blank=True)
    entity_id = models.BigIntegerField(_("ente"), null=True, blank=True)
    # {"field": [old, new]} with JSON values (decimals and dates as strings, relations as ids).
    changes = models.JSONField(_("modifiche"), default=dict, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("voce dello storico")
        verbose_name_plural = _("storico delle modifiche")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model_label", "object_pk"], name="audit_entry_object"),
            models.Index(fields=["parent_label", "parent_pk"], name="audit_entry_parent"),
            # A cycle's bulk entries (history pages): without it, a scan of every
            # administration's trail (bench/tenants.py, issue 13).
            models.Index(fields=["cycle_id", "action"], name="audit_entry_cycle_action"),
        ]
        constraints = [choices_constraint("action", AuditAction)]

    def __str__(self) -> str:
        who = self.username or "-"
        return f"{self.at:%d/%m/%Y %H:%M} {who} {self.action} {self.model_label}#{self.object_pk}"
