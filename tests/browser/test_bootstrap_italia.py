"""Bootstrap Italia, fully (issue 16): the theme's fonts, the administration in the header,
the menu grouped by phase on one row, the footer pages, the sign-in form, and every main
page of each role at desktop and at 375 px: no horizontal overflow, unique ids, a sane
focus order and no serious axe-core violation.

One browser (the session's), one context per role; each page is checked at both widths
in the same loop, so that the module stays within a minute or two on CI's two cores.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

from tests.browser.conftest import assert_accessible, login, open_final_period_indicator
from traguardo.plans.models import Cycle, OperationalObjective
from traguardo.web.models import SitePage

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
MOBILE: ViewportSize = {"width": 375, "height": 740}

# The main pages of each role ({objective}, {indicator}: the demo's ids).
PAGES: dict[str, list[str]] = {
    "ufficio": [
        "/cruscotto/",
        "/albero/",
        "/obiettivo/{objective}/",
        "/piano/",
        "/piano/stato/",
        "/piano/revisioni/",
        "/premi/",
        "/personale/",
        "/oiv/",
        "/relazione/",
        "/dati/",
        "/sito/accessibilita/modifica/",
    ],
    "po": ["/cruscotto/", "/monitoraggio/", "/monitoraggio/indicatore/{indicator}/"],
    "dirigente": ["/schede/"],
    "oiv": [
        "/oiv/2019/target-sfidanti/",
        "/oiv/2019/verifica/obiettivo/{objective}/",
        "/storico/plans.indicator/{indicator}/",
    ],
    # Citizens: the cycle is published first (see the test).
    "": [
        "/",
        "/risultati/2019/",
        "/risultati/2019/perche/B14/",
        "/accesso/entra/",
        "/sito/accessibilita/",
        "/sito/privacy/",
        "/sito/note-legali/",
        "/sito/contatti/",
    ],
}

# What each page must pass, evaluated in the page: ids seen twice, elements put before
# the others in the tab order (tabindex > 0), the page's width beyond the viewport.
CHECKS = """() => {
  const seen = new Map();
  for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
  return {
    duplicates: [...seen].filter(([, n]) => n > 1).map(([id]) => id),
    positiveTabindex: [...document.querySelectorAll('[tabindex]')]
      .filter(e => e.tabIndex > 0).map(e => e.outerHTML.slice(0, 80)),
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


def _ids(cycle: Cycle) -> dict[str, int]:
    objective = (
        OperationalObjective.objects.filter(cycle=cycle)
        .order_by("home_unit__code", "number")
        .first()
    )
    assert objective is not None
    indicator = objective.indicators.order_by("number").first()
    assert indicator is not None
    return {"objective": objective.pk, "indicator": indicator.pk}


def _check_page(page: Page, url: str, problems: list[str]) -> None:
    """The page at desktop width, then at 375 px (the same document, reloaded)."""
    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        response = page.goto(url)
        # "load" and the fonts, not "networkidle": on a busy machine the network may never
        # look idle for 500 ms within the timeout (seen in CI).
        page.wait_for_load_state("load")
        page.evaluate("async () => { await document.fonts.ready; }")
        width = viewport["width"]
        if response is None or response.status != 200:
            problems.append(f"{url} @{width}: {response.status if response else 'no answer'}")
            continue
        found: dict[str, Any] = page.evaluate(CHECKS)
        if found["duplicates"]:
            problems.append(f"{url} @{width}: ids used twice {found['duplicates']}")
        if found["positiveTabindex"]:
            problems.append(f"{url} @{width}: tabindex > 0 {found['positiveTabindex']}")
        if found["overflow"] > 0:
            problems.append(f"{url} @{width}: {found['overflow']} px of horizontal overflow")
        autofocus = page.evaluate("() => document.activeElement !== document.body")
        if width == DESKTOP["width"] and not autofocus:
            # Focus order: the first Tab reaches the skip link, before the header (the
            # sign-in page puts the focus in its first field instead).
            page.keyboard.press("Tab")
            first = page.evaluate("() => document.activeElement.id")
            if first != "skip-to-content":
                problems.append(f"{url}: the first Tab reaches #{first}, not the skip link")
        try:
            assert_accessible(page)
        except AssertionError as exc:
            problems.append(f"@{width} {exc}")


def test_every_main_page_of_each_role_at_desktop_and_375_px(
    browser: Browser, live_demo: Cycle, live_server: Any
) -> None:
    ids = _ids(live_demo)
    problems: list[str] = []
    for role, paths in PAGES.items():
        if not role:
            Cycle.objects.filter(pk=live_demo.pk).update(state=Cycle.State.PUBLISHED)
        context = browser.new_context(locale="it-IT", viewport=DESKTOP)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            if role:
                login(page, live_server.url, role)
            for path in paths:
                _check_page(page, live_server.url + path.format(**ids), problems)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)


def test_fonts_header_menu_and_footer(page: Page, live_demo: Cycle, live_server: Any) -> None:
    login(page, live_server.url, "ufficio")
    page.goto(live_server.url + "/cruscotto/")
    page.wait_for_load_state("networkidle")
    # Titillium Web, from our own static files (no CDN), is the font in use.
    assert page.evaluate(
        "async () => { await document.fonts.ready; "
        "return document.fonts.check('16px \"Titillium Web\"') && "
        "[...document.fonts].some(f => f.family.includes('Titillium') && f.status === 'loaded'); }"
    )
    assert "Titillium Web" in page.evaluate("() => getComputedStyle(document.body).fontFamily")
    # The administration in the header, the product in the footer.
    assert page.locator("[data-testid=brand]").inner_text() == live_demo.entity.name
    assert "Traguardo" in page.locator("[data-testid=product]").inner_text()
    # The menu: one row of phases at desktop width; a phase opens its pages.
    tops = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=main-menu] > li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))"
    )
    # The five phases and, for the office, "Amministrazione" (its users, a new cycle).
    assert len(tops) == 6 and len(set(tops)) == 1, tops
    plan = page.locator("#main-menu .dropdown-item", has_text="Stato del ciclo")
    assert not plan.is_visible()
    page.locator("#menu-plan").click()
    plan.wait_for(state="visible")
    assert page.locator("#menu-plan").get_attribute("aria-expanded") == "true"
    plan.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/piano/stato/")
    # The phase of the current page is marked in the menu.
    assert "active" in (page.locator("#menu-plan").get_attribute("class") or "").split()


