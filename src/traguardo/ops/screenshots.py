"""Screenshots of the main pages, signed in as the demo users: at desktop width
(docs/screenshots/*.png) and at a phone's 375 px (docs/screenshots/375/*.png)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

from traguardo.ops.appserver import child_env, free_port, manage, prepare_demo, running

CHROMIUM = Path(os.environ.get("TRAGUARDO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Shot:
    user: str  # "" for an anonymous visitor
    name: str  # the PNG's file name, without extension
    path: str  # the URL path, may use {cycle}, {objective}, {indicator}


SHOTS = (
    Shot("", "login", "/accesso/entra/"),
    Shot("", "home", "/"),
    Shot("", "results", "/risultati/2019/"),
    Shot("", "explain-b14", "/risultati/2019/perche/B14/"),
    Shot("", "accessibility", "/sito/accessibilita/"),
    Shot("ufficio", "dashboard-ufficio", "/cruscotto/"),
    Shot("ufficio", "tree", "/albero/"),
    Shot("ufficio", "objective", "/obiettivo/{objective}/"),
    Shot("ufficio", "plan-editor", "/piano/"),
    Shot("ufficio", "plan-states", "/piano/stato/"),
    Shot("ufficio", "revisions", "/piano/revisioni/"),
    Shot("ufficio", "relazione", "/relazione/"),
    Shot("ufficio", "exchange", "/dati/"),
    Shot("ufficio", "fund", "/premi/"),
    Shot("ufficio", "gender", "/personale/"),
    Shot("po", "dashboard-po", "/cruscotto/"),
    Shot("po", "monitoring-todo", "/monitoraggio/"),
    Shot("po", "monitoring-indicator", "/monitoraggio/indicatore/{indicator}/"),
    Shot("dirigente", "cards", "/schede/"),
    Shot("oiv", "oiv-workspace", "/oiv/"),
    Shot("oiv", "oiv-challenge", "/oiv/2019/target-sfidanti/"),
    Shot("oiv", "oiv-objective-check", "/oiv/2019/verifica/obiettivo/{objective}/"),
    Shot("oiv", "history-indicator", "/storico/plans.indicator/{indicator}/"),
)

# Citizens see a cycle only once it is published: their pages are taken last, after the
# demo cycle (loaded closed) is published; the staff pages show it as it is loaded.
PUBLISH = (
    "from traguardo.plans.models import Cycle;"
    "Cycle.objects.filter(entity__code='tvbl', year=2019).update(state=Cycle.State.PUBLISHED)"
)


# The widths of each shot: the desktop one, and a phone's (in a subfolder named after it).
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
MOBILE: ViewportSize = {"width": 375, "height": 740}


def _citizen(shot: Shot) -> bool:
    return not shot.user and shot.name != "login"


IDS = (
    "from traguardo.plans.models import Cycle, Indicator, OperationalObjective as O;"
    "c = Cycle.objects.get(entity__code='tvbl', year=2019);"
    "o = O.objects.filter(cycle=c).order_by('home_unit__code', 'number').first();"
    "print(c.pk, o.pk, o.indicators.order_by('number').first().pk)"
)


def take(out: Path, say: Callable[[str], None], only: set[str] | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(f"sqlite:///{tmp}/screens.sqlite3", TRAGUARDO_MEDIA_ROOT=f"{tmp}/media")
        say("Preparo il database dimostrativo…")
        prepare_demo(env)
        cycle, objective, indicator = manage(env, "shell", "-v", "0", "-c", IDS).split()[-3:]
        ids = {"cycle": cycle, "objective": objective, "indicator": indicator}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        saved: list[Path] = []
        with running(command, env, base + "/accesso/entra/"), sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            contexts: dict[str, object] = {}
            published = False
            for shot in sorted(SHOTS, key=_citizen):
                if only and shot.name not in only:
                    continue
                if _citizen(shot) and not published:
                    manage(env, "shell", "-v", "0", "-c", PUBLISH)
                    published = True
                context = contexts.get(shot.user)
                if context is None:
                    context = browser.new_context(locale="it-IT", viewport=DESKTOP)
                    contexts[shot.user] = context
                    if shot.user:
                        _login(context, base, shot.user)
                page = context.new_page()  # type: ignore[attr-defined]
                # Generous: the big pages (tree, plan) on a busy machine take their time.
                page.set_default_timeout(120_000)
                if shot.name == "oiv-objective-check":
                    _fill_a_check(page, base + shot.path.format(**ids))
                response = page.goto(base + shot.path.format(**ids))
                status = response.status if response is not None else 0
                if status != 200:
                    say(f"  salto {shot.name}: {shot.path.format(**ids)} risponde {status}")
                    page.close()
                    continue
                _settle(page)
                for folder, viewport in ((out, DESKTOP), (out / "375", MOBILE)):
                    folder.mkdir(parents=True, exist_ok=True)
                    if viewport is MOBILE:
                        # Reloaded at the new width: the page's script sizes its boxes.
                        page.set_viewport_size(viewport)
                        page.reload()
                        _settle(page)
                    target = folder / f"{shot.name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                    say(f"  {target}")
                page.close()
            browser.close()
    return saved


def _settle(page: object) -> None:
    """Loaded, fonts included (the pages are rendered on the server: no network to wait
    for, and a busy machine may never see the network idle)."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    page.evaluate("() => document.fonts.ready.then(() => true)")  # type: ignore[attr-defined]


def _login(context: object, base: str, username: str) -> None:
    from traguardo.demo.users import DEMO_PASSWORD

    page = context.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/accesso/entra/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")
    page.close()


def _fill_a_check(page: object, url: str) -> None:
    """Save one checklist so that the page shows its history."""
    response = page.goto(url)  # type: ignore[attr-defined]
    if response is None or response.status != 200:
        return
    page.select_option("#id_deviations-outcome", "remarks")  # type: ignore[attr-defined]
    page.fill(  # type: ignore[attr-defined]
        "#id_deviations-note", "Scostamento positivo motivato nella scheda dell'obiettivo."
    )
    page.select_option("#id_coherence-outcome", "ok")  # type: ignore[attr-defined]
    page.click("#check-submit")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
