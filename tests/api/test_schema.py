"""The committed OpenAPI schema (docs/openapi.yaml) is what the code generates.

If this fails after changing the API, regenerate the file and commit it:
`python manage.py api_schema`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client

from traguardo.api.schema import SCHEMA_FILE, render_schema


def test_committed_schema_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == render_schema(), (
        "docs/openapi.yaml is out of date: run `python manage.py api_schema` and commit it"
    )


def test_check_command_fails_on_a_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "openapi.yaml"
    stale.write_text("openapi: 3.0.3\n", encoding="utf-8")
    monkeypatch.setattr("traguardo.api.management.commands.api_schema.SCHEMA_FILE", stale)
    with pytest.raises(CommandError, match="api_schema"):
        call_command("api_schema", "--check")
    call_command("api_schema")
    call_command("api_schema", "--check")  # now up to date


def test_schema_documents_errors_and_authentication() -> None:
    schema = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"code", "message", "fields"}
    write = schema["paths"]["/api/v1/indicators/{id}/measurements/"]["post"]
    assert set(write["responses"]) >= {"200", "201", "400", "401", "403", "404", "409", "415"}
    assert {} not in write["security"]  # writing needs authentication
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (path, method, code)


@pytest.mark.django_db
def test_schema_is_served_to_anyone() -> None:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    served = yaml.safe_load(response.content)
    assert served == yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    as_json = Client().get("/api/v1/schema/", {"format": "json"})
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert as_json.json()["info"]["title"] == "Traguardo API"
