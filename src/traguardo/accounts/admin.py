from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from traguardo.accounts.forms import AdminSignInForm
from traguardo.accounts.models import InstallationAdmin, Preference, SignInFailure
from traguardo.adminutils import ReadOnlyAdmin

# The admin's sign-in obeys the same limit on failed attempts as the application's.
admin.site.login_form = AdminSignInForm


# Membership (role grants) is registered in plans.organisation_admin, through RecordedAdmin:
# every grant, change and removal is in the audit trail (accounts sits below audit).


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]


@admin.register(SignInFailure)
class SignInFailureAdmin(ReadOnlyAdmin):
    """Written by failed sign-ins; deleting a username's rows unlocks it at once."""

    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(InstallationAdmin)
class InstallationAdminAdmin(admin.ModelAdmin):
    """Who may use the `/installazione/` pages (granted by `user add --installation-admin`)."""

    list_display = ["user", "granted_at"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
