"""An API client signed in with a user's token, for every test that calls the API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from traguardo.api import tokens


def api_client(username: str) -> APIClient:
    """A client sending a new token of the user of that name ("" for anonymous)."""
    client = APIClient()
    if username:
        key, _row = tokens.issue(get_user_model().objects.get(username=username))
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
