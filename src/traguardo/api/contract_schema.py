"""The score contract (docs/score-contract.md) described as serializers, for the OpenAPI
schema only: the views return `traguardo.core.contract.to_contract_dict` as it is."""

from __future__ import annotations

from rest_framework import serializers


def figure() -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text="Cifra arrotondata, es. «72.63».")


class ExplanationSerializer(serializers.Serializer[object]):
    subject = serializers.CharField()
    rule = serializers.CharField()
    formula = serializers.CharField()
    inputs = serializers.DictField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    parts = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Le spiegazioni da cui è calcolata (stessa forma, annidate).",
    )


class ContractIndicatorSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    value = serializers.CharField()
    value_kind = serializers.ChoiceField(
        choices=["number", "from_text", "yes", "no", "empty", "not_measurable"]
    )
    weight = figure()
    degree = figure()
    status = serializers.ChoiceField(choices=["scored", "missing", "not_measurable", "excluded"])
    explanation = ExplanationSerializer()


class ContractEntitySerializer(serializers.Serializer[object]):
    name = serializers.CharField()
    year = serializers.IntegerField()
    performance = figure()
    explanation = ExplanationSerializer()


class ContractBlockSerializer(serializers.Serializer[object]):
    number = serializers.IntegerField()
    heading = serializers.CharField()
    indicators = serializers.ListField(child=serializers.IntegerField())
    achievement = figure()
    weight = figure()
    result = figure()
    explanation = ExplanationSerializer()


class ContractObjectiveSerializer(serializers.Serializer[object]):
    code = serializers.CharField()
    title = serializers.CharField()
    performance = figure()
    indicators = ContractIndicatorSerializer(many=True)
    explanation = ExplanationSerializer()


class ContractUnitSerializer(serializers.Serializer[object]):
    code = serializers.CharField()
    short = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["area", "settore", "ufficio", "staff_pdc"])
    performance = figure()
    explanation = ExplanationSerializer()


class ContractCardObjectiveSerializer(serializers.Serializer[object]):
    number = serializers.IntegerField()
    code = serializers.CharField()
    performance = figure()


class ContractSynthesisSerializer(serializers.Serializer[object]):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    objectives = serializers.ListField(child=serializers.IntegerField())
    performance = figure()
    explanation = ExplanationSerializer()


class ContractCardSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    role = serializers.ChoiceField(choices=["segretario_generale", "dirigente", "po"])
    title = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    units = serializers.ListField(child=serializers.CharField())
    objectives = ContractCardObjectiveSerializer(many=True)
    synthesis = ContractSynthesisSerializer(many=True)


class SmvpLevelResultSerializer(serializers.Serializer[object]):
    code = serializers.CharField()
    explain_code = serializers.CharField(help_text="Codice di «Perché questo numero»: OS-1.")
    title = serializers.CharField()
    performance = serializers.CharField(
        allow_null=True, help_text="Cifra arrotondata ai decimali del livello."
    )
    parts = serializers.ListField(child=serializers.CharField())


class SmvpLevelSerializer(serializers.Serializer[object]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    scored = serializers.BooleanField()
    method = serializers.ChoiceField(
        choices=["weighted_mean", "mean", "weighted_sum", "minimum", "fixed_total"]
    )
    places = serializers.IntegerField(help_text="Decimali con cui il livello è mostrato.")
    rounding = serializers.ChoiceField(choices=["half_up", "half_even"])
    rounded_before_next = serializers.BooleanField()
    results = SmvpLevelResultSerializer(many=True)


class SmvpSerializer(serializers.Serializer[object]):
    name = serializers.CharField()
    levels = SmvpLevelSerializer(many=True)


class ScoreContractSerializer(serializers.Serializer[object]):
    schema = serializers.ChoiceField(choices=["traguardo.score/1"])
    entity = ContractEntitySerializer()
    entity_indicators = ContractIndicatorSerializer(many=True)
    blocks = ContractBlockSerializer(many=True)
    objectives = ContractObjectiveSerializer(many=True)
    units = ContractUnitSerializer(many=True)
    cards = ContractCardSerializer(many=True)
    smvp = SmvpSerializer(
        required=False,
        help_text="I livelli dello SMVP del ciclo, con i risultati dei livelli che i campi "
        "sopra non hanno (obiettivi strategici e annuali, livelli propri dell'ente).",
    )


class ExplainResponseSerializer(serializers.Serializer[object]):
    code = serializers.CharField()
    explanation = ExplanationSerializer()
