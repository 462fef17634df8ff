"""A dirigente confirms the values of a unit of their area; a later change resets it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from traguardo.monitoring.models import Measurement, Period, UnitValidation
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, Indicator

ClientAs = Callable[[str], Client]
Find = Callable[[str, int], Indicator]
URL = reverse("monitoring:validate")


def unit(demo: Cycle, code: str) -> OrgUnit:
    return OrgUnit.objects.get(entity=demo.entity, code=code)


def test_the_dirigente_validates_a_unit_of_their_area(
    client_as: ClientAs, demo: Cycle, final: Period, indicator: Find
) -> None:
    sector = unit(demo, "2.1")
    response = client_as("dirigente").post(URL, {"period": final.pk, "unit": sector.pk})
    assert response.status_code == 302
    values = Measurement.objects.filter(period=final, indicator=indicator("2.1/2", 1))
    assert values.get().validated_by is not None
    assert UnitValidation.objects.get(unit=sector, period=final).count > 0
    page = client_as("po").get(reverse("monitoring:indicator", args=[indicator("2.1/2", 1).pk]))
    assert "validato" in page.content.decode()


def test_a_later_change_resets_the_validation(
    client_as: ClientAs, demo: Cycle, final: Period, indicator: Find
) -> None:
    client_as("dirigente").post(URL, {"period": final.pk, "unit": unit(demo, "2.1").pk})
    target = indicator("2.1/2", 2)
    measurement = Measurement.objects.get(period=final, indicator=target)
    assert measurement.validated_at is not None
    client_as("po").post(
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


def test_nobody_else_validates(client_as: ClientAs, demo: Cycle, final: Period) -> None:
    for username, code in (("dirigente", "3.1"), ("po", "2.1"), ("oiv", "2.1"), ("po2", "3.1")):
        response = client_as(username).post(URL, {"period": final.pk, "unit": unit(demo, code).pk})
        assert response.status_code == 403, username
    assert not Measurement.objects.filter(period=final, validated_at__isnull=False).exists()


def test_the_sg_validates_any_unit(client_as: ClientAs, demo: Cycle, final: Period) -> None:
    response = client_as("segretario").post(URL, {"period": final.pk, "unit": unit(demo, "3.1").pk})
    assert response.status_code == 302
    assert UnitValidation.objects.filter(unit__code="3.1").exists()


def test_the_todo_list_offers_validation_to_the_dirigente(
    client_as: ClientAs, final: Period
) -> None:
    html = client_as("dirigente").get(reverse("monitoring:todo")).content.decode()
    assert "Valida i valori di 2.1" in html and "Valida i valori di 3.1" not in html
