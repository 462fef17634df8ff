"""Issue, check and revoke API tokens (hashed at rest, see models.ApiToken).

Web (POST /api/v1/token/), command line (`api_token`) and the password-change signal call
these functions. The token itself is shown once, when issued.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from traguardo.api.models import ApiToken

DEFAULT_DAYS = 90


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "TRAGUARDO_API_TOKEN_DAYS", 90)))


@transaction.atomic
def issue(user: Any) -> tuple[str, ApiToken]:
    """A new token for `user`, replacing any earlier one (rotation). Returns the token, which
    is not stored anywhere, and its row."""
    ApiToken.objects.filter(user=user).delete()
    key = secrets.token_hex(20)
    now = timezone.now()
    row = ApiToken.objects.create(
        user=user, digest=digest(key), prefix=key[:8], created_at=now, expires_at=now + lifetime()
    )
    return key, row


def revoke(user: Any) -> int:
    """Delete the user's tokens; how many there were."""
    count, _detail = ApiToken.objects.filter(user=user).delete()
    return count


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`, looked up by its SHA-256 digest."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        row = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        if row is None:
            raise AuthenticationFailed(_("Token non valido."))
        now = timezone.now()
        if row.expires_at <= now:
            raise AuthenticationFailed(
                _("Token scaduto: chiedine uno nuovo con POST /api/v1/token/.")
            )
        if not row.user.is_active:
            raise AuthenticationFailed(_("Utente disattivato."))
        if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row


def revoke_on_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of the user model: a new password revokes the API tokens (the old password
    may have been what leaked)."""
    if instance.pk is None or kwargs.get("raw"):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and "password" not in fields:
        return  # e.g. last_login at each sign-in: no query
    old = type(instance).objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        revoke(instance)
