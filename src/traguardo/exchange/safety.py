"""First look at an uploaded file, before any parser touches it.

Spreadsheets are zip archives of XML: a small upload can expand to gigabytes (a zip bomb),
carry macros, or not be a spreadsheet at all. Everything here reads only the zip's
directory, so a hostile file is refused before openpyxl opens it. openpyxl itself parses
the XML through defusedxml (installed as a dependency), which refuses entity expansion.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024


class FileKind(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    ARCHIVE = "archive"  # a full export of a cycle (manifest.json + data)


class Refused(ValueError):
    """The file is refused as a whole; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Limits:
    upload_bytes: int
    uncompressed_bytes: int
    ratio: int
    members: int


def limits() -> Limits:
    """From settings (TRAGUARDO_IMPORT_*), with defaults that fit 50,000 rows comfortably."""
    return Limits(
        upload_bytes=int(getattr(settings, "TRAGUARDO_IMPORT_MAX_UPLOAD_MB", 20)) * MB,
        uncompressed_bytes=int(getattr(settings, "TRAGUARDO_IMPORT_MAX_UNCOMPRESSED_MB", 200)) * MB,
        ratio=int(getattr(settings, "TRAGUARDO_IMPORT_MAX_RATIO", 100)),
        members=int(getattr(settings, "TRAGUARDO_IMPORT_MAX_MEMBERS", 2000)),
    )


def size_problem(size: int) -> str | None:
    limit = limits().upload_bytes
    if size > limit:
        return _(
            "il file è troppo grande ({size} MB): il limite è {limit} MB. "
            "Dividi il file in più parti o togli i fogli che non servono."
        ).format(size=f"{size / MB:.1f}", limit=limit // MB)
    return None


def classify(name: str, data: bytes) -> FileKind:
    """What the file is, judged by its content (never only by its name); refuse the rest."""
    problem = size_problem(len(data))
    if problem:
        raise Refused(problem)
    lowered = name.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise Refused(
            _(
                "i file con macro (.xlsm) non sono accettati: salva il foglio come "
                "«Cartella di lavoro di Excel (.xlsx)»"
            )
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            _("il file è nel vecchio formato Excel 97-2003 (.xls): salvalo come .xlsx o CSV")
        )
    if lowered.endswith((".xlsx", ".zip")):
        raise Refused(
            _("«{name}» non è un file Excel (.xlsx) valido: il contenuto non è un xlsx").format(
                name=name
            )
        )
    if lowered.endswith((".csv", ".txt")) or not lowered.rpartition(".")[1]:
        return FileKind.CSV
    raise Refused(
        _(
            "formato non riconosciuto per «{name}»: carica un file .xlsx, un file .csv "
            "o un archivio di esportazione .zip"
        ).format(name=name)
    )


def _zip_kind(data: bytes) -> FileKind:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(
            _("il file è danneggiato: non è un xlsx né un archivio zip leggibile")
        ) from None
    check_expansion(infos, len(data))
    names = {info.filename for info in infos}
    macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    if macros or "macroenabled" in _content_types(archive).lower():
        raise Refused(
            _(
                "il file contiene macro (vbaProject.bin): non è accettato. Salva il foglio come "
                "«Cartella di lavoro di Excel (.xlsx)» senza macro."
            )
        )
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return FileKind.XLSX
    if "manifest.json" in names:
        return FileKind.ARCHIVE
    raise Refused(
        _("il file è un archivio zip ma non un foglio Excel .xlsx né un'esportazione di Traguardo")
    )


def _content_types(archive: zipfile.ZipFile) -> str:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return ""
    if info.file_size > MB:
        raise Refused(_("il file xlsx non è valido: elenco dei contenuti anomalo"))
    return archive.read(info).decode("utf-8", errors="replace")


def check_expansion(infos: list[zipfile.ZipInfo], compressed_size: int) -> None:
    """Refuse zip bombs: too many parts, too much data once expanded, or a suspicious ratio.

    The declared sizes are what zipfile will allow reading (it stops at the declared size
    and checks the CRC), so judging them is enough.
    """
    lim = limits()
    if len(infos) > lim.members:
        raise Refused(
            _("il file contiene troppe parti ({count}): non sembra un foglio Excel").format(
                count=len(infos)
            )
        )
    total = sum(info.file_size for info in infos)
    if total > lim.uncompressed_bytes:
        raise Refused(
            _(
                "il file decompresso occuperebbe {size} MB "
                "(limite {limit} MB): non viene aperto. "
                "Potrebbe essere un file malevolo («zip bomb»)."
            ).format(size=f"{total / MB:.0f}", limit=lim.uncompressed_bytes // MB)
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > lim.ratio:
            if info.file_size < MB:  # tiny, highly repetitive XML parts are normal
                continue
            raise Refused(
                _(
                    "la parte «{part}» del file si espande di "
                    "{ratio} volte: non viene aperta. "
                    "Potrebbe essere un file malevolo («zip bomb»)."
                ).format(part=info.filename, ratio=info.file_size // info.compress_size)
            )
