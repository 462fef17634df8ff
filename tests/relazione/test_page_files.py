"""The Relazione page (issue 16): files made by `traguardo report` are listed beside the
web's; after publication it says why generation is closed and offers the published files;
a running generation shows its percentage; a published file is never pruned."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.world import World
from traguardo.plans.models import Cycle, Publication
from traguardo.reports.models import ReportJob
from traguardo.reports.relazione.generate import Generated
from traguardo.reports.relazione.jobs import KEEP_PER_FORMAT, record_generated


def _report(world: World, tmp_path: Path) -> str:
    out = io.StringIO()
    call_command(
        "report",
        year=world.cycle.year,
        entity=world.entity.code,
        format="html",
        out=str(tmp_path),
        stdout=out,
    )
    return out.getvalue()


def test_a_file_made_by_the_command_line_is_listed_on_the_page(
    world: World, tmp_path: Path, sign_in: Any
) -> None:
    _report(world, tmp_path)
    job = ReportJob.objects.get(cycle=world.cycle)
    assert (job.origin, job.status, job.format) == ("cli", "done", "html")
    written = next(tmp_path.glob("*.html"))
    assert job.file.read() == written.read_bytes() and job.size == written.stat().st_size
    page = sign_in("ufficio").get(reverse("relazione:year", args=[world.cycle.year]))
    text = page.content.decode()
    assert "riga di comando" in text
    assert reverse("relazione:download", args=[job.pk]) in text


def test_after_publication_the_page_says_why_and_offers_the_published_files(
    world: World, tmp_path: Path, sign_in: Any
) -> None:
    _report(world, tmp_path)
    published = ReportJob.objects.get(cycle=world.cycle)
    ReportJob.objects.filter(pk=published.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=1)
    )
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    Publication.objects.create(cycle=world.cycle, number=1, published_at=timezone.now())
    output = _report(world, tmp_path)  # written to the folder, not listed
    assert "La Relazione è pubblicata" in output
    assert ReportJob.objects.filter(cycle=world.cycle).count() == 1
    page = sign_in("ufficio").get(reverse("relazione:year", args=[world.cycle.year]))
    text = page.content.decode()
    assert 'data-testid="published"' in text and "la generazione è chiusa" in text
    assert f"/trasparenza/{world.cycle.year}/relazione/{published.pk}/" in text
    assert 'id="generate-submit"' not in text


def test_a_running_generation_shows_its_percentage(world: World, sign_in: Any) -> None:
    now = timezone.now()  # a worker beating now: not taken for a stopped one
    ReportJob.objects.create(
        cycle=world.cycle,
        format="pdf",
        status="running",
        progress=40,
        started_at=now,
        heartbeat_at=now,
        attempts=1,
    )
    page = sign_in("ufficio").get(reverse("relazione:year", args=[world.cycle.year]))
    assert '<span class="job-percent small" data-testid="job-percent">40%</span>' in (
        page.content.decode()
    )


def test_a_published_file_is_never_pruned(world: World) -> None:
    cycle = world.cycle
    first = ReportJob.objects.create(
        cycle=cycle,
        format="pdf",
        status="done",
        finished_at=timezone.now() - datetime.timedelta(days=2),
        file=ContentFile(b"%PDF v1", name="v1.pdf"),
    )
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.PUBLISHED)
    Publication.objects.create(
        cycle=cycle,
        number=1,
        published_at=timezone.now() - datetime.timedelta(days=1),
        superseded_at=None,
    )
    Publication.objects.create(cycle=cycle, number=2, published_at=None, reason="Refuso")
    cycle.refresh_from_db()
    for n in range(KEEP_PER_FORMAT + 2):  # a correction, generated again and again
        record_generated(cycle, "pdf", Generated(f"r{n}.pdf", b"%PDF v2", "application/pdf"))
    assert ReportJob.objects.filter(pk=first.pk).exists()
    assert ReportJob.objects.filter(cycle=cycle, format="pdf").count() == KEEP_PER_FORMAT + 1
