""" "Why this number" is written in the reader's language: the core's explanations are
translated (core.i18n) and the scores are kept once per language. The Relazione, an
Italian document, keeps them Italian whoever generates it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from traguardo.plans.models import Cycle
from traguardo.reports.relazione.content import Builder

pytestmark = pytest.mark.django_db

WHY_B14 = "/risultati/2019/perche/B14/"


def _english(client: Client) -> Client:
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


def test_why_this_number_in_english_and_in_italian(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    italian = client_as("oiv")
    page = italian.get(WHY_B14).content.decode()
    assert "Grado di realizzazione — indicatore 14" in page
    assert "valore" in page
    english = _english(client_as("ufficio")).get(WHY_B14).content.decode()
    assert "Degree of achievement — indicator 14" in english
    assert "Grado di realizzazione" not in english
    # the Italian reader, after the English one, still reads Italian
    assert "Grado di realizzazione — indicatore 14" in italian.get(WHY_B14).content.decode()


def test_the_entity_explanation_speaks_english(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    page = _english(client_as("oiv")).get("/risultati/2019/perche/ENTE/").content.decode()
    assert "Entity performance 2019" in page
    assert "Performance di Ente 2019" not in page


def test_the_relazione_keeps_the_explanations_italian_for_an_english_user(demo: Cycle) -> None:
    with translation.override("en"):
        builder = Builder(demo)
    assert builder.score.entity.explanation.subject == "Performance di Ente 2019"
