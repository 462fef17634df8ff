"""The OIV's signed validation document: uploaded with the decision or later, a PDF only,
read by the OIV and the office, published with the cycle, never replaced once published."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.oiv import services
from traguardo.oiv.models import ValidationDecision
from traguardo.plans.models import Cycle


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def decision(world: World, settings: Any, tmp_path: Any) -> ValidationDecision:
    settings.MEDIA_ROOT = str(tmp_path)
    return ValidationDecision.objects.create(
        cycle=world.cycle,
        outcome=ValidationDecision.Outcome.VALIDATED,
        date=datetime.date(2020, 6, 10),
    )


def test_the_oiv_uploads_the_signed_pdf_and_the_office_reads_it(
    decision: ValidationDecision, sign_in: Any
) -> None:
    oiv = sign_in("oiv")
    url = f"/oiv/{decision.cycle.year}/decisione/{decision.pk}/documento/"
    upload = SimpleUploadedFile("validazione firmata.pdf", PDF, content_type="application/pdf")
    response = oiv.post(url, {"document": upload})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.document.read() == PDF
    entries = AuditEntry.objects.filter(
        model_label="oiv.validationdecision", object_pk=str(decision.pk)
    )
    assert any("document" in e.changes for e in entries)
    office = sign_in("ufficio").get(url)
    assert office.status_code == 200
    assert b"".join(office.streaming_content) == PDF
    assert sign_in("po").get(url).status_code == 403


def test_only_a_pdf_is_accepted_with_a_message_naming_the_file(
    decision: ValidationDecision, world: World
) -> None:
    oiv = _user("oiv")
    fake = SimpleUploadedFile("validazione.docx", b"PK\x03\x04 docx")
    with pytest.raises(services.OivRefused, match=r"validazione\.docx.*PDF"):
        services.attach_decision_document(oiv, decision, fake)
    disguised = SimpleUploadedFile("validazione.pdf", b"not a pdf at all")
    with pytest.raises(services.OivRefused, match=r"validazione\.pdf"):
        services.attach_decision_document(oiv, decision, disguised)
    decision.refresh_from_db()
    assert not decision.document


def test_once_published_the_document_is_not_replaced(
    decision: ValidationDecision, world: World
) -> None:
    oiv = _user("oiv")
    services.attach_decision_document(oiv, decision, SimpleUploadedFile("a.pdf", PDF))
    Cycle.objects.filter(pk=decision.cycle_id).update(state=Cycle.State.PUBLISHED)
    decision.refresh_from_db()
    before = decision.document.name
    with pytest.raises(services.OivRefused, match="pubblicato"):
        services.attach_decision_document(oiv, decision, SimpleUploadedFile("b.pdf", PDF))
    decision.refresh_from_db()
    assert decision.document.name == before


def test_the_office_may_not_upload_it(decision: ValidationDecision, world: World) -> None:
    with pytest.raises(services.OivRefused):
        services.attach_decision_document(
            _user("ufficio"), decision, SimpleUploadedFile("a.pdf", PDF)
        )
