from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.individual.models import (
    BehaviourRating,
    CardEvent,
    CardProcess,
    CardScheme,
    Competence,
    EvaluationConfig,
    ReportCard,
    ReportCardObjective,
    SynthesisRow,
)
from traguardo.plans.recorded_admin import RecordedAdmin


class ReportCardObjectiveInline(admin.TabularInline):
    model = ReportCardObjective
    extra = 0
    raw_id_fields = ("objective",)


class SynthesisRowInline(admin.TabularInline):
    model = SynthesisRow
    extra = 0


@admin.register(ReportCard)
class ReportCardAdmin(RecordedAdmin):
    list_display = ("key", "role", "title", "cycle")
    list_filter = ("role", "cycle")
    search_fields = ("key", "title")
    inlines = (ReportCardObjectiveInline, SynthesisRowInline)


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0


@admin.register(CardScheme)
class CardSchemeAdmin(RecordedAdmin):
    list_display = ("role", "cycle", "results_weight", "behaviours_weight")
    list_filter = ("cycle",)
    inlines = (CompetenceInline,)


@admin.register(EvaluationConfig)
class EvaluationConfigAdmin(RecordedAdmin):
    list_display = ("cycle", "appeal_days", "decision_days", "split_by_days", "is_example")


@admin.register(CardEvent)
class CardEventAdmin(ReadOnlyAdmin):
    """Read only: the audit trail of the cards is written by the process, never by hand."""

    list_display = ("card", "step", "on", "user", "actor")
    list_filter = ("step",)
    search_fields = ("card__key", "card__title", "actor", "note")


@admin.register(CardProcess)
class CardProcessAdmin(ReadOnlyAdmin):
    """The card's state: moved only by the process steps (individual.services)."""

    list_display = ("card", "state")
    list_filter = ("state", "card__cycle")
    search_fields = ("card__key", "card__title")


@admin.register(BehaviourRating)
class BehaviourRatingAdmin(ReadOnlyAdmin):
    """The evaluator's ratings, entered on the card's page within its process."""

    list_display = ("card", "competence", "rating")
    list_filter = ("card__cycle",)
    search_fields = ("card__key", "competence__code", "competence__name")


@admin.register(ReportCardObjective)
class ReportCardObjectiveAdmin(RecordedAdmin):
    list_display = ("card", "number", "objective", "kind_label")
    list_filter = ("card__cycle",)
    search_fields = ("card__key", "objective__title", "kind_label")
    raw_id_fields = ("objective",)


@admin.register(SynthesisRow)
class SynthesisRowAdmin(RecordedAdmin):
    list_display = ("card", "position", "label", "objective_numbers")
    list_filter = ("card__cycle",)
    search_fields = ("card__key", "label")


@admin.register(Competence)
class CompetenceAdmin(RecordedAdmin):
    list_display = ("code", "name", "scheme", "weight", "position")
    list_filter = ("scheme__cycle", "scheme__role")
    search_fields = ("code", "name")
