from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from django import forms


class SnapshotForm(forms.Form):
    """The office's reasoned request for a new snapshot of a closed cycle's scores."""

    reason = forms.CharField(
        label=_("Motivo della nuova istantanea"),
        help_text=_(
            "Resta nel registro delle modifiche: ad esempio la correzione di un valore "
            "o l'aggiornamento di Traguardo che cambia una regola."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indica il motivo della nuova istantanea dei punteggi.")},
    )
