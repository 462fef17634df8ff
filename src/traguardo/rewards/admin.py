from django.contrib import admin

from traguardo.plans.recorded_admin import RecordedAdmin
from traguardo.rewards.models import Art67Project, Beneficiary, Fund


class ProjectInline(admin.TabularInline):
    model = Art67Project
    extra = 0


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    extra = 0
    raw_id_fields = ("card",)


@admin.register(Fund)
class FundAdmin(RecordedAdmin):
    list_display = ("cycle", "base_amount", "release_rule", "threshold", "is_example")
    inlines = (ProjectInline, BeneficiaryInline)


@admin.register(Art67Project)
class Art67ProjectAdmin(RecordedAdmin):
    list_display = ("scheda", "title", "value", "fund")
    list_filter = ("fund__cycle",)
    search_fields = ("scheda", "title")


@admin.register(Beneficiary)
class BeneficiaryAdmin(RecordedAdmin):
    list_display = ("code", "category", "score", "presence", "fund")
    list_filter = ("fund__cycle", "category")
    search_fields = ("code",)
