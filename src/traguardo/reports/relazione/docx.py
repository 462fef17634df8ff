"""The Relazione as DOCX (python-docx): real headings, real tables with repeated header
rows, landscape sections for the annexes, charts as PNG. Editable in Word and LibreOffice."""

from __future__ import annotations

import io
from collections.abc import Callable
from html.parser import HTMLParser

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from traguardo.reports.relazione.document import Chart, Document, Heading, Narrative, Part, Rich
from traguardo.reports.relazione.document import Table as TableBlock

BLUE = RGBColor(0x00, 0x66, 0xCC)


class _HtmlToDocx(HTMLParser):
    """Sanitised narrative HTML (p, ul/ol/li, h3/h4, strong/em/u, br, a) into paragraphs."""

    def __init__(self, add_paragraph: Callable[..., Paragraph], size: Pt | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.add_paragraph = add_paragraph
        self.size = size
        self.paragraph: Paragraph | None = None
        self.bold = self.italic = self.underline = 0
        self.lists: list[str] = []

    def _new(self, style: str | None = None) -> Paragraph:
        paragraph = self.add_paragraph(style) if style else self.add_paragraph()
        self.paragraph = paragraph
        return paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._new()
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            style = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            self._new(style)
        elif tag in ("h3", "h4"):
            self._new()
            self.bold += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "u":
            self.underline += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("h3", "h4", "strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "u":
            self.underline = max(0, self.underline - 1)
        if tag in ("p", "li", "h3", "h4"):
            self.paragraph = None

    def handle_data(self, data: str) -> None:
        if not data.strip() and self.paragraph is None:
            return
        paragraph = self.paragraph or self._new()
        run = paragraph.add_run(data)
        if self.size is not None:
            run.font.size = self.size
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        run.underline = bool(self.underline) or None


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))


def _shade(cell: _Cell, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    tc_pr.append(shading)


def _fill_cell(
    cell: _Cell, value: str | Rich, size: Pt, *, bold: bool = False, right: bool = False
) -> None:
    first: Paragraph = cell.paragraphs[0]
    if isinstance(value, Rich):
        used = [False]

        def add(style: str | None = None) -> Paragraph:
            if not used[0]:
                used[0] = True
                if style:
                    first.style = style
                return first
            paragraph: Paragraph = (
                cell.add_paragraph(style=style) if style else cell.add_paragraph()
            )
            return paragraph

        _HtmlToDocx(add, size).feed(value.html)
    else:
        lines = value.split("\n")
        for index, line in enumerate(lines):
            run = first.add_run(line)
            run.font.size = size
            run.bold = bold or None
            if index < len(lines) - 1:
                run.add_break()
    if right:
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(doc: DocxDocument, table: TableBlock, width_cm: float, size: Pt) -> None:
    caption = doc.add_paragraph(table.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.autofit = False
    total = sum(table.widths) or len(table.columns)
    widths = [Cm(width_cm * w / total) for w in (table.widths or (1,) * len(table.columns))]
    for index, column in enumerate(grid.columns):  # the grid LibreOffice reads
        column.width = widths[index]
    header = grid.rows[0]
    _repeat_header(header)
    for index, title in enumerate(table.columns):
        cell = header.cells[index]
        cell.width = widths[index]
        _fill_cell(cell, title, size, bold=True)
        _shade(cell, "E6EEF7")
    for row in table.rows:
        cells = grid.add_row().cells
        _cant_split(grid.rows[-1])
        if row.kind == "group":
            merged = cells[0].merge(cells[-1])
            _fill_cell(merged, row.cells[0], size, bold=True)
            _shade(merged, "F2F2F2")
            continue
        for index, value in enumerate(row.cells):
            cells[index].width = widths[index]
            _fill_cell(
                cells[index], value, size, bold=row.kind == "total", right=index in table.numeric
            )


def _section(doc: DocxDocument, landscape: bool) -> float:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = False  # only the cover has no header
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(1.2)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
    usable = int(section.page_width or 0) - int(section.left_margin or 0)
    return float(usable - int(section.right_margin or 0)) / 360000  # EMU per cm


def _page_number(paragraph: Paragraph) -> None:
    paragraph.add_run("Pagina ")
    for code in ("begin", None, "end"):
        run = paragraph.add_run()
        if code is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = "PAGE"
            run._r.append(instr)
        else:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), code)
            run._r.append(field)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _part(doc: DocxDocument, part: Part) -> None:
    width = _section(doc, part.landscape)
    doc.add_heading(part.title, level=1)
    for block in part.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Narrative):
            _HtmlToDocx(doc.add_paragraph).feed(block.html)
        elif isinstance(block, TableBlock):
            _table(doc, block, width, Pt(7) if part.landscape else Pt(8))
        elif isinstance(block, Chart):
            doc.add_picture(io.BytesIO(block.png), width=Cm(min(16.0, width)))
            doc.add_paragraph(block.description, style="Caption")


def render_docx(document: Document) -> bytes:
    doc = new_docx()
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10)
    doc.core_properties.title = f"{document.title} {document.year}"
    doc.core_properties.author = document.entity
    doc.core_properties.language = "it-IT"
    first = doc.sections[0]
    first.page_width, first.page_height = Cm(21.0), Cm(29.7)
    first.different_first_page_header_footer = True
    header = first.header.paragraphs[0]
    header.text = document.header
    header.runs[0].font.size = Pt(8)
    _page_number(first.footer.paragraphs[0])
    # cover
    for _ in range(4 if document.logo else 6):
        doc.add_paragraph()
    if document.logo:
        logo = doc.add_paragraph()
        logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        logo.add_run().add_picture(io.BytesIO(document.logo), height=Cm(2.5))
    entity = doc.add_paragraph()
    entity.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = entity.add_run(document.entity)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(16), BLUE
    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(document.title.upper())
    for text, size in (
        (document.subtitle, 11),
        (f"ANNO {document.year}", 20),
        (document.approval, 11),
    ):
        if text:
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(text).font.size = Pt(size)
    # table of contents: the parts and their numbered subsections
    doc.add_page_break()
    doc.add_heading("Sommario", level=1)
    for part in document.parts:
        doc.add_paragraph(part.title, style="List Bullet")
        for block in part.blocks:
            if isinstance(block, Heading) and block.level == 2:
                doc.add_paragraph(block.text, style="List Bullet 2")
    for part in document.parts:
        _part(doc, part)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
