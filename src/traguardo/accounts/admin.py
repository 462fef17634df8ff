from django.contrib import admin

from traguardo.accounts.models import Membership, Preference


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "person", "entity"]
    list_filter = ["role", "entity"]
    search_fields = ["user__username", "person__display_name"]
    autocomplete_fields = ["person"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]
