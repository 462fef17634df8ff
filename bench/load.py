"""Load benchmark (not a test): gunicorn on PostgreSQL, the 2019 demo, 50 concurrent users.

    .venv/bin/python bench/load.py [--users 50] [--rounds 8] [--think 2] [--ramp 20]
        [--workers N] [--threads N] [--cache-url redis://127.0.0.1:6379/9]
        [--admin-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a database of its own (dropped at the end), migrates it, loads the demo and the
demo users, collects the static files, starts gunicorn with deploy/gunicorn.conf.py in
production mode (debug off; plain HTTP on 127.0.0.1, so the HTTPS redirect and secure
cookies are turned off for this run only) and drives simulated users, one thread each: sign
in, then browse dashboard, tree, results, an explanation and (OIV and office) the OIV
workspace, in rounds; and the work pages of issue 17.4 under the role that uses them
(WORK_PAGES: /monitoraggio/ for the office and the dirigente, /piano/, the Relazione
preview, the list of report cards and one card for the office, the dirigente and a PO).
The demo's cycle is put back to monitoring with its two campaigns open, so that the to-do
lists are full. Values are posted through the monitoring page of an indicator when
that page exists and has a form with a `text` field (monitoring.services behind it),
else through the API when /api/v1/ lists a measurements endpoint, else users only browse.
Pages answering 501 (not built yet) are counted and left out of the figures.

Users sign in first (over --ramp seconds), then all browse together: the pages are measured
apart from the sign-in rush. Prints p50/p95/max per page in milliseconds for each number of
users (default: one user, the baseline, then 50); the goal is p95 < 300 ms. The "one user"
run signs in each demo user in turn, alone on the server, back-to-back (no think time).
Each run prints the commit and the load average at its start and end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from traguardo.ops.appserver import child_env, free_port, manage, prepare_demo, running  # noqa: E402

USERS = ("ufficio", "segretario", "dirigente", "po", "po2", "oiv")
PASSWORD = "traguardo-demo"
PAGES = (
    ("dashboard", "/cruscotto/"),
    ("tree", "/albero/"),
    ("results", "/risultati/2019/"),
    ("explain", "/risultati/2019/perche/B14/"),
    ("home", "/"),
)
OIV_PAGES = (("oiv", "/oiv/"),)
# Issue 17.4: the work pages, each under the role that uses it. "{card}" is the first card
# the user may see (found at setup).
WORK_PAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "ufficio": (
        ("work: monitoring (office)", "/monitoraggio/"),
        ("work: plan editor", "/piano/"),
        ("work: Relazione preview", "/relazione/2019/anteprima/"),
        ("work: cards (office)", "/schede/"),
        ("work: one card (office)", "/schede/{card}/"),
    ),
    "dirigente": (
        ("work: monitoring (dirigente)", "/monitoraggio/"),
        ("work: cards (dirigente)", "/schede/"),
        ("work: one card (dirigente)", "/schede/{card}/"),
    ),
    "po": (
        ("work: cards (PO)", "/schede/"),
        ("work: one card (PO)", "/schede/{card}/"),
    ),
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[page][status] += 1
            if status in (200, 302):
                self.times[page].append(seconds * 1000)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def request(
    opener: urllib.request.OpenerDirector,
    url: str,
    data: dict[str, str] | None = None,
    referer: str = "",
) -> tuple[int, str, float]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"Referer": referer} if referer else {})
    start = time.perf_counter()
    try:
        with opener.open(req, timeout=60) as response:
            text = response.read().decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        status = exc.code
    except OSError:  # timed out or connection refused: counted as status 0
        text, status = "", 0
    return status, text, time.perf_counter() - start


def simulated_user(
    base: str,
    username: str,
    rounds: int,
    stats: Stats,
    indicator: str,
    start: threading.Event,
    think: float = 0.0,
    arrival: float = 0.0,
    signed_in: threading.Barrier | None = None,
    post_values: bool = True,
    cards: dict[str, str] | None = None,
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    start.wait()
    time.sleep(arrival)
    login = base + "/accesso/entra/"
    status, html, seconds = request(opener, login)
    stats.add("login (GET)", status, seconds)
    token = CSRF.search(html)
    if token is None:
        stats.add("login (POST)", 0, 0)
        if signed_in is not None:
            signed_in.abort()
        return
    status, _html, seconds = request(
        opener,
        login,
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        referer=login,
    )
    stats.add("login (POST)", status, seconds)
    # Pages are measured once everybody is in: 50 sign-ins at once (each hashes a password,
    # ~0,6 s of CPU by design) would otherwise queue the first pages behind them.
    if signed_in is not None:
        try:
            signed_in.wait()
        except threading.BrokenBarrierError:  # another user could not sign in
            return
        if think:  # people do not all click at the same instant
            time.sleep(random.uniform(0, 2 * think))
    pages = PAGES + (OIV_PAGES if username in ("oiv", "ufficio") else ())
    pages += tuple(
        (name, path.format(card=(cards or {}).get(username, "0")))
        for name, path in WORK_PAGES.get(username, ())
    )
    for round_ in range(rounds):
        for name, path in pages:
            if think:  # a person reads the page before the next click
                time.sleep(random.uniform(0.5 * think, 1.5 * think))
            status, _html, seconds = request(opener, base + path)
            stats.add(name, status, seconds)
        if post_values and username in ("po", "ufficio"):
            post_value(opener, base, indicator, round_, stats)


def post_value(
    opener: urllib.request.OpenerDirector, base: str, indicator: str, round_: int, stats: Stats
) -> None:
    """Through the indicator's monitoring page when it has a form with a `text` field."""
    url = f"{base}/monitoraggio/indicatore/{indicator}/"
    status, html, seconds = request(opener, url)
    stats.add("monitoring page", status, seconds)
    if status != 200 or 'name="text"' not in html:
        return
    # the form holding the first `text` field (the value's), not the comment form after it
    at = html.find('name="text"')
    form = html[html.rfind("<form", 0, at) : html.find("</form>", at)]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    fields.update(
        {k: v for k, v in re.findall(r'<select[^>]*name="([^"]+)".*?value="([^"]*)"', form, re.S)}
    )
    fields["text"] = f"{100 + round_}"
    # below target a value needs its reason (monitoring.services refuses it otherwise: 400)
    fields.setdefault("justification", "Valore di prova del benchmark di carico.")
    status, _html, seconds = request(opener, url, fields, referer=url)
    stats.add("monitoring value (POST)", status, seconds)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(match: str) -> float:
    """CPU time (user + system) used so far by the processes whose command line holds
    `match`: the work the server did, less noisy on a shared machine than latencies."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if match not in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def cpu_mark(into: list[tuple[float, float, float, float]], config: str) -> None:
    me = resource.getrusage(resource.RUSAGE_SELF)
    into.append(
        (
            time.perf_counter(),
            cpu_seconds(config),
            cpu_seconds("postgres"),
            me.ru_utime + me.ru_stime,
        )
    )


def report(stats: Stats, elapsed: float, users: int) -> str:
    lines = [
        f"{users} simulated users, {elapsed:.1f} s",
        f"{'page':26} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses",
    ]
    total = 0
    for page in sorted(stats.statuses):
        times = stats.times.get(page, [])
        codes = ", ".join(f"{c}×{n}" for c, n in sorted(stats.statuses[page].items()))
        count = sum(stats.statuses[page].values())
        total += count
        if times:
            lines.append(
                f"{page:26} {count:8} {statistics.median(times):8.0f} "
                f"{percentile(times, 0.95):8.0f} {max(times):8.0f}  {codes}"
            )
        else:
            lines.append(f"{page:26} {count:8} {'-':>8} {'-':>8} {'-':>8}  {codes}")
    lines.append(f"throughput: {total / elapsed:.1f} requests/s")
    return "\n".join(lines)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def card_of_each_user(env: dict[str, str]) -> dict[str, str]:
    """The first report card each user of WORK_PAGES may open (its id, for its page)."""
    code = (
        "from django.contrib.auth import get_user_model; "
        "from traguardo.plans.models import Cycle; "
        "from traguardo.individual.services import visible_cards; "
        "c = Cycle.objects.get(year=2019); "
        f"[print(n, (visible_cards(get_user_model().objects.get(username=n), c.pk) or [0])[0].pk)"
        f" for n in {sorted(WORK_PAGES)!r}]"
    )
    out = manage(env, "shell", "-v", "0", "-c", code)
    return dict(line.split() for line in out.splitlines() if line.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users", default="1,50", help="comma-separated numbers of users, one run each"
    )
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--admin-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL URL with the right to create databases",
    )
    parser.add_argument("--workers", default="", help="gunicorn workers (default: its config)")
    parser.add_argument("--threads", default="", help="threads per worker (default: its config)")
    parser.add_argument(
        "--cache-url",
        default="",
        help="TRAGUARDO_CACHE_URL for the server, e.g. redis://127.0.0.1:6379/9 (default: none)",
    )
    parser.add_argument(
        "--no-values",
        action="store_true",
        help="only browse: no value is posted, so the data (and the cached scores) never change",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="seconds over which the users arrive (0: all sign in at the same moment)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a user waits between pages (0: back-to-back, a stress test)",
    )
    args = parser.parse_args()

    admin = urllib.parse.urlsplit(args.admin_url)
    name = f"traguardo_bench_{os.getpid()}"
    database_url = urllib.parse.urlunsplit(admin._replace(path="/" + name))
    psql = ["psql", args.admin_url, "-q", "-c"]
    subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True)
    port = free_port()
    env = child_env(
        database_url,
        TRAGUARDO_DEBUG="0",
        TRAGUARDO_SECRET_KEY="bench-" + "q8Lr2Vx7Nc4Ht9Zp3Wm6Ks1Bd5Gf0Jy" * 2,
        TRAGUARDO_ALLOWED_HOSTS="127.0.0.1",
        TRAGUARDO_SSL_REDIRECT="0",
        TRAGUARDO_SECURE_COOKIES="0",
        TRAGUARDO_HSTS_SECONDS="0",
        TRAGUARDO_BIND=f"127.0.0.1:{port}",
    )
    if args.workers:
        env["TRAGUARDO_WORKERS"] = args.workers
    if args.threads:
        env["TRAGUARDO_THREADS"] = args.threads
    if args.cache_url:
        env["TRAGUARDO_CACHE_URL"] = args.cache_url
    try:
        print(f"database {name}: migrate, load the demo, collect static files…", flush=True)
        prepare_demo(env)
        # The demo arrives closed (consuntivo); values are entered while monitoring.
        manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            "from traguardo.plans.models import Cycle; Cycle.objects.update(state='monitoring')",
        )
        # ...and its two campaigns open (issue 17.4): the to-do lists of /monitoraggio/ list
        # every indicator of the reader's scope only while a period is open.
        manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            "from traguardo.monitoring.models import Period; Period.objects.update(closed=False)",
        )
        manage(env, "collectstatic", "--noinput", "-v0")
        indicator = manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            # a numeric one (a number posted to a yes/no indicator is refused: 400)
            "from traguardo.monitoring.models import Measurement as M; "
            "print(M.objects.filter(indicator__objective__home_unit__code='2.1', "
            "number__isnull=False).order_by('indicator_id').first().indicator_id)",
        ).split()[-1]
        config = str(ROOT / "deploy" / "gunicorn.conf.py")
        gunicorn = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            config,
            "--access-logfile",
            "/dev/null",
        ]
        base = f"http://127.0.0.1:{port}"
        cards = card_of_each_user(env)
        with running(gunicorn, env, base + "/accesso/entra/"):
            for users in [int(n) for n in args.users.split(",")]:
                print(f"commit {commit()}, {users} user(s): load average at the start {loadavg()}")
                stats = Stats()
                start = threading.Event()
                cpu: list[tuple[float, float, float, float]] = []
                # The CPU the server uses for the pages is counted from the moment everybody
                # has signed in (the sign-ins hash passwords by design).
                signed_in = threading.Barrier(users, action=partial(cpu_mark, cpu, config))

                # One user back-to-back: each demo user in turn, alone on the server, so every
                # role's pages have their one-user baseline (sign-ins included in its CPU).
                alone = users == 1
                names = list(USERS) if alone else [USERS[i % len(USERS)] for i in range(users)]
                user_args = [
                    (
                        base,
                        username,
                        args.rounds,
                        stats,
                        indicator,
                        start,
                        0.0 if alone else args.think,  # one user: back-to-back
                        args.ramp * i / max(users - 1, 1),
                        None if alone else signed_in,
                        not args.no_values,
                        cards,
                    )
                    for i, username in enumerate(names)
                ]
                began = time.perf_counter()
                if alone:
                    start.set()
                    cpu_mark(cpu, config)
                    for one in user_args:
                        simulated_user(*one)
                else:
                    threads = [threading.Thread(target=simulated_user, args=a) for a in user_args]
                    for thread in threads:
                        thread.start()
                    start.set()
                    for thread in threads:
                        thread.join()
                print(
                    f"think time: {0.0 if alone else args.think} s, arrivals over {args.ramp} s, "
                    f"workers {args.workers or 'default'}, threads {args.threads or 'default'}, "
                    f"shared cache: {args.cache_url or 'no'}, "
                    f"values posted: {'no' if args.no_values else 'yes'}"
                )
                print(report(stats, time.perf_counter() - began, users), flush=True)
                if cpu:
                    cpu_mark(cpu, config)
                    (t0, *before), (t1, *after) = cpu
                    used = [
                        f"{name} {b - a:.1f} s ({(b - a) / (t1 - t0):.2f} cores)"
                        for name, a, b in zip(
                            ("gunicorn", "PostgreSQL", "simulated users"),
                            before,
                            after,
                            strict=True,
                        )
                    ]
                    print(f"CPU while browsing ({t1 - t0:.0f} s): " + ", ".join(used))
                print(f"load average at the end: {loadavg()} on {os.cpu_count()} cores\n")
    finally:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
