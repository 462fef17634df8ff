"""The history page: members of the entity read it, others are sent away."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from traguardo.audit import recorder
from traguardo.audit.recorder import acting_as
from traguardo.individual.models import ReportCard
from traguardo.plans.models import Cycle, Indicator


def changed_indicator(demo: Cycle) -> Indicator:
    indicator = Indicator.objects.filter(entity_block__cycle=demo).order_by("pk").first()
    assert indicator is not None
    with acting_as(get_user_model().objects.get(username="ufficio")):
        indicator.weight = Decimal("42")
        recorder.save(indicator)
    return indicator


def test_anonymous_is_sent_to_the_login_page(demo: Cycle) -> None:
    indicator = changed_indicator(demo)
    response = Client().get(reverse("audit:history", args=["plans.indicator", indicator.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_member_sees_who_changed_what(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    indicator = changed_indicator(demo)
    url = reverse("audit:history", args=["plans.indicator", indicator.pk])
    response = client_as("po").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html and "ufficio" in html
    assert "42" in html and "Modifica" in html


def test_a_user_without_a_role_gets_403(demo: Cycle) -> None:
    indicator = changed_indicator(demo)
    get_user_model().objects.create_user("nessuno", password="x-secret-123")
    client = Client()
    client.login(username="nessuno", password="x-secret-123")
    response = client.get(reverse("audit:history", args=["plans.indicator", indicator.pk]))
    assert response.status_code == 403


def test_unknown_labels_and_items_are_404(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    client = client_as("ufficio")
    assert client.get(reverse("audit:history", args=["auth.user", 1])).status_code == 404
    assert client.get(reverse("audit:history", args=["plans.indicator", 10**9])).status_code == 404


def test_a_deleted_item_keeps_its_history(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    indicator = changed_indicator(demo)
    pk = indicator.pk
    recorder.delete(indicator)
    response = client_as("dirigente").get(reverse("audit:history", args=["plans.indicator", pk]))
    assert response.status_code == 200
    assert "Eliminazione" in response.content.decode()


def test_a_report_card_history_follows_the_card_privacy(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    card = ReportCard.objects.get(cycle=demo, key="SG")
    url = reverse("audit:history", args=["individual.reportcard", card.pk])
    assert client_as("po").get(url).status_code == 403
    assert client_as("oiv").get(url).status_code == 200


def test_the_template_tag_renders_the_same_list(demo: Cycle) -> None:
    indicator = changed_indicator(demo)
    html = Template("{% load audit %}{% audit_history obj %}").render(Context({"obj": indicator}))
    assert "Storico delle modifiche" in html
    assert "ufficio" in html and "<caption>" in html