def test_footer_pages_are_public_and_the_office_edits_them(
    browser: Browser, page: Page, live_demo: Cycle, live_server: Any
) -> None:
    # A citizen follows each footer link to its page.
    visitor = browser.new_context(locale="it-IT", viewport=DESKTOP)
    anonymous = visitor.new_page()
    try:
        titles = {
            "Dichiarazione di accessibilità": "Dichiarazione di accessibilità",
            "Informativa privacy": "Informativa sul trattamento dei dati personali",
            "Note legali": "Note legali",
            "Contatti": "Contatti",
        }
        for link, title in titles.items():
            anonymous.goto(live_server.url + "/accesso/entra/")
            anonymous.locator("[data-testid=footer-legal] a", has_text=link).click()
            anonymous.wait_for_load_state("networkidle")
            assert anonymous.locator("main h1").inner_text() == title
            assert live_demo.entity.name in anonymous.locator("main").inner_text()
        # The accessibility statement starts from AgID's model.
        anonymous.goto(live_server.url + "/sito/accessibilita/")
        headings = anonymous.locator("main h2").all_inner_texts()
        assert "Stato di conformità" in headings
        assert "Meccanismo di feedback e recapiti" in headings
        assert anonymous.locator("[data-testid=site-page-edit]").count() == 0

        # The office edits it; the text is plain, never HTML.
        login(page, live_server.url, "ufficio")
        page.goto(live_server.url + "/sito/accessibilita/")
        page.locator("[data-testid=site-page-edit]").click()
        page.wait_for_load_state("networkidle")
        page.fill("#id_text", "")
        page.click("#site-page-save")
        page.wait_for_load_state("networkidle")
        # An empty text is refused: the focus lands on the error summary.
        assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
        assert not SitePage.objects.exists()
        page.fill(
            "#id_text",
            "Il sito è conforme.\n\n## Recapiti\n- accessibilita@example.org\n"
            "<script>alert(1)</script>",
        )
        page.click("#site-page-save")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/sito/accessibilita/")

        anonymous.goto(live_server.url + "/sito/accessibilita/")
        assert anonymous.locator("main h2").all_inner_texts() == ["Recapiti"]
        assert anonymous.locator("main li").inner_text() == "accessibilita@example.org"
        assert "<script>alert(1)</script>" in anonymous.locator("main").inner_text()
        assert anonymous.locator("main script").count() == 0
    finally:
        visitor.close()


def test_refused_value_focuses_the_error_summary(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    indicator = open_final_period_indicator(live_demo)  # target "= 150"
    login(page, live_server.url, "po")
    page.goto(f"{live_server.url}/monitoraggio/indicatore/{indicator.pk}/")
    # The value box and the comment box each have their own id and label.
    assert page.locator("#id_text").count() == 1
    assert page.locator("#id_comment_text").count() == 1
    assert page.get_by_label("Commento").get_attribute("id") == "id_comment_text"
    page.get_by_label("Valore rilevato").fill("120")  # misses the target, no reason given
    page.click("#save-value")
    page.wait_for_load_state("networkidle")
    focused = page.evaluate(
        "() => ({summary: document.activeElement.hasAttribute('data-error-summary'), "
        "text: document.activeElement.innerText})"
    )
    assert focused["summary"], focused
    assert "Motivazione dello scostamento" in focused["text"]
    # The summary's link leads to the field to correct.
    page.locator("[data-error-summary] a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_justification"


def test_the_sign_in_heading_leaves_room_for_the_username_label(
    page: Page, live_demo: Cycle, live_server: Any
) -> None:
    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/accesso/entra/")
        heading = page.locator("main h1").bounding_box()
        label = page.locator("label[for=id_username]").bounding_box()
        assert heading is not None and label is not None
        assert label["y"] >= heading["y"] + heading["height"], (viewport, heading, label)
