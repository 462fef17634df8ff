"""Serializers of the API: the cycle, its plan tree, indicators, periods and values."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from traguardo.api.permissions import is_member_of
from traguardo.core.numbers import VALUE_LIMITS, to_contract
from traguardo.core.readings import value_problem
from traguardo.core.results import IndicatorScore
from traguardo.monitoring.models import Measurement, Period, PeriodCode
from traguardo.organisation.models import Entity, OrgUnit
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    OperationalObjective,
    StrategicObjective,
    Target,
)

_M = TypeVar("_M", bound=Model)


# Output only. Integer model fields get no min/max from here: Django derives them from the
# database (SQLite and PostgreSQL give different ranges), and the committed schema must be
# the same on both. A comment, not a docstring: drf-spectacular would copy a docstring into
# every component of the schema.
class OutputSerializer(serializers.ModelSerializer[_M]):
    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, Any]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        return field_class, kwargs


class EntitySerializer(OutputSerializer[Entity]):
    class Meta:
        model = Entity
        fields = ("id", "name", "short_name")


class CycleSerializer(OutputSerializer[Cycle]):
    entity = EntitySerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Cycle
        fields = (
            "id",
            "year",
            "entity",
            "plan_period_start",
            "plan_period_end",
            "state",
            "state_label",
        )


class UnitSerializer(OutputSerializer[OrgUnit]):
    class Meta:
        model = OrgUnit
        fields = ("code", "short", "name", "kind")


class TargetSerializer(OutputSerializer[Target]):
    class Meta:
        model = Target
        fields = ("year", "text")


class IndicatorScoreSerializer(serializers.Serializer[IndicatorScore]):
    """The indicator's figures at 31.12, as in the score contract."""

    value = serializers.CharField(source="reading.text")
    value_kind = serializers.CharField(source="reading.kind.value")
    degree = serializers.SerializerMethodField()
    status = serializers.CharField(source="degree.status.value")
    formula = serializers.CharField(source="explanation.formula")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_degree(self, score: IndicatorScore) -> str | None:
        value = score.degree.value
        return None if value is None else to_contract(value)


class IndicatorSerializer(OutputSerializer[Indicator]):
    """An indicator with its targets by year; `score` when the cycle was scored."""

    key = serializers.SerializerMethodField()
    objective = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    block = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, read_only=True)
    score = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields: tuple[str, ...] = (
            "id",
            "key",
            "number",
            "name",
            "objective",
            "unit",
            "block",
            "method",
            "source",
            "kind",
            "unit_label",
            "direction",
            "weight",
            "targets",
            "score",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_key(self, indicator: Indicator) -> str | None:
        keys: dict[int, str] = self.context.get("keys", {})
        return keys.get(indicator.pk)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_objective(self, indicator: Indicator) -> str | None:
        return indicator.objective.code if indicator.objective else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, indicator: Indicator) -> str | None:
        return indicator.objective.home_unit.code if indicator.objective else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_block(self, indicator: Indicator) -> int | None:
        return indicator.entity_block.number if indicator.entity_block else None

    @extend_schema_field(IndicatorScoreSerializer(allow_null=True))
    def get_score(self, indicator: Indicator) -> dict[str, Any] | None:
        scores: dict[str, IndicatorScore] = self.context.get("scores", {})
        key = self.get_key(indicator)
        found = scores.get(key) if key else None
        return None if found is None else dict(IndicatorScoreSerializer(found).data)


class TreeIndicatorSerializer(IndicatorSerializer):
    class Meta(IndicatorSerializer.Meta):
        fields = (
            "id",
            "key",
            "number",
            "name",
            "kind",
            "unit_label",
            "direction",
            "weight",
            "targets",
        )


class AssignmentSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(source="unit.code")
    local_number = serializers.IntegerField()


class TreeObjectiveSerializer(OutputSerializer[OperationalObjective]):
    code = serializers.CharField(read_only=True)
    home_unit = UnitSerializer(read_only=True)
    units = AssignmentSerializer(source="assignments", many=True, read_only=True)
    indicators = TreeIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = OperationalObjective
        fields = ("id", "code", "number", "title", "category", "home_unit", "units", "indicators")


class TreeAnnualSerializer(OutputSerializer[AnnualObjective]):
    objectives = TreeObjectiveSerializer(source="operational_objectives", many=True, read_only=True)

    class Meta:
        model = AnnualObjective
        fields = ("id", "code", "kind", "title", "objectives")


class TreeStrategicSerializer(OutputSerializer[StrategicObjective]):
    annual = TreeAnnualSerializer(source="annual_objectives", many=True, read_only=True)

    class Meta:
        model = StrategicObjective
        fields = ("id", "code", "kind", "title", "annual")


class TreeBlockSerializer(OutputSerializer[EntityBlock]):
    indicators = TreeIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = EntityBlock
        fields = ("id", "number", "heading", "weight_b", "indicators")


class TreeSerializer(serializers.Serializer[Any]):
    cycle = CycleSerializer()
    strategic = TreeStrategicSerializer(many=True)
    unlinked_objectives = TreeObjectiveSerializer(
        many=True, help_text=_("Obiettivi operativi non collegati ad alcun obiettivo annuale.")
    )
    entity_blocks = TreeBlockSerializer(many=True)


