"""Hostile text in every document format: an objective title, an indicator name, a unit name
and a value's comment that carry markup come out as text in the pages, the Relazione (HTML,
PDF, DOCX, XLSX) and the open data, never as markup.

A PDF is drawn from HTML: text that was not escaped would lose its tags on the way, so the
PDF's text holding the tags proves they were escaped. A DOCX holds the text in w:t runs: the
tags must be text there, never elements of the document."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.world import World
from traguardo.monitoring.models import Comment
from traguardo.organisation.models import OrgUnit
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.reports.relazione.generate import generate

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(world: World) -> World:
    objective = world.objectives["2.1/1"]
    indicator = world.indicator("2.1/1", 1)
    OperationalObjective.objects.filter(pk=objective.pk).update(
        title=f"Sportello {SCRIPT} digitale"
    )
    Indicator.objects.filter(pk=indicator.pk).update(name=f"Pratiche {IMAGE} evase")
    OrgUnit.objects.filter(pk=world.unit("2.1").pk).update(name=f"Settore {SCRIPT} anagrafe")
    Comment.objects.create(indicator=indicator, period=world.final, text=f"Nota {SCRIPT}")
    versions.bump([world.cycle.pk])  # as a write service does: no score cached before counts
    return world


def _assert_escaped_html(html: str, where: str) -> None:
    assert SCRIPT not in html, f"{where}: the title's script tag is markup"
    assert IMAGE not in html, f"{where}: the indicator's img tag is markup"
    assert ESCAPED in html, f"{where}: the hostile text is not shown at all"


def test_the_pages_show_hostile_text_escaped(
    hostile: World, sign_in: Callable[[str], Client]
) -> None:
    office = sign_in("ufficio")
    year = hostile.cycle.year
    objective = hostile.objectives["2.1/1"]
    indicator = hostile.indicator("2.1/1", 1)
    pages = {
        "tree": f"{reverse('web:tree')}?anno={year}&ind=1",
        "objective": reverse("web:objective", args=[objective.pk]),
        "indicator": reverse("monitoring:indicator", args=[indicator.pk])
        + f"?periodo={hostile.final.pk}",
    }
    for name, url in pages.items():
        response = office.get(url)
        assert response.status_code == 200, (name, response.status_code)
        _assert_escaped_html(response.content.decode(), name)
    Cycle.objects.filter(pk=hostile.cycle.pk).update(state=Cycle.State.PUBLISHED)
    for name, url in {
        "public results": reverse("reports:results", args=[year]),
        "public why": reverse("reports:explain", args=[year, "2.1/1"]),
    }.items():
        response = Client().get(url)
        assert response.status_code == 200, (name, response.status_code)
        _assert_escaped_html(response.content.decode(), name)


@pytest.fixture
def documents(hostile: World) -> dict[str, bytes]:
    return {fmt: generate(hostile.cycle, fmt).content for fmt in ("html", "docx", "xlsx", "pdf")}


def test_the_relazione_keeps_hostile_text_as_text_in_every_format(
    documents: dict[str, bytes],
) -> None:
    _assert_escaped_html(documents["html"].decode(), "Relazione HTML")

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(documents["pdf"])).pages)
    assert SCRIPT in " ".join(text.split()).replace("> <", "><"), "PDF: the tags were lost"

    with zipfile.ZipFile(io.BytesIO(documents["docx"])) as docx:
        root = ElementTree.fromstring(docx.read("word/document.xml"))
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "img"}, tags & {"script", "img"}
    runs = "".join(element.text or "" for element in root.iter() if element.tag.endswith("}t"))
    assert SCRIPT in runs, "DOCX: the hostile text is not in the document's text"

    book = load_workbook(io.BytesIO(documents["xlsx"]), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert any(SCRIPT in cell for cell in cells), "XLSX: the hostile text is missing"


def test_the_open_data_carry_hostile_text_as_data(hostile: World) -> None:
    archive = zipfile.ZipFile(io.BytesIO(generate(hostile.cycle, "opendata").content))
    found: list[str] = []
    for name in archive.namelist():
        data = archive.read(name).decode("utf-8-sig")
        if name.endswith(".json"):
            loaded: Any = json.loads(data)  # valid JSON: the text did not break out
            if SCRIPT in json.dumps(loaded, ensure_ascii=False):
                found.append(name)
        elif name.endswith((".html", ".htm")):
            assert SCRIPT not in data, name
        elif SCRIPT in data:
            found.append(name)
    assert found, f"the hostile text is in none of {archive.namelist()}"
