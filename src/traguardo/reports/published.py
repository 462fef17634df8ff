"""The Relazione's files as published: per published version, per format, the newest file
finished before that version was published (read by the office's Relazione page and by the
public transparency page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from traguardo.plans.models import Cycle, Publication
from traguardo.reports.models import ReportJob

# The order in which a reader expects the Relazione's files.
FORMAT_ORDER = ("pdf", "docx", "html", "xlsx", "opendata")


@dataclass(frozen=True)
class PublishedVersion:
    publication: Publication | None  # None: a cycle published before versions were kept
    files: list[ReportJob]

    @property
    def current(self) -> bool:
        return self.publication is None or self.publication.superseded_at is None


def _latest_per_format(jobs: Iterable[ReportJob]) -> list[ReportJob]:
    latest: dict[str, ReportJob] = {}
    for job in jobs:  # newest first
        latest.setdefault(job.format, job)
    return sorted(latest.values(), key=lambda j: FORMAT_ORDER.index(j.format))


def relazione_versions(cycle: Cycle) -> list[PublishedVersion]:
    """Each published version (newest first) with the files generated for it: per format,
    the newest file finished before that version was published. Files generated later
    (a correction in preparation) are not public until their version is published."""
    done = list(
        ReportJob.objects.filter(cycle=cycle, status=ReportJob.Status.DONE)
        .exclude(file="")
        .order_by("-finished_at", "-id")
    )
    publications = list(cycle.publications.filter(published_at__isnull=False).order_by("-number"))
    if not publications:
        return [PublishedVersion(None, _latest_per_format(done))] if done else []
    versions = []
    for publication in publications:
        assert publication.published_at is not None
        before = [j for j in done if j.finished_at and j.finished_at <= publication.published_at]
        versions.append(PublishedVersion(publication, _latest_per_format(before)))
    return versions


def public_job(cycle: Cycle, pk: int) -> ReportJob | None:
    """The file `pk` if it is one of the cycle's published files, else None."""
    for version in relazione_versions(cycle):
        for job in version.files:
            if job.pk == pk:
                return job
    return None
