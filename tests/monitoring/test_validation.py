"""A dirigente confirms the values of a unit of their area; a later change resets it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.monitoring.models import Measurement, Period, UnitValidation
from traguardo.plans.models import Indicator

ClientAs = Callable[[str], Client]
Find = Callable[[str, int], Indicator]
URL = reverse("monitoring:validate")


def test_the_dirigente_validates_a_unit_of_their_area(
    sign_in: ClientAs, world: World, final: Period, indicator: Find
) -> None:
    sector = world.unit("2.1")
    response = sign_in("dirigente").post(
        URL, {"period": final.pk, "unit": sector.pk, "confirm": "on"}
    )
    assert response.status_code == 302
    values = Measurement.objects.filter(period=final, indicator=indicator("2.1/2", 1))
    assert values.get().validated_by is not None
    assert UnitValidation.objects.get(unit=sector, period=final).count > 0
    page = sign_in("po").get(reverse("monitoring:indicator", args=[indicator("2.1/2", 1).pk]))
    assert "validato" in page.content.decode()


def test_a_later_change_resets_the_validation(
    sign_in: ClientAs, world: World, final: Period, indicator: Find
) -> None:
    sign_in("dirigente").post(
        URL, {"period": final.pk, "unit": world.unit("2.1").pk, "confirm": "on"}
    )
    target = indicator("2.1/2", 2)
    measurement = Measurement.objects.get(period=final, indicator=target)
    assert measurement.validated_at is not None
    sign_in("po").post(
        reverse("monitoring:indicator", args=[target.pk]),
        {
            "action": "value",
            "period": final.pk,
            "text": "150",
            "justification": "",
            "comment": "",
            "version": measurement.version,
        },
    )
    measurement.refresh_from_db()
    assert measurement.text == "150" and measurement.validated_at is None
    other = Measurement.objects.get(period=final, indicator=indicator("2.1/2", 1))
    assert other.validated_at is not None  # only the changed value lost it


def test_nobody_else_validates(sign_in: ClientAs, world: World, final: Period) -> None:
    for username, code in (("dirigente", "3.1"), ("po", "2.1"), ("oiv", "2.1"), ("po2", "3.1")):
        response = sign_in(username).post(
            URL, {"period": final.pk, "unit": world.unit(code).pk, "confirm": "on"}
        )
        assert response.status_code == 403, username
    assert not Measurement.objects.filter(period=final, validated_at__isnull=False).exists()


def test_the_sg_validates_any_unit(sign_in: ClientAs, world: World, final: Period) -> None:
    response = sign_in("segretario").post(
        URL, {"period": final.pk, "unit": world.unit("3.1").pk, "confirm": "on"}
    )
    assert response.status_code == 302
    assert UnitValidation.objects.filter(unit__code="3.1").exists()


def test_the_todo_list_offers_validation_to_the_dirigente(sign_in: ClientAs, final: Period) -> None:
    html = sign_in("dirigente").get(reverse("monitoring:todo")).content.decode()
    assert "Valida i valori di 2.1" in html and "Valida i valori di 3.1" not in html


def test_the_validation_shows_what_is_confirmed_and_needs_the_confirmation(
    sign_in: ClientAs, world: World, final: Period
) -> None:
    data = {"period": final.pk, "unit": world.unit("2.1").pk}
    client = sign_in("dirigente")
    page = client.get(URL, data).content.decode()
    assert "Confermi 4 valori non ancora validati" in page
    refused = client.post(URL, data)
    assert refused.status_code == 400 and "Spunta la conferma" in refused.content.decode()
    assert not Measurement.objects.filter(period=final, validated_at__isnull=False).exists()
    assert client.get(URL, {"period": final.pk, "unit": world.unit("3.1").pk}).status_code == 403
