from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.oiv.models import EvidenceSample, ValidationCheck, ValidationDecision

# The OIV records its checks, samples and decision in its own workspace (/oiv/): the admin
# shows them and never changes them, so that the OIV's assessment stays its own.


@admin.register(ValidationCheck)
class ValidationCheckAdmin(ReadOnlyAdmin):
    list_display = [
        "cycle",
        "objective",
        "entity_block",
        "criterion",
        "outcome",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["cycle", "criterion", "outcome"]
    search_fields = ["note", "objective__title", "entity_block__heading"]


@admin.register(EvidenceSample)
class EvidenceSampleAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "indicator", "outcome", "checked_by", "checked_at"]
    list_filter = ["cycle", "outcome"]
    search_fields = ["indicator__name", "source", "document", "note"]


@admin.register(ValidationDecision)
class ValidationDecisionAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "outcome", "date", "decided_by", "recorded_at"]
    list_filter = ["cycle", "outcome"]
    search_fields = ["reasons"]
