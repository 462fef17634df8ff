"""The Typst PDF renderer on a small hand-made Document: hostile text is printed, never run.

No database: the Document is built here. Text in every place a user can write (titles,
headings, cells, narratives, links, chart labels) carries Typst syntax that would read a
file, import a package, close a block or open maths if it were ever taken as markup.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import escape

import pytest
import typst
from pypdf import PdfReader

from traguardo.reports.relazione.charts import BarChart, to_svg
from traguardo.reports.relazione.document import (
    Chart,
    Document,
    Heading,
    Narrative,
    Part,
    Rich,
    Row,
    Table,
)
from traguardo.reports.relazione.generate import GenerationError
from traguardo.reports.relazione.pdf import render_pdf
from traguardo.reports.relazione.sanitize import clean_html
from traguardo.reports.relazione.typeset import _s, document_typst, rich

HOSTILE = (
    '#read("/etc/passwd")',
    '#import "@preview/cetz:0.3.0": *',
    "] #set page(fill: red) [",
    "*grassetto* _corsivo_ $x^2$ `codice`",
    '" + read("/etc/hostname") + "',
    '\\" #panic("boom") \\',
    "<etichetta> @rif // commento /* blocco",
    "= Titolo finto",
)


def _document(text: str) -> Document:
    html = escape(text)  # in a narrative the text is HTML: "<etichetta>" is text, not a tag
    chart = BarChart(f"Grafico {text}", (f"voce {text}",), (("Serie", (Decimal(50),)),), "%")
    narrative = clean_html(
        f"<h3>Sezione {html}</h3><p>Uno {html} <strong>due {html}</strong></p>"
        f'<ul><li>tre {html}</li></ul><p><a href="https://example.org/?q={html}">link</a></p>'
    )
    return Document(
        title=f"Relazione {text}",
        subtitle=f"sottotitolo {text}",
        entity=f"Ente {text}",
        year=2019,
        approval=f"Delibera {text}",
        header=f"Intestazione {text}",
        parts=[
            Part(
                "p1",
                f"Parte {text}",
                [
                    Heading(2, f"Capitolo {text}", "c1"),
                    Narrative(narrative),
                    Table(
                        "t1",
                        f"Tabella {text}",
                        (f"Colonna {text}", "Valore"),
                        (
                            Row((f"gruppo {text}",), "group"),
                            Row((f"cella {text}\nseconda riga", Rich(narrative))),
                            Row(("Totale", f"{text}"), "total"),
                        ),
                        (3, 2),
                        frozenset({1}),
                    ),
                    Chart(
                        "g1", chart.title, to_svg(chart), b"", chart.description()
                    ),  # PNG: DOCX only
                ],
            ),
            Part("p2", f"Allegato {text}", [Heading(3, f"Scheda {text}")], landscape=True),
        ],
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_printed_as_it_is_and_never_evaluated(text: str) -> None:
    pdf = PdfReader(io.BytesIO(render_pdf(_document(text))))
    extracted = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    flat = " ".join(text.split())
    for where in ("Parte", "Capitolo", "Tabella", "cella", "Uno", "due", "tre", "Scheda"):
        assert f"{where} {flat}" in extracted, where
    assert "root:" not in extracted  # /etc/passwd was not read
    assert len(pdf.pages) >= 4  # cover, contents, a portrait and a landscape part
    assert pdf.pages[-1].mediabox.width > pdf.pages[-1].mediabox.height
    titles = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert titles == [f"Parte {text}", f"Allegato {text}"]


def test_user_text_enters_the_source_only_as_string_literals() -> None:
    assert _s('a"b\\c\nd\x01\te') == '"a\\"b\\\\c\\nd e"'
    for text in HOSTILE:
        source = document_typst(_document(text))
        # outside the string literals there is only this module's own template and calls
        outside = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', source)
        assert "passwd" not in outside and "hostname" not in outside and "panic" not in outside
        assert "@preview" not in outside and "fill: red" not in outside, text


def test_sanitised_html_becomes_typst_calls_with_the_same_structure() -> None:
    source = rich(
        "<h3>Titolo</h3><p>Uno <strong>due</strong> <em>tre</em> <u>quattro</u><br>cinque</p>"
        '<ol><li>a</li><li>b</li></ol><p><a href="javascript:x">no</a></p>',
        heading_level=3,
    )
    assert source.startswith('#heading(level: 3, bookmarked: true, outlined: false)[#"Titolo"]')
    assert '#strong[#"due"]' in source and '#emph[#"tre"]' in source
    assert '#underline[#"quattro"]' in source and '#linebreak()#"cinque"' in source
    assert '#enum([#"a"],[#"b"],)' in source
    assert "javascript" not in source and '#"no"' in source  # a link without a safe target


def test_a_typst_error_is_not_swallowed() -> None:
    compiler = typst.Compiler()
    with pytest.raises(typst.TypstError):
        compiler.compile(b'#panic("x")', format="pdf")


def test_control_characters_pasted_into_a_text_are_dropped_not_fatal() -> None:
    pdf = PdfReader(io.BytesIO(render_pdf(_document("campana\x07 fuga\x1b\r\tfine"))))
    extracted = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Parte campana fuga fine" in extracted
    assert "Grafico campana fuga fine" in document_typst(_document("campana\x07 fuga\x1b fine"))


def test_a_character_the_font_lacks_is_named_with_its_part() -> None:
    with pytest.raises(GenerationError) as raised:
        render_pdf(_document("nome 中"))
    assert "«中»" in raised.value.message and "«Parte nome 中»" in raised.value.message
