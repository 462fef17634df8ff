"""Writing monitoring values through the API: the web application's permissions, exactly.

PO-2.1 (`po`) enters values for sector 2.1's objectives; PO-3.1 (`po2`) does not see them
as theirs; the OIV reads but never writes; values go in only while the cycle is monitored
and the period is open.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.world import World
from traguardo.accounts import permissions
from traguardo.api import writes
from traguardo.monitoring import services
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, Indicator

from .conftest import assert_error

pytestmark = pytest.mark.django_db

Api = Callable[[str], APIClient]


@pytest.fixture
def open_final(world: World) -> Period:
    """The demo's periods are closed (the year is over): reopen 31.12 for entry."""
    Period.objects.filter(cycle=world.cycle, code="31.12").update(closed=False)
    return Period.objects.get(cycle=world.cycle, code="31.12")


@pytest.fixture
def sector_21(indicator_by_key: Callable[[str], Indicator]) -> Indicator:
    return indicator_by_key("2.1/1#1")


@pytest.fixture
def sector_31(indicator_by_key: Callable[[str], Indicator]) -> Indicator:
    return indicator_by_key("3.1/1#1")


def objective_permission(user: Any, indicator: Indicator, cycle: Cycle) -> bool:
    assert indicator.objective is not None
    return permissions.can_enter_value(user, indicator.objective, cycle)


def post(client: APIClient, indicator: Indicator, **data: Any) -> Any:
    """A write; without a `version` it is an explicit overwrite (the API refuses neither)."""
    payload = {"period": "31.12", "text": "54,47%", **data}
    if "version" not in payload:
        payload.setdefault("overwrite", True)
    return client.post(f"/api/v1/indicators/{indicator.pk}/measurements/", payload, format="json")


