"""The OpenAPI schema of the API, rendered the same way for docs/openapi.yaml and its check.

`python manage.py api_schema` rewrites docs/openapi.yaml; `--check` (and the test
tests/api/test_schema.py) fails when the committed file differs from what the code says.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def render_schema() -> str:
    """The schema as YAML, in the project's language (Italian descriptions)."""
    with translation.override(settings.LANGUAGE_CODE):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        rendered: bytes = OpenApiYamlRenderer().render(schema, renderer_context={})
    return rendered.decode("utf-8")
