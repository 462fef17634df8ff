from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.scoring.models import ScoreStamp


@admin.register(ScoreStamp)
class ScoreStampAdmin(ReadOnlyAdmin):
    """Written by the application only (scoring.cache): shown for diagnosis, never edited."""

    list_display = ["id", "token", "at"]
    search_fields = ["token"]