def test_po_corrects_a_value_of_their_sector(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    response = post(api_as("po"), sector_21, text="1.250", comment="Dato dal gestionale")
    assert response.status_code == 200, response.content  # replaced the demo's value
    body = response.json()
    assert (body["text"], body["number"], body["reading_kind"]) == (
        "1.250",
        "1250.000000",
        "number",
    )
    saved = Measurement.objects.get(indicator=sector_21, period=open_final)
    assert (saved.text, saved.comment) == ("1.250", "Dato dal gestionale")
    assert saved.entered_by == get_user_model().objects.get(username="po")
    assert body["entered_by"] == "po"


def test_a_new_value_answers_201(api_as: Api, open_final: Period, sector_21: Indicator) -> None:
    Measurement.objects.filter(indicator=sector_21, period=open_final).delete()
    response = post(api_as("po"), sector_21, text="SI")
    assert response.status_code == 201, response.content
    assert response.json()["reading_kind"] == "yes"
    assert Measurement.objects.get(indicator=sector_21, period=open_final).text == "SI"


def test_po_cannot_write_another_sector(
    api_as: Api, open_final: Period, sector_31: Indicator
) -> None:
    before = Measurement.objects.get(indicator=sector_31, period=open_final).text
    error = assert_error(post(api_as("po"), sector_31), 403, "forbidden")
    assert "non è di una tua unità" in error["message"]
    assert Measurement.objects.get(indicator=sector_31, period=open_final).text == before


def test_po2_writes_their_own_sector(api_as: Api, open_final: Period, sector_31: Indicator) -> None:
    assert post(api_as("po2"), sector_31, text="70").status_code == 200


def test_oiv_never_writes(api_as: Api, open_final: Period, sector_21: Indicator) -> None:
    assert_error(post(api_as("oiv"), sector_21), 403, "forbidden")


def test_anonymous_writes_are_401(world: World, open_final: Period, sector_21: Indicator) -> None:
    response = post(APIClient(), sector_21)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_closed_period_is_a_conflict(api_as: Api, world: World, sector_21: Indicator) -> None:
    before = Measurement.objects.get(indicator=sector_21, period__code="31.12").text
    error = assert_error(post(api_as("po"), sector_21), 409, "closed")
    assert "è chiuso" in error["message"]
    assert error["fields"] == {"period": [error["message"]]}
    assert Measurement.objects.get(indicator=sector_21, period__code="31.12").text == before


def test_cycle_not_in_monitoring_is_403(
    api_as: Api, world: World, open_final: Period, sector_21: Indicator
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state="closed")
    error = assert_error(post(api_as("po"), sector_21), 403, "forbidden")
    assert "monitoraggio" in error["message"]


def test_empty_value_is_refused_with_its_field(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    error = assert_error(post(api_as("po"), sector_21, text="  "), 400, "invalid")
    assert "Scrivi un valore" in error["fields"]["text"][0]


def test_missing_and_wrong_fields(api_as: Api, open_final: Period, sector_21: Indicator) -> None:
    client = api_as("po")
    url = f"/api/v1/indicators/{sector_21.pk}/measurements/"
    error = assert_error(client.post(url, {"text": "3"}, format="json"), 400, "invalid")
    assert set(error["fields"]) == {"period"}
    assert error["message"].startswith("period: ")
    wrong = assert_error(post(client, sector_21, period="15.08"), 400, "invalid")
    assert set(wrong["fields"]) == {"period"}


def test_too_large_a_number_is_refused_not_a_crash(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    error = assert_error(post(api_as("po"), sector_21, text="1" * 30), 400, "invalid")
    assert "troppo grande" in error["fields"]["text"][0]


def test_comment_is_saved_with_the_value(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    post(api_as("po"), sector_21, text="3", comment="Ritardo per la migrazione del gestionale")
    listed = api_as("po").get(f"/api/v1/indicators/{sector_21.pk}/measurements/").json()
    (final,) = [m for m in listed if m["period"] == "31.12"]
    assert final["comment"] == "Ritardo per la migrazione del gestionale"


def test_comment_alone_keeps_the_value(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    before = Measurement.objects.get(indicator=sector_21, period=open_final)
    response = api_as("po").post(
        f"/api/v1/indicators/{sector_21.pk}/measurements/",
        {"period": "31.12", "comment": "Verificato con l'ufficio", "version": before.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    after = Measurement.objects.get(indicator=sector_21, period=open_final)
    assert (after.text, after.number) == (before.text, before.number)
    assert after.comment == "Verificato con l'ufficio"
    Measurement.objects.filter(pk=after.pk).delete()
    error = assert_error(
        api_as("po").post(
            f"/api/v1/indicators/{sector_21.pk}/measurements/",
            {"period": "31.12", "comment": "Solo commento", "overwrite": True},
            format="json",
        ),
        400,
        "invalid",
    )
    assert "Nessun valore registrato" in error["fields"]["text"][0]


def test_session_writes_need_the_csrf_token(
    world: World, open_final: Period, sector_21: Indicator
) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="po", password="traguardo-demo")
    error = assert_error(post(client, sector_21), 403, "permission_denied")
    assert "CSRF" in error["message"]


# --- optional arguments of record_value (justification, version) -------------------------


def test_optional_fields_are_dropped_when_record_value_does_not_take_them() -> None:
    accepted = inspect.signature(services.record_value).parameters
    kwargs = writes.optional_kwargs({"justification": "Motivo", "version": 3})
    assert set(kwargs) == {"justification", "version", "expected_version"} & set(accepted)


def test_optional_fields_are_passed_when_record_value_takes_them(
    monkeypatch: pytest.MonkeyPatch, api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    calls: list[dict[str, Any]] = []
    original = services.record_value

    def extended(
        user: Any,
        indicator: Indicator,
        period: Period,
        text: str,
        *,
        comment: str = "",
        justification: str = "",
        expected_version: int | None = None,
    ) -> services.Recorded:
        calls.append({"justification": justification, "expected_version": expected_version})
        if expected_version is not None and expected_version != 7:
            raise services.ValueRefused(
                "Il valore è stato modificato da un altro utente.", field="version", code="conflict"
            )
        return original(user, indicator, period, text, comment=comment)

    monkeypatch.setattr(services, "record_value", extended)
    ok = post(api_as("po"), sector_21, justification="Sciopero", version=7)
    assert ok.status_code == 200, ok.content
    assert calls[-1] == {"justification": "Sciopero", "expected_version": 7}
    stale = post(api_as("po"), sector_21, version=6)
    error = assert_error(stale, 409, "conflict")
    assert error["fields"] == {"version": ["Il valore è stato modificato da un altro utente."]}


@pytest.mark.parametrize(
    ("username", "key", "allowed"),
    [
        ("po", "2.1/1#1", True),
        ("po", "3.1/1#1", False),
        ("po2", "2.1/1#1", False),
        ("po2", "3.1/1#1", True),
        ("dirigente", "2.1/1#1", True),
        ("dirigente", "3.1/1#1", False),
        ("ufficio", "2.1/1#1", True),
        ("ufficio", "3.1/1#1", True),
        ("oiv", "2.1/1#1", False),
        ("oiv", "3.1/1#1", False),
        ("segretario", "2.1/1#1", False),  # scope = the units the SG heads (see report)
        ("segretario", "3.1/1#1", False),
    ],
)
def test_permission_matrix_is_the_web_applications(
    api_as: Api,
    open_final: Period,
    indicator_by_key: Callable[[str], Indicator],
    username: str,
    key: str,
    allowed: bool,
) -> None:
    indicator = indicator_by_key(key)
    cycle = open_final.cycle
    user = get_user_model().objects.get(username=username)
    assert objective_permission(user, indicator, cycle) is allowed  # the web app's rule
    response = post(api_as(username), indicator, text="12")
    if allowed:
        assert response.status_code == 200, response.content
    else:
        assert_error(response, 403, "forbidden")


# --- lost values (issue 15, point 7) -------------------------------------------------------


def test_a_write_that_omits_the_comment_keeps_the_stored_one(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    Measurement.objects.filter(indicator=sector_21, period=open_final).update(
        comment="Fonte: gestionale"
    )
    version = Measurement.objects.get(indicator=sector_21, period=open_final).version
    response = post(api_as("po"), sector_21, text="130", version=version)
    assert response.status_code == 200, response.content
    saved = Measurement.objects.get(indicator=sector_21, period=open_final)
    assert (saved.text, saved.comment) == ("130", "Fonte: gestionale")
    cleared = post(api_as("po"), sector_21, text="130", comment="", version=saved.version)
    assert cleared.status_code == 200, cleared.content
    assert Measurement.objects.get(pk=saved.pk).comment == ""  # an empty one is sent: cleared


def test_a_write_without_version_is_refused_unless_it_says_overwrite(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    client = api_as("po")
    url = f"/api/v1/indicators/{sector_21.pk}/measurements/"
    error = assert_error(
        client.post(url, {"period": "31.12", "text": "130"}, format="json"),
        400,
        "version_required",
    )
    assert "version" in error["fields"] and "overwrite" in error["message"]
    assert Measurement.objects.get(indicator=sector_21, period=open_final).text == "120"
    response = client.post(
        url, {"period": "31.12", "text": "130", "overwrite": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Measurement.objects.get(indicator=sector_21, period=open_final).text == "130"


# --- values as numerator and denominator (issue 14) -------------------------------------


def test_a_ratio_is_written_with_its_terms_and_read_back(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    client = api_as("po")
    response = post(client, sector_21, text="", numerator="1.551", denominator=12.5)
    assert response.status_code == 200, response.content
    body = response.json()
    # Target ">= 100", not a percentage: the plain ratio, both terms returned.
    assert (body["text"], body["number"]) == ("124,08", "124.080000")
    assert (body["numerator"], body["denominator"]) == ("1551.000000", "12.500000")
    # A comment alone keeps the value and its terms.
    version = Measurement.objects.get(indicator=sector_21, period=open_final).version
    again = client.post(
        f"/api/v1/indicators/{sector_21.pk}/measurements/",
        {"period": "31.12", "comment": "Dal gestionale", "version": version},
        format="json",
    )
    assert again.status_code == 200, again.content
    saved = Measurement.objects.get(indicator=sector_21, period=open_final)
    assert saved.ratio_label == "1.551 / 12,5 = 124,08"
    assert saved.comment == "Dal gestionale"


def test_a_json_number_term_is_read_as_the_number_it_is(
    api_as: Api, open_final: Period, sector_21: Indicator
) -> None:
    response = post(api_as("po"), sector_21, numerator=1.551, denominator="1")
    assert response.status_code == 200, response.content
    assert response.json()["numerator"] == "1.551000"  # not 1551


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"numerator": "12", "denominator": "0"}, "denominator", "denominatore è zero"),
        ({"numerator": "12"}, "denominator", "scrivi anche il denominatore"),
        ({"numerator": "1,234.5", "denominator": "2"}, "numerator", "all'inglese"),
        ({"text": "12,21/13,06"}, "text", "è un rapporto"),
        ({"text": "\u20135"}, "text", "segno meno"),
        ({"text": "1e308"}, "text", "esponenziale"),
    ],
)
def test_bad_ratios_and_ambiguous_values_are_refused_with_their_field(
    api_as: Api,
    open_final: Period,
    sector_21: Indicator,
    data: dict[str, Any],
    field: str,
    says: str,
) -> None:
    before = Measurement.objects.get(indicator=sector_21, period=open_final).text
    error = assert_error(post(api_as("po"), sector_21, **data), 400)
    assert says in error["fields"][field][0]
    assert Measurement.objects.get(indicator=sector_21, period=open_final).text == before
