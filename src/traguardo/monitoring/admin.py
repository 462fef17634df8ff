from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.monitoring.models import (
    Comment,
    Evidence,
    Measurement,
    Period,
    PeriodEvent,
    ReminderSent,
    UnitValidation,
)
from traguardo.plans.recorded_admin import RecordedAdmin


@admin.register(Period)
class PeriodAdmin(RecordedAdmin):
    list_display = ["code", "cycle", "date", "deadline", "closed"]
    list_filter = ["cycle", "code", "closed"]
    search_fields = ["code", "cycle__entity__name"]


@admin.register(Measurement)
class MeasurementAdmin(RecordedAdmin):
    list_display = [
        "indicator",
        "period",
        "text",
        "number",
        "reading_kind",
        "entered_at",
        "version",
        "validated_at",
    ]
    list_filter = ["period", "reading_kind"]
    search_fields = ["indicator__name", "text", "comment", "justification"]
    autocomplete_fields = ["indicator", "entered_by"]
    date_hierarchy = "entered_at"


# The records below are written by the monitoring pages and commands (campaign events,
# evidence, comments, validations, reminders): read only here.


@admin.register(PeriodEvent)
class PeriodEventAdmin(ReadOnlyAdmin):
    list_display = ["period", "action", "deadline", "by", "at"]
    list_filter = ["action", "period__cycle", "period__code"]
    search_fields = ["reason", "by__username"]
    date_hierarchy = "at"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "measurement",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["measurement__period__cycle", "measurement__period__code", "content_type"]
    search_fields = ["original_name", "description", "measurement__indicator__name"]
    date_hierarchy = "uploaded_at"


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period", "author", "at"]
    list_filter = ["period__cycle", "period__code"]
    search_fields = ["text", "indicator__name", "author__username"]
    date_hierarchy = "at"


@admin.register(UnitValidation)
class UnitValidationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "count", "by", "at"]
    list_filter = ["period__cycle", "period__code"]
    search_fields = ["unit__code", "unit__name", "by__username"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["email", "user", "period", "kind", "missing", "sent_at"]
    list_filter = ["kind", "period__cycle", "period__code"]
    search_fields = ["email", "user__username"]
    date_hierarchy = "sent_at"
