"""The dirigente's validation (issue 16): the page shows what is validated (values below
target, values without documents), a validation can be undone while the period is open,
and a value can be sent back to its owner with a note, shown until a new value is saved."""

from __future__ import annotations

import html as html_lib
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.monitoring.models import Comment, Measurement, Period, UnitValidation
from traguardo.monitoring.services import record_value
from traguardo.monitoring.validation import (
    ValidationRefused,
    send_back,
    undo_validation,
    validate_unit,
)


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


@pytest.fixture
def open_final(world: World) -> Period:
    Period.objects.filter(pk=world.final.pk).update(closed=False)
    world.final.refresh_from_db()
    return world.final


def test_the_page_says_what_is_validated(world: World, open_final: Period, sign_in: Any) -> None:
    below = world.indicator("2.1/1", 1)  # target ">= 100"
    Measurement.objects.filter(indicator=below, period=open_final).update(text="80", number=80)
    url = reverse("monitoring:validate")
    page = sign_in("dirigente").get(url, {"period": open_final.pk, "unit": world.unit("2.1").pk})
    text = html_lib.unescape(page.content.decode())
    assert "1 valore è sotto il target: leggi la motivazione." in text
    values = Measurement.objects.filter(
        period=open_final, indicator__objective__home_unit__code="2.1"
    ).count()
    assert f"{values} valori non hanno documenti allegati." in text
    assert text.count("sotto il target</span>") == 1


def test_a_validation_is_undone_while_the_period_is_open(world: World, open_final: Period) -> None:
    dirigente = _user("dirigente")
    unit = world.unit("2.1")
    validation = validate_unit(dirigente, unit, open_final)
    confirmed = Measurement.objects.filter(validated_at=validation.at).count()
    assert confirmed == validation.count > 0
    assert undo_validation(dirigente, validation) == confirmed
    assert not Measurement.objects.filter(validated_at__isnull=False, period=open_final).exists()
    assert not UnitValidation.objects.filter(pk=validation.pk).exists()
    assert AuditEntry.objects.filter(
        model_label="monitoring.unitvalidation", action=AuditEntry.Action.DELETE
    ).exists()
    again = validate_unit(dirigente, unit, open_final)
    Period.objects.filter(pk=open_final.pk).update(closed=True)
    again.period.refresh_from_db()
    with pytest.raises(ValidationRefused, match="periodo è aperto"):
        undo_validation(dirigente, again)
    assert Measurement.objects.filter(validated_at=again.at).count() == again.count


def test_a_value_goes_back_to_its_owner_with_a_note(world: World, open_final: Period) -> None:
    indicator = world.indicator("2.1/1", 1)
    measurement = Measurement.objects.get(indicator=indicator, period=open_final)
    with pytest.raises(ValidationRefused, match="non è della tua area"):
        send_back(_user("po2"), measurement, "Controlla")
    with pytest.raises(ValidationRefused, match="Scrivi che cosa"):
        send_back(_user("dirigente"), measurement, "  ")
    send_back(_user("dirigente"), measurement, "La fonte dice 118, non 120.")
    measurement.refresh_from_db()
    assert measurement.returned_note == "La fonte dice 118, non 120."
    assert measurement.validated_at is None
    assert Comment.objects.filter(indicator=indicator, text__contains="118, non 120").exists()
    # A new value clears the note.
    record_value(_user("po"), indicator, open_final, "118", expected_version=measurement.version)
    measurement.refresh_from_db()
    assert (measurement.returned_note, measurement.returned_at) == ("", None)


def test_the_owner_reads_the_note_on_the_indicator_page(
    world: World, open_final: Period, sign_in: Any
) -> None:
    indicator = world.indicator("2.1/1", 1)
    measurement = Measurement.objects.get(indicator=indicator, period=open_final)
    send_back(_user("dirigente"), measurement, "La fonte dice 118, non 120.")
    page = sign_in("po").get(reverse("monitoring:indicator", args=[indicator.pk]))
    assert 'data-testid="returned-note"' in page.content.decode()
    assert "La fonte dice 118, non 120." in page.content.decode()


def test_the_owners_to_do_list_flags_the_value_sent_back(
    world: World, open_final: Period, sign_in: Any
) -> None:
    measurement = Measurement.objects.get(indicator=world.indicator("2.1/1", 1), period=open_final)
    send_back(_user("dirigente"), measurement, "Controlla la fonte")
    text = html_lib.unescape(sign_in("po").get(reverse("monitoring:todo")).content.decode())
    assert text.count('data-testid="returned"') == 1
    assert 'title="Controlla la fonte"' in text


def test_an_imported_value_clears_the_note_too(world: World, open_final: Period) -> None:
    """The bulk import writes what record_value writes: a new value ends the "sent back"."""
    from tests.exchange.helpers import make_xlsx
    from traguardo.exchange.codes import indicators_by_code
    from traguardo.exchange.services import import_file

    indicator = world.indicator("2.1/1", 1)
    measurement = Measurement.objects.get(indicator=indicator, period=open_final)
    send_back(_user("dirigente"), measurement, "Controlla la fonte")
    code = next(c for c, i in indicators_by_code(world.cycle).items() if i.pk == indicator.pk)
    data = make_xlsx({"Valori": [["Codice", "Periodo", "Valore"], [code, "31.12", "119"]]})
    result = import_file("valori.xlsx", data, world.cycle, dry_run=False, user=_user("po"))
    assert result.saved, result.issues[:3]
    measurement.refresh_from_db()
    assert (measurement.text, measurement.returned_note, measurement.returned_at) == (
        "119",
        "",
        None,
    )
