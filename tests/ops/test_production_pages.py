"""Pages render in production mode: hashed static files, our own error pages."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.ops.conftest import ROOT, CollectedStatic

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


def test_login_and_404_render_with_hashed_static_files(
    collected_static: CollectedStatic,
) -> None:
    # `manage.py collectstatic` with the production variables ran in the background
    # (tests/ops/conftest.py): its outcome is checked here.
    assert collected_static.returncode == 0, collected_static.stderr
    result = subprocess.run(
        [sys.executable, "-c", RENDER],
        cwd=ROOT,
        env=collected_static.env,
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
    # (loadFonts() appends "/Titillium_Web/...": no trailing slash, no "//" in the URLs)
    assert '"/static/fonts"' in login
    assert re.search(r"/static/traguardo/traguardo\.[0-9a-f]{12}\.js", login)
    # our 404 page, not the one of the Bootstrap Italia package
    assert "Traguardo" in missing
