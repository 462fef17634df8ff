"""One entry point for every format: the web jobs, the CLI and the benchmark use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from traguardo.plans.models import Cycle
from traguardo.reports.relazione.content import build_document

FORMATS = ("pdf", "docx", "xlsx", "html", "opendata")
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "html": "html", "opendata": "zip"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "opendata": "application/zip",
}

Progress = Callable[[int, str], None]


class GenerationError(Exception):
    """A problem the user can fix (an unknown placeholder, an unknown format)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass(frozen=True, slots=True)
class Generated:
    filename: str
    content: bytes
    content_type: str


def filename(cycle: Cycle, fmt: str) -> str:
    name = "open-data" if fmt == "opendata" else "relazione-performance"
    return f"{name}-{cycle.year}.{EXTENSIONS[fmt]}"


def generate(cycle: Cycle, fmt: str, progress: Progress | None = None) -> Generated:
    step = progress or (lambda _p, _s: None)
    if fmt not in FORMATS:
        raise GenerationError(f"formato «{fmt}» non disponibile: scegli tra {', '.join(FORMATS)}")
    if fmt == "opendata":
        from traguardo.reports.relazione.opendata import render_opendata

        step(20, "Estrazione dei dati aperti")
        content = render_opendata(cycle)
    else:
        document = build_document(cycle, step)
        if document.problems:
            raise GenerationError(
                "La relazione non può essere generata: " + " ".join(document.problems),
                document.problems,
            )
        step(65, f"Scrittura del file {fmt.upper()}")
        if fmt == "pdf":
            from traguardo.reports.relazione.pdf import render_pdf

            content = render_pdf(document)
        elif fmt == "docx":
            from traguardo.reports.relazione.docx import render_docx

            content = render_docx(document)
        elif fmt == "xlsx":
            from traguardo.reports.relazione.xlsx import render_xlsx

            content = render_xlsx(document)
        else:
            from traguardo.reports.relazione.html import print_html

            content = print_html(document).encode("utf-8")
    step(95, "Salvataggio")
    return Generated(filename(cycle, fmt), content, CONTENT_TYPES[fmt])
