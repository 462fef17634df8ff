"""Issue 15, point 5: hostile evidence files and how every stored file is served."""

from __future__ import annotations

import importlib
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from tests.world import World
from traguardo.monitoring.models import Evidence
from traguardo.oiv.models import EvidenceSample
from traguardo.plans.models import Indicator
from traguardo.reports.models import ReportJob

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ODT = "application/vnd.oasis.opendocument.text"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _odt(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _indicator(world: World) -> Indicator:
    return Indicator.objects.get(
        objective__cycle=world.cycle,
        objective__home_unit__code="2.1",
        objective__number=2,
        number=1,
    )


def _open_final(world: World) -> None:
    import datetime

    final = world.final  # a property: a fresh row each time
    final.closed = False
    final.deadline = datetime.date(2099, 1, 31)
    final.save()


def _upload(client: Client, world: World, name: str, data: bytes) -> Any:
    return client.post(
        reverse("monitoring:indicator", args=[_indicator(world).pk]),
        {
            "action": "evidence",
            "period": str(world.final.pk),
            "description": "verbale",
            "file": SimpleUploadedFile(name, data),
        },
    )


# -- value evidence: zip bombs refused from the zip's directory ------------------------


@pytest.mark.parametrize("member", ["mimetype", "content.xml"])
def test_an_odt_zip_bomb_is_refused_without_inflating_it(
    world: World, sign_in: ClientAs, member: str
) -> None:
    _open_final(world)
    members = {"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"}
    members[member] = b"\x00" * (300 * 1024 * 1024)  # 300 MB expanded, ~300 KB stored
    bomb = _odt(members)
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    response = _upload(sign_in("po"), world, "bomba.odt", bomb)
    assert time.monotonic() - started < 5  # nothing was inflated
    assert response.status_code == 400
    assert "zip bomb" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_odt_with_too_many_members_is_refused(
    world: World, sign_in: ClientAs, settings: Any
) -> None:
    _open_final(world)
    settings.TRAGUARDO_IMPORT_MAX_MEMBERS = 10
    members = {"mimetype": ODT.encode()} | {f"p{n}.xml": b"<a/>" for n in range(11)}
    response = _upload(sign_in("po"), world, "parti.odt", _odt(members))
    assert response.status_code == 400
    assert "zip bomb" in response.content.decode()


def test_a_normal_odt_is_still_accepted(world: World, sign_in: ClientAs) -> None:
    _open_final(world)
    data = _odt({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"})
    assert _upload(sign_in("po"), world, "nota.odt", data).status_code == 302
    assert Evidence.objects.get().content_type == ODT


def test_value_evidence_downloads_as_an_attachment_never_sniffed(
    world: World, sign_in: ClientAs
) -> None:
    _open_final(world)
    page = b"<html><script>alert(1)</script></html>\n"
    assert _upload(sign_in("po"), world, "elenco.csv", page).status_code == 302
    evidence = Evidence.objects.get()
    url = reverse("monitoring:evidence", args=[evidence.pk])
    response = sign_in("dirigente").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page


def test_an_html_or_svg_file_is_not_accepted_as_evidence(world: World, sign_in: ClientAs) -> None:
    _open_final(world)
    for name in ("pagina.html", "disegno.svg"):
        response = _upload(sign_in("po"), world, name, b"<svg onload=alert(1)></svg>")
        assert response.status_code == 400
        assert "non è di un tipo ammesso" in response.content.decode()
    assert not Evidence.objects.exists()


# -- OIV evidence: the same allow-list and size limit, a download view -----------------


def _oiv_evidence(client: Client, world: World, name: str, data: bytes) -> Any:
    indicator = Indicator.objects.filter(entity_block__cycle=world.cycle).first()
    assert indicator is not None
    return client.post(
        reverse("oiv:evidence", args=[world.cycle.year]),
        {
            "indicator": indicator.pk,
            "source": "Verbale n. 12",
            "outcome": "confirmed",
            "note": "",
            "document": SimpleUploadedFile(name, data),
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("pagina.html", b"<html><script>alert(1)</script></html>", "non è di un tipo ammesso"),
        ("disegno.svg", b"<svg onload=alert(1)></svg>", "non è di un tipo ammesso"),
        ("programma.exe", b"MZ\x90\x00", "non è di un tipo ammesso"),
        ("finto.pdf", b"<html></html>", "non è un PDF valido"),
    ],
)
def test_the_oiv_document_is_checked_like_value_evidence(
    world: World, sign_in: ClientAs, name: str, data: bytes, message: str
) -> None:
    response = _oiv_evidence(sign_in("oiv"), world, name, data)
    assert message in response.content.decode()
    assert not EvidenceSample.objects.exists()


def test_the_oiv_document_has_a_size_limit(world: World, sign_in: ClientAs, settings: Any) -> None:
    settings.TRAGUARDO_EVIDENCE_MAX_BYTES = 1024
    response = _oiv_evidence(sign_in("oiv"), world, "grande.pdf", PDF + b"0" * 2048)
    assert "troppo grande" in response.content.decode()
    assert not EvidenceSample.objects.exists()


def test_the_oiv_downloads_its_own_document_through_the_application(
    world: World, sign_in: ClientAs
) -> None:
    oiv = sign_in("oiv")
    assert _oiv_evidence(oiv, world, "verbale.pdf", PDF).status_code == 200
    sample = EvidenceSample.objects.get()
    url = reverse("oiv:document", args=[sample.pk])
    workspace = oiv.get(reverse("oiv:workspace") + f"?anno={world.cycle.year}")
    assert f'href="{url}"' in workspace.content.decode()
    assert "/media/" not in workspace.content.decode()  # nginx never serves /media/
    for username in ("oiv", "ufficio"):
        response = sign_in(username).get(url)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert sign_in("po").get(url).status_code == 403
    assert Client().get(url).status_code == 302


# -- generated files and /media/ ------------------------------------------------------


def test_media_is_never_routed_not_even_in_debug(settings: Any) -> None:
    import traguardo.project.urls as project_urls

    settings.DEBUG = True
    try:
        importlib.reload(project_urls)
        clear_url_caches()
        for path in ("/media/relazione/relazione-2019.pdf", "/media/oiv/evidenze/2019/a.pdf"):
            with pytest.raises(Resolver404):
                resolve(path)
    finally:
        settings.DEBUG = False
        importlib.reload(project_urls)
        clear_url_caches()


def test_a_generated_relazione_of_an_unpublished_cycle_is_for_members_only(
    world: World, sign_in: ClientAs
) -> None:
    assert not world.cycle.is_published
    job = ReportJob.objects.create(cycle=world.cycle, format="html", status="done")
    job.file.save("relazione.html", ContentFile(b"<html><script>x()</script></html>"))
    url = reverse("relazione:download", args=[job.pk])
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page
    assert Client().get("/media/" + job.file.name).status_code == 404
    response = sign_in("po").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
