"""The application shell: login, menu by role, error pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from traguardo.accounts import permissions
from traguardo.accounts.models import Membership, Role
from traguardo.plans.models import Cycle

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login_from_the_dashboard(demo: Cycle) -> None:
    response = Client().get("/cruscotto/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accesso/entra/")


def test_each_demo_user_signs_in_and_sees_their_role(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    for username, label in [("ufficio", "Struttura tecnica"), ("oiv", "Organismo indipendente")]:
        page = client_as(username).get("/cruscotto/").content.decode()
        assert label in page


def test_the_menu_depends_on_the_role(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    public = Client().get("/").content.decode()
    assert "Cruscotto" not in public
    assert "Cruscotto" in client_as("po").get("/").content.decode()


def test_po_scope_is_the_units_they_head_and_their_offices(demo: Cycle) -> None:
    po = Membership.objects.get(user__username="po", role=Role.PO).user
    codes = set(
        demo.entity.units.filter(id__in=permissions.units_in_scope(po, demo)).values_list(
            "code", flat=True
        )
    )
    assert "2.1" in codes
    assert codes <= {c for c in codes if c.startswith("2.1")}
    assert "2.2" not in codes


def test_a_user_without_a_role_gets_a_clear_403(demo: Cycle, django_user_model: type) -> None:
    django_user_model.objects.create_user("estraneo", password="x-long-password-1")
    client = Client()
    client.login(username="estraneo", password="x-long-password-1")
    response = client.get("/cruscotto/")
    assert response.status_code == 403
    assert "non ha un ruolo" in response.content.decode()
