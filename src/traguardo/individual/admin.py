from django.contrib import admin
from django.http import HttpRequest

from traguardo.individual.models import (
    CardEvent,
    CardScheme,
    Competence,
    EvaluationConfig,
    ReportCard,
    ReportCardObjective,
    SynthesisRow,
)


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


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0


@admin.register(CardScheme)
class CardSchemeAdmin(admin.ModelAdmin):
    list_display = ("role", "cycle", "results_weight", "behaviours_weight")
    list_filter = ("cycle",)
    inlines = (CompetenceInline,)


@admin.register(EvaluationConfig)
class EvaluationConfigAdmin(admin.ModelAdmin):
    list_display = ("cycle", "appeal_days", "decision_days", "split_by_days", "is_example")


@admin.register(CardEvent)
class CardEventAdmin(admin.ModelAdmin):
    """Read only: the audit trail of the cards is written by the process, never by hand."""

    list_display = ("card", "step", "on", "user", "actor")
    list_filter = ("step",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
