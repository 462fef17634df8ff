"""Forms of the plan editor. Numbers in Italian form (``33,33``), targets as written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from django import forms
from traguardo.core.numbers import NumberFormatError, format_exact, parse_number
from traguardo.modelutils import TEXT_MAX_LENGTH, limited_formfield
from traguardo.organisation.models import OrgUnit
from traguardo.plans import rule_text
from traguardo.plans.checks import indicator_weights_used, target_message
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    OperationalObjective,
    StrategicObjective,
)
from traguardo.plans.smvp_settings import cycle_smvp


class NumberField(forms.CharField):
    """A number as Italians write it: ``33,33``, ``1.500``; kept as Decimal."""

    def __init__(
        self,
        *args: Any,
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("max_length", 40)  # a number, never a page of text
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return format_exact(value) if isinstance(value, Decimal) else value

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = parse_number(str(text).replace("%", "").strip())
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                _("Il valore deve essere almeno %(n)s.") % {"n": format_exact(self.min_value)}
            )
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                _("Il valore non può superare %(n)s.") % {"n": format_exact(self.max_value)}
            )
        return number


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class StrategicForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = StrategicObjective
        formfield_callback = limited_formfield
        fields = ("code", "kind", "title")
        widgets: ClassVar[dict[str, forms.Widget]] = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle


class AnnualForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = AnnualObjective
        formfield_callback = limited_formfield
        fields = ("strategic", "code", "kind", "title")
        widgets: ClassVar[dict[str, forms.Widget]] = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategic"].queryset = StrategicObjective.objects.filter(cycle=cycle)  # type: ignore[attr-defined]


class ObjectiveForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = OperationalObjective
        formfield_callback = limited_formfield
        fields = ("home_unit", "number", "title", "category", "description", "annual_objectives")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "annual_objectives": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.instance.cycle = cycle
        self.fields["home_unit"].queryset = OrgUnit.objects.filter(entity=cycle.entity)  # type: ignore[attr-defined]
        self.fields["annual_objectives"].queryset = AnnualObjective.objects.filter(  # type: ignore[attr-defined]
            strategic__cycle=cycle
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, number = data.get("home_unit"), data.get("number")
        if unit is not None and number is not None:
            clash = OperationalObjective.objects.filter(
                cycle=self.cycle, home_unit=unit, number=number
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "number",
                    _("L'unità %(u)s ha già un obiettivo n. %(n)s.")
                    % {"u": unit.code, "n": number},
                )
        return data


class BlockForm(forms.ModelForm):
    version = version_field()
    weight_b = NumberField(
        label=_("performance complessiva (B)"), min_value=Decimal(0), max_value=Decimal(100)
    )
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EntityBlock
        formfield_callback = limited_formfield
        fields = ("number", "heading", "weight_b", "annual_objective")
        widgets: ClassVar[dict[str, forms.Widget]] = {"heading": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.instance.cycle = cycle
        self.fields["annual_objective"].queryset = AnnualObjective.objects.filter(  # type: ignore[attr-defined]
            strategic__cycle=cycle
        )

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        clash = EntityBlock.objects.filter(cycle=self.cycle, number=number).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("Esiste già il blocco n. %(n)s.") % {"n": number})
        return number


class IndicatorForm(forms.Form):
    """An indicator with its targets per year of the plan and, in monitoring, its value."""

    version = version_field()
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label=_("numero"), min_value=1)
    name = forms.CharField(
        label=_("indicatore"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    method = forms.CharField(
        label=_("metodo di calcolo"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.CharField(label=_("fonte"), required=False, max_length=255)
    unit_label = forms.CharField(label=_("unità di misura"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("tipo"), required=False, choices=[("", "—"), *Indicator.Kind.choices]
    )
    direction = forms.ChoiceField(label=_("verso"), choices=Indicator.Direction.choices)
    weight = NumberField(label=_("peso (%)"), min_value=Decimal(0), max_value=Decimal(100))
    scoring_rule = forms.ChoiceField(
        label=_("regola di calcolo"),
        required=False,
        help_text=_("Vuota: la regola predefinita dell'SMVP del ciclo."),
    )
    rule_params = forms.CharField(
        label=_("parametri della regola"),
        required=False,
        max_length=500,
        help_text=_(
            "nome=valore separati da «;», ad es. «tetto=120; soglia=60» oppure "
            "«fasce=60:50, 90:100; interpola=sì». Vuoto: i valori predefiniti della regola."
        ),
    )

    def __init__(
        self,
        *args: Any,
        cycle: Cycle,
        with_value: bool = False,
        block: EntityBlock | None = None,
        exclude_pk: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cycle, self.block, self.exclude_pk = cycle, block, exclude_pk
        self.smvp = cycle_smvp(cycle)
        # The weight is asked for only where the cycle's SMVP weighs the indicators.
        self.weighted = indicator_weights_used(self.smvp, block=block is not None)
        if not self.weighted:
            weight = self.fields["weight"]
            weight.required = False
            weight.help_text = _(
                "Facoltativo: l'SMVP del ciclo non pesa gli indicatori (media semplice)."
            )
        self.fields["scoring_rule"].choices = [  # type: ignore[attr-defined]
            ("", _("predefinita dell'SMVP")),
            *((slug, f"{label} ({slug})") for slug, label in rule_text.rule_choices()),
        ]
        self.years = list(range(cycle.plan_period_start, cycle.plan_period_end + 1))
        for year in self.years:
            self.fields[f"target_{year}"] = forms.CharField(
                label=_("Target %(y)s") % {"y": year},
                required=False,
                max_length=500,
                help_text=_("Come scritto nel piano: «>= 100», «<= 5 gg», «si», «===».")
                if year == cycle.year
                else "",
            )
        if with_value:
            self.fields["value"] = forms.CharField(
                label=_("Valore al 31.12 (consuntivo)"),
                required=False,
                max_length=500,  # as the monitoring form and the API
                help_text=_("Come scritto: «70 ispezioni», «54,47%», «SI»."),
            )

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        if self.block is not None:  # B numbers run across all blocks: "B14"
            clash = Indicator.objects.filter(entity_block__cycle=self.cycle, number=number)
            if self.exclude_pk is not None:
                clash = clash.exclude(pk=self.exclude_pk)
            if clash.exists():
                raise forms.ValidationError(
                    _("Esiste già l'indicatore B%(n)s nell'Allegato B.") % {"n": number}
                )
        return number

    def clean_rule_params(self) -> dict[str, Any]:
        """The parameters as written, read and checked with the rule chosen (the SMVP's
        default when none): the rule is built as the engine will build it."""
        text = self.cleaned_data.get("rule_params") or ""
        slug = self.cleaned_data.get("scoring_rule") or ""
        try:
            params = rule_text.parse_params(slug or self.smvp.rule, text)
            rule_text.check_rule(slug, params, self.smvp.rule, self.smvp.params)
        except rule_text.RuleTextError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return params

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for year in self.years:
            text = (data.get(f"target_{year}") or "").strip()
            if text:
                message = target_message(text)
                if message:
                    self.add_error(
                        f"target_{year}",
                        _("Target %(y)s non leggibile: %(m)s") % {"y": year, "m": message},
                    )
        return data

    def targets(self) -> dict[int, str]:
        return {year: self.cleaned_data.get(f"target_{year}") or "" for year in self.years}


class WeightsForm(forms.Form):
    """All the weights of one objective's indicators at once: they must sum to 100."""

    def __init__(
        self, *args: Any, indicators: list[Indicator], weighted: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        # weighted: the SMVP weighs the indicators, so every weight is needed and they sum
        # to 100; otherwise weights are optional and not summed.
        self.weighted = weighted
        for ind in indicators:
            self.fields[f"weight_{ind.pk}"] = NumberField(
                label=_("Peso dell'indicatore %(n)s") % {"n": ind.number},
                min_value=Decimal(0),
                max_value=Decimal(100),
                initial=ind.weight,
                required=weighted,
            )
            self.fields[f"version_{ind.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=ind.version, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data.get(f"weight_{i.pk}") for i in self.indicators]
        if self.weighted and all(w is not None for w in weights):
            total = sum((w for w in weights if w is not None), Decimal(0))
            if total != 100:
                raise forms.ValidationError(
                    _("I pesi degli indicatori sommano a %(t)s: devono sommare a 100.")
                    % {"t": format_exact(total)}
                )
        return data


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unità"), queryset=OrgUnit.objects.none())
    local_number = forms.IntegerField(label=_("numero nell'unità"), min_value=1)

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(entity=cycle.entity)  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    node = forms.CharField(widget=forms.HiddenInput)
    version = version_field()
    parent = forms.ChoiceField(label=_("Sposta sotto"))
    position = forms.IntegerField(
        label=_("Posizione tra gli indicatori"), min_value=1, required=False
    )

    def __init__(self, *args: Any, parents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = parents  # type: ignore[attr-defined]


class RevisionOpenForm(forms.Form):
    act_body = forms.CharField(label=_("Organo"), max_length=100, initial="Segretario generale")
    act_type = forms.CharField(label=_("Tipo di atto"), max_length=100, initial="Determinazione")
    act_number = forms.CharField(label=_("Numero dell'atto"), max_length=30)
    act_date = forms.DateField(
        label=_("Data dell'atto"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Motivazione"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompareForm(forms.Form):
    a = forms.ChoiceField(label=_("Versione di partenza"))
    b = forms.ChoiceField(label=_("Versione da confrontare"))

    def __init__(self, *args: Any, versions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = versions  # type: ignore[attr-defined]
        self.fields["b"].choices = versions  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("Nuovo stato"))
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Per riportare il ciclo in monitoraggio è la motivazione (obbligatoria)."),
    )
    override = forms.BooleanField(
        label=_("Procedi nonostante gli impedimenti elencati"), required=False
    )
    reason = forms.CharField(
        label=_("Motivo della forzatura"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Obbligatorio per forzare: resta nello storico e nel registro delle modifiche."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Confermo: questo passaggio non si può annullare"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("override") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Scrivi il motivo per forzare il passaggio."))
        return data

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


class CorrectionForm(forms.Form):
    """Open a formal correction of the published Relazione (version N+1, in preparation)."""

    reason = forms.CharField(
        label=_("Motivo della rettifica"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Con la rettifica aperta si correggono i testi della Relazione e se ne generano "
            "di nuovo i documenti; la versione pubblicata resta quella in vigore finché la "
            "rettifica non è pubblicata."
        ),
    )


class PublishCorrectionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Confermo: la versione in vigore sarà sostituita dalla rettifica"),
        required=True,
    )
