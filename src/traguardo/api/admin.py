"""API tokens in the admin: listed and revocable (delete), never created or edited here:
the token itself is shown only once, by POST /api/v1/token/ or `api_token`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "prefix", "created_at", "expires_at", "last_used_at")
    search_fields = ("user__username", "prefix")
    readonly_fields = ("user", "prefix", "created_at", "expires_at", "last_used_at")
    exclude = ("digest",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super(ReadOnlyAdmin, self).has_delete_permission(request, obj)  # revoking
