"""One JSON shape for every error of the API: ``{"error": {"code", "message", "fields"}}``.

Two places produce it: `exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) for
everything raised inside an API view, and `json_errors` (a middleware) for what happens
outside one under /api/ — an unknown URL (404) or an unexpected exception (500) — which
Django would otherwise answer with an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"

# Default code and message by status, for errors raised without a detail of their own.
DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("invalid", gettext_noop("Richiesta non valida.")),
    401: ("not_authenticated", gettext_noop("Autenticazione necessaria: invia un token o accedi.")),
    403: ("permission_denied", gettext_noop("Operazione non consentita al tuo ruolo.")),
    404: ("not_found", gettext_noop("Risorsa non trovata.")),
    405: ("method_not_allowed", gettext_noop("Metodo non consentito.")),
    406: ("not_acceptable", gettext_noop("Formato di risposta non disponibile.")),
    409: ("conflict", gettext_noop("La richiesta è in conflitto con lo stato della risorsa.")),
    415: (
        "unsupported_media_type",
        gettext_noop("Tipo di contenuto non supportato: usa application/json."),
    ),
    429: ("throttled", gettext_noop("Troppe richieste: riprova più tardi.")),
    500: ("server_error", gettext_noop("Errore interno del server: l'errore è stato registrato.")),
}


def default_for(status_code: int) -> tuple[str, str]:
    code, message = DEFAULTS.get(
        status_code, DEFAULTS[500] if status_code >= 500 else DEFAULTS[400]
    )
    return code, _(message)


def error_body(
    code: str, message: str, fields: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": dict(fields or {})}}


class ApiError(exceptions.APIException):
    """An error with its own status, code, message and (optionally) the fields concerned."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        fields: Mapping[str, list[str]] | None = None,
        *,
        wait: int | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.wait = wait  # seconds: DRF's handler sends it as Retry-After


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{"field": [messages]}``; nested fields joined with dots."""
    if isinstance(detail, Mapping):
        result: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" else "non_field_errors"
            result.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return result
    if isinstance(detail, Sequence) and not isinstance(detail, str):
        messages: list[str] = []
        nested: dict[str, list[str]] = {}
        for index, item in enumerate(detail):
            if isinstance(item, Mapping | list):
                nested.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                messages.append(str(item))
        if messages:
            nested[prefix or "non_field_errors"] = messages
        return nested
    return {prefix or "non_field_errors": [str(detail)]}


def _first_code(codes: Any) -> str | None:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, Mapping):
        for value in codes.values():
            found = _first_code(value)
            if found:
                return found
    if isinstance(codes, list):
        for value in codes:
            found = _first_code(value)
            if found:
                return found
    return None


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    fields = _flatten(exc.detail)
    if not fields:
        return error_body("invalid", _("Richiesta non valida."))
    name, messages = next(iter(fields.items()))
    message = messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}"
    return error_body("invalid", message, fields)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (which also turns Http404 and PermissionDenied into API errors),
    re-shaped into our error body. Unexpected exceptions are left to Django (→ 500,
    logged) and reshaped by `json_errors`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, ApiError):
        response.data = error_body(exc.code, exc.message, exc.fields)
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
        return response
    code = _first_code(exc.get_codes()) or default_for(response.status_code)[0]
    detail = exc.detail
    message = str(detail) if isinstance(detail, str) else default_for(response.status_code)[1]
    response.data = error_body(code, message)
    return response


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


def json_errors(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: under /api/, any error answered in HTML becomes the JSON error body."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= status.HTTP_400_BAD_REQUEST
            and not _is_json(response)
        ):
            code, message = default_for(response.status_code)
            if response.status_code == status.HTTP_404_NOT_FOUND:
                message = _("Nessuna risorsa dell'API a questo indirizzo: %(path)s") % {
                    "path": request.path
                }
            replaced = JsonResponse(error_body(code, message), status=response.status_code)
            for header in ("Allow", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response

    return middleware
