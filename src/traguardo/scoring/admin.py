from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from traguardo.scoring.models import ScoreStamp


@admin.register(ScoreStamp)
class ScoreStampAdmin(admin.ModelAdmin):
    """Written by the application only (scoring.cache): shown for diagnosis, never edited."""

    list_display = ["id", "token", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
