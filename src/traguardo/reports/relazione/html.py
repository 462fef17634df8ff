"""The Relazione as HTML: one body for the web page and for the PDF (WeasyPrint)."""

from __future__ import annotations

import base64
from html import escape

from traguardo.reports.relazione.document import Chart, Document, Heading, Narrative, Part, Rich
from traguardo.reports.relazione.document import Table as TableBlock

PRINT_CSS = """
@page { size: A4; margin: 22mm 15mm 18mm 15mm;
  @top-left { content: "%(header)s"; font-size: 7.5pt; color: #444; }
  @top-right { content: string(part); font-size: 7.5pt; color: #444; }
  @bottom-center { content: "Pagina " counter(page) " di " counter(pages); font-size: 8pt; } }
@page wide { size: A4 landscape; margin: 18mm 10mm 14mm 10mm; }
@page cover { @top-left { content: none; } @top-right { content: none; }
  @bottom-center { content: none; } }
html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9.5pt;
  line-height: 1.35; color: #1a1a1a; }
.cover { page: cover; text-align: center; padding-top: 45mm; break-after: page; }
.cover .entity { font-size: 16pt; font-weight: bold; color: #06c; }
.cover .logo img { max-height: 30mm; max-width: 90mm; }
.cover h1 { font-size: 24pt; margin: 28mm 0 6mm; bookmark-level: none; }
.cover .year { font-size: 20pt; font-weight: bold; margin-top: 10mm; }
.toc { break-after: page; }
.toc h1 { bookmark-level: 1; }
.toc ol { list-style: none; padding-left: 0; }
.toc li li { padding-left: 6mm; }
.toc a { color: #1a1a1a; text-decoration: none; }
.toc a::after { content: leader('.') target-counter(attr(href), page); }
section.part { break-before: page; }
section.part.landscape { page: wide; }
h1 { font-size: 15pt; color: #06c; string-set: part content(); bookmark-level: 1; }
h2 { font-size: 12.5pt; color: #06c; bookmark-level: 2; break-after: avoid; }
h3 { font-size: 11pt; bookmark-level: 3; break-after: avoid; }
h4 { font-size: 10pt; bookmark-level: none; break-after: avoid; }
p { text-align: justify; orphans: 3; widows: 3; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 3mm 0 5mm;
  font-size: 7.5pt; }
.landscape table { font-size: 6.8pt; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 8.5pt;
  padding-bottom: 1.5mm; }
thead { display: table-header-group; }
th, td { border: 0.5pt solid #8a8a8a; padding: 1mm 1.2mm; vertical-align: top;
  overflow-wrap: anywhere; hyphens: manual; }
thead th { background: #e6eef7; text-align: left; overflow-wrap: break-word; }
.landscape thead th { font-size: 6.3pt; }
tr { break-inside: avoid; }
table.long-rows tr { break-inside: auto; }
tr.group th { background: #f2f2f2; text-align: left; }
tr.total td, tr.total th { font-weight: bold; background: #e6eef7; }
td.num { text-align: right; white-space: nowrap; }
td p, td ul { margin: 0 0 1mm; text-align: left; }
td ul { padding-left: 3mm; }
figure { margin: 3mm 0 6mm; break-inside: avoid; }
figure svg, figure img { width: 150mm; height: auto; }
figcaption { font-size: 8pt; color: #444; }
mark.unknown-placeholder { background: #ffe08a; }
"""


def _cell(value: str | Rich) -> str:
    if isinstance(value, Rich):
        return value.html
    return escape(value).replace("\n", "<br>")


