"""Every administration in its own space: URLs under its code, and the header's switcher.

Two administrations built with factories: "tvbl" and "altro", each with a 2019 cycle whose
objective has a title of its own, so that a page shows whose plan it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories as f
from traguardo.accounts import current
from traguardo.accounts.models import Role
from traguardo.monitoring.models import Period
from traguardo.monitoring.reminders import send_reminders
from traguardo.organisation.codes import RESERVED, code_problem
from traguardo.plans.models import Cycle

pytestmark = pytest.mark.django_db


@dataclass
class Two:
    a: Cycle
    b: Cycle


def _plan(code: str, name: str, title: str, **fields: Any) -> Cycle:
    plan = f.small_plan(entity=f.EntityFactory(code=code, name=name), **fields)
    plan.objective.title = title
    plan.objective.save()
    return plan.cycle


@pytest.fixture
def two() -> Two:
    return Two(
        _plan("tvbl", "Camera di Commercio A", "Obiettivo della prima", state="published"),
        _plan("altro", "Camera di Commercio B", "Obiettivo della seconda", state="published"),
    )


def _office_of(*cycles: Cycle, username: str = "ufficio-due") -> Any:
    user = f.UserFactory(username=username)
    for cycle in cycles:
        f.grant(user, Role.PERFORMANCE_OFFICE, cycle.entity)
    return user


# --- URLs under the administration's code ------------------------------------------------


def test_a_prefixed_public_url_shows_that_administrations_results(two: Two) -> None:
    client = Client()
    first = client.get("/tvbl/risultati/2019/")
    second = client.get("/altro/risultati/2019/")
    assert first.status_code == second.status_code == 200
    assert first.context["cycle"] == two.a and second.context["cycle"] == two.b
    assert "Camera di Commercio A" in first.content.decode()
    assert "Camera di Commercio B" not in first.content.decode()
    assert "Camera di Commercio B" in second.content.decode()


def test_links_in_a_prefixed_page_carry_the_code_and_the_prefix_ends_with_the_request(
    two: Two,
) -> None:
    html = Client().get("/altro/risultati/2019/").content.decode()
    assert 'href="/altro/"' in html  # {% url 'web:home' %} in the breadcrumb
    assert 'action="/altro/i18n/setlang/"' in html
    assert 'href="/altro/risultati/2019/perche/' in html  # the figures' "why" links
    assert 'href="/tvbl/' not in html
    assert reverse("web:home") == "/"  # the code was this request's only


def test_a_cached_part_is_not_served_under_another_code(two: Two) -> None:
    client = Client()
    client.get("/altro/risultati/2019/")
    # Same cycle, no code (a member of "altro" reading it): links without the code.
    member = f.signed_in(_office_of(two.b, username="ufficio-altro"))
    html = member.get("/risultati/2019/").content.decode()
    assert 'href="/risultati/2019/perche/' in html
    assert "/altro/risultati/2019/perche/" not in html


def test_without_a_code_a_visitor_chooses_the_administration(two: Two) -> None:
    response = Client().get("/risultati/2019/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/tvbl/risultati/2019/"' in html
    assert 'href="/altro/risultati/2019/"' in html
    home = Client().get("/").content.decode()  # the published cycles, each under its code
    assert 'href="/tvbl/risultati/2019/"' in home and 'href="/altro/risultati/2019/"' in home
    only_b = Client().get("/altro/").content.decode()
    assert "Camera di Commercio B" in only_b and "Camera di Commercio A" not in only_b


def test_an_unpublished_cycle_of_a_code_is_not_shown_to_visitors(two: Two) -> None:
    Cycle.objects.filter(pk=two.b.pk).update(state=Cycle.State.MONITORING)
    assert Client().get("/altro/risultati/2019/").status_code == 404
    choice = Client().get("/risultati/2019/").content.decode()
    assert "/tvbl/risultati/2019/" in choice and "/altro/" not in choice


def test_an_unknown_code_is_a_404_and_the_bare_code_gets_its_slash(two: Two) -> None:
    assert Client().get("/nessuno/cruscotto/").status_code == 404
    response = Client().get("/altro")
    assert response.status_code == 301 and response["Location"] == "/altro/"


def test_a_member_of_another_administration_is_refused_its_staff_pages(two: Two) -> None:
    client = f.signed_in(_office_of(two.a))
    assert client.get("/altro/piano/").status_code == 403
    assert client.get("/altro/cruscotto/").status_code == 403
    assert client.get("/tvbl/piano/").status_code == 200
    # ... but reads its public pages like anyone
    public = client.get("/altro/risultati/2019/")
    assert public.status_code == 200 and public.context["cycle"] == two.b


def test_a_visitor_is_sent_to_sign_in_and_back_under_the_code(two: Two) -> None:
    response = Client().get("/altro/piano/")
    assert response.status_code == 302
    assert "next=/altro/piano/" in response["Location"]


def test_a_member_of_both_reads_each_plan_under_its_code(two: Two) -> None:
    client = f.signed_in(_office_of(two.a, two.b))
    assert "Obiettivo della prima" in client.get("/tvbl/piano/").content.decode()
    second = client.get("/altro/piano/").content.decode()
    assert "Obiettivo della seconda" in second and "Obiettivo della prima" not in second


# --- the header's switcher ------------------------------------------------------------------


def test_the_switcher_changes_what_the_dashboard_and_the_plan_show(two: Two) -> None:
    client = f.signed_in(_office_of(two.a, two.b))
    page = client.get("/cruscotto/")
    assert page.context["cycle"] == two.b  # no choice yet: the first by code, "altro"
    assert 'data-testid="entity-switch"' in page.content.decode()
    assert "Obiettivo della seconda" in client.get("/piano/").content.decode()
    switched = client.post(reverse("accounts:switch_entity"), {"ente": "tvbl", "pagina": "/piano/"})
    assert switched.status_code == 302 and switched["Location"] == "/tvbl/piano/"
    assert client.get("/cruscotto/").context["cycle"] == two.a
    plan = client.get("/piano/").content.decode()
    assert "Obiettivo della prima" in plan and "Obiettivo della seconda" not in plan
    # The URL's code wins over the choice.
    assert client.get("/altro/cruscotto/").context["cycle"] == two.b


def test_a_user_cannot_switch_to_an_administration_without_a_role(two: Two) -> None:
    third = _plan("terzo", "Camera di Commercio C", "Obiettivo della terza")
    client = f.signed_in(_office_of(two.b, third))
    refused = client.post(reverse("accounts:switch_entity"), {"ente": "tvbl"})
    assert refused.status_code == 403
    assert client.session.get(current.SESSION_KEY) is None
    assert client.get("/cruscotto/").context["cycle"] == two.b
    unknown = client.post(reverse("accounts:switch_entity"), {"ente": "nessuno"})
    assert unknown.status_code == 403
    assert client.post(reverse("accounts:switch_entity"), {"ente": ""}).status_code == 400
    assert Client().post(reverse("accounts:switch_entity"), {"ente": "tvbl"}).status_code == 302


def test_the_switcher_is_shown_only_with_more_than_one_administration(two: Two) -> None:
    html = f.signed_in(_office_of(two.a)).get("/cruscotto/").content.decode()
    assert 'data-testid="entity-switch"' not in html
    assert "Camera di Commercio A" in html  # the header names the administration


def test_a_switch_from_an_objects_page_lands_on_the_dashboard(two: Two) -> None:
    client = f.signed_in(_office_of(two.a, two.b))
    objective = two.a.operational_objectives.get()
    response = client.post(
        reverse("accounts:switch_entity"),
        {"ente": "altro", "pagina": reverse("web:objective", args=[objective.pk])},
    )
    assert response["Location"] == "/altro/cruscotto/"


# --- codes and URLs do not collide ---------------------------------------------------------


def _first_segments(patterns: list[Any], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver) and not route:
            found |= _first_segments(pattern.url_patterns, route)
        elif isinstance(pattern, URLResolver | URLPattern) and route:
            found.add(route.split("/", 1)[0].lstrip("^"))
    return found


def test_no_code_can_be_a_first_segment_of_the_applications_urls() -> None:
    segments = _first_segments(get_resolver().url_patterns) - {""}
    assert segments, "no URL found"
    assert segments <= RESERVED, f"add to organisation.codes.RESERVED: {segments - RESERVED}"
    assert code_problem("piano") is not None
    assert code_problem("tvbl") is None


def test_one_administration_keeps_todays_urls() -> None:
    cycle = _plan("tvbl", "Camera di Commercio A", "Obiettivo della prima", state="published")
    visitor = Client().get("/risultati/2019/")
    assert visitor.status_code == 200 and visitor.context["cycle"] == cycle
    assert 'href="/risultati/2019/"' in Client().get("/").content.decode()
    office = f.signed_in(_office_of(cycle))
    html = office.get("/cruscotto/").content.decode()
    assert 'data-testid="entity-switch"' not in html
    assert 'href="/piano/"' in html


def test_a_reminder_links_the_to_do_list_under_its_administrations_code(two: Two) -> None:
    Cycle.objects.filter(pk=two.b.pk).update(state=Cycle.State.MONITORING)
    deadline = datetime.date(2020, 1, 31)
    Period.objects.filter(cycle=two.b, code=Period.Code.FINAL).update(deadline=deadline)
    sector = two.b.operational_objectives.get().home_unit
    f.user_with_role(Role.PO, two.b.entity, unit=sector, email="po@altro.example")
    send_reminders(deadline, days=7, entity_code="altro")
    assert [m.to for m in mail.outbox] == [["po@altro.example"]]
    assert "/altro/monitoraggio/" in mail.outbox[0].body
