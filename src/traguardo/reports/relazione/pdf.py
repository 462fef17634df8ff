"""The Relazione as PDF with WeasyPrint: A4, page numbers, running headers, bookmarks,
tables repeating their header on every page, fonts embedded, tagged for accessibility."""

from __future__ import annotations

import weasyprint  # type: ignore[import-untyped, unused-ignore]

from traguardo.reports.relazione.document import Document
from traguardo.reports.relazione.html import print_html

# PDF/UA-1 makes WeasyPrint write a tagged PDF (structure tree, language, title); fonts
# are always embedded (subsets). See docs/relazione.md for what is and is not checked.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(document: Document) -> bytes:
    html = weasyprint.HTML(string=print_html(document), base_url=".")
    data: bytes = html.write_pdf(pdf_variant=PDF_VARIANT)
    return data