def table_html(table: TableBlock) -> str:
    count = len(table.columns)
    total = sum(table.widths) if table.widths else 0
    # Rows with long rich text (comments, results) may break across pages; the others not.
    rich = any(isinstance(cell, Rich) for row in table.rows for cell in row.cells)
    css = ' class="long-rows"' if rich else ""
    out = [f'<table id="t-{escape(table.key.replace(" ", "-"))}"{css}>']
    out.append(f"<caption>{escape(table.caption)}</caption>")
    if total:
        out.append("<colgroup>")
        out += [f'<col style="width:{100 * w / total:.2f}%">' for w in table.widths]
        out.append("</colgroup>")
    out.append("<thead><tr>")
    out += [f'<th scope="col">{escape(c)}</th>' for c in table.columns]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        if row.kind == "group":
            out.append(
                f'<tr class="group"><th scope="colgroup" colspan="{count}">'
                f"{_cell(row.cells[0])}</th></tr>"
            )
            continue
        cells = []
        for index, value in enumerate(row.cells):
            css = ' class="num"' if index in table.numeric else ""
            cells.append(f"<td{css}>{_cell(value)}</td>")
        out.append(f'<tr class="{row.kind}">' + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def chart_html(chart: Chart) -> str:
    return (
        f'<figure id="{escape(chart.key)}">{chart.svg}'
        f"<figcaption>{escape(chart.description)}</figcaption></figure>"
    )


def part_html(part: Part, top: int) -> str:
    css = "part landscape" if part.landscape else "part"
    out = [f'<section class="{css}" id="{escape(part.anchor)}">']
    out.append(f"<h{top}>{escape(part.title)}</h{top}>")
    for block in part.blocks:
        if isinstance(block, Heading):
            level = top + block.level - 1
            anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
            out.append(f"<h{level}{anchor}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Narrative):
            out.append(f'<div class="narrative">{_shift_headings(block.html, top)}</div>')
        elif isinstance(block, TableBlock):
            out.append(table_html(block))
        elif isinstance(block, Chart):
            out.append(chart_html(block))
    out.append("</section>")
    return "".join(out)


def _shift_headings(html: str, top: int) -> str:
    """Narrative headings (h3/h4 from the editor) sit below the part's subsections."""
    level = min(top + 2, 6)
    for tag in ("h3", "h4"):
        html = html.replace(f"<{tag}>", f"<h{level}>").replace(f"</{tag}>", f"</h{level}>")
    return html


def toc_html(document: Document) -> str:
    out = ['<nav class="toc" aria-labelledby="toc-title"><h1 id="toc-title">Sommario</h1><ol>']
    for part in document.parts:
        if not part.in_toc:
            continue
        out.append(f'<li><a href="#{escape(part.anchor)}">{escape(part.title)}</a>')
        subs = [b for b in part.blocks if isinstance(b, Heading) and b.level == 2 and b.anchor]
        if subs:
            out.append("<ol>")
            out += [f'<li><a href="#{escape(h.anchor)}">{escape(h.text)}</a></li>' for h in subs]
            out.append("</ol>")
        out.append("</li>")
    out.append("</ol></nav>")
    return "".join(out)


def body_html(document: Document, top: int = 1) -> str:
    return "".join(part_html(part, top) for part in document.parts)


def print_html(document: Document) -> str:
    """A standalone HTML document for WeasyPrint and for the HTML download."""
    css = PRINT_CSS.replace("%(header)s", document.header.replace('"', "'"))
    approval = f'<p class="approval">{escape(document.approval)}</p>' if document.approval else ""
    logo = (
        '<p class="logo"><img alt="" src="data:image/png;base64,'
        f'{base64.b64encode(document.logo).decode("ascii")}"></p>'
        if document.logo
        else ""
    )
    cover = (
        f'<div class="cover">{logo}<p class="entity">{escape(document.entity)}</p>'
        f"<h1>{escape(document.title.upper())}</h1><p>{escape(document.subtitle)}</p>"
        f'<p class="year">ANNO {document.year}</p>{approval}</div>'
    )
    return (
        '<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)} {document.year} – {escape(document.entity)}</title>"
        f'<meta name="author" content="{escape(document.entity)}">'
        f"<style>{css}</style></head><body>"
        f"{cover}{toc_html(document)}{body_html(document)}</body></html>"
    )
