"""The SMVP page's form: the settings of every level as fields, and the whole document as YAML.

The YAML textarea always carries the complete document (weights, factors, the
administration's own levels: what the fields do not show); in "campi" mode the fields are
applied on top of it, in "yaml" mode the text is taken as it is. Either way the result is
checked by `core.smvp.parse_smvp` in the view, and its error is shown next to the field of
the setting it names, or next to the text.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from django import forms
from traguardo.core.levels import METHOD_LABELS, TVBL_LEVELS, EntitySource, Method, RoundingMode
from traguardo.core.model import MissingPolicy
from traguardo.core.payout import PAYOUT_LABELS
from traguardo.core.rules import RULES
from traguardo.core.smvp import MAX_PLACES
from traguardo.yamlfiles import SafeLoader

LEVEL_FIELDS = ("etichetta", "valutato", "metodo", "decimali", "arrotondamento", "arrotonda_prima")
MODE_FIELDS, MODE_YAML = "campi", "yaml"
ROUNDING_LABELS = {
    RoundingMode.HALF_UP: _("0,5 per eccesso (half up)"),
    RoundingMode.HALF_EVEN: _("0,5 al pari (half even)"),
}
MISSING_LABELS = {
    MissingPolicy.ZERO: _("conta zero"),
    MissingPolicy.EXCLUDE: _("escluso, il suo peso va agli altri"),
}
SOURCE_LABELS = {
    EntitySource.BLOCKS: _("blocchi della performance di ente (Allegato B)"),
    EntitySource.STRATEGIC: _("obiettivi strategici"),
    EntitySource.AREAS: _("aree"),
    EntitySource.OBJECTIVES: _("tutti gli obiettivi operativi"),
}


def field_name(key: str, setting: str) -> str:
    return f"{key}__{setting}"


def _rule_choices() -> list[tuple[str, str]]:
    return [
        (slug, f"{slug} — {gettext(getattr(RULES[slug], 'label', slug))}") for slug in sorted(RULES)
    ]


def points_text(points: list[list[Any]]) -> str:
    return "; ".join(f"{a}: {p}" for a, p in points)


class SmvpForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Che cosa salvare"),
        choices=[
            (MODE_FIELDS, _("i campi del modulo (applicati al testo YAML)")),
            (MODE_YAML, _("il testo YAML così come l'ho scritto")),
        ],
        initial=MODE_FIELDS,
        widget=forms.RadioSelect,
    )
    regola = forms.ChoiceField(label=_("Regola predefinita degli indicatori"), choices=())
    parametri = forms.CharField(
        label=_("Parametri della regola (YAML)"),
        required=False,
        max_length=2000,
        help_text=_("Es. {fasce: [[60, 50], [90, 100]]}; vedi docs/smvp-rules.md."),
    )
    valore_mancante = forms.ChoiceField(
        label=_("Valore mancante"), choices=list(MISSING_LABELS.items())
    )
    non_misurabile = forms.ChoiceField(
        label=_("Indicatore non misurabile"), choices=list(MISSING_LABELS.items())
    )
    entity__fonte = forms.ChoiceField(
        label=_("Il risultato dell'ente si calcola da"), choices=list(SOURCE_LABELS.items())
    )
    premi_tipo = forms.ChoiceField(
        label=_("Dal risultato ai punti (schede e premi)"), choices=list(PAYOUT_LABELS.items())
    )
    premi_punti = forms.CharField(
        label=_("Punti (risultato %: punti)"),
        required=False,
        max_length=2000,
        help_text=_("Es. «60: 50; 90: 100»: da 60% 50 punti, da 90% 100 punti."),
    )
    documento = forms.CharField(
        label=_("Lo SMVP in YAML"),
        required=False,
        max_length=100_000,  # a whole SMVP with its own levels; far above any real one
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "Tutte le impostazioni, comprese quelle che i campi non mostrano (pesi, "
            "fattori, livelli propri): vedi docs/smvp.md."
        ),
    )
    atto = forms.CharField(
        label=_("Atto che adotta lo SMVP"),
        required=False,
        max_length=300,
        help_text=_(
            "Es. «Delibera di Giunta n. 12 del 10/01/2020». Obbligatorio dopo "
            "l'approvazione del piano."
        ),
    )
    motivo = forms.CharField(
        label=_("Motivo del cambio"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatorio dopo l'approvazione del piano: il cambio è una revisione."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.fields["regola"]
        assert isinstance(rule, forms.ChoiceField)
        rule.choices = _rule_choices()
        for level in TVBL_LEVELS:
            key = level.key
            self.fields[field_name(key, "etichetta")] = forms.CharField(
                label=_("Nome"), max_length=200
            )
            self.fields[field_name(key, "valutato")] = forms.BooleanField(
                label=_("Valutato"), required=False
            )
            self.fields[field_name(key, "metodo")] = forms.ChoiceField(
                label=_("Metodo"), choices=[(m.value, METHOD_LABELS[m]) for m in Method]
            )
            self.fields[field_name(key, "decimali")] = forms.IntegerField(
                label=_("Decimali"), min_value=0, max_value=MAX_PLACES
            )
            self.fields[field_name(key, "arrotondamento")] = forms.ChoiceField(
                label=_("Arrotondamento"), choices=list(ROUNDING_LABELS.items())
            )
            self.fields[field_name(key, "arrotonda_prima")] = forms.BooleanField(
                label=_("Arrotonda prima del livello successivo"), required=False
            )
        if self.is_bound and self.data.get("mode") == MODE_YAML:
            # The text is taken as written: the fields need not be filled in.
            for name, field in self.fields.items():
                if name not in ("mode", "documento"):
                    field.required = False

    @classmethod
    def initial_of(cls, document: dict[str, Any]) -> dict[str, Any]:
        """The fields' values for a canonical document (core.smvp.smvp_to_dict)."""
        initial: dict[str, Any] = {
            "mode": MODE_FIELDS,
            "regola": document.get("regola", "smvp"),
            "parametri": _inline(document.get("parametri") or {}),
            "valore_mancante": document.get("valore_mancante", "zero"),
            "non_misurabile": document.get("non_misurabile", "zero"),
            "premi_tipo": (document.get("premi") or {}).get("tipo", "proportional"),
            "premi_punti": points_text((document.get("premi") or {}).get("punti", [])),
            "documento": yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100),
        }
        levels = document.get("livelli") or {}
        for key, settings in levels.items():
            for setting in LEVEL_FIELDS:
                if setting in settings:
                    initial[field_name(key, setting)] = settings[setting]
        initial["entity__fonte"] = (levels.get("entity") or {}).get("fonte") or "blocks"
        return initial

    def level_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(level, its bound fields in LEVEL_FIELDS order) for the table of levels."""
        return [
            (level, [self[field_name(level.key, s)] for s in LEVEL_FIELDS]) for level in TVBL_LEVELS
        ]

    def document(self) -> dict[str, Any] | None:
        """The document the form describes (None, with the error added, when the YAML text
        or a field cannot be read). Call after is_valid()."""
        data = self.cleaned_data
        try:
            base = yaml.load(data.get("documento") or "", Loader=SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = (
                gettext(" (riga %(line)s, colonna %(col)s)")
                % {"line": mark.line + 1, "col": mark.column + 1}
                if mark
                else ""
            )
            self.add_error(
                "documento",
                gettext("YAML non valido%(where)s: %(problem)s")
                % {"where": where, "problem": getattr(exc, "problem", None) or exc},
            )
            return None
        if base is None:
            base = {}
        if not isinstance(base, dict):
            self.add_error("documento", gettext("serve un elenco di impostazioni chiave: valore"))
            return None
        if data.get("mode") == MODE_YAML:
            return base
        document = dict(base)
        document["regola"] = data["regola"]
        try:
            params = yaml.load(data.get("parametri") or "{}", Loader=SafeLoader)
        except yaml.YAMLError:
            self.add_error("parametri", gettext("YAML non valido"))
            return None
        document["parametri"] = params if params is not None else {}
        document["valore_mancante"] = data["valore_mancante"]
        document["non_misurabile"] = data["non_misurabile"]
        levels = (
            dict(document.get("livelli") or {}) if isinstance(document.get("livelli"), dict) else {}
        )
        for level in TVBL_LEVELS:
            settings = dict(levels.get(level.key) or {})
            for setting in LEVEL_FIELDS:
                settings[setting] = data[field_name(level.key, setting)]
            if level.key == "entity":
                settings["fonte"] = data["entity__fonte"]
            levels[level.key] = settings
        document["livelli"] = levels
        points = _points(data.get("premi_punti") or "")
        if points is None:
            self.add_error(
                "premi_punti", gettext("scrivi coppie «risultato: punti» separate da «;»")
            )
            return None
        document["premi"] = {"tipo": data["premi_tipo"], "punti": points}
        return document


def _inline(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000).strip()


def _points(text: str) -> list[list[str]] | None:
    pairs = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        achievement, sep, points = part.partition(":")
        if not sep:
            return None
        pairs.append([achievement.strip(), points.strip()])
    return pairs
