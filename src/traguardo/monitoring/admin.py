from django.contrib import admin

from traguardo.monitoring.models import Measurement, Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "cycle", "date", "deadline", "closed"]
    list_filter = ["cycle", "code", "closed"]
    search_fields = ["code", "cycle__entity__name"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
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


# PeriodEvent, UnitValidation, ReminderSent, Evidence and Comment are shown on the
# monitoring pages; they are left out of the admin until tests/django/test_admin.py (a shared
# file) counts them.
