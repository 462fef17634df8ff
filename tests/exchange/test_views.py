"""The import and export pages: who may do what (crafted requests included), and the
upload → preview → confirm → result flow of the performance office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.exchange.helpers import make_xlsx
from traguardo.exchange.models import Upload
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle

OTHERS = ["segretario", "dirigente", "po", "po2", "oiv"]


def _values_file(value: str = "77,7%") -> SimpleUploadedFile:
    data = make_xlsx({"Valori": [["Codice", "Periodo", "Valore"], ["B14", "31.12", value]]})
    return SimpleUploadedFile("valori.xlsx", data)


def _b14(cycle: Cycle) -> Measurement:
    return Measurement.objects.get(
        indicator__entity_block__cycle=cycle, indicator__number=14, period__code="31.12"
    )


@pytest.fixture
def open_final(demo: Cycle) -> None:
    Period.objects.filter(cycle=demo, code="31.12").update(closed=False)


def test_office_uploads_previews_confirms_and_sees_the_result(
    demo: Cycle,
    client_as: Callable[[str], Client],
    open_final: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_as("ufficio")
    page = client.get(reverse("exchange:index"))
    assert page.status_code == 200
    assert b"Importa un file" in page.content
    before = _b14(demo).text

    response = client.post(reverse("exchange:import"), {"file": _values_file()})
    assert response.status_code == 302
    upload = Upload.objects.get()
    preview = client.get(response["Location"])
    assert b"Anteprima: nulla" in preview.content and b"Conferma e importa" in preview.content
    assert upload.preview["totals"] == {"create": 0, "update": 1, "unchanged": 0}
    assert _b14(demo).text == before

    # The confirmation queues the import; it runs once the request is committed (eagerly
    # here: no broker), and the page shows the outcome.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        confirmed = client.post(reverse("exchange:confirm", args=[upload.pk]))
    assert queued and confirmed.status_code == 302
    done = client.get(confirmed["Location"])
    assert done.status_code == 200
    assert (
        "Importazione completata: 0 righe create, 1 aggiornate, 0 invariate."
        in done.content.decode()
    )
    assert _b14(demo).text == "77,7%"
    upload.refresh_from_db()
    assert upload.status == "done" and bytes(upload.data) == b""
    assert upload.attempts == 1 and upload.requested_by is not None
    assert upload.started_at and upload.finished_at and upload.heartbeat_at

    status = client.get(reverse("exchange:status", args=[upload.pk])).json()
    assert status["status"] == "done" and status["done"] == status["total"] == 1


def test_problems_are_listed_with_their_place_and_cannot_be_confirmed(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    client = client_as("ufficio")
    response = client.post(reverse("exchange:import"), {"file": _values_file()}, follow=True)
    text = response.content.decode()
    assert "1 problema nel file: non è stato salvato nulla." in text
    assert "<td>Valori</td><td>2</td><td>Valore</td>" in text
    assert "Conferma e importa" not in text
    upload = Upload.objects.get()
    assert upload.status == "failed"
    refused = client.post(reverse("exchange:confirm", args=[upload.pk]))
    assert refused.status_code == 302
    assert Upload.objects.get().status == "failed"


def test_a_refused_file_gets_a_message_and_nothing_is_kept(
    demo: Cycle, client_as: Callable[[str], Client], settings: Any
) -> None:
    client = client_as("ufficio")
    fake = SimpleUploadedFile("piano.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    response = client.post(reverse("exchange:import"), {"file": fake})
    assert response.status_code == 400
    assert "non è un file Excel (.xlsx) valido" in response.content.decode()
    settings.TRAGUARDO_IMPORT_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("valori.csv", b"Codice;Periodo;Valore\r\n" + b"x" * (2 * 1024 * 1024))
    response = client.post(reverse("exchange:import"), {"file": big})
    assert response.status_code == 400
    assert "il file è troppo grande" in response.content.decode()
    assert not Upload.objects.exists()


@pytest.mark.parametrize("username", OTHERS)
def test_only_the_office_imports_and_exports(
    demo: Cycle, client_as: Callable[[str], Client], username: str, open_final: None
) -> None:
    client = client_as(username)
    before = _b14(demo).text
    assert client.post(reverse("exchange:import"), {"file": _values_file()}).status_code == 403
    assert client.get(reverse("exchange:export")).status_code == 403
    assert not Upload.objects.exists()
    assert _b14(demo).text == before
    # Templates are for every member: owners fill in the values file.
    response = client.get(reverse("exchange:values_template", args=["31.12"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("username", OTHERS)
def test_nobody_else_can_confirm_or_read_the_office_upload(
    demo: Cycle, client_as: Callable[[str], Client], username: str, open_final: None
) -> None:
    office = client_as("ufficio")
    office.post(reverse("exchange:import"), {"file": _values_file()})
    upload = Upload.objects.get()
    before = _b14(demo).text
    other = client_as(username)
    assert other.post(reverse("exchange:confirm", args=[upload.pk])).status_code == 403
    assert other.get(reverse("exchange:upload", args=[upload.pk])).status_code == 403
    assert other.get(reverse("exchange:status", args=[upload.pk])).status_code == 403
    assert Upload.objects.get().status == "preview"
    assert _b14(demo).text == before


def test_anonymous_is_sent_to_login_and_saves_nothing(demo: Cycle) -> None:
    client = Client()
    for response in (
        client.get(reverse("exchange:index")),
        client.post(reverse("exchange:import"), {"file": _values_file()}),
        client.get(reverse("exchange:export")),
        client.get(reverse("exchange:plan_template")),
    ):
        assert response.status_code == 302 and "/accesso/entra/" in response["Location"]
    assert not Upload.objects.exists()


def test_downloads(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    client = client_as("ufficio")
    export = client.get(reverse("exchange:export") + "?anno=2019")
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="traguardo-2019.zip"'
    plan = client.get(reverse("exchange:plan_template") + "?lingua=en")
    assert plan["Content-Disposition"] == 'attachment; filename="plan-2019.xlsx"'
    csv = client.get(reverse("exchange:values_template", args=["30.06"]) + "?formato=csv")
    assert csv["Content-Type"] == "text/csv"
    assert csv.content.startswith(b"\xef\xbb\xbfCodice;Indicatore;")


def test_the_page_speaks_english_too(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    client = client_as("ufficio")
    client.cookies["django_language"] = "en"
    text = client.get(reverse("exchange:index")).content.decode()
    assert "Import and export data" in text and "Templates to fill in" in text
    assert "template in English (xlsx)" in text


def test_problems_and_refusals_in_english(
    demo: Cycle, client_as: Callable[[str], Client], settings: Any
) -> None:
    client = client_as("ufficio")
    client.cookies["django_language"] = "en"
    # a closed period: the problem, and where it is, in English
    text = client.post(
        reverse("exchange:import"), {"file": _values_file()}, follow=True
    ).content.decode()
    assert "<td>Valori</td><td>2</td><td>Valore</td>" in text
    assert "is closed" in text and "è chiuso" not in text
    fake = SimpleUploadedFile("piano.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    refused = client.post(reverse("exchange:import"), {"file": fake}).content.decode()
    assert "is not a valid Excel (.xlsx) file" in refused
    assert "non è un file Excel" not in refused


def test_a_confirmed_import_in_the_background_runs_in_the_readers_language(
    demo: Cycle,
    client_as: Callable[[str], Client],
    open_final: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.utils import translation
    from django.utils.translation import get_language

    client = client_as("ufficio")
    client.cookies["django_language"] = "en"
    client.post(reverse("exchange:import"), {"file": _values_file()})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("exchange:confirm", args=[Upload.objects.get().pk]))
    upload = Upload.objects.get()
    assert upload.status == "queued" and upload.language == "en"
    page = client.get(reverse("exchange:upload", args=[upload.pk])).content.decode()
    assert 'id="progress-box"' in page  # followed while queued
    translation.activate("it")  # a worker has the default language
    for callback in queued:
        callback()
    upload.refresh_from_db()
    assert upload.status == "done"
    assert upload.result["labels"]["update"] == "to update"  # written in English
    assert get_language() == "it"


def _interrupted(cycle: Cycle, client: Client) -> Upload:
    """An upload confirmed and then left running by a worker that died five minutes ago."""
    import datetime

    from django.utils import timezone

    client.post(reverse("exchange:import"), {"file": _values_file()})
    then = timezone.now() - datetime.timedelta(minutes=5)
    Upload.objects.update(
        status="running", attempts=1, started_at=then, heartbeat_at=then, requested_at=then
    )
    return Upload.objects.get()


def test_an_import_whose_worker_died_is_shown_interrupted_and_retried_to_the_end(
    demo: Cycle,
    client_as: Callable[[str], Client],
    open_final: None,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TRAGUARDO_JOB_TIMEOUT = 60
    client = client_as("ufficio")
    upload = _interrupted(demo, client)
    assert client.get(reverse("exchange:status", args=[upload.pk])).json()["status"] == "failed"
    page = client.get(reverse("exchange:upload", args=[upload.pk])).content.decode()
    assert "Elaborazione interrotta" in page and 'id="retry-import"' in page
    assert _b14(demo).text != "77,7%"  # nothing was saved
    other = client_as("po")
    assert other.post(reverse("exchange:retry", args=[upload.pk])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:retry", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "done" and upload.attempts == 2 and upload.message == ""
    assert _b14(demo).text == "77,7%"
    # done: a second retry does nothing
    with django_capture_on_commit_callbacks(execute=True) as again:
        client.post(reverse("exchange:retry", args=[upload.pk]))
    assert again == []


def test_a_running_import_that_still_beats_is_not_interrupted(
    demo: Cycle, client_as: Callable[[str], Client], open_final: None, settings: Any
) -> None:
    from django.utils import timezone

    settings.TRAGUARDO_JOB_TIMEOUT = 60
    client = client_as("ufficio")
    upload = _interrupted(demo, client)
    Upload.objects.update(heartbeat_at=timezone.now())
    assert client.get(reverse("exchange:status", args=[upload.pk])).json()["status"] == "running"
    assert client.post(reverse("exchange:retry", args=[upload.pk])).status_code == 302
    assert Upload.objects.get().status == "running" and Upload.objects.get().attempts == 1


def test_an_import_that_failed_on_its_data_is_not_retried(
    demo: Cycle,
    client_as: Callable[[str], Client],
    open_final: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_as("ufficio")
    client.post(reverse("exchange:import"), {"file": _values_file()})
    upload = Upload.objects.get()
    # the period closes between the preview and the saving
    Period.objects.filter(cycle=demo, code="31.12").update(closed=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "failed" and upload.result["issues"] and not upload.can_retry
    page = client.get(reverse("exchange:upload", args=[upload.pk])).content.decode()
    assert 'id="retry-import"' not in page and "<td>Valori</td><td>2</td>" in page
