"""The footer pages (accessibility statement, privacy, legal notes, contacts) and the
menu grouped by phase (issue 16)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f
from traguardo.accounts.models import Role
from traguardo.web.context import menu_groups
from traguardo.web.models import SitePage, SitePageKind
from traguardo.web.sitepages import Block, blocks

pytestmark = pytest.mark.django_db


def test_a_page_without_a_text_of_its_own_shows_the_model_with_the_name() -> None:
    entity = f.EntityFactory(name="Comune di Prova")
    page = Client().get("/sito/accessibilita/").content.decode()
    assert "Comune di Prova si impegna a rendere il proprio sito web accessibile" in page
    assert '<h2 class="h4 mt-4">Stato di conformità</h2>' in page
    assert Client().get(f"/{entity.code}/sito/contatti/").status_code == 200
    assert Client().get("/sito/altro/").status_code == 404


def test_with_several_administrations_the_page_lists_each_ones() -> None:
    first = f.EntityFactory(name="Comune A")
    f.EntityFactory(name="Comune B")
    page = Client().get("/sito/privacy/").content.decode()
    assert f'href="/{first.code}/sito/privacy/"' in page


def test_the_office_saves_plain_text_and_the_others_cannot() -> None:
    entity = f.EntityFactory()
    office = f.signed_in(f.user_with_role(Role.PERFORMANCE_OFFICE, entity))
    po = f.signed_in(f.user_with_role(Role.PO, entity))
    url = "/sito/note-legali/modifica/"
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert po.post(url, {"text": "Mio"}).status_code == 403
    assert office.post(url, {"text": "   "}).status_code == 200  # refused: empty
    assert not SitePage.objects.exists()
    saved = office.post(url, {"text": "## Titolare\n<b>Ente</b> & co."})
    assert saved.status_code == 302
    page = SitePage.objects.get(entity=entity, kind=SitePageKind.LEGAL)
    assert page.text == "## Titolare\n<b>Ente</b> & co."
    html = Client().get("/sito/note-legali/").content.decode()
    assert "&lt;b&gt;Ente&lt;/b&gt; &amp; co." in html and "<b>Ente</b>" not in html


def test_the_text_becomes_headings_paragraphs_and_lists() -> None:
    text = "Intro\nsegue\n\n## Titolo\n- uno\n- due\nDopo"
    assert blocks(text) == [
        Block("p", ("Intro", "segue")),
        Block("h2", ("Titolo",)),
        Block("ul", ("uno", "due")),
        Block("p", ("Dopo",)),
    ]


def test_the_menu_groups_pages_by_phase() -> None:
    def item(name: str) -> dict[str, object]:
        return {"name": name, "url": f"/{name}/", "label": name, "active": name == "plans:states"}

    groups = menu_groups(
        [item(n) for n in ("web:dashboard", "plans:editor", "plans:states", "new:page")]
    )
    assert [g["key"] for g in groups] == ["overview", "plan", "new-page"]
    assert [len(g["items"]) for g in groups] == [1, 2, 1]
    assert [g["active"] for g in groups] == [False, True, False]
