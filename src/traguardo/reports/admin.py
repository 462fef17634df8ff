from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from traguardo.plans.recorded_admin import RecordedAdmin
from traguardo.reports.models import HeadlineIndicator, Narrative, ReportJob, StaffFigures
from traguardo.reports.relazione.sanitize import clean_html


@admin.register(Narrative)
class NarrativeAdmin(RecordedAdmin):
    list_display = ["cycle", "section", "updated_at", "updated_by"]
    list_filter = ["cycle", "section"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request: HttpRequest, obj: Narrative, form: Any, change: bool) -> None:
        obj.html = clean_html(obj.html)  # the same whitelist as the web editor
        obj.updated_by_id = request.user.pk
        super().save_model(request, obj, form, change)


@admin.register(HeadlineIndicator)
class HeadlineIndicatorAdmin(admin.ModelAdmin):
    list_display = ["cycle", "position", "label", "indicator", "value_text"]
    list_filter = ["cycle"]
    raw_id_fields = ["indicator"]


@admin.register(StaffFigures)
class StaffFiguresAdmin(admin.ModelAdmin):
    list_display = ["cycle", "women", "men", "managers", "fte"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = [
        "cycle",
        "format",
        "status",
        "progress",
        "attempts",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["cycle", "format", "status"]
    readonly_fields = ["started_at", "finished_at", "heartbeat_at", "attempts", "size"]
