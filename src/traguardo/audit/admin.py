from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail is written by the write services (audit.recorder), never by hand."""

    list_display = ["at", "username", "action", "model_label", "object_pk", "object_repr"]
    list_filter = ["action", "model_label"]
    search_fields = ["username", "object_repr", "model_label", "object_pk", "note"]
    date_hierarchy = "at"
