"""Existing plain-text tokens (rest_framework.authtoken) become hashed ApiToken rows, valid
for the default lifetime from now, and the plain-text rows are deleted."""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:
        return
    ApiToken = apps.get_model("api", "ApiToken")
    now = timezone.now()
    for token in Token.objects.all():
        ApiToken.objects.create(
            user_id=token.user_id,
            digest=hashlib.sha256(token.key.encode("utf-8")).hexdigest(),
            prefix=token.key[:8],
            created_at=now,
            expires_at=now + datetime.timedelta(days=90),
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_hashed_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
