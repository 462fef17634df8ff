from typing import Any

from django.contrib import admin

from traguardo.accounts.models import Membership
from traguardo.organisation.models import Assignment, Entity, OrgUnit, Person
from traguardo.plans.recorded_admin import RecordedAdmin


@admin.register(Entity)
class EntityAdmin(RecordedAdmin):
    list_display = ["code", "name", "short_name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "short_name"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        # The code names the administration in URLs and commands: chosen once, kept.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields


@admin.register(OrgUnit)
class OrgUnitAdmin(RecordedAdmin):
    list_display = ["code", "short", "name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["entity", "kind"]
    search_fields = ["code", "short", "name"]
    autocomplete_fields = ["parent"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(RecordedAdmin):
    list_display = ["display_name", "entity", "gender", "category", "birth_year"]
    list_filter = ["entity", "gender", "category"]
    search_fields = ["display_name"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(RecordedAdmin):
    list_display = ["person", "role", "unit", "start", "end"]
    list_filter = ["role", "unit__entity"]
    search_fields = ["person__display_name", "unit__code", "unit__name"]
    autocomplete_fields = ["person", "unit"]
    date_hierarchy = "start"


@admin.register(Membership)
class MembershipAdmin(RecordedAdmin):
    """Role grants: who may do what in which administration, recorded in the audit trail."""

    list_display = ["user", "role", "person", "entity"]
    list_filter = ["role", "entity"]
    search_fields = ["user__username", "person__display_name"]
    autocomplete_fields = ["person"]
