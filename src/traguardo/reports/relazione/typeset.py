"""The Relazione as Typst source, from the same Document the other renderers walk.

Safety: every piece of text that comes from the database (titles, cells, narratives, chart
SVG) enters the source only as a Typst *string literal* (`_s`), never as markup, so text
such as `#read("/etc/passwd")`, `]`, `*` or `$` is printed as it is and never evaluated.
The only markup written here is the fixed template below and the calls this module emits.
Narratives and rich cells are sanitised HTML (sanitize.ALLOWED_TAGS); `_RichToTypst` turns
that whitelist into Typst calls (strong, emph, underline, link, list, enum, heading).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from traguardo.reports.relazione.document import Chart, Document, Heading, Narrative, Part, Rich
from traguardo.reports.relazione.document import Table as TableBlock
from traguardo.reports.relazione.sanitize import to_text

BLUE = 'rgb("#0066cc")'
HEAD_FILL = 'rgb("#e6eef7")'
GROUP_FILL = 'rgb("#f2f2f2")'

# Page geometry and type follow html.PRINT_CSS (the WeasyPrint look): A4, DejaVu Sans 9.5pt,
# blue headings, annexes on landscape pages, running header (entity, part) and "Pagina n di m".
TEMPLATE = """
#set document(title: %(title)s, author: %(author)s)
#set text(font: "DejaVu Sans", size: 9.5pt, lang: "it",
  fill: rgb("#1a1a1a"))
#set par(justify: true, leading: 0.5em, spacing: 0.9em)
#let part-title() = {
  let here-page = here().page()
  let on-page = query(heading.where(level: 1)).filter(h => h.location().page() == here-page)
  if on-page.len() > 0 { on-page.first().body } else {
    let before = query(heading.where(level: 1).before(here()))
    if before.len() > 0 { before.last().body }
  }
}
#set page(paper: "a4", margin: (top: 22mm, bottom: 18mm, x: 15mm),
  header-ascent: 35%%, footer-descent: 35%%,
  header: context if here().page() > 1 {
    set text(size: 7.5pt, fill: rgb("#444444"), hyphenate: false)
    grid(columns: (1fr, auto), column-gutter: 4mm, align: (left, right),
      %(header)s, part-title())
  },
  footer: context if here().page() > 1 {
    set text(size: 8pt)
    align(center)[Pagina #counter(page).display() di #counter(page).final().first()]
  })
