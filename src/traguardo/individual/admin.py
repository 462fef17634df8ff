from django.contrib import admin

from traguardo.individual.models import ReportCard, ReportCardObjective, SynthesisRow


class ReportCardObjectiveInline(admin.TabularInline):
    model = ReportCardObjective
    extra = 0
    raw_id_fields = ("objective",)


class SynthesisRowInline(admin.TabularInline):
    model = SynthesisRow
    extra = 0


@admin.register(ReportCard)
class ReportCardAdmin(admin.ModelAdmin):
    list_display = ("key", "role", "title", "cycle")
    list_filter = ("role", "cycle")
    search_fields = ("key", "title")
    inlines = (ReportCardObjectiveInline, SynthesisRowInline)
