from django.contrib import admin

from traguardo.plans.recorded_admin import RecordedAdmin
from traguardo.staff.models import StaffRecord


@admin.register(StaffRecord)
class StaffRecordAdmin(RecordedAdmin):
    list_display = ("code", "cycle", "gender", "category", "age_band", "part_time", "role")
    list_filter = ("cycle", "gender", "category", "age_band", "role")
    search_fields = ("code",)
