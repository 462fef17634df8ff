"""Shared pieces of the Django admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """A history or record model: listed and readable, never added, changed or deleted.

    These rows are written by the application's processes (the audit trail, the cycle's
    transitions, the monitoring events, the OIV's decisions): a hand edit in the admin would
    rewrite history without leaving a trace.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
