"""Amministrazione trasparente > Performance: a citizen reaches, without signing in, every
document of a published cycle (Piano, Relazione, the OIV's validation document, premi, open
data), and nothing of a cycle that is not published (issue 16)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from tests.world import World
from traguardo.oiv.models import ValidationDecision
from traguardo.plans.models import Cycle, Publication
from traguardo.reports.models import ReportJob
from traguardo.rewards.models import Beneficiary, Fund

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _job(cycle: Cycle, fmt: str, content: bytes, finished: datetime.datetime) -> ReportJob:
    return ReportJob.objects.create(
        cycle=cycle,
        format=fmt,
        status=ReportJob.Status.DONE,
        finished_at=finished,
        size=len(content),
        file=ContentFile(content, name=f"relazione.{'zip' if fmt == 'opendata' else fmt}"),
    )


@pytest.fixture
def published(world: World, settings: Any, tmp_path: Any) -> Cycle:
    """The world's cycle validated by the OIV (with its signed PDF), its Relazione generated
    as PDF and DOCX, then published; a fund of 5 beneficiaries."""
    settings.MEDIA_ROOT = str(tmp_path)
    cycle = world.cycle
    now = timezone.now()
    _job(cycle, "pdf", PDF, now - datetime.timedelta(days=2))
    _job(cycle, "docx", b"PK docx", now - datetime.timedelta(days=2))
    ValidationDecision.objects.create(
        cycle=cycle,
        outcome=ValidationDecision.Outcome.VALIDATED,
        date=datetime.date(2020, 6, 10),
        document=ContentFile(PDF, name="validazione.pdf"),
    )
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.PUBLISHED)
    Publication.objects.create(cycle=cycle, number=1, published_at=now - datetime.timedelta(days=1))
    fund = Fund.objects.create(
        cycle=cycle, base_amount=Decimal("10000.00"), coefficients={"C": "1", "D": "1.2"}
    )
    for n, (category, score) in enumerate(
        [("C", "98"), ("C", "90"), ("C", "75"), ("C", "60"), ("D", "99")]
    ):
        Beneficiary.objects.create(
            fund=fund, code=f"M{n}", category=category, score=Decimal(score), presence=1
        )
    cycle.refresh_from_db()
    return cycle


def _links(html: str) -> dict[str, str]:
    """data-testid -> href of every document link on the page."""
    found = re.findall(r'<a href="([^"]+)" data-testid="(doc-[\w-]+)"', html)
    return {testid: href for href, testid in found}


def test_a_citizen_downloads_every_document_of_a_published_cycle(published: Cycle) -> None:
    citizen = Client()
    code = published.entity.code
    listing = citizen.get(f"/{code}/trasparenza/")
    assert listing.status_code == 200
    assert f"/{code}/trasparenza/{published.year}/" in listing.content.decode()

    page = citizen.get(f"/{code}/trasparenza/{published.year}/")
    assert page.status_code == 200
    links = _links(page.content.decode())
    expected = {
        "doc-plan",
        "doc-relazione-pdf",
        "doc-relazione-docx",
        "doc-validation",
        "doc-rewards",
        "doc-opendata",
    }
    assert set(links) == expected

    got = {testid: citizen.get(href) for testid, href in links.items()}
    for testid, response in got.items():
        assert response.status_code == 200, testid
        assert response["Content-Disposition"].startswith("attachment"), testid
    body = {k: b"".join(r.streaming_content) if r.streaming else r.content for k, r in got.items()}
    assert body["doc-relazione-pdf"] == PDF
    assert body["doc-validation"] == PDF
    assert zipfile.ZipFile(io.BytesIO(body["doc-opendata"])).namelist()

    plan = list(csv.DictReader(io.StringIO(body["doc-plan"].decode("utf-8-sig"))))
    assert {row["obiettivo_operativo"] for row in plan} >= {"2.1/1", "2.1/2", "3.1/1"}
    row = next(r for r in plan if r["obiettivo_operativo"] == "2.1/2" and ">" in r["target"])
    assert row["target"] == "2019: > 100" and row["peso"] == "50"

    rewards = list(csv.reader(io.StringIO(body["doc-rewards"].decode("utf-8-sig"))))
    amounts = {r[1]: r[6] for r in rewards[1:] if r[1].startswith("premi_")}
    assert amounts["premi_stanziati"] == "10000.00"
    assert Decimal(amounts["premi_distribuiti"]) == Decimal("10000.00")


def test_groups_too_small_to_be_anonymous_show_no_bands(published: Cycle) -> None:
    html = Client().get(f"/{published.entity.code}/trasparenza/{published.year}/")
    text = html.content.decode()
    # Category C has 4 people: its bands are shown; category D has one: never apart.
    assert re.search(r"Categoria C</th><td>4</td>\s*<td>Eccellente: 1", text)
    assert re.search(r"Categoria D</th><td>1</td>\s*<td>non indicato: meno di 3 persone", text)


@pytest.mark.parametrize(
    "state", [Cycle.State.MONITORING, Cycle.State.CLOSED, Cycle.State.VALIDATED]
)
def test_nothing_of_a_cycle_not_published(published: Cycle, state: str, sign_in: Any) -> None:
    Cycle.objects.filter(pk=published.pk).update(state=state)
    code, year = published.entity.code, published.year
    job = ReportJob.objects.filter(cycle=published, format="pdf").get()
    urls = [
        f"/{code}/trasparenza/{year}/",
        f"/{code}/trasparenza/{year}/relazione/{job.pk}/",
        f"/{code}/trasparenza/{year}/validazione-oiv.pdf",
        f"/{code}/trasparenza/{year}/piano.csv",
        f"/{code}/trasparenza/{year}/premi.csv",
        f"/{code}/trasparenza/{year}/open-data.zip",
    ]
    for client in (Client(), sign_in("ufficio")):  # the office too: this is the public copy
        assert [client.get(url).status_code for url in urls] == [404] * len(urls)
        listing = client.get(f"/{code}/trasparenza/").content.decode()
        assert f"/trasparenza/{year}/" not in listing


def test_a_file_of_a_correction_in_preparation_is_not_public_until_published(
    published: Cycle,
) -> None:
    code, year = published.entity.code, published.year
    first = ReportJob.objects.get(cycle=published, format="pdf")
    later = _job(published, "pdf", PDF + b"v2", timezone.now())
    citizen = Client()
    assert citizen.get(f"/{code}/trasparenza/{year}/relazione/{later.pk}/").status_code == 404
    assert citizen.get(f"/{code}/trasparenza/{year}/relazione/{first.pk}/").status_code == 200

    # The correction is published: version 2 is in force with the new file, version 1 stays
    # listed, superseded, with its own file.
    Publication.objects.filter(cycle=published, number=1).update(superseded_at=timezone.now())
    Publication.objects.create(
        cycle=published,
        number=2,
        published_at=timezone.now() + datetime.timedelta(seconds=1),
        reason="Refuso nella tabella 3",
    )
    page = citizen.get(f"/{code}/trasparenza/{year}/").content.decode()
    assert f"/relazione/{later.pk}/" in page and f"/relazione/{first.pk}/" in page
    assert "Refuso nella tabella 3" in page
    assert citizen.get(f"/{code}/trasparenza/{year}/relazione/{later.pk}/").status_code == 200


def test_another_administrations_code_shows_none_of_these_documents(
    published: Cycle,
) -> None:
    from tests import factories as f

    other = f.CycleFactory(entity=f.EntityFactory(name="Comune di Esempio", short_name="CE"))
    code, year = other.entity.code, published.year
    job = ReportJob.objects.filter(cycle=published, format="pdf").get()
    citizen = Client()
    assert citizen.get(f"/{code}/trasparenza/{year}/").status_code == 404
    assert citizen.get(f"/{code}/trasparenza/{year}/relazione/{job.pk}/").status_code == 404
    assert citizen.get(f"/{code}/trasparenza/{year}/validazione-oiv.pdf").status_code == 404
    # Without a code, with two administrations: the list of those with something published.
    choose = citizen.get("/trasparenza/").content.decode()
    assert published.entity.name in choose and "Comune di Esempio" not in choose


def test_a_fund_whose_rules_cannot_be_applied_is_said_not_crashed(published: Cycle) -> None:
    Fund.objects.filter(cycle=published).update(coefficients={"C": "1"})  # D has none
    citizen = Client()
    page = citizen.get(f"/{published.entity.code}/trasparenza/{published.year}/")
    assert page.status_code == 200
    assert 'data-testid="rewards-unavailable"' in page.content.decode()
    url = f"/{published.entity.code}/trasparenza/{published.year}/premi.csv"
    assert citizen.get(url).status_code == 404
