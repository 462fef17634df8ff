from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.plans import organisation_admin  # noqa: F401  (registers the organisation's admins)
from traguardo.plans.models import (
    Act,
    AnnualObjective,
    Cycle,
    CycleTransition,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    PlanSnapshot,
    Publication,
    Revision,
    RevisionChange,
    ScoringConfig,
    StrategicObjective,
    Target,
)
from traguardo.plans.recorded_admin import RecordedAdmin


@admin.register(Cycle)
class CycleAdmin(RecordedAdmin):
    list_display = ["year", "entity", "plan_period_start", "plan_period_end", "state"]
    list_filter = ["entity", "state"]
    search_fields = ["entity__name", "entity__short_name", "year"]


@admin.register(Act)
class ActAdmin(RecordedAdmin):
    list_display = ["cycle", "kind", "body", "act_type", "number", "date", "subject"]
    list_filter = ["cycle", "kind", "body"]
    search_fields = ["number", "subject", "body", "act_type"]


class RevisionChangeInline(admin.StackedInline):
    model = RevisionChange
    extra = 0
    autocomplete_fields = ["objective", "replaced_by"]


@admin.register(Revision)
class RevisionAdmin(RecordedAdmin):
    list_display = ["number", "cycle", "act", "variations_count"]
    list_filter = ["cycle"]
    search_fields = ["reason"]
    inlines = [RevisionChangeInline]


@admin.register(RevisionChange)
class RevisionChangeAdmin(RecordedAdmin):
    list_display = ["revision", "kind", "objective", "replaced_by"]
    list_filter = ["revision__cycle", "kind"]
    search_fields = ["text", "objective__title"]
    autocomplete_fields = ["objective", "replaced_by"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(RecordedAdmin):
    list_display = ["code", "kind", "title", "cycle"]
    list_filter = ["cycle", "kind"]
    search_fields = ["code", "title"]


@admin.register(AnnualObjective)
class AnnualObjectiveAdmin(RecordedAdmin):
    list_display = ["code", "kind", "title", "strategic", "new_in_revision"]
    list_filter = ["strategic__cycle", "kind"]
    search_fields = ["code", "title"]


class ObjectiveAssignmentInline(admin.TabularInline):
    model = ObjectiveAssignment
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.StackedInline):
    model = Indicator
    fk_name = "objective"
    extra = 0
    fields = ["number", "name", "kind", "direction", "weight", "scoring_rule"]


@admin.register(OperationalObjective)
class OperationalObjectiveAdmin(RecordedAdmin):
    list_display = ["code", "title", "category", "cycle", "art67_scheda", "revised_by"]
    list_filter = ["cycle", "category", "home_unit__kind", "revised_by"]
    search_fields = ["title", "description", "home_unit__code", "home_unit__name"]
    autocomplete_fields = ["home_unit", "annual_objectives", "replaced_by"]
    list_select_related = ["home_unit"]
    inlines = [ObjectiveAssignmentInline, IndicatorInline]


@admin.register(ObjectiveAssignment)
class ObjectiveAssignmentAdmin(RecordedAdmin):
    list_display = ["unit", "local_number", "objective", "cycle"]
    list_filter = ["cycle"]
    search_fields = ["unit__code", "objective__title"]
    autocomplete_fields = ["objective", "unit"]


@admin.register(EntityBlock)
class EntityBlockAdmin(RecordedAdmin):
    list_display = ["number", "heading", "weight_b", "annual_objective", "cycle"]
    list_filter = ["cycle"]
    search_fields = ["heading"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(RecordedAdmin):
    list_display = ["number", "name", "objective", "entity_block", "kind", "direction", "weight"]
    list_filter = ["kind", "direction", "art67", "objective__cycle"]
    search_fields = ["name", "method", "source", "objective__title", "entity_block__heading"]
    autocomplete_fields = ["objective", "annual_objective", "replaced_by"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(RecordedAdmin):
    list_display = ["indicator", "year", "text"]
    list_filter = ["year"]
    search_fields = ["text", "indicator__name"]
    autocomplete_fields = ["indicator"]


@admin.register(ScoringConfig)
class ScoringConfigAdmin(RecordedAdmin):
    list_display = ["cycle", "default_rule"]
    search_fields = ["default_rule"]


@admin.register(CycleTransition)
class CycleTransitionAdmin(ReadOnlyAdmin):
    """The cycle's state history: written by `plans.states.transition` only."""

    list_display = ["cycle", "source", "target", "by", "at"]
    list_filter = ["cycle", "target"]
    search_fields = ["note", "override_reason", "by__username"]
    date_hierarchy = "at"


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """The published versions: `scoring.lifecycle` (publication, formal correction) only."""

    list_display = ["cycle", "number", "published_at", "by", "superseded_at"]
    list_filter = ["cycle"]
    search_fields = ["reason"]


@admin.register(PlanSnapshot)
class PlanSnapshotAdmin(ReadOnlyAdmin):
    """The plan's versions (approved plan, after each revision): `plans.snapshots.take`."""

    list_display = ["cycle", "version", "label", "taken_at"]
    list_filter = ["cycle"]
    search_fields = ["label"]
    exclude = ["data"]  # the whole plan as JSON: compared on /piano/revisioni/confronto/
