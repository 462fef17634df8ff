"""A signed-in user's language choice is remembered (for e-mails) and follows them at login."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from traguardo.accounts.models import Preference
from traguardo.accounts.preferences import preferred_language


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_user("mrossi", "m.rossi@example.org", "x-Passw0rd-x")


def test_italian_until_the_user_chooses(user: User) -> None:
    assert preferred_language(user) == "it"
    assert not Preference.objects.exists()


def test_the_language_switch_remembers_a_signed_in_users_choice(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert preferred_language(user) == "en"
    client.post(reverse("set_language"), {"language": "it", "next": "/"})
    assert Preference.objects.get(user=user).language == "it"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # ignored
    assert Preference.objects.get(user=user).language == "it"


def test_anonymous_visitors_switch_without_a_record(db: None) -> None:
    response = Client().post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not Preference.objects.exists()


def test_the_chosen_language_follows_the_user_at_login(user: User) -> None:
    Preference.objects.create(user=user, language="en")
    response = Client().post(
        reverse("accounts:login"), {"username": "mrossi", "password": "x-Passw0rd-x"}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
