from django.contrib import admin

from traguardo.staff.models import StaffRecord


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):
    list_display = ("code", "cycle", "gender", "category", "age_band", "part_time", "role")
    list_filter = ("cycle", "gender", "category", "age_band", "role")
    search_fields = ("code",)