#show heading: set text(fill: %(blue)s)
#show heading.where(level: 1): set text(size: 15pt)
#show heading.where(level: 2): set text(size: 12.5pt)
#show heading.where(level: 3): set text(size: 11pt, fill: rgb("#1a1a1a"))
#show heading.where(level: 4): set text(size: 10pt, fill: rgb("#1a1a1a"))
#show heading: set block(above: 1.3em, below: 0.8em)
#show heading: set par(justify: false)
#show outline.entry.where(level: 1): set block(above: 0.9em)
#show link: set text(fill: %(blue)s)
#set table(stroke: 0.5pt + rgb("#8a8a8a"), inset: (x: 1.2mm, y: 1mm))
#show table: set par(justify: false)
#show table.cell: set text(hyphenate: false)
#set list(indent: 1mm)
#set enum(indent: 1mm)
"""

COVER = """
#align(center)[
  #v(45mm)
  %(logo)s
  #text(size: 16pt, weight: "bold", fill: %(blue)s)[#%(entity)s]
  #v(28mm)
  #heading(level: 1, outlined: false, bookmarked: false, %(title)s)
  #v(2mm)
  #%(subtitle)s
  #v(10mm)
  #text(size: 20pt, weight: "bold")[ANNO #%(year)s]
  %(approval)s
]
#pagebreak()
#outline(title: [Sommario], depth: 2, indent: 6mm)
"""


def _s(text: str) -> str:
    """A Typst string literal holding `text` (control characters dropped, tabs as spaces):
    the only way user text gets into the source."""
    out = ['"']
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append(" ")
        elif ord(char) < 0x20 or char in "\u2028\u2029\x7f":
            continue  # control characters print nothing (and have no glyph for PDF/A)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _plain(text: str) -> str:
    """Plain text as markup: string literals, explicit line breaks between lines."""
    return "#linebreak()".join(f"#{_s(line)}" for line in text.split("\n"))


class _RichToTypst(HTMLParser):
    """Sanitised HTML (p, br, strong/b, em/i, u, ul/ol/li, h3/h4, a, mark) as Typst markup.

    Built as nested lists of markup strings; containers close as `[...]` content blocks.
    `heading_level` is the level narrative headings take (below the part's subsections);
    in table cells headings are just bold paragraphs.
    """

    def __init__(self, heading_level: int | None) -> None:
        super().__init__(convert_charrefs=True)
        self.heading_level = heading_level
        self.stack: list[tuple[str, list[str]]] = [("root", [])]

    def _open(self, kind: str) -> None:
        self.stack.append((kind, []))

    def _close(self, kinds: tuple[str, ...]) -> None:
        if not any(kind in kinds for kind, _ in self.stack[1:]):
            return  # a stray end tag: ignore it
        while True:
            kind, parts = self.stack.pop()
            body = "[" + "".join(parts) + "]"
            self.stack[-1][1].append(self._wrap(kind, body, parts))
            if kind in kinds:
                return

    def _wrap(self, kind: str, body: str, parts: list[str]) -> str:
        if kind == "p":  # markup context: a bracketed body would print its brackets
            return "".join(parts) + "\n\n"
        if kind == "strong":
            return f"#strong{body}"
        if kind == "em":
            return f"#emph{body}"
        if kind == "u":
            return f"#underline{body}"
        if kind == "mark":
            return f'#highlight(fill: rgb("#ffe08a")){body}'
        if kind.startswith("a:"):
            return f"#link({_s(kind[2:])}){body}"
        if kind == "li":
            return body + ","
        if kind in ("ul", "ol"):
            function = "list" if kind == "ul" else "enum"
            return f"#{function}(" + "".join(parts) + ")\n"
        if kind == "span":
            return "".join(parts)
        if kind == "h":
            if self.heading_level is None:
                return f"#strong{body}\n\n"
            return (
                f"#heading(level: {self.heading_level}, bookmarked: true, outlined: false){body}\n"
            )
        return "".join(parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.stack[-1][1].append("#linebreak()")
            return
        if tag == "li" and self.stack[-1][0] not in ("ul", "ol"):
            self._open("ul")  # a list item outside any list: give it one
        kind = {
            "p": "p",
            "strong": "strong",
            "b": "strong",
            "em": "em",
            "i": "em",
            "u": "u",
            "mark": "mark",
            "ul": "ul",
            "ol": "ol",
            "li": "li",
            "h3": "h",
            "h4": "h",
        }.get(tag)
        if tag == "a":
            href = dict(attrs).get("href") or ""
            kind = f"a:{href}" if href.startswith(("http://", "https://", "mailto:")) else "span"
        if kind is not None:
            if kind in ("p", "h"):
                self._close_inline_blocks()
            self._open(kind)

    def _close_inline_blocks(self) -> None:
        """An open <p> or heading ends where the next block starts (sloppy HTML)."""
        kinds = [kind for kind, _ in self.stack]
        if "p" in kinds[1:] or "h" in kinds[1:]:
            self._close(("p", "h"))

    def handle_endtag(self, tag: str) -> None:
        mapping = {
            "p": ("p",),
            "strong": ("strong",),
            "b": ("strong",),
            "em": ("em",),
            "i": ("em",),
            "u": ("u",),
            "mark": ("mark",),
            "ul": ("ul",),
            "ol": ("ol",),
            "li": ("li",),
            "h3": ("h",),
            "h4": ("h",),
        }
        if tag == "a":
            kinds = [kind for kind, _ in self.stack[1:]]
            target = next((k for k in reversed(kinds) if k.startswith("a:") or k == "span"), None)
            if target:
                self._close((target,))
            return
        if tag in mapping:
            self._close(mapping[tag])

    def handle_data(self, data: str) -> None:
        if not data:
            return
        kind = self.stack[-1][0]
        if kind in ("ul", "ol"):
            if not data.strip():
                return
            self._open("li")  # text straight inside a list: an item of its own
            self.stack[-1][1].append(f"#{_s(data)}")
            self._close(("li",))
            return
        self.stack[-1][1].append(f"#{_s(data)}")

    def result(self) -> str:
        self.close()
        while len(self.stack) > 1:
            self._close((self.stack[-1][0],))
        return "".join(self.stack[0][1])


def rich(html: str, heading_level: int | None = None) -> str:
    parser = _RichToTypst(heading_level)
    parser.feed(html)
    return parser.result()


def _cell(value: str | Rich) -> str:
    if isinstance(value, Rich):
        return "[" + rich(value.html) + "]"
    return "[" + _plain(value) + "]"


# Body cells keep their words whole (as the HTML's `hyphens: manual`), so names and figures
# read back unbroken; a word wider than its column (e.g. "MERCATORUM" under "Fonte") would
# run over the border, so that cell alone may hyphenate. Widths are estimated generously:
# DejaVu Sans capitals are about 0.7 em wide.
PT = 0.3528  # mm
EM_PER_CHAR = 0.7
CELL_PADDING = 2.4  # mm, both sides


def _longest_word(value: str | Rich) -> int:
    text = to_text(value.html) if isinstance(value, Rich) else value
    return max((len(word) for word in text.split()), default=0)


def _body_cell(value: str | Rich, width: float, size: float) -> str:
    if _longest_word(value) * size * EM_PER_CHAR * PT > width - CELL_PADDING:
        return "[#set text(hyphenate: true)\n" + _cell(value)[1:]
    return _cell(value)


def table_typst(table: TableBlock, font_size: float, text_width: float) -> str:
    """`font_size` in points, `text_width` (the page's, in mm) to spot words that can't fit."""
    count = len(table.columns)
    widths = table.widths or (1.0,) * count
    mm = [text_width * w / sum(widths) for w in widths]
    columns = ", ".join(f"{w:g}fr" for w in widths)
    numeric = "(" + "".join(f"{i}," for i in sorted(table.numeric)) + ")"
    # Rows with long rich text (comments, results) may break across pages; the others not.
    breakable = any(isinstance(cell, Rich) for row in table.rows for cell in row.cells)
    caption = f'#text(size: 8.5pt, weight: "bold")[#{_s(table.caption)}]'
    out = [f"#block(sticky: true, below: 1.5mm)[{caption}]\n"]
    out.append(f"#[#set text(size: {font_size}pt)\n")
    if not breakable:
        out.append("#set table.cell(breakable: false)\n")
    out.append(
        f"#table(columns: ({columns},), "
        f"align: (x, y) => if y > 0 and x in {numeric} {{ right }} else {{ left }},\n"
    )
    header = ", ".join(
        f"table.cell(fill: {HEAD_FILL})[#set text(hyphenate: true)\n#strong{_cell(c)}]"
        for c in table.columns
    )
    out.append(f"table.header({header}),\n")
    for row in table.rows:
        if row.kind == "group":
            group = f"table.cell(colspan: {count}, fill: {GROUP_FILL}, align: left)"
            out.append(f"{group}[#strong{_cell(row.cells[0])}],\n")
            continue
        if row.kind == "total":
            out.append(_total_row(row.cells) + ",\n")
            continue
        cells = (_body_cell(v, mm[i], font_size) for i, v in enumerate(row.cells))
        out.append(", ".join(cells) + ",\n")
    out.append(")]\n")
    return "".join(out)


def _total_row(cells: tuple[str | Rich, ...]) -> str:
    """The label of a total row spans the empty cells after it (it would not fit in "N.")."""
    span = 1
    while span < len(cells) - 1 and cells[span] == "":
        span += 1
    fill = f"fill: {HEAD_FILL}"
    label = f"table.cell(colspan: {span}, {fill}, align: left)[#strong{_cell(cells[0])}]"
    rest = [f"table.cell({fill})[#strong{_cell(v)}]" for v in cells[span:]]
    return ", ".join([label, *rest])


# Characters XML 1.0 forbids: a label pasted with a control character would make the SVG
# unreadable (browsers show nothing; Typst stops), so they are dropped from the image.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def chart_typst(chart: Chart) -> str:
    svg = _NOT_XML.sub("", chart.svg)
    return (
        "#block(breakable: false, above: 3mm, below: 6mm)["
        f'#image(bytes({_s(svg)}), format: "svg", width: 150mm, '
        f"alt: {_s(chart.description)})\n"
        f'#par(justify: false)[#text(size: 8pt, fill: rgb("#444444"))[#{_s(chart.description)}]]]\n'
    )


def part_typst(part: Part) -> str:
    margin = (
        "(top: 18mm, bottom: 14mm, x: 10mm)"
        if part.landscape
        else "(top: 22mm, bottom: 18mm, x: 15mm)"
    )
    flipped = "true" if part.landscape else "false"
    font_size = 6.8 if part.landscape else 7.5
    text_width = 297 - 2 * 10 if part.landscape else 210 - 2 * 15
    out = [f"#set page(flipped: {flipped}, margin: {margin})\n"]
    outlined = "true" if part.in_toc else "false"
    out.append(f"#heading(level: 1, outlined: {outlined}, bookmarked: true, {_s(part.title)})\n")
    # PDF/UA: heading levels never skip one (the annexes go from the part to level 3).
    last = 1
    for block in part.blocks:
        if isinstance(block, Heading):
            level = min(block.level, last + 1)
            in_toc = "true" if part.in_toc and block.level == 2 and block.anchor else "false"
            out.append(
                f"#heading(level: {level}, outlined: {in_toc}, bookmarked: true, "
                f"{_s(block.text)})\n"
            )
            last = level
        elif isinstance(block, Narrative):
            out.append(rich(block.html, heading_level=min(3, last + 1)) + "\n\n")
        elif isinstance(block, TableBlock):
            out.append(table_typst(block, font_size, text_width))
        elif isinstance(block, Chart):
            out.append(chart_typst(block))
    return "".join(out)


def document_typst(document: Document) -> str:
    """The whole Relazione as one Typst source."""
    values = {
        "title": _s(f"{document.title} {document.year} – {document.entity}"),
        "author": _s(document.entity),
        "header": _s(document.header),
        "blue": BLUE,
    }
    approval = f"#v(4mm)\n#{_s(document.approval)}" if document.approval else ""
    # The logo as a byte array in the source: the compiler reads no file.
    logo = (
        f'#image(bytes(({",".join(str(b) for b in document.logo)},)), format: "png", '
        f"height: 25mm, alt: {_s('Logo ' + document.entity)})\n  #v(8mm)"
        if document.logo
        else ""
    )
    cover = COVER % {
        "logo": logo,
        "blue": BLUE,
        "entity": _s(document.entity),
        "title": f'text(size: 24pt, fill: rgb("#1a1a1a"), {_s(document.title.upper())})',
        "subtitle": _s(document.subtitle),
        "year": _s(str(document.year)),
        "approval": approval,
    }
    parts = "".join(part_typst(part) for part in document.parts)
    return TEMPLATE % values + cover + parts
