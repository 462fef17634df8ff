"""Monitoring pages: who may read and write what, including crafted POSTs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, Indicator

Find = Callable[[str, int], Indicator]
ClientAs = Callable[[str], Client]


def page(indicator: Indicator) -> str:
    return reverse("monitoring:indicator", args=[indicator.pk])


def post_value(
    client: Client, indicator: Indicator, period: Period, text: str, **extra: str
) -> object:
    current = Measurement.objects.filter(indicator=indicator, period=period).first()
    data = {
        "action": "value",
        "period": str(period.pk),
        "text": text,
        "justification": "",
        "comment": "",
        "version": str(current.version if current else 0),
    }
    data.update(extra)
    return client.post(page(indicator), data)


def value(indicator: Indicator, period: Period) -> str:
    return Measurement.objects.get(indicator=indicator, period=period).text


@pytest.mark.parametrize(
    ("username", "objective", "allowed"),
    [
        ("po", "2.1/2", True),
        ("po", "3.1/1", False),  # sector 3.1 is not theirs
        ("po", "1.1/1", False),  # another area
        ("po2", "3.1/1", True),
        ("po2", "2.1/2", False),
        ("dirigente", "2.1/2", True),  # area 2
        ("dirigente", "3.1/1", False),
        ("ufficio", "3.1/1", True),
        ("oiv", "2.1/2", False),
    ],
)
def test_it_enforces_who_may_write_a_value(
    sign_in: ClientAs,
    final: Period,
    indicator: Find,
    username: str,
    objective: str,
    allowed: bool,
) -> None:
    target = indicator(objective, 1)
    before = value(target, final)
    response = post_value(sign_in(username), target, final, "99999")
    if allowed:
        assert response.status_code == 302
        assert value(target, final) == "99999"
    else:
        assert response.status_code == 403
        assert value(target, final) == before


def test_it_sends_anonymous_writers_to_the_login_page(
    client: Client, final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)
    response = post_value(client, target, final, "1")
    assert response.status_code == 302 and "/accesso/" in response["Location"]
    assert value(target, final) == "150"


def test_the_oiv_reads_the_indicator_page_without_a_form(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    response = sign_in("oiv").get(page(indicator("2.1/2", 1)))
    assert response.status_code == 200
    assert b'data-testid="value-form"' not in response.content
    assert b'data-testid="read-only"' in response.content


def test_a_closed_period_is_shown_read_only_and_refuses_posts(
    sign_in: ClientAs, world: World, indicator: Find
) -> None:
    final = Period.objects.get(cycle=world.cycle, code=Period.Code.FINAL)
    assert final.closed
    target = indicator("2.1/2", 1)
    client = sign_in("po")
    response = client.get(page(target) + f"?periodo={final.pk}")
    assert b'data-testid="value-form"' not in response.content
    assert "Il periodo è chiuso" in response.content.decode()
    response = post_value(client, target, final, "1", justification="x")
    assert response.status_code == 400
    assert "chiuso" in response.content.decode()
    assert value(target, final) == "150"


def test_the_form_explains_and_requires_the_justification(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)
    client = sign_in("po")
    assert (
        "la motivazione dello scostamento è obbligatoria"
        in client.get(page(target)).content.decode()
    )
    response = post_value(client, target, final, "120")
    assert response.status_code == 400
    assert "non raggiunge il target" in response.content.decode()
    assert value(target, final) == "150"


def test_saving_shows_the_scores_before_and_after(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)
    client = sign_in("po")
    response = post_value(client, target, final, "120", justification="Organico ridotto")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="impact"' in html
    # 2.1/2: indicator 1 goes 100% -> 80%, objective (two indicators, 50/50) 100% -> 90%.
    assert 'data-code="2.1/2"' in html
    row = html.split('data-code="2.1/2"', 1)[1].split("</tr>", 1)[0]
    assert "100,00%" in row and "90,00%" in row
    assert 'data-code="ENTE"' in html
    assert 'data-code="2.1"' in html


def test_two_users_cannot_overwrite_each_other(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 2)
    po, dirigente = sign_in("po"), sign_in("dirigente")
    loaded = Measurement.objects.get(indicator=target, period=final).version
    form = {"action": "value", "period": str(final.pk), "justification": "", "comment": ""}
    first = dirigente.post(page(target), {**form, "text": "170", "version": str(loaded)})
    assert first.status_code == 302
    second = po.post(page(target), {**form, "text": "130", "version": str(loaded)})
    assert second.status_code == 409
    html = second.content.decode()
    assert "dirigente" in html and "«170»" in html and "non è stato salvato" in html
    assert value(target, final) == "170"


def test_it_refuses_a_period_of_another_cycle_or_unknown(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    response = sign_in("po").post(
        page(indicator("2.1/2", 1)),
        {"action": "value", "period": "999999", "text": "1", "version": "0"},
    )
    assert response.status_code == 404


def test_the_todo_list_shows_each_owner_their_indicators(sign_in: ClientAs, final: Period) -> None:
    po = sign_in("po").get(reverse("monitoring:todo")).content.decode()
    assert "2.1/2" in po and "3.1/1" not in po
    po2 = sign_in("po2").get(reverse("monitoring:todo")).content.decode()
    assert "3.1/1" in po2 and "2.1/2" not in po2
    office = sign_in("ufficio").get(reverse("monitoring:todo")).content.decode()
    assert "3.1/1" in office and "2.1/2" in office and "Allegato B" in office


def test_anonymous_users_see_no_monitoring_page(client: Client, final: Period) -> None:
    for url in (reverse("monitoring:todo"), reverse("monitoring:periods")):
        response = client.get(url)
        assert response.status_code == 302 and "/accesso/" in response["Location"]


@pytest.mark.parametrize("username", ["po", "po2", "dirigente", "segretario", "oiv"])
def test_only_the_office_manages_campaigns(sign_in: ClientAs, final: Period, username: str) -> None:
    client = sign_in(username)
    assert client.get(reverse("monitoring:periods")).status_code == 403
    response = client.post(
        reverse("monitoring:periods"), {"action": "close", "period": str(final.pk)}
    )
    assert response.status_code == 403
    final.refresh_from_db()
    assert not final.closed


def test_the_interim_period_shows_its_own_scores(
    sign_in: ClientAs, world: World, indicator: Find
) -> None:
    interim = Period.objects.get(cycle=world.cycle, code=Period.Code.INTERIM)
    Period.objects.filter(pk=interim.pk).update(closed=False)
    target = indicator("2.1/2", 1)  # "= 150"; at 30.06 nothing is entered yet
    client = sign_in("po")
    response = post_value(client, target, interim, "75", justification="A metà anno")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    row = html.split('data-code="2.1/2#1"', 1)[1].split("</tr>", 1)[0]
    assert "50,00%" in row  # 75 / 150, at 30.06
    assert value(target, interim) == "75"
    assert value(target, Period.objects.get(cycle=world.cycle, code=Period.Code.FINAL)) == "150"


def _comment(client: Client, target: Indicator, period: Period, text: str) -> object:
    return client.post(page(target), {"action": "comment", "period": str(period.pk), "text": text})


def test_writers_comment_and_outsiders_do_not_see(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    from django.contrib.auth import get_user_model

    target = indicator("2.1/2", 1)
    assert _comment(sign_in("po"), target, final, "Fonte del dato?").status_code == 302
    assert "Fonte del dato?" in sign_in("oiv").get(page(target)).content.decode()
    stranger = get_user_model().objects.create_user("estraneo", password="x-Passw0rd-x")
    outsider = Client()
    outsider.force_login(stranger)
    assert outsider.get(page(target)).status_code == 403


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("po", True), ("dirigente", True), ("ufficio", True), ("po2", False), ("oiv", False)],
)
def test_only_who_may_enter_the_value_comments(
    sign_in: ClientAs, final: Period, indicator: Find, username: str, allowed: bool
) -> None:
    """Issue 15, point 11: the OIV never writes in monitoring; a colleague neither."""
    target = indicator("2.1/2", 1)
    client = sign_in(username)
    response = _comment(client, target, final, f"Commento di {username}")
    assert response.status_code == (302 if allowed else 403)
    assert target.comments.filter(text=f"Commento di {username}").exists() is allowed
    form = 'name="action" value="comment"' in client.get(page(target)).content.decode()
    assert form is allowed


def test_no_comment_on_a_closed_period_or_a_published_cycle(
    world: World, sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)
    client = sign_in("po")
    response = _comment(client, target, world.interim, "Tardi")  # the interim is closed
    assert response.status_code in (400, 403)
    assert not target.comments.exists()
    Period.objects.filter(pk=final.pk).update(closed=True)
    response = _comment(client, target, final, "Tardi")
    assert response.status_code in (400, 403)
    Period.objects.filter(pk=final.pk).update(closed=False)
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    assert _comment(sign_in("ufficio"), target, final, "Dopo").status_code == 403
    assert not target.comments.exists()


def test_the_comment_service_refuses_with_a_message(
    world: World, final: Period, indicator: Find
) -> None:
    from django.contrib.auth import get_user_model

    from traguardo.monitoring.services import ValueForbidden, ValueRefused, add_comment

    users = get_user_model().objects
    target = indicator("2.1/2", 1)
    with pytest.raises(ValueForbidden, match="commentare"):
        add_comment(users.get(username="oiv"), target, final, "x")
    with pytest.raises(ValueRefused, match="chiuso"):
        add_comment(users.get(username="po"), target, world.interim, "x")
    assert add_comment(users.get(username="po"), target, final, "ok").text == "ok"


def test_the_pages_speak_english(sign_in: ClientAs, final: Period, indicator: Find) -> None:
    client = sign_in("po")
    client.cookies["django_language"] = "en"
    assert "Monitoring: values to enter" in client.get(reverse("monitoring:todo")).content.decode()
    html = client.get(page(indicator("2.1/2", 1))).content.decode()
    assert "Save the value" in html and "Reason for the deviation" in html


def test_the_form_takes_a_ratio_and_the_page_shows_both_terms(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    from traguardo.plans.models import Target

    target = indicator("2.1/2", 1)
    Target.objects.filter(indicator=target).update(text="= 100%")
    client = sign_in("po")
    html = client.get(page(target)).content.decode()
    assert 'name="numerator"' in html and 'name="denominator"' in html
    response = post_value(
        client,
        target,
        final,
        "",
        numerator="12,21",
        denominator="13,06",
        justification="Due pratiche arrivate il 31.12",
    )
    assert response.status_code == 302
    assert value(target, final) == "93,491577%"
    html = client.get(page(target)).content.decode()
    assert "12,21 / 13,06 = 93,49%" in html
    # The form shows the terms again, for a correction.
    assert 'value="12,21"' in html and 'value="13,06"' in html


def test_the_form_refuses_a_zero_denominator_and_a_ratio_in_the_value_box(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)
    client = sign_in("po")
    response = post_value(client, target, final, "", numerator="12", denominator="0")
    assert response.status_code == 400
    assert "Il denominatore è zero" in response.content.decode()
    response = post_value(client, target, final, "12,21/13,06")
    assert response.status_code == 400
    assert "è un rapporto" in response.content.decode()
    response = post_value(client, target, final, "")
    assert response.status_code == 400
    assert value(target, final) == "150"
