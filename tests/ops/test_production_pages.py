"""Pages render in production mode: hashed static files, our own error pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.ops.test_deploy_check import PRODUCTION, ROOT

RENDER = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client(raise_request_exception=False)
login = client.get("/accesso/entra/", HTTP_HOST="performance.example.it", secure=True)
missing = client.get("/non-esiste/", HTTP_HOST="performance.example.it", secure=True)
print(login.status_code, missing.status_code)
print(login.content.decode())
print("=====")
print(missing.content.decode())
"""


def test_login_and_404_render_with_hashed_static_files(tmp_path: Path) -> None:
    # A clean environment: no TRAGUARDO_* of the developer, and not the async-unsafe switch
    # the browser tests set in this process (check --deploy rightly refuses it).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRAGUARDO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION)
    env["TRAGUARDO_STATIC_ROOT"] = str(tmp_path / "static")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/prod.sqlite3"
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr
    result = subprocess.run(
        [sys.executable, "-c", RENDER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statuses, _, rest = result.stdout.partition("\n")
    login, _, missing = rest.partition("=====")
    assert statuses.split() == ["200", "404"], result.stderr[-3000:]
    # hashed file names (cache-busting) and the fonts folder's plain URL
    assert re.search(r"/static/css/bootstrap-italia\.min\.[0-9a-f]{12}\.css", login)
    assert '"/static/fonts/"' in login
    # our 404 page, not the one of the Bootstrap Italia package
    assert "Traguardo" in missing
