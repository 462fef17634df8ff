"""Evidence files: allowed types by extension and content, size limit, who downloads."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from traguardo.monitoring.models import Evidence, Measurement, Period
from traguardo.plans.models import Indicator

ClientAs = Callable[[str], Client]
Find = Callable[[str, int], Indicator]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Verbale della riunione di riesame")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["posizioni", 150])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client: Client, indicator: Indicator, period: Period, name: str, data: bytes) -> Any:
    return client.post(
        reverse("monitoring:indicator", args=[indicator.pk]),
        {
            "action": "evidence",
            "period": str(period.pk),
            "description": "verbale",
            "file": SimpleUploadedFile(name, data),
        },
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("relazione.pdf", PDF),
        ("grafico.png", PNG),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("verbale.docx", docx_bytes()),
        ("dati.xlsx", xlsx_bytes()),
        ("nota.odt", odt_bytes()),
        ("elenco.csv", b"posizione;esito\n1;verificata\n"),
    ],
)
def test_it_accepts_the_allowed_types(
    sign_in: ClientAs, final: Period, indicator: Find, media: Path, name: str, data: bytes
) -> None:
    target = indicator("2.1/2", 1)
    response = upload(sign_in("po"), target, final, name, data)
    assert response.status_code == 302
    evidence = Evidence.objects.get(measurement__indicator=target)
    assert evidence.original_name == name and evidence.size == len(data)
    assert (media / evidence.file.name).read_bytes() == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("programma.exe", b"MZ\x90\x00", "non è di un tipo ammesso"),
        ("finto.pdf", b"MZ\x90\x00 not a pdf", "non è un PDF valido"),
        ("finto.png", PDF, "non è un PNG valido"),
        ("foglio.docx", xlsx_bytes(), "non è un DOCX valido"),
        ("testo.odt", docx_bytes(), "non è un ODT valido"),
        ("binario.csv", b"a,b\x00\x01", "non è un CSV valido"),
        ("vuoto.pdf", b"", "vuoto"),
    ],
)
def test_it_refuses_wrong_types_with_a_clear_message(
    sign_in: ClientAs, final: Period, indicator: Find, name: str, data: bytes, message: str
) -> None:
    response = upload(sign_in("po"), indicator("2.1/2", 1), final, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_refuses_files_over_the_size_limit(
    sign_in: ClientAs, final: Period, indicator: Find, settings: Any
) -> None:
    settings.TRAGUARDO_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    response = upload(sign_in("po"), indicator("2.1/2", 1), final, "grande.pdf", big)
    assert response.status_code == 400
    html = response.content.decode()
    assert "troppo grande" in html and "il limite è 1 MB" in html
    assert not Evidence.objects.exists()


def test_the_default_limit_is_ten_megabytes() -> None:
    from traguardo.monitoring.evidence import max_bytes

    assert max_bytes() == 10 * 1024 * 1024


def test_only_writers_upload(sign_in: ClientAs, final: Period, indicator: Find) -> None:
    for username, objective in (("po2", "2.1/2"), ("oiv", "2.1/2"), ("po", "3.1/1")):
        response = upload(sign_in(username), indicator(objective, 1), final, "a.pdf", PDF)
        assert response.status_code == 403, username
    assert not Evidence.objects.exists()


def test_download_is_for_members_only(
    sign_in: ClientAs, client: Client, final: Period, indicator: Find
) -> None:
    upload(sign_in("po"), indicator("2.1/2", 1), final, "relazione.pdf", PDF)
    evidence = Evidence.objects.get()
    url = reverse("monitoring:evidence", args=[evidence.pk])
    response = sign_in("oiv").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert 'filename="relazione.pdf"' in response["Content-Disposition"]
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    stranger = get_user_model().objects.create_user("estraneo", password="x-Passw0rd-x")
    outsider = Client()
    outsider.force_login(stranger)
    assert outsider.get(url).status_code == 403


def test_a_closed_period_refuses_new_files(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    Period.objects.filter(pk=final.pk).update(closed=True)
    response = upload(sign_in("po"), indicator("2.1/2", 1), final, "a.pdf", PDF)
    assert response.status_code == 400
    assert "è chiuso" in response.content.decode()
    assert not Evidence.objects.exists()
    assert Measurement.objects.filter(period=final).exists()


# --- deleting an evidence file ---------------------------------------------------------------


def _uploaded(sign_in: ClientAs, final: Period, indicator: Find) -> Evidence:
    response = upload(sign_in("po"), indicator("2.1/2", 1), final, "relazione.pdf", PDF)
    assert response.status_code == 302
    return Evidence.objects.get()


def _delete(client: Client, evidence: Evidence) -> Any:
    return client.post(reverse("monitoring:evidence_delete", args=[evidence.pk]))


def test_the_uploader_deletes_a_file_row_and_storage_with_an_audit_entry(
    sign_in: ClientAs,
    final: Period,
    indicator: Find,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from traguardo.audit.models import AuditEntry

    evidence = _uploaded(sign_in, final, indicator)
    stored = media / evidence.file.name
    client = sign_in("po")
    page = client.get(
        reverse("monitoring:indicator", args=[evidence.measurement.indicator_id]),
        {"periodo": final.pk},
    ).content.decode()
    assert reverse("monitoring:evidence_delete", args=[evidence.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(client, evidence)
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not stored.exists()
    entry = AuditEntry.objects.get(
        model_label="monitoring.evidence", object_pk=str(evidence.pk), action="delete"
    )
    assert entry.username == "po"
    assert entry.changes["original_name"][0] == "relazione.pdf"


def test_the_performance_office_deletes_any_file(
    sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    evidence = _uploaded(sign_in, final, indicator)
    assert _delete(sign_in("ufficio"), evidence).status_code == 302
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("username", ["po2", "dirigente", "segretario", "oiv"])
def test_others_may_not_delete_a_file(
    sign_in: ClientAs, final: Period, indicator: Find, media: Path, username: str
) -> None:
    """Another PO, the dirigente who may enter the value, the SG and the OIV: 403."""
    evidence = _uploaded(sign_in, final, indicator)
    client = sign_in(username)
    page = client.get(
        reverse("monitoring:indicator", args=[evidence.measurement.indicator_id]),
        {"periodo": final.pk},
    ).content.decode()
    assert 'data-testid="evidence-delete"' not in page
    assert _delete(client, evidence).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert (media / evidence.file.name).exists()


def test_anonymous_users_go_to_the_login_page(
    client: Client, sign_in: ClientAs, final: Period, indicator: Find
) -> None:
    evidence = _uploaded(sign_in, final, indicator)
    response = _delete(client, evidence)
    assert response.status_code == 302 and "/accesso/entra/" in response["Location"]
    assert Evidence.objects.exists()


def test_a_closed_period_keeps_its_files(
    sign_in: ClientAs, final: Period, indicator: Find, media: Path
) -> None:
    evidence = _uploaded(sign_in, final, indicator)
    Period.objects.filter(pk=final.pk).update(closed=True)
    client = sign_in("po")
    response = _delete(client, evidence)
    assert response.status_code == 302
    follow = html.unescape(client.get(response["Location"]).content.decode())
    assert "è chiuso: i documenti non si eliminano più" in follow
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert (media / evidence.file.name).exists()


@pytest.mark.parametrize("state", ["closed", "validated", "published"])
def test_a_read_only_cycle_keeps_its_files(
    sign_in: ClientAs, final: Period, indicator: Find, state: str
) -> None:
    from traguardo.plans.models import Cycle

    evidence = _uploaded(sign_in, final, indicator)
    Cycle.objects.filter(pk=final.cycle_id).update(state=state)
    for username in ("po", "ufficio"):
        assert _delete(sign_in(username), evidence).status_code == 403, username
    assert Evidence.objects.filter(pk=evidence.pk).exists()
