"""The administration's logo on the Relazione's cover (issue 16), in the three renderings:
the PDF (Typst), the HTML and the DOCX. No database."""

from __future__ import annotations

import io
import re
import zipfile

from PIL import Image

from traguardo.reports.relazione.document import Document, Heading, Part
from traguardo.reports.relazione.docx import render_docx
from traguardo.reports.relazione.html import print_html
from traguardo.reports.relazione.pdf import render_pdf


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (120, 40), (6, 72, 138, 255)).save(out, format="PNG")
    return out.getvalue()


def _document(logo: bytes) -> Document:
    return Document(
        title="Relazione sulla performance",
        subtitle="sottotitolo",
        entity="Comune di Prova",
        year=2019,
        approval="",
        header="Comune di Prova – Relazione 2019",
        parts=[Part("p1", "Presentazione", [Heading(2, "Capitolo", "c1")])],
        logo=logo,
    )


def test_the_logo_is_on_the_cover_of_every_rendering() -> None:
    logo = _png()
    html = print_html(_document(logo))
    cover = html.split('<div class="cover">', 1)[1].split("</div>", 1)[0]
    assert 'src="data:image/png;base64,' in cover
    docx = zipfile.ZipFile(io.BytesIO(render_docx(_document(logo))))
    assert [n for n in docx.namelist() if n.startswith("word/media/")]
    with_logo = render_pdf(_document(logo))
    without = render_pdf(_document(b""))
    image = re.compile(rb"/Subtype\s*/Image")
    assert with_logo.startswith(b"%PDF") and image.search(with_logo)
    assert not image.search(without)


def test_without_a_logo_the_cover_is_as_before() -> None:
    html = print_html(_document(b""))
    assert "data:image/png" not in html
    docx = zipfile.ZipFile(io.BytesIO(render_docx(_document(b""))))
    assert not [n for n in docx.namelist() if n.startswith("word/media/")]
