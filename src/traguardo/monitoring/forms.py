"""Forms of the monitoring pages; the rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from django import forms
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.monitoring.evidence import ALLOWED_LABEL
from traguardo.monitoring.models import PeriodCode


class StyledForm(forms.Form):
    """Bootstrap Italia classes on every visible input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class ValueForm(StyledForm):
    text = forms.CharField(
        label=_("Valore rilevato"),
        max_length=500,
        required=False,
        help_text=_(
            "Come lo scriveresti nella Relazione: 54,47%, 676.433,56 €, 1.250, SI oppure NO. "
            "Un rapporto si scrive con numeratore e denominatore qui sotto."
        ),
    )
    numerator = forms.CharField(
        label=_("Numeratore"),
        max_length=40,
        required=False,
        help_text=_("Facoltativo, per un valore che è un rapporto: ad es. 12,21."),
    )
    denominator = forms.CharField(
        label=_("Denominatore"),
        max_length=40,
        required=False,
        help_text=_(
            "Con il numeratore: il valore è il loro rapporto, per 100 se il target è una "
            "percentuale (12,21 / 13,06 = 93,49%); sostituisce quello scritto sopra."
        ),
    )
    justification = forms.CharField(
        label=_("Motivazione dello scostamento"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obbligatoria se il valore non raggiunge il target (grado di realizzazione "
            "inferiore al 100% o valore non misurabile): la Relazione sulla performance la "
            "riporta come causa dello scostamento."
        ),
    )
    comment = forms.CharField(
        label=_("Note sul valore"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ratio = (data.get("numerator") or "").strip() or (data.get("denominator") or "").strip()
        if not (data.get("text") or "").strip() and not ratio:
            self.add_error(
                "text",
                _("Scrivi un valore (per esempio 54,47%, 1.250 oppure SI) o un rapporto."),
            )
        return data


class EvidenceForm(StyledForm):
    file = forms.FileField(
        label=_("Documento"),
        help_text=_("Tipi ammessi: %(types)s.") % {"types": ALLOWED_LABEL},
    )
    description = forms.CharField(label=_("Descrizione"), max_length=255, required=False)


class CommentForm(StyledForm):
    text = forms.CharField(
        label=_("Commento"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The value form on the same page has a `text` field too: ids of their own
        # (id_comment_text), so that each label names its box.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)


class OpenPeriodForm(StyledForm):
    code = forms.ChoiceField(label=_("Periodo"), choices=PeriodCode.choices)
    deadline = forms.DateField(
        label=_("Scadenza per l'inserimento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ReopenPeriodForm(StyledForm):
    reason = forms.CharField(
        label=_("Motivazione della riapertura"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=_("Nuova scadenza"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DeadlineForm(StyledForm):
    deadline = forms.DateField(
        label=_("Scadenza"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
