"""Forms of the OIV workspace (labels in Italian; every input has one)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from django import forms
from traguardo.core.numbers import NumberFormatError, parse_number
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.oiv.models import DecisionOutcome, EvidenceOutcome, Outcome
from traguardo.plans.models import Indicator

CONTROL = {"class": "form-control"}
SELECT = forms.Select(attrs={"class": "form-select"})


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Esito"), choices=Outcome.choices, widget=SELECT)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class EvidenceForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicatore"), queryset=Indicator.objects.none(), widget=SELECT
    )
    source = forms.CharField(
        label=_("Evidenza esaminata"), max_length=300, widget=forms.TextInput(attrs=CONTROL)
    )
    outcome = forms.ChoiceField(label=_("Esito"), choices=EvidenceOutcome.choices, widget=SELECT)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    document = forms.FileField(
        label=_("Documento (facoltativo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=CONTROL),
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicators


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decisione"), choices=DecisionOutcome.choices, widget=SELECT
    )
    date = forms.DateField(
        label=_("Data del documento di validazione"),
        widget=forms.DateInput(attrs={"type": "date", **CONTROL}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    reasons = forms.CharField(
        label=_("Motivazione e osservazioni"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

    document = forms.FileField(
        label=_("Documento di validazione firmato (PDF, facoltativo: si può caricare dopo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf", **CONTROL}),
    )

    override = forms.BooleanField(
        label=_("Valida nonostante gli impedimenti elencati"), required=False
    )
    override_reason = forms.CharField(
        label=_("Motivo della forzatura"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    confirm = forms.BooleanField(
        label=_("Confermo: la validazione non si può annullare"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == DecisionOutcome.NOT_VALIDATED and not data.get("reasons"):
            self.add_error("reasons", _("Motiva la mancata validazione."))
        if data.get("outcome") == DecisionOutcome.VALIDATED and not data.get("confirm"):
            self.add_error(
                "confirm",
                _("La validazione non si può annullare: spunta la conferma per procedere."),
            )
        if data.get("override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Scrivi il motivo per forzare la validazione."))
        return data


def parse_margin(text: str | None, default: Decimal) -> tuple[Decimal, str]:
    """The margin of the challenge analysis as a percentage typed by the user ("120")."""
    if not text:
        return default, ""
    try:
        percent = parse_number(text.replace("%", "").strip())
    except NumberFormatError:
        return default, str(_("Margine non valido: scrivi una percentuale, ad es. 120."))
    if percent <= 100 or percent > 10000:
        return default, str(_("Il margine deve essere maggiore di 100%."))
    return percent / 100, ""


class DecisionDocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Documento di validazione firmato (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf", **CONTROL}),
    )
