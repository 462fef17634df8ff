"""The Relazione as PDF, typeset by Typst: A4, annexes on landscape pages, running header
(entity, part), "Pagina n di m", bookmarks and contents from the headings, table header rows
repeated on every page, fonts embedded (subsets), tagged (PDF/UA-1) and archival (PDF/A-2b).

Typst (a Rust typesetter) writes the 100-page demo Relazione in about a second of CPU; the
previous WeasyPrint route (HTML + CSS, `render_pdf_weasyprint`, kept for comparison in
bench/relazione.py) took ten times as long. See docs/performance.md, "Relazione PDF".
"""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path

import typst

from traguardo.reports.relazione.document import Document
from traguardo.reports.relazione.typeset import document_typst

# PDF/A-2b: the published Relazione is archived; PDF/UA-1: tagged for screen readers
# (structure tree, language, title, alternative text of the charts). Typst refuses to
# write a file that breaks a rule it checks (e.g. a skipped heading level).
PDF_STANDARDS: list[typst.PDFStandard] = ["a-2b", "ua-1"]
FONT_FOLDER = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def _fonts() -> typst.Fonts:
    """DejaVu Sans (the face the HTML and the charts use) when installed: scanning only its
    folder keeps start-up short; otherwise every system font, Typst's own as the fallback."""
    if FONT_FOLDER.is_dir():
        return typst.Fonts(include_system_fonts=False, font_paths=[str(FONT_FOLDER)])
    return typst.Fonts()


_MISSING_GLYPH = re.compile(r'the text `"(.+?)"` could not be displayed')


def render_pdf(document: Document) -> bytes:
    source = document_typst(document).encode("utf-8")
    # The source reads no file; an empty root keeps `read`/`image` away from the disk anyway.
    with tempfile.TemporaryDirectory(prefix="relazione-typst-") as root:
        compiler = typst.Compiler(root=root, font_paths=_fonts(), ignore_system_fonts=True)
        try:
            data = compiler.compile(source, format="pdf", pdf_standards=PDF_STANDARDS)
        except typst.TypstError as exc:
            missing = _MISSING_GLYPH.search(exc.message)
            if missing is None:
                raise  # a fault of this module's source, not of the user's text
            raise _missing_glyph(document, missing.group(1)) from exc
    assert isinstance(data, bytes)
    return data


def _missing_glyph(document: Document, text: str) -> Exception:
    """PDF/A embeds every glyph it shows: a character the font lacks (e.g. Chinese in
    DejaVu Sans) cannot be printed. Say which and where, so the office can change the text."""
    # imported here: generate.py reads the database, this module does not need Django
    from traguardo.reports.relazione.generate import GenerationError

    where = next((p.title for p in document.parts if text in repr(p)), "")
    place = f" nella parte «{where}»" if where else ""
    return GenerationError(
        f"Il PDF non può essere generato: il carattere «{text}»{place} non è disponibile "
        "nel font del documento (DejaVu Sans). Sostituiscilo nel testo e riprova."
    )


def render_pdf_weasyprint(document: Document) -> bytes:
    """The previous route (HTML + CSS through WeasyPrint), for the benchmark's comparison."""
    import weasyprint  # type: ignore[import-untyped, unused-ignore]

    from traguardo.reports.relazione.html import print_html

    html = weasyprint.HTML(string=print_html(document), base_url=".")
    result: bytes = html.write_pdf(pdf_variant="pdf/ua-1")
    return result
