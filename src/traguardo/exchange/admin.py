from django.contrib import admin

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.exchange.models import Upload


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    """Files uploaded on /dati/ with their preview and outcome: a record of the imports."""

    list_display = ["name", "cycle", "user", "status", "attempts", "created_at"]
    list_filter = ["status", "cycle"]
    search_fields = ["name", "user__username"]
    date_hierarchy = "created_at"
    exclude = ["data"]  # the uploaded bytes
