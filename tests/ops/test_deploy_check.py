"""Production settings: `manage.py check --deploy` is clean with the production variables."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.ops.conftest import PRODUCTION, ROOT


def run_check(**extra: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: no TRAGUARDO_* of the developer, and not the async-unsafe switch
    # the browser tests set in this process (check --deploy rightly refuses it).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRAGUARDO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION | extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_variables() -> None:
    result = run_check()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper().replace("FAIL-LEVEL", "")


def test_check_deploy_notices_a_missing_https_redirect() -> None:
    # The same check fails when a protection is turned off: the test above can fail.
    result = run_check(TRAGUARDO_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_needs_a_secret_key_and_readable_numbers() -> None:
    no_key = run_check(TRAGUARDO_SECRET_KEY="")
    assert no_key.returncode != 0
    assert "SECRET_KEY" in no_key.stderr
    bad = run_check(TRAGUARDO_HSTS_SECONDS="un anno")
    assert bad.returncode != 0
    assert "TRAGUARDO_HSTS_SECONDS" in bad.stderr


def test_a_shared_cache_must_be_a_redis_address() -> None:
    good = run_check(TRAGUARDO_CACHE_URL="redis://127.0.0.1:6379/0")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = run_check(TRAGUARDO_CACHE_URL="memcached://127.0.0.1:11211")
    assert bad.returncode != 0
    assert "TRAGUARDO_CACHE_URL" in bad.stderr