class PeriodSerializer(OutputSerializer[Period]):
    label = serializers.CharField(source="get_code_display", read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Period
        fields = ("id", "code", "label", "date", "deadline", "closed")


class ReadableDecimalField(serializers.DecimalField):
    """A stored figure shown whatever its size: a value saved before the limits existed
    must not make the list of values fail (DRF quantizes within max_digits)."""

    def quantize(self, value: Decimal) -> Decimal:
        places = Decimal(1).scaleb(-(self.decimal_places or 0))
        return value.quantize(places, context=decimal.Context(prec=400))


class MeasurementSerializer(OutputSerializer[Measurement]):
    period = serializers.CharField(source="period.code", read_only=True)
    number = ReadableDecimalField(
        max_digits=VALUE_LIMITS.max_digits,
        decimal_places=VALUE_LIMITS.decimal_places,
        required=False,
        allow_null=True,
        label=capfirst(Measurement._meta.get_field("number").verbose_name),
    )
    # A value entered as a ratio: its two terms (null otherwise); `text` is their ratio.
    numerator = ReadableDecimalField(
        max_digits=VALUE_LIMITS.max_digits,
        decimal_places=VALUE_LIMITS.decimal_places,
        required=False,
        allow_null=True,
        label=capfirst(Measurement._meta.get_field("numerator").verbose_name),
    )
    denominator = ReadableDecimalField(
        max_digits=VALUE_LIMITS.max_digits,
        decimal_places=VALUE_LIMITS.decimal_places,
        required=False,
        allow_null=True,
        label=capfirst(Measurement._meta.get_field("denominator").verbose_name),
    )
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = (
            "id",
            "indicator",
            "period",
            "text",
            "number",
            "numerator",
            "denominator",
            "reading_kind",
            "not_measurable_reason",
            "comment",
            "entered_by",
            "entered_at",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_entered_by(self, measurement: Measurement) -> str | None:
        """Who entered it: shown to members of the entity only (privacy of staff)."""
        request = self.context.get("request")
        user = measurement.entered_by
        if user is None or request is None:
            return None
        cycle = measurement.period.cycle
        return user.get_username() if is_member_of(request.user, cycle) else None


class RatioTermField(serializers.CharField):
    """A numerator or denominator: Italian text ("12,21", "1.551") or a JSON number, read
    as the number it is (1.551 in JSON is one point five five one, never 1551)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            number = Decimal(repr(data))
            if not number.is_finite():
                self.fail("invalid")
            data = f"{number:f}".replace(".", ",")  # the Italian form record_value reads
        return super().to_internal_value(data)


class ValueWriteSerializer(serializers.Serializer[Any]):
    """A monitoring value as the user writes it ("54,47%", "1.250", "SI"), with a comment."""

    period = serializers.ChoiceField(
        choices=PeriodCode.choices, help_text=_("Il periodo: 30.06 o 31.12.")
    )
    text = serializers.CharField(
        max_length=500,
        allow_blank=True,
        required=False,
        help_text=_(
            "Il valore come scritto: 54,47%, 1.250, SI, n.m. (motivo). Se manca, resta il "
            "valore già registrato e si aggiorna solo il commento."
        ),
    )
    numerator = RatioTermField(
        max_length=40,
        allow_blank=True,
        required=False,
        help_text=_(
            "Per un valore che è un rapporto, con «denominator»: come scritto (12,21) o "
            "numero JSON. Il valore diventa il loro rapporto, per 100 se il target è una "
            "percentuale; «text» si può omettere."
        ),
    )
    denominator = RatioTermField(
        max_length=40,
        allow_blank=True,
        required=False,
        help_text=_("Il denominatore del rapporto (diverso da zero), con «numerator»."),
    )
    comment = serializers.CharField(
        max_length=5000,
        allow_blank=True,
        required=False,
        help_text=_("Note sul valore. Se manca, resta il commento già registrato."),
    )
    justification = serializers.CharField(
        max_length=5000,
        allow_blank=True,
        required=False,
        help_text=_("Giustificazione dello scostamento (se il servizio la prevede)."),
    )
    version = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        help_text=_(
            "Versione letta del valore (0 se non c'era), per non sovrascrivere modifiche "
            "altrui: obbligatoria, salvo «overwrite»: true."
        ),
    )
    overwrite = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true: scrive senza «version», sovrascrivendo consapevolmente il valore registrato."
        ),
    )

    def validate_text(self, text: str) -> str:
        # The one check of every way in (record_value applies it too): a clear 400 here.
        problem = value_problem(text)
        if problem:
            raise serializers.ValidationError(problem)
        return text


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    username = serializers.CharField()
    expires = serializers.DateTimeField(help_text=_("Quando il token scade."))


class ExplainQuerySerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        max_length=50,
        help_text=_("ENTE, B14, BLOCCO-10, 2.1/1, 2.1/1#2, 2.1, REI1, SG, DIR-2, PO-0.1"),
    )


class ScoreQuerySerializer(serializers.Serializer[Any]):
    livelli = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Aggiunge `smvp`: i livelli dello SMVP del ciclo (nome, metodo, decimali) e i "
            "risultati degli obiettivi strategici e annuali e dei livelli propri dell'ente."
        ),
    )


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    # The metaclass takes declared fields off the class: this does not shadow `.fields`.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class ErrorSerializer(serializers.Serializer[Any]):
    """The one shape of every error of the API."""

    error = ErrorDetailSerializer()
