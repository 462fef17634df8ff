"""Confirming an import never overwrites a value saved after its preview (issue 15, point 7).

The preview keeps the version of each value it would change; the confirmation compares
them and, if someone saved in between, reports the conflict and saves nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.exchange.helpers import make_xlsx
from tests.world import World
from traguardo.exchange.models import Upload
from traguardo.exchange.services import import_file
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import record_value


@pytest.fixture
def open_final(world: World) -> Period:
    Period.objects.filter(cycle=world.cycle, code="31.12").update(closed=False)
    return Period.objects.get(cycle=world.cycle, code="31.12")


def _file(value: str) -> bytes:
    return make_xlsx({"Valori": [["Codice", "Periodo", "Valore"], ["2.1/1#1", "31.12", value]]})


def _stored(world: World, period: Period) -> Measurement:
    return Measurement.objects.get(indicator=world.indicator("2.1/1", 1), period=period)


def test_a_value_saved_after_the_preview_is_reported_not_overwritten(
    world: World, open_final: Period, sign_in: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = sign_in("ufficio")
    url = reverse("exchange:import") + f"?anno={world.cycle.year}"
    response = client.post(url, {"file": SimpleUploadedFile("valori.xlsx", _file("130"))})
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.preview["totals"]["update"] == 1

    po = get_user_model().objects.get(username="po")
    version = _stored(world, open_final).version
    record_value(po, world.indicator("2.1/1", 1), open_final, "125", expected_version=version)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "failed"
    [issue] = upload.result["issues"]
    assert issue["row"] == 2 and issue["column"] == "Valore"
    assert "modificato da po dopo l'anteprima" in issue["message"] and "«125»" in issue["message"]
    assert _stored(world, open_final).text == "125"  # the PO's value stays


def test_a_confirmation_with_the_versions_of_its_preview_saves(
    world: World, open_final: Period
) -> None:
    office = get_user_model().objects.get(username="ufficio")
    preview = import_file("valori.xlsx", _file("130"), world.cycle, dry_run=True, user=office)
    key = f"{world.indicator('2.1/1', 1).pk}:{open_final.pk}"
    assert preview.seen == {key: _stored(world, open_final).version}
    saved = import_file(
        "valori.xlsx", _file("130"), world.cycle, dry_run=False, user=office, seen=preview.seen
    )
    assert saved.saved and _stored(world, open_final).text == "130"
    again = import_file(
        "valori.xlsx", _file("140"), world.cycle, dry_run=False, user=None, seen=preview.seen
    )
    assert not again.saved and "dopo l'anteprima" in again.issues[0].message
