"""Browser: the performance office generates the Relazione as PDF from its page, follows
the progress and finds the file listed for download; the pages are accessible."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from traguardo.plans.models import Cycle
from traguardo.reports.models import Narrative, ReportJob


def test_office_generates_a_pdf_and_sees_it_listed(
    page: Page, live_server: Any, live_demo: Cycle, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    login(page, live_server.url, "ufficio")
    page.goto(f"{live_server.url}/relazione/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relazione sulla performance 2019")
    assert_accessible(page)
    page.select_option("#format-select", "pdf")
    # No broker in tests: the task runs eagerly within the request, after its commit, so
    # the click's navigation lasts as long as the generation.
    page.click("#generate-submit", timeout=240_000)
    expect(page.get_by_role("alert")).to_contain_text("Generazione PDF avviata")
    link = page.get_by_role("link", name="Scarica PDF")
    expect(link).to_be_visible(timeout=240_000)
    job = ReportJob.objects.get(cycle=live_demo, format="pdf")
    assert job.status == "done" and job.size > 100_000
    assert job.requested_by is not None and job.requested_by.get_username() == "ufficio"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert_accessible(page)


def test_html_version_and_narratives_pages_are_accessible(
    page: Page, live_server: Any, live_demo: Cycle
) -> None:
    login(page, live_server.url, "ufficio")
    page.goto(f"{live_server.url}/relazione/2019/anteprima/")
    expect(page.locator("#t-allegato_b caption")).to_contain_text("Tabella calcolo")
    assert_accessible(page)
    page.goto(f"{live_server.url}/relazione/2019/testi/")
    expect(page.locator("#s-presentazione [contenteditable=true]")).to_be_visible()
    assert_accessible(page)


def test_the_office_writes_a_narrative_in_the_editor_and_inserts_a_placeholder(
    page: Page, live_server: Any, live_demo: Cycle
) -> None:
    """The narratives are written in a rich-text editor (ProseMirror/Tiptap), not as raw
    HTML; a placeholder is picked from the list and lands where the cursor is."""
    login(page, live_server.url, "ufficio")
    page.goto(f"{live_server.url}/relazione/2019/testi/")
    section = page.locator("#s-presentazione")
    editor = section.locator("[contenteditable=true]")
    expect(editor).to_be_visible()
    expect(section.locator("textarea")).to_be_hidden()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("La performance dell'ente è ")
    section.locator("select").select_option("performance_ente")
    section.get_by_role("button", name="Inserisci nel testo").click()
    page.keyboard.type(".")
    section.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("alert").first).to_contain_text("Testo salvato")
    html = Narrative.objects.get(cycle=live_demo, section="presentazione").html
    assert html == "<p>La performance dell'ente è {{ performance_ente }}.</p>"
