from django.contrib import admin

from traguardo.web.models import SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The footer pages (accessibility statement, privacy, legal notes, contacts): edited by
    the office on /sito/<page>/modifica/; listed here for the provider."""

    list_display = ["entity", "kind", "updated_at", "updated_by"]
    list_filter = ["kind"]
    search_fields = ["entity__name", "text"]
    readonly_fields = ["updated_at", "updated_by"]
