from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from django import forms
from traguardo.adminutils import ReadOnlyAdmin
from traguardo.modelutils import limited_formfield
from traguardo.monitoring import services
from traguardo.monitoring.models import (
    Comment,
    Evidence,
    Measurement,
    Period,
    PeriodEvent,
    ReminderSent,
    UnitValidation,
)
from traguardo.plans.recorded_admin import RecordedAdmin


@admin.register(Period)
class PeriodAdmin(RecordedAdmin):
    list_display = ["code", "cycle", "date", "deadline", "closed"]
    list_filter = ["cycle", "code", "closed"]
    search_fields = ["code", "cycle__entity__name"]


class MeasurementAdminForm(forms.ModelForm):
    """The admin's correction of a value goes through monitoring.services.record_value: the
    same parser, the closed-period rule, the version check, the audit entry and the new
    data version as the monitoring page."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    request: HttpRequest | None = None
    recorded: Measurement | None = None

    class Meta:
        model = Measurement
        fields = ["indicator", "period", "text", "comment", "justification"]
        formfield_callback = limited_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        indicator, period = data.get("indicator"), data.get("period")
        if self.instance.pk is not None:  # read only on a stored value
            indicator, period = self.instance.indicator, self.instance.period
        if self.errors or indicator is None or period is None or self.request is None:
            return data
        loaded = data.get("loaded_version")
        # A value entered as a ratio keeps its terms while its text is not changed here.
        stored = self.instance if self.instance.pk is not None else None
        keep = stored is not None and stored.is_ratio and (data.get("text") or "") == stored.text
        try:
            with transaction.atomic():
                self.recorded = services.record_value(
                    self.request.user,
                    indicator,
                    period,
                    data.get("text") or "",
                    numerator=stored.numerator if keep and stored else None,
                    denominator=stored.denominator if keep and stored else None,
                    comment=data.get("comment") or "",
                    justification=data.get("justification") or "",
                    expected_version=loaded if self.instance.pk is not None else 0,
                    as_admin=True,
                ).measurement
        except services.ValueRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return data


@admin.register(Measurement)
class MeasurementAdmin(RecordedAdmin):
    form = MeasurementAdminForm
    list_display = [
        "indicator",
        "period",
        "text",
        "number",
        "reading_kind",
        "entered_at",
        "version",
        "validated_at",
    ]
    list_filter = ["period", "reading_kind"]
    search_fields = ["indicator__name", "text", "comment", "justification"]
    autocomplete_fields = ["indicator"]
    date_hierarchy = "entered_at"
    readonly_fields = ["number", "reading_kind", "version", "entered_by", "entered_at"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "indicator", "period"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Saved (and recorded) by the service in the form's clean(): take its row.
        recorded = form.recorded
        if recorded is not None:
            obj.pk = recorded.pk
            obj.refresh_from_db()


# The records below are written by the monitoring pages and commands (campaign events,
# evidence, comments, validations, reminders): read only here.


@admin.register(PeriodEvent)
class PeriodEventAdmin(ReadOnlyAdmin):
    list_display = ["period", "action", "deadline", "by", "at"]
    list_filter = ["action", "period__cycle", "period__code"]
    search_fields = ["reason", "by__username"]
    date_hierarchy = "at"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "measurement",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["measurement__period__cycle", "measurement__period__code", "content_type"]
    search_fields = ["original_name", "description", "measurement__indicator__name"]
    date_hierarchy = "uploaded_at"


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period", "author", "at"]
    list_filter = ["period__cycle", "period__code"]
    search_fields = ["text", "indicator__name", "author__username"]
    date_hierarchy = "at"


@admin.register(UnitValidation)
class UnitValidationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "count", "by", "at"]
    list_filter = ["period__cycle", "period__code"]
    search_fields = ["unit__code", "unit__name", "by__username"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["email", "user", "period", "kind", "missing", "sent_at"]
    list_filter = ["kind", "period__cycle", "period__code"]
    search_fields = ["email", "user__username"]
    date_hierarchy = "sent_at"
