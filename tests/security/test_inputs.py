"""Free text at every way in has a length limit, in the web as in the API (issue 15, 13).

The API's serializers cap comments and justifications at 5000 characters; the forms of
the pages had no limit at all. Every form's free-text field is found from the code, so a
new form without a limit fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model

import traguardo
from django import forms
from tests.world import World
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import ValueRefused, record_value

# The sign-in's: Django sets the username's length from the user model when the form is
# made; a password is checked, never stored as typed.
EXEMPT = {"username", "password"}


def _forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module in pkgutil.walk_packages(traguardo.__path__, "traguardo."):
        if ".migrations" in module.name or ".management" in module.name:
            continue
        try:
            loaded = importlib.import_module(module.name)
        except ImportError:  # optional extras (PDF, tasks) absent in this environment
            continue
        for obj in vars(loaded).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__.startswith("traguardo.")
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


def test_the_forms_are_found() -> None:
    names = {form.__name__ for form in _forms()}
    assert {"ValueForm", "IndicatorForm", "ObjectiveForm", "DecisionForm"} <= names


def test_every_free_text_field_of_every_form_has_a_length_limit() -> None:
    unlimited = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.HiddenInput)
        and field.max_length is None
        and name not in EXEMPT
    ]
    assert unlimited == []


@pytest.fixture
def open_final(world: World) -> Period:
    Period.objects.filter(cycle=world.cycle, code="31.12").update(closed=False)
    return Period.objects.get(cycle=world.cycle, code="31.12")


def test_the_value_form_refuses_a_comment_longer_than_the_api_does(
    world: World, open_final: Period, sign_in: Any
) -> None:
    indicator = world.indicator("2.1/1", 1)
    response = sign_in("po").post(
        f"/monitoraggio/indicatore/{indicator.pk}/?periodo={open_final.pk}",
        {
            "action": "value",
            "text": "130",
            "justification": "",
            "comment": "x" * (TEXT_MAX_LENGTH + 1),
            "version": "1",
        },
    )
    assert response.status_code == 400
    assert Measurement.objects.get(indicator=indicator, period=open_final).text == "120"


def test_the_service_refuses_overlong_texts_for_imports_too(
    world: World, open_final: Period
) -> None:
    po = get_user_model().objects.get(username="po")
    indicator = world.indicator("2.1/1", 1)
    with pytest.raises(ValueRefused, match="5000"):
        record_value(po, indicator, open_final, "130", comment="x" * (TEXT_MAX_LENGTH + 1))
    with pytest.raises(ValueRefused, match="500"):
        record_value(po, indicator, open_final, "1" + " e" * 300)


def test_a_relazione_section_longer_than_the_limit_is_refused_not_cut(
    world: World, sign_in: Any
) -> None:
    from traguardo.reports.models import Narrative
    from traguardo.reports.relazione_views import NARRATIVE_MAX_LENGTH

    section = Narrative.Section.values[0]
    response = sign_in("ufficio").post(
        f"/relazione/{world.cycle.year}/testi/",
        {"section": section, "html": "<p>" + "x" * NARRATIVE_MAX_LENGTH + "</p>"},
    )
    assert response.status_code == 400
    assert "Testo troppo lungo" in response.content.decode()
    assert not Narrative.objects.filter(cycle=world.cycle, section=section).exists()


def test_a_card_note_longer_than_the_limit_is_refused_not_cut(world: World, sign_in: Any) -> None:
    from traguardo.card_pages.views import CARD_NOTE_MAX_LENGTH
    from traguardo.individual.models import CardEvent, ReportCard

    card = ReportCard.objects.get(cycle=world.cycle, key="PO-2.1")
    response = sign_in("po").post(
        f"/schede/{card.pk}/",
        {"step": "acknowledge_objectives", "note": "x" * (CARD_NOTE_MAX_LENGTH + 1)},
        follow=True,
    )
    assert "Nota troppo lunga" in response.content.decode()
    assert not CardEvent.objects.filter(card=card).exists()
