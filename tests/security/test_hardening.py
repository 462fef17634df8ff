"""Issue 15, points 9 and 14: sign-in lock behind a proxy, CSP, API tokens, passwords,
demo users, backups."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.world import World
from traguardo.accounts.models import SignInFailure

pytestmark = pytest.mark.django_db

PASSWORD = "traguardo-demo"
LOGIN = "/accesso/entra/"


def _sign_in(client: Client, username: str, password: str, **extra: Any) -> str:
    response = client.post(LOGIN, {"username": username, "password": password}, **extra)
    return "signed in" if response.status_code == 302 else response.content.decode()


# -- point 9: the sign-in lock -------------------------------------------------------


def test_failures_from_elsewhere_do_not_lock_out_the_owner_of_the_account(
    world: World, settings: Any
) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 5
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(60):  # more than the address limit too
        assert _sign_in(Client(), "ufficio", "sbagliata", **attacker) != "signed in"
    assert "Troppi tentativi" in _sign_in(Client(), "ufficio", PASSWORD, **attacker)
    office = {"REMOTE_ADDR": "198.51.100.7"}
    assert _sign_in(Client(), "ufficio", PASSWORD, **office) == "signed in"
    # the owner's success does not clear the attacker's count
    assert "Troppi tentativi" in _sign_in(Client(), "ufficio", PASSWORD, **attacker)


def test_behind_the_proxy_a_forged_forwarded_header_is_not_the_address(
    world: World, settings: Any
) -> None:
    """docs/deploy.md's nginx overwrites X-Forwarded-For with $remote_addr: the address is
    the proxy's word, whatever the client sent."""
    settings.TRAGUARDO_BEHIND_PROXY = True
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 2
    for _ in range(3):
        # nginx replaces the client's header: what reaches Django is only the real address
        _sign_in(Client(), "po", "sbagliata", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert set(SignInFailure.objects.values_list("address", flat=True)) == {"203.0.113.9"}
    assert "Troppi tentativi" in _sign_in(
        Client(), "po", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert _sign_in(Client(), "po", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7") == "signed in"


def test_the_documented_nginx_block_overwrites_x_forwarded_for() -> None:
    from pathlib import Path

    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    block = deploy.split("```nginx", 1)[1].split("```", 1)[0]
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in block
    assert "$proxy_add_x_forwarded_for" not in block  # that would keep the forged part


# -- point 14: demo users, backups ----------------------------------------------------


def test_demo_users_refuses_to_run_with_debug_off(world: World, settings: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DEBUG = False
    before = get_user_model().objects.count()
    with pytest.raises(CommandError, match="TRAGUARDO_DEBUG=1"):
        call_command("demo_users")
    assert get_user_model().objects.count() == before


def _backup(tmp_path: Any) -> Any:
    from django.core.management import call_command

    out = tmp_path / "backup.zip"
    call_command("backup", "--out", str(out), verbosity=0)
    return out


def test_a_backup_keeps_timestamps_to_the_microsecond(
    transactional_db: None, tmp_path: Any, settings: Any
) -> None:
    import datetime
    import json
    import zipfile

    from django.core.management import call_command

    from traguardo.audit.models import AuditEntry
    from traguardo.organisation.models import Entity

    settings.MEDIA_ROOT = str(tmp_path / "media")
    entity = Entity.objects.create(name="Comune di Prova", kind="comune")
    at = datetime.datetime(2026, 3, 1, 10, 11, 12, 345678, tzinfo=datetime.UTC)
    AuditEntry.objects.create(
        at=at, action="update", model_label="x.y", object_pk="1", object_repr="e"
    )
    out = _backup(tmp_path)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        text = archive.read("data.json").decode()
    assert "10:11:12.345678Z" in text
    assert "." in manifest["created"]  # the backup's own date too
    call_command("restore", str(out), "--replace", verbosity=0)
    assert AuditEntry.objects.get().at == at
    assert Entity.objects.get().name == entity.name


@pytest.mark.parametrize("damage", ["truncated", "member", "json"])
def test_a_corrupt_backup_gives_a_message_not_a_traceback(
    transactional_db: None, tmp_path: Any, settings: Any, damage: str
) -> None:
    import zipfile

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from traguardo.organisation.models import Entity

    settings.MEDIA_ROOT = str(tmp_path / "media")
    for n in range(30):
        Entity.objects.create(name=f"Comune {n}", kind="comune")
    out = _backup(tmp_path)
    data = out.read_bytes()
    if damage == "truncated":
        out.write_bytes(data[: len(data) // 2])
    elif damage == "member":  # the directory is intact, a compressed member is not
        with zipfile.ZipFile(out) as archive:
            info = archive.getinfo("data.json")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        broken = bytearray(data)
        for n in range(start, start + min(40, info.compress_size - 4)):
            broken[n] ^= 0xFF
        out.write_bytes(bytes(broken))
    else:
        with zipfile.ZipFile(out) as archive:
            manifest = archive.read("manifest.json")
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("manifest.json", manifest)
            archive.writestr("data.json", '[{"model": "organisation.entity", "pk": 1, "fi')
    with pytest.raises(CommandError, match=r"backup.zip: (non è un archivio|archivio danneg|data)"):
        call_command("restore", str(out), "--replace", verbosity=0)


# -- point 14: Content-Security-Policy ------------------------------------------------


def test_every_page_has_a_content_security_policy_with_a_nonce(world: World, sign_in: Any) -> None:
    import re

    client = sign_in("ufficio")
    for url in ("/", f"/relazione/{world.cycle.year}/", "/accesso/entra/"):
        response = client.get(url) if url != "/accesso/entra/" else Client().get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce is not None
        html = response.content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline, url  # base.html has one
        assert all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline), url
    first = Client().get("/accesso/entra/")["Content-Security-Policy"]
    second = Client().get("/accesso/entra/")["Content-Security-Policy"]
    assert first != second  # a new nonce for each response


def test_no_template_has_an_inline_script_without_the_nonce() -> None:
    import re
    from pathlib import Path

    import traguardo

    root = Path(traguardo.__file__).parent
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for attrs in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            assert 'nonce="{{ csp_nonce }}"' in attrs, template
        assert not re.search(r"\son[a-z]+\s*=", text), template  # no inline handlers


# -- point 14: passwords --------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("ufficio2026!", "password_too_similar"),  # Django's, similar to the username
        ("Xq7-Ufficio-Rz", "password_has_username"),
        ("Roccabella-2026!", "password_has_entity"),
        ("Traguardo#2026x", "password_obvious"),
        ("password123", "password_too_common"),
        ("corto", "password_too_short"),
    ],
)
def test_passwords_refuse_common_and_context_words(world: World, password: str, code: str) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    world.entity.name = "Comune di Roccabella"
    world.entity.save()
    user = get_user_model().objects.get(username="ufficio")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    codes = {e.code for e in refused.value.error_list}
    assert code in codes, codes
    validate_password("Ombrello-Viola-1987", user)  # a good one passes


# -- point 14: API tokens -------------------------------------------------------------


def _token(username: str = "po") -> str:
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    key: str = response.json()["token"]
    return key


def _reads(key: str) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/cycles/").status_code


def test_api_tokens_are_hashed_at_rest(world: World) -> None:
    import hashlib

    from django.db import connection

    from traguardo.api.models import ApiToken

    key = _token()
    row = ApiToken.objects.get(user__username="po")
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert key not in repr(cursor.fetchall())
    assert _reads(key) == 200


def test_api_tokens_expire(world: World, settings: Any) -> None:
    import datetime

    from django.utils import timezone
    from rest_framework.test import APIClient

    from traguardo.api.models import ApiToken

    settings.TRAGUARDO_API_TOKEN_DAYS = 30
    response = APIClient().post(
        "/api/v1/token/", {"username": "po", "password": PASSWORD}, format="json"
    )
    key = response.json()["token"]
    row = ApiToken.objects.get(user__username="po")
    assert abs((row.expires_at - timezone.now()) - datetime.timedelta(days=30)).total_seconds() < 60
    assert response.json()["expires"].startswith(str(row.expires_at.date()))
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = client.get("/api/v1/cycles/")
    assert refused.status_code == 401
    assert "scaduto" in refused.json()["error"]["message"]


def test_a_new_token_rotates_the_old_one(world: World) -> None:
    old = _token()
    new = _token()
    assert _reads(old) == 401 and _reads(new) == 200


def test_changing_the_password_revokes_the_tokens(world: World) -> None:
    from django.contrib.auth import get_user_model

    key = _token()
    user = get_user_model().objects.get(username="po")
    user.first_name = "Piera"
    user.save()  # other changes keep the token
    assert _reads(key) == 200
    user.set_password("Ombrello-Viola-1987")
    user.save()
    assert _reads(key) == 401


def test_a_backup_holds_no_api_token(transactional_db: None, tmp_path: Any, settings: Any) -> None:
    import zipfile

    from django.contrib.auth import get_user_model

    from traguardo.api import tokens

    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = get_user_model().objects.create_user("robot", password="Ombrello-Viola-1987")
    key, row = tokens.issue(user)
    with zipfile.ZipFile(_backup(tmp_path)) as archive:
        data = archive.read("data.json").decode()
    assert key not in data and row.digest not in data and "apitoken" not in data
    assert "authtoken" not in data


# -- point 12: audit gaps -------------------------------------------------------------


@pytest.fixture
def admin_client(world: World) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("amministratore", "a@example.org", "pw")
    client = Client()
    client.force_login(user)
    return client


def _entries(label: str, pk: Any) -> Any:
    from traguardo.audit.models import AuditEntry

    return AuditEntry.objects.filter(model_label=label, object_pk=str(pk)).order_by("id")


def _admin_form(client: Client, url: str) -> dict[str, Any]:
    """The change form's current values, as the admin would post them back."""
    import re

    html = client.get(url).content.decode()
    data: dict[str, Any] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = text.strip()
    data.pop("csrfmiddlewaretoken", None)
    return data


def _post_ok(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    errors = response.context["adminform"].form.errors if response.context else None
    assert response.status_code == 302, errors


def test_a_role_grant_in_the_admin_is_audited_with_old_and_new_values(
    world: World, admin_client: Client
) -> None:
    from traguardo.accounts.models import Membership

    grant = Membership.objects.get(user__username="oiv")
    url = f"/admin/accounts/membership/{grant.pk}/change/"
    data = _admin_form(admin_client, url)
    data["role"] = "ufficio_performance"
    _post_ok(admin_client, url, data)
    entry = _entries("accounts.membership", grant.pk).get()
    assert entry.action == "update" and entry.username == "amministratore"
    assert entry.changes["role"] == ["oiv", "ufficio_performance"]
    assert entry.entity_id == world.entity.pk
    admin_client.post(f"/admin/accounts/membership/{grant.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=grant.pk).exists()
    assert _entries("accounts.membership", grant.pk).last().action == "delete"


def test_staff_registry_and_beneficiary_edits_are_audited(
    world: World, admin_client: Client, sign_in: Any
) -> None:
    from decimal import Decimal

    from tests import factories as f
    from traguardo.rewards.models import Beneficiary
    from traguardo.staff.models import StaffRecord

    record = f.StaffRecordFactory(cycle=world.cycle, code="M0001")
    url = f"/admin/staff/staffrecord/{record.pk}/change/"
    data = _admin_form(admin_client, url)
    data["category"] = "D"
    _post_ok(admin_client, url, data)
    entry = _entries("staff.staffrecord", record.pk).get()
    assert entry.changes["category"] == ["C", "D"] and entry.cycle_id == world.cycle.pk

    fund = f.FundFactory(cycle=world.cycle)
    person = Beneficiary.objects.create(fund=fund, code="M0001", category="C", score=Decimal(80))
    url = f"/admin/rewards/beneficiary/{person.pk}/change/"
    data = _admin_form(admin_client, url)
    data["score"] = "95"
    _post_ok(admin_client, url, data)
    entry = _entries("rewards.beneficiary", person.pk).get()
    assert entry.changes["score"] == ["80.0000", "95"]
    assert entry.cycle_id == world.cycle.pk
    assert entry.parent_label == "rewards.fund"
    assert StaffRecord.objects.get(pk=record.pk).category == "D"


def test_a_narrative_edited_in_the_admin_is_audited(world: World, admin_client: Client) -> None:
    from traguardo.reports.models import Narrative

    text = Narrative.objects.create(cycle=world.cycle, section="presentazione", html="<p>A</p>")
    url = f"/admin/reports/narrative/{text.pk}/change/"
    data = _admin_form(admin_client, url)
    data["html"] = "<p>B</p>"
    assert admin_client.post(url, data).status_code == 302
    entry = _entries("reports.narrative", text.pk).get()
    assert entry.changes["html"] == ["<p>A</p>", "<p>B</p>"]


def test_evidence_appears_in_its_indicators_history(world: World, sign_in: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from traguardo.audit.recorder import acting_as
    from traguardo.audit.selectors import history
    from traguardo.monitoring.evidence import attach_evidence
    from traguardo.monitoring.models import Measurement

    final = world.final
    final.closed = False
    final.save()
    indicator = world.indicator("2.1/2", 1)
    measurement = Measurement.objects.get(indicator=indicator, period=final)
    po = get_user_model().objects.get(username="po")
    with acting_as(po):
        item = attach_evidence(
            po, measurement, SimpleUploadedFile("v.pdf", b"%PDF-1.4 x"), "verbale"
        )
    entries = history("plans.indicator", indicator.pk)
    assert entries.filter(model_label="monitoring.evidence", object_pk=str(item.pk)).exists()
    entry = _entries("monitoring.evidence", item.pk).get()
    assert entry.cycle_id == world.cycle.pk and entry.username == "po"


def test_an_admin_edit_of_a_value_goes_through_the_monitoring_service(
    world: World, admin_client: Client
) -> None:
    from decimal import Decimal

    from traguardo.monitoring.models import Measurement
    from traguardo.plans.models import Cycle

    indicator = world.indicator("2.1/2", 1)
    value = Measurement.objects.get(indicator=indicator, period=world.final)
    url = f"/admin/monitoring/measurement/{value.pk}/change/"
    data = _admin_form(admin_client, url)
    # the period is closed: refused like on the monitoring page
    data["text"] = "151"
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and "chiuso" in refused.content.decode()
    final = world.final
    final.closed = False
    final.save()
    version = Cycle.objects.get(pk=world.cycle.pk).data_version
    data["text"] = "1.500,5"  # parsed by the same reader: Italian thousands and decimals
    assert admin_client.post(url, data).status_code == 302
    value.refresh_from_db()
    assert value.number == Decimal("1500.5") and value.version == 2
    assert Cycle.objects.get(pk=world.cycle.pk).data_version > version
    entry = _entries("monitoring.measurement", value.pk).last()
    assert entry.changes["text"][1] == "1.500,5"
    # a form loaded before that save is now stale: a conflict, nothing overwritten
    data["text"] = "7"
    stale = admin_client.post(url, data)
    assert stale.status_code == 200
    value.refresh_from_db()
    assert value.text == "1.500,5"
    data["text"] = "centoventi"
    data["loaded_version"] = "2"
    assert admin_client.post(url, data).status_code == 200  # not a number: refused


def test_entries_of_a_confirmed_import_carry_the_user_who_confirmed(
    world: World, settings: Any
) -> None:
    from django.contrib.auth import get_user_model

    from traguardo.audit.models import AuditEntry
    from traguardo.exchange.models import Upload
    from traguardo.exchange.tasks import confirm_upload, run_upload

    final = world.final
    final.closed = False
    final.deadline = None
    final.save()
    ufficio = get_user_model().objects.get(username="ufficio")
    csv = b"Codice;Periodo;Valore\r\n2.1/2#1;31.12;149\r\n"
    item = Upload.objects.create(cycle=world.cycle, user=ufficio, name="valori.csv", data=csv)
    before = AuditEntry.objects.count()
    confirm_upload(item, ufficio, "it")
    run_upload(item.pk)
    new = AuditEntry.objects.order_by("id")[before:]
    assert new, "the import wrote no audit entry"
    assert {e.username for e in new} == {"ufficio"}


def test_plain_tokens_in_an_older_backup_are_not_restored(
    transactional_db: None, tmp_path: Any, settings: Any
) -> None:
    import json
    import zipfile

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    settings.MEDIA_ROOT = str(tmp_path / "media")
    get_user_model().objects.create_user("robot", password="Ombrello-Viola-1987")
    out = _backup(tmp_path)
    with zipfile.ZipFile(out) as archive:
        manifest = archive.read("manifest.json")
        rows = json.loads(archive.read("data.json"))
    rows.append(
        {
            "model": "authtoken.token",
            "pk": "0123456789abcdef0123456789abcdef01234567",
            "fields": {"user": ["robot"], "created": "2025-01-01T00:00:00Z"},
        }
    )
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(old, "w") as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("data.json", json.dumps(rows))
    call_command("restore", str(old), "--replace", verbosity=0)
    assert get_user_model().objects.filter(username="robot").exists()
    assert not Token.objects.exists()


def test_existing_plain_tokens_are_hashed_by_the_migration_and_keep_working(
    transactional_db: None,
) -> None:
    import hashlib

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    user = get_user_model().objects.create_user("robot", password="Ombrello-Viola-1987")
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_hashed_tokens")])
    old_apps = executor.loader.project_state(
        [("api", "0001_hashed_tokens"), ("authtoken", "0004_alter_tokenproxy_options")]
    ).apps
    key = "0123456789abcdef0123456789abcdef01234567"
    old_apps.get_model("authtoken", "Token").objects.create(key=key, user_id=user.pk)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from rest_framework.authtoken.models import Token

    from traguardo.api.models import ApiToken

    assert not Token.objects.exists()  # no plain-text token is left
    row = ApiToken.objects.get(user=user)
    assert row.digest == hashlib.sha256(key.encode()).hexdigest() and row.prefix == key[:8]
    assert _reads(key) == 200


def test_a_staff_registry_import_records_old_and_new_values(world: World) -> None:
    from django.contrib.auth import get_user_model

    from traguardo.audit.models import AuditEntry
    from traguardo.audit.recorder import acting_as
    from traguardo.staff.services import import_registry

    header = "codice;genere;categoria;fascia_eta\n"
    ufficio = get_user_model().objects.get(username="ufficio")
    with acting_as(ufficio):
        first = import_registry(
            world.cycle, "a.csv", (header + "M1;F;C;40-49\nM2;M;B;30-39\n").encode()
        )
        assert not first.errors, first.errors
        second = import_registry(
            world.cycle, "b.csv", (header + "M1;F;D;40-49\nM3;F;C;50-59\n").encode()
        )
        assert not second.errors, second.errors
    entry = AuditEntry.objects.filter(action="bulk").order_by("id").last()
    assert entry is not None and entry.username == "ufficio"
    assert entry.changes["removed"] == ["M2"] and entry.changes["added"] == ["M3"]
    assert entry.changes["changed"] == {"M1": {"category": ["C", "D"]}}
