"""The forms of the onboarding pages: plain fields, checked again by the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from django import forms
from traguardo.accounts.models import Role
from traguardo.organisation.models import Entity


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class EntityForm(forms.Form):
    code = forms.CharField(
        label=_("Codice"),
        max_length=20,
        help_text=_("Minuscole, cifre e trattini, es. comune-abc: compare negli indirizzi."),
    )
    name = forms.CharField(label=_("Denominazione"), max_length=255)
    short_name = forms.CharField(label=_("Sigla"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Tipo di ente"), choices=Entity.Kind.choices)
    website = forms.URLField(
        label=_("Sito web"), max_length=200, required=False, assume_scheme="https"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class CycleForm(forms.Form):
    year = forms.IntegerField(label=_("Anno del ciclo"), min_value=2000, max_value=2100)
    plan = forms.CharField(
        label=_("Piano triennale"),
        max_length=9,
        help_text=_("Primo e ultimo anno del Piano, es. 2025-2027."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class InviteForm(forms.Form):
    username = forms.CharField(label=_("Nome utente"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    name = forms.CharField(label=_("Nome e cognome"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices)
    unit = forms.CharField(
        label=_("Unità diretta"),
        max_length=50,
        required=False,
        help_text=_("Codice dell'unità: solo per Segretario generale, dirigenti e titolari di PO."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo dell'ente"),
        required=False,
        help_text=_(
            "Un'immagine PNG, JPEG o WebP (non SVG), al massimo 1 MB: compare nell'intestazione "
            "di ogni pagina e nelle pagine pubbliche."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp"}),
    )
    remove = forms.BooleanField(label=_("Togli il logo"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["remove"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("logo") and not data.get("remove"):
            raise forms.ValidationError(_("Scegli il file del logo, o spunta «Togli il logo»."))
        return data
