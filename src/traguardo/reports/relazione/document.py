"""The Relazione as plain data, independent of the output format (pure Python).

A Document is a cover plus parts (Presentazione, sections 1-5, Allegati A-E); a part is a
list of blocks: headings, sanitised narrative HTML, tables and charts. Every renderer walks
the same blocks, so the PDF, the DOCX, the XLSX and the web page cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Rich:
    """A cell or paragraph holding sanitised HTML (narratives, comments with lists)."""

    html: str


Cell = str | Rich


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    kind: str = "data"  # "data", "group" (one cell across the table), "total"


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # short name, unique in the document: the XLSX sheet and the HTML id
    caption: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    widths: tuple[float, ...] = ()  # relative widths, one per column
    numeric: frozenset[int] = frozenset()  # columns aligned right


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 2 or 3 (1 is the part's title)
    text: str
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Narrative:
    html: str


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    svg: str
    png: bytes
    description: str  # the text alternative: the figures the chart shows


Block = Heading | Narrative | Table | Chart


@dataclass
class Part:
    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False
    in_toc: bool = True


@dataclass
class Document:
    title: str
    subtitle: str
    entity: str
    year: int
    approval: str  # the act approving the Relazione, "" if none yet
    header: str  # running header
    parts: list[Part]
    problems: list[str] = field(default_factory=list)  # e.g. unknown placeholders
    # The administration's logo on the cover: a PNG Traguardo re-drew itself
    # (organisation.logo), b"" when it has none.
    logo: bytes = b""

    def tables(self) -> list[Table]:
        return [b for p in self.parts for b in p.blocks if isinstance(b, Table)]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables() if t.key == key)
