"""API endpoints that act on a cycle: change its state, open and close a plan revision.

They call the same services as the web pages and the command line
(`scoring.lifecycle.change_state`, `plans.revisions`), so the rules, the audit entries,
the score snapshot taken on closing and the bump of the cycle's data version are the same
whichever way the office works.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from traguardo.accounts import permissions
from traguardo.api import serializers as s
from traguardo.api.errors import ApiError
from traguardo.api.views import JsonApiView, errors
from traguardo.plans import editing, states
from traguardo.plans import revisions as plan_revisions
from traguardo.plans.models import Cycle, Revision
from traguardo.scoring import lifecycle


class StateChangeSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=Cycle.State.choices, help_text="Il nuovo stato.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Nota; per tornare indietro (chiuso → monitoraggio) è la motivazione.",
    )
    override = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Procede nonostante gli impedimenti elencati (serve `reason`).",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Perché si procede nonostante gli impedimenti: resta nello storico.",
    )


class TransitionSerializer(serializers.Serializer[Any]):
    previous = serializers.CharField(help_text="Lo stato di prima.")
    target = serializers.CharField(help_text="Lo stato raggiunto.")
    note = serializers.CharField()
    at = serializers.DateTimeField()
    cycle = s.CycleSerializer()


class RevisionOpenSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, help_text="Perché si rivede il piano.")
    act_body = serializers.CharField(required=False, allow_blank=True, max_length=200)
    act_type = serializers.CharField(required=False, allow_blank=True, max_length=100)
    act_number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    act_date = serializers.DateField(required=False, allow_null=True)


class RevisionSerializer(serializers.Serializer[Any]):
    # Declared field by field: a ModelSerializer takes the integers' bounds from the
    # database backend, and the committed schema must be the same on SQLite and PostgreSQL.
    number = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    opened_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    variations_count = serializers.IntegerField(read_only=True)


def _refused(message: str) -> ApiError:
    """The service's refusal when the cycle's state is the obstacle (a step not allowed
    from here, an open revision, a published plan): 409, the message says which."""
    return ApiError(status.HTTP_409_CONFLICT, "conflict", message)


def _not_allowed(message: str) -> ApiError:
    return ApiError(status.HTTP_403_FORBIDDEN, "permission_denied", message)


def _check_plan_role(user: Any, cycle: Cycle) -> None:
    """403 for who may never change this plan (role, administration), before the service
    answers 409 for what the cycle's state forbids."""
    if not permissions.has_role(user, permissions.Role.PERFORMANCE_OFFICE):
        raise _not_allowed(
            _("Solo la struttura tecnica permanente (ufficio performance) modifica il piano.")
        )
    if not permissions.can_view_plan(user, cycle):
        raise _not_allowed(_("Non fai parte dell'ente di questo ciclo."))


class CycleState(JsonApiView):
    @extend_schema(
        tags=["cicli"],
        summary="Cambia lo stato del ciclo",
        description=(
            "Lo stesso passaggio della pagina «Stato del ciclo» e del comando `traguardo "
            "cycle-state`: solo il ruolo che la regola prevede (403), solo tra stati "
            "consecutivi e senza revisioni aperte (409, il messaggio dice perché). Con "
            "impedimenti (campagne aperte, valori mancanti o non validati, controlli OIV "
            "aperti, testi non scritti) risponde 409 `blocked` e li elenca in "
            "`fields.blockers`: si procede solo con `override` e una `reason`, che restano "
            "nello storico. Entrando in «chiuso» il ciclo conserva i suoi punteggi "
            "(istantanea). La validazione si registra con la decisione dell'OIV."
        ),
        request=StateChangeSerializer,
        responses={200: TransitionSerializer, **errors(400, 401, 403, 404, 409, 415)},
        examples=[
            OpenApiExample(
                "Chiusura", value={"target": "closed", "note": "Consuntivo"}, request_only=True
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        payload = StateChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        target = data["target"]
        role = permissions.TRANSITIONS.get((cycle.state, target))
        if role is not None and not permissions.has_role_in(request.user, cycle.entity_id, role):
            raise _not_allowed(_("Il tuo ruolo non consente questo passaggio di stato."))
        if target == Cycle.State.VALIDATED:
            # The OIV validates by recording its decision (the documento di validazione).
            raise _refused(_("La validazione si registra con la decisione dell'OIV."))
        try:
            record = lifecycle.change_state(
                request.user,
                cycle,
                target,
                data.get("note", ""),
                override=data["override"],
                reason=data.get("reason", ""),
            )
        except states.TransitionBlocked as blocked:
            raise ApiError(
                status.HTTP_409_CONFLICT,
                "blocked",
                blocked.message,
                {"blockers": [b.message for b in blocked.blockers]},
            ) from None
        except lifecycle.TransitionRefused as refusal:
            raise _refused(refusal.message) from None
        cycle.refresh_from_db()
        data = {
            "previous": record.source,
            "target": record.target,
            "note": record.note,
            "at": record.at,
            "cycle": cycle,
        }
        return Response(TransitionSerializer(data, context={"request": request}).data)


class CycleRevisions(JsonApiView):
    @extend_schema(
        tags=["cicli"],
        summary="Revisioni del piano",
        description="Le revisioni del piano del ciclo, dalla prima; `is_open` per quella aperta.",
        responses={200: RevisionSerializer(many=True), **errors(401, 403, 404, 406)},
    )
    def get(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        rows = Revision.objects.filter(cycle=cycle).order_by("number")
        return Response(RevisionSerializer(rows, many=True).data)

    @extend_schema(
        tags=["cicli"],
        summary="Apri una revisione del piano",
        description=(
            "Come «Apri revisione» nell'editor del piano e `traguardo revision open`: solo "
            "l'ufficio performance, solo a piano approvato e senza un'altra revisione aperta."
        ),
        request=RevisionOpenSerializer,
        responses={201: RevisionSerializer, **errors(400, 401, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        _check_plan_role(request.user, cycle)
        payload = RevisionOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            revision = plan_revisions.open_revision(
                request.user,
                cycle,
                reason=data["reason"],
                act_body=data.get("act_body", ""),
                act_type=data.get("act_type", ""),
                act_number=data.get("act_number", ""),
                act_date=data.get("act_date"),
            )
        except editing.EditRefused as refusal:
            raise _refused(refusal.message) from None
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class CycleRevisionClose(JsonApiView):
    @extend_schema(
        tags=["cicli"],
        summary="Chiudi la revisione aperta",
        description="Come «Chiudi revisione» e `traguardo revision close`.",
        request=None,
        responses={200: RevisionSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        cycle = self.load_cycle(request, pk)
        _check_plan_role(request.user, cycle)
        try:
            revision = plan_revisions.close_revision(request.user, cycle)
        except editing.EditRefused as refusal:
            raise _refused(refusal.message) from None
        return Response(RevisionSerializer(revision).data)
