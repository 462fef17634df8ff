"""Evidence files attached to a measurement: what may be uploaded, and storing it.

A file is accepted only if its extension is one of the allowed types AND its first bytes
are what that type starts with (a renamed executable is refused); the size limit comes from
the setting TRAGUARDO_EVIDENCE_MAX_BYTES (10 MB by default).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.core.numbers import format_it
from traguardo.monitoring.models import Evidence, Measurement

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# extension -> (content type, family checked by sniffing)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv", "csv"),
}
ALLOWED_LABEL = "PDF, PNG, JPG, ODT, ODS, DOCX, XLSX, CSV"


class EvidenceRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "TRAGUARDO_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    from decimal import Decimal

    return format_it(Decimal(size) / Decimal(1024 * 1024), 1, trim=True) + " MB"


MB = 1024 * 1024
MIMETYPE_MAX_BYTES = 200  # an ODF `mimetype` member is one short line


def _zip_limits() -> tuple[int, int, int]:
    """(members, uncompressed bytes, ratio): the same settings as the import's
    (TRAGUARDO_IMPORT_MAX_MEMBERS, _MAX_UNCOMPRESSED_MB, _MAX_RATIO, exchange/safety.py),
    read here because monitoring sits below exchange."""
    return (
        int(getattr(settings, "TRAGUARDO_IMPORT_MAX_MEMBERS", 2000)),
        int(getattr(settings, "TRAGUARDO_IMPORT_MAX_UNCOMPRESSED_MB", 200)) * MB,
        int(getattr(settings, "TRAGUARDO_IMPORT_MAX_RATIO", 100)),
    )


def _expansion_ok(infos: list[zipfile.ZipInfo]) -> bool:
    """Judged on the zip's directory alone, before any member is inflated: zipfile never
    reads past a member's declared size, so a zip bomb is refused here."""
    members, uncompressed, ratio = _zip_limits()
    if len(infos) > members or sum(i.file_size for i in infos) > uncompressed:
        return False
    return all(
        not i.compress_size or i.file_size < MB or i.file_size / i.compress_size <= ratio
        for i in infos
    )


def _zip_member(head: bytes, data: Any, family: str) -> bool:
    """ODF files name their type in a `mimetype` member; OOXML ones have word/ or xl/.
    Only the directory and, for ODF, the tiny `mimetype` member are ever read."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(data) as archive:
            infos = archive.infolist()
            if not _expansion_ok(infos):
                raise EvidenceRefused(
                    _(
                        "Il file si espande troppo una volta decompresso: non viene aperto "
                        "(potrebbe essere un file malevolo, «zip bomb»)."
                    )
                )
            names = {info.filename for info in infos}
            if family in ("odt", "ods"):
                info = next((i for i in infos if i.filename == "mimetype"), None)
                if info is None or info.file_size > MIMETYPE_MAX_BYTES:
                    return False
                return archive.read(info).decode("ascii", "replace").strip() == ALLOWED[family][0]
            if "[Content_Types].xml" not in names:
                return False
            prefix = "word/" if family == "docx" else "xl/"
            return any(name.startswith(prefix) for name in names)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, RuntimeError):
        return False


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff(family: str, upload: UploadedFile) -> bool:
    """Whether the file's content is of the family its extension claims."""
    upload.seek(0)
    head: bytes = upload.read(8192)
    upload.seek(0)
    if family == "pdf":
        return head.startswith(b"%PDF-")
    if family == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if family == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if family == "csv":
        return bool(head) and _looks_like_text(head)
    content: bytes = upload.read()
    data = io.BytesIO(content)
    upload.seek(0)
    return _zip_member(head, data, family)


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload; EvidenceRefused says why not."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise EvidenceRefused(
            _("Il file «%(name)s» non è di un tipo ammesso: carica un file %(types)s.")
            % {"name": name, "types": ALLOWED_LABEL}
        )
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        size = _megabytes(upload.size or 0)
        raise EvidenceRefused(
            _("Il file «%(name)s» è troppo grande (%(size)s): il limite è %(limit)s.")
            % {"name": name, "size": size, "limit": _megabytes(limit)}
        )
    if upload.size == 0:
        raise EvidenceRefused(_("Il file «%(name)s» è vuoto.") % {"name": name})
    content_type, family = ALLOWED[extension]
    if not sniff(family, upload):
        raise EvidenceRefused(
            _(
                "Il contenuto del file «%(name)s» non è un %(type)s valido: "
                "il file potrebbe essere danneggiato o avere l'estensione sbagliata."
            )
            % {"name": name, "type": extension.upper()}
        )
    return extension, content_type


@transaction.atomic
def attach_evidence(
    user: Any, measurement: Measurement, upload: UploadedFile, description: str = ""
) -> Evidence:
    """Attach a file to a value of an open period, by someone who may enter that value."""
    indicator = measurement.indicator
    period = measurement.period
    cycle = period.cycle
    objective = indicator.objective
    allowed = (
        permissions.can_enter_value(user, objective, cycle)
        if objective is not None
        else permissions.can_manage_cycle(user, cycle)
    )
    if not allowed:
        raise EvidenceRefused(_("Non puoi allegare documenti ai valori di questo indicatore."))
    if period.closed:
        raise EvidenceRefused(
            _("Il periodo %(period)s è chiuso: non si allegano più documenti.") % {"period": period}
        )
    _extension, content_type = check_upload(upload)
    return recorder.create(
        Evidence,
        measurement=measurement,
        file=upload,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload.size or 0,
        description=description.strip()[:255],
        uploaded_by=user,
    )


def remove_files_on_commit(evidence: Iterable[Evidence]) -> None:
    """Delete the files of `evidence` from the storage once the transaction commits (a
    rolled-back deletion keeps them)."""
    files = [(e.file.storage, e.file.name) for e in evidence if e.file and e.file.name]

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    if files:
        transaction.on_commit(remove)


@transaction.atomic
def delete_evidence(user: Any, evidence: Evidence) -> None:
    """Remove an evidence file (row and stored file): its uploader or the performance office,
    while the period is open and the cycle is monitored. The audit trail records the
    deletion with the row's last values (monitoring models are audited). Evidence does not
    move a score: no data version bump."""
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("measurement__period__cycle", "measurement__indicator__objective")
        .get(pk=evidence.pk)
    )
    if not permissions.can_delete_evidence(user, evidence):
        raise EvidenceRefused(
            _(
                "Solo chi ha caricato il documento o l'ufficio performance può eliminarlo, "
                "e solo mentre il ciclo è in monitoraggio."
            )
        )
    period = evidence.measurement.period
    if period.closed:
        raise EvidenceRefused(
            _("Il periodo %(period)s è chiuso: i documenti non si eliminano più.")
            % {"period": period}
        )
    remove_files_on_commit([evidence])
    recorder.delete(evidence)
