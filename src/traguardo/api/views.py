"""Endpoints of the REST API (/api/v1): cycles, plan tree, indicators, monitoring, scores.

JSON in and out only. Reading rules and errors: see permissions.py and errors.py; every
value is written through `record_value` (writes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import authenticate
from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from traguardo.accounts import attempts
from traguardo.accounts.forms import locked_message
from traguardo.api import serializers as s
from traguardo.api import tokens
from traguardo.api.contract_schema import ExplainResponseSerializer, ScoreContractSerializer
from traguardo.api.errors import ApiError
from traguardo.api.filters import CycleFilter, IndicatorFilter, MeasurementFilter
from traguardo.api.pagination import Pagination
from traguardo.api.permissions import check_cycle_readable, readable_cycles
from traguardo.api.scores import (
    hidden_card_keys,
    indicator_keys,
    is_card_code,
    plan_score,
    scores_by_key,
)
from traguardo.api.writes import record
from traguardo.core.contract import to_contract_dict
from traguardo.monitoring.models import Measurement
from traguardo.plans import scope
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    Indicator,
    OperationalObjective,
    StrategicObjective,
)
from traguardo.plans.smvp_settings import cycle_smvp

ERROR_DESCRIPTIONS = {
    400: "Richiesta non valida (campi o filtri): `fields` dice quali.",
    401: "Autenticazione necessaria (token o sessione).",
    403: "Non consentito al ruolo dell'utente.",
    404: "Risorsa non trovata.",
    405: "Metodo non consentito.",
    406: "Formato di risposta non disponibile (solo application/json).",
    409: "In conflitto con lo stato della risorsa (es. periodo chiuso).",
    415: "Tipo di contenuto non supportato (solo application/json).",
    429: "Troppi accessi non riusciti per questo nome utente o indirizzo: `Retry-After` dice "
    "fra quanti secondi riprovare.",
}
READ_ERRORS = (401, 403, 404, 406)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error responses of an operation, all with the one error shape."""
    return {
        code: OpenApiResponse(s.ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }


class JsonApiView(APIView):
    """JSON only; anonymous reads (checked per cycle), signed-in writes."""

    renderer_classes: Sequence[type[BaseRenderer]] = (JSONRenderer,)
    parser_classes: Sequence[type[BaseParser]] = (JSONParser,)
    permission_classes: Sequence[Any] = (IsAuthenticatedOrReadOnly,)
    cycle: Cycle

    def load_cycle(self, request: Request, pk: int) -> Cycle:
        cycle = Cycle.objects.select_related("entity").filter(pk=pk).first()
        if cycle is None:
            raise exceptions.NotFound(_("Nessun ciclo con id %(id)s.") % {"id": pk})
        check_cycle_readable(request, cycle)
        self.cycle = cycle
        return cycle


def load_indicator(request: Request, pk: int) -> tuple[Indicator, Cycle]:
    indicator = (
        Indicator.objects.select_related(
            "objective__home_unit", "objective__cycle__entity", "entity_block__cycle__entity"
        )
        .filter(pk=pk)
        .first()
    )
    if indicator is None:
        raise exceptions.NotFound(_("Nessun indicatore con id %(id)s.") % {"id": pk})
    owner = indicator.objective or indicator.entity_block
    if owner is None:  # the database forbids it; kept for the type checker
        raise exceptions.NotFound(_("Nessun indicatore con id %(id)s.") % {"id": pk})
    check_cycle_readable(request, owner.cycle)
    return indicator, owner.cycle


def score_context(request: Request, cycle: Cycle) -> dict[str, Any]:
    return {
        "request": request,
        "keys": indicator_keys(cycle),
        "scores": scores_by_key(plan_score(request, cycle)),
    }


# --- cycles ---------------------------------------------------------------------------


@extend_schema(
    tags=["cicli"],
    summary="Cicli leggibili",
    description="I cicli pubblicati e, per i membri, tutti i cicli del loro ente.",
    responses={200: s.CycleSerializer(many=True), **errors(400, 401, 404, 406)},
)
class CycleList(JsonApiView, generics.ListAPIView[Cycle]):
    serializer_class = s.CycleSerializer
    pagination_class = Pagination
    filterset_class = CycleFilter

    def get_queryset(self) -> QuerySet[Cycle]:
        return readable_cycles(self.request.user).select_related("entity").order_by("-year", "id")


@extend_schema(
    tags=["cicli"],
    summary="Un ciclo",
    description="Anno, ente, periodo del piano e stato del ciclo.",
    responses={200: s.CycleSerializer, **errors(*READ_ERRORS)},
)
class CycleDetail(JsonApiView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.CycleSerializer(self.load_cycle(request, pk)).data)


@extend_schema(
    tags=["piano"],
    summary="Albero del piano",
    description=(
        "Obiettivi strategici → annuali → operativi → indicatori con i target per anno; "
        "in `entity_blocks` i blocchi dell'Allegato B (performance dell'ente)."
    ),
    responses={200: s.TreeSerializer, **errors(*READ_ERRORS)},
)
class CycleTree(JsonApiView):
    def get(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        indicators = Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets"))
        objective_rows = OperationalObjective.objects.select_related("home_unit").prefetch_related(
            "assignments__unit", indicators
        )
        objectives = Prefetch("operational_objectives", queryset=objective_rows)
        annual = Prefetch(
            "annual_objectives", queryset=AnnualObjective.objects.prefetch_related(objectives)
        )
        strategic = StrategicObjective.objects.filter(cycle=cycle).prefetch_related(annual)
        blocks = cycle.entity_blocks.prefetch_related(indicators).order_by("number")
        data = s.TreeSerializer(
            {
                "cycle": cycle,
                "strategic": strategic,
                "unlinked_objectives": objective_rows.filter(
                    cycle=cycle, annual_objectives__isnull=True
                ),
                "entity_blocks": blocks,
            },
            context={"request": request, "keys": indicator_keys(cycle)},
        ).data
        return Response(data)


# --- indicators -----------------------------------------------------------------------


@extend_schema(
    tags=["piano"],
    summary="Indicatori del ciclo",
    description=(
        "Con i target per anno e, in `score`, il grado di raggiungimento al 31.12. "
        "Filtri: unità (un'area comprende i suoi settori), obiettivo, blocco, "
        "fuori target."
    ),
    responses={200: s.IndicatorSerializer(many=True), **errors(400, *READ_ERRORS)},
)
class CycleIndicators(JsonApiView, generics.ListAPIView[Indicator]):
    serializer_class = s.IndicatorSerializer
    pagination_class = Pagination
    filterset_class = IndicatorFilter

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.load_cycle(request, kwargs["pk"])

    def get_queryset(self) -> QuerySet[Indicator]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no cycle
            return Indicator.objects.none()
        cycle = self.cycle
        return (
            scope.indicators_of(cycle)
            .select_related("objective__home_unit", "entity_block")
            .prefetch_related("targets")
            .order_by(
                F("entity_block__number").asc(nulls_first=True),
                "objective__home_unit__code",
                "objective__number",
                "number",
                "id",
            )
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return {**context, **score_context(self.request, self.cycle)}


class IndicatorDetailSerializer(s.IndicatorSerializer):
    measurements = s.MeasurementSerializer(many=True, read_only=True)

    class Meta(s.IndicatorSerializer.Meta):
        fields: tuple[str, ...] = (*s.IndicatorSerializer.Meta.fields, "measurements")


@extend_schema(
    tags=["piano"],
    summary="Un indicatore",
    description="Target per anno, valori di monitoraggio e grado di raggiungimento.",
    responses={200: IndicatorDetailSerializer, **errors(*READ_ERRORS)},
)
class IndicatorDetail(JsonApiView):
    def get(self, request: Request, pk: int) -> Response:
        indicator, cycle = load_indicator(request, pk)
        serializer = IndicatorDetailSerializer(indicator, context=score_context(request, cycle))
        return Response(serializer.data)


class IndicatorMeasurements(JsonApiView):
    @extend_schema(
        tags=["monitoraggio"],
        summary="Valori di un indicatore",
        description="I valori registrati ai periodi di monitoraggio, con i commenti.",
        responses={200: s.MeasurementSerializer(many=True), **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: int) -> Response:
        indicator, _cycle = load_indicator(request, pk)
        rows = indicator.measurements.select_related("period__cycle", "entered_by")
        data = s.MeasurementSerializer(rows, many=True, context={"request": request}).data
        return Response(data)

    @extend_schema(
        tags=["monitoraggio"],
        summary="Registra un valore",
        description=(
            "Registra (o corregge) il valore dell'indicatore a un periodo, con un commento, "
            "con le stesse regole dell'applicazione web: solo chi può inserire valori per "
            "l'obiettivo, solo con il ciclo in monitoraggio (403), mai in un periodo chiuso "
            "(409). 201 se il valore è nuovo, 200 se ne sostituisce uno. `justification` e "
            "`version` sono passati al servizio se questo li prevede."
        ),
        request=s.ValueWriteSerializer,
        responses={
            200: s.MeasurementSerializer,
            201: s.MeasurementSerializer,
            **errors(400, 401, 403, 404, 406, 409, 415),
        },
        examples=[
            OpenApiExample(
                "Valore al 31.12",
                value={"period": "31.12", "text": "54,47%", "comment": "Dato dal gestionale"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        indicator, _cycle = load_indicator(request, pk)
        serializer = s.ValueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = record(request.user, indicator, dict(serializer.validated_data))
        data = s.MeasurementSerializer(recorded.measurement, context={"request": request}).data
        return Response(
            data, status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        )


# --- monitoring -----------------------------------------------------------------------


@extend_schema(
    tags=["monitoraggio"],
    summary="Periodi di monitoraggio",
    description="30.06 e 31.12 del ciclo: data, scadenza per l'inserimento, chiuso o aperto.",
    responses={200: s.PeriodSerializer(many=True), **errors(*READ_ERRORS)},
)
class CyclePeriods(JsonApiView):
    def get(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        return Response(s.PeriodSerializer(cycle.periods.order_by("date"), many=True).data)


@extend_schema(
    tags=["monitoraggio"],
    summary="Valori di monitoraggio del ciclo",
    description="Filtri: periodo, unità, indicatore, tipo di lettura.",
    responses={200: s.MeasurementSerializer(many=True), **errors(400, *READ_ERRORS)},
)
class CycleMeasurements(JsonApiView, generics.ListAPIView[Measurement]):
    serializer_class = s.MeasurementSerializer
    pagination_class = Pagination
    filterset_class = MeasurementFilter

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.load_cycle(request, kwargs["pk"])

    def get_queryset(self) -> QuerySet[Measurement]:
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        return (
            Measurement.objects.filter(period__cycle=self.cycle)
            .select_related("period__cycle", "entered_by")
            .order_by("period__date", "indicator_id", "id")
        )


# --- scores ---------------------------------------------------------------------------


@extend_schema(
    tags=["risultati"],
    summary="Risultati del ciclo (contratto traguardo.score/1)",
    description=(
        "Lo stesso JSON di `traguardo score --format json` (docs/score-contract.md): "
        "performance dell'ente, blocchi, obiettivi, unità e schede, ogni cifra con la sua "
        "spiegazione. `cards` elenca solo le schede che l'utente può leggere (la propria, "
        "quelle che valuta; tutte per la struttura tecnica e l'OIV): i risultati di una "
        "scheda fanno parte della valutazione di una persona e non sono pubblici. Con "
        "`?livelli=1` la risposta aggiunge `smvp`: i livelli del sistema di misurazione del "
        "ciclo (nome, metodo, decimali) con i risultati dei livelli che il contratto non ha "
        "(obiettivi strategici e annuali quando valutati, livelli propri dell'ente), "
        "arrotondati ai decimali del livello."
    ),
    parameters=[s.ScoreQuerySerializer],
    responses={200: ScoreContractSerializer, **errors(*READ_ERRORS)},
)
class CycleScore(JsonApiView):
    def get(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        query = s.ScoreQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        score = plan_score(request, cycle)
        # The contract as the command line prints it; the SMVP's levels only when asked.
        smvp = cycle_smvp(cycle) if query.validated_data.get("livelli") else None
        data = to_contract_dict(score, smvp)
        hidden = hidden_card_keys(request.user, cycle)
        data["cards"] = [c for c in data["cards"] if c["key"] not in hidden]
        return Response(data)


@extend_schema(
    tags=["risultati"],
    summary="Perché questo numero",
    description=(
        "La spiegazione di una cifra dal suo codice: ENTE, B14 (indicatore dell'Allegato B), "
        "BLOCCO-10, un obiettivo 2.1/1, un suo indicatore 2.1/1#2, un'unità 2.1 o REI1, "
        "una scheda SG, DIR-2, PO-0.1."
    ),
    parameters=[s.ExplainQuerySerializer],
    responses={200: ExplainResponseSerializer, **errors(400, *READ_ERRORS)},
)
class CycleExplain(JsonApiView):
    def get(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        query = s.ExplainQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = query.validated_data["code"].strip()
        try:
            if is_card_code(cycle, code) and code in hidden_card_keys(request.user, cycle):
                raise KeyError(code)  # a card the user may not read: as if it did not exist
            explanation = plan_score(request, cycle).explain(code)
        except (KeyError, StopIteration, ValueError):
            raise ApiError(
                status.HTTP_404_NOT_FOUND,
                "not_found",
                _("Nessuna cifra con il codice «%(code)s» nel ciclo %(year)s.")
                % {"code": code, "year": cycle.year},
                {"code": [_("Codice sconosciuto.")]},
            ) from None
        return Response({"code": code, "explanation": explanation.as_dict()})


# --- tokens ---------------------------------------------------------------------------


class TokenView(JsonApiView):
    """A new API token with username and password (replacing the old one); DELETE revokes it."""

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        tags=["autenticazione"],
        summary="Ottieni il tuo token",
        description=(
            "Con nome utente e password restituisce un token nuovo da inviare nell'intestazione "
            "`Authorization: Token <token>`: sostituisce quello dato prima (che smette di "
            "funzionare), scade dopo TRAGUARDO_API_TOKEN_DAYS giorni (`expires`) ed è revocato "
            "dal cambio della password. Traguardo ne conserva solo l'impronta: conservalo tu."
        ),
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer, **errors(400, 406, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        seconds = attempts.seconds_locked(username, request._request)
        if seconds:  # checked before the password: a locked username cannot probe it
            raise ApiError(
                status.HTTP_429_TOO_MANY_REQUESTS,
                "throttled",
                locked_message(seconds),
                wait=seconds,
            )
        user = authenticate(
            request._request, username=username, password=serializer.validated_data["password"]
        )
        if user is None or not user.is_active:
            message = _("Nome utente o password non corretti.")
            raise ApiError(status.HTTP_400_BAD_REQUEST, "invalid_credentials", message)
        attempts.succeeded(username, request._request)
        key, row = tokens.issue(user)
        return Response(
            {"token": key, "username": user.get_username(), "expires": row.expires_at.isoformat()}
        )

    @extend_schema(
        tags=["autenticazione"],
        summary="Revoca il tuo token",
        description="Il token attuale smette di funzionare; POST ne crea uno nuovo.",
        responses={204: OpenApiResponse(description="Token revocato."), **errors(401, 406)},
    )
    def delete(self, request: Request) -> Response:
        tokens.revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


__all__ = [
    "CycleDetail",
    "CycleExplain",
    "CycleIndicators",
    "CycleList",
    "CycleMeasurements",
    "CyclePeriods",
    "CycleScore",
    "CycleTree",
    "IndicatorDetail",
    "IndicatorMeasurements",
    "TokenView",
]
