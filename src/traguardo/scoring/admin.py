from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.scoring.models import ScoreAdjustment, ScoreSnapshot


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyAdmin):
    """A record of what readers of a closed cycle show: never edited (a new one is taken on
    the cycle's states page, with a reason). The stored scores (megabytes) are not shown."""

    list_display = ["id", "cycle", "taken_at", "state", "performance", "version", "reason"]
    list_filter = ["state"]
    search_fields = ["reason", "token"]
    exclude = ["data", "contract"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScoreSnapshot]:
        return ScoreSnapshot.objects.listed().select_related("cycle__entity")


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(ReadOnlyAdmin):
    """Published figures and overrides: written through scoring.adjustments (permissions,
    audit, data version), on the "Scostamenti e rettifiche" page; read-only here."""

    list_display = ["cycle", "code", "published", "override", "reason", "set_by", "set_at"]
    search_fields = ["code", "reason"]
