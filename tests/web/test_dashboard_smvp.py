"""The dashboard follows the administration's SMVP: its name for the entity result, its
decimals, and the strategic and annual results when it scores them (Valdoria's plain means)
— and stays as it was for Treviso-Belluno."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.html import escape

from traguardo.demo.valdoria import CODE, load_valdoria
from traguardo.plans.smvp_settings import cycle_smvp
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db


def test_the_dashboard_of_an_smvp_that_scores_strategic_objectives() -> None:
    cycle, _created = load_valdoria(passwords=False)
    client = Client()
    client.force_login(get_user_model().objects.get(username="vald-ufficio"))
    html = client.get(f"/{CODE}/cruscotto/?anno={cycle.year}").content.decode()
    smvp = cycle_smvp(cycle)
    score = score_cycle(cycle)
    assert f">{escape(smvp.level('entity').label)}</h2>" in html
    strategic = score.levels["strategic"]
    assert f">{escape(smvp.level('strategic').label)}</h2>" in html
    for code, node in strategic.items():
        assert f"perche/OS-{code}/" in html
        assert escape(node.title) in html
    assert "Allegato B" not in re.sub(r"<[^>]+>", " ", html)


def test_the_demo_dashboard_keeps_its_wording(demo: object, client_as: object) -> None:
    html = client_as("ufficio").get("/cruscotto/").content.decode()  # type: ignore[operator]
    assert ">Performance dell&#x27;ente</h2>" in html or ">Performance dell'ente</h2>" in html
    assert 'data-level="strategic"' not in html
