"""Django's JSON serializer, keeping times to the microsecond (backups, `data.json`).

Django's own encoder cuts datetimes and times to milliseconds; a restored database would then
differ from the one backed up (audit entries, job times, ordering by time). Loading needs
nothing special: Django's JSON deserializer reads microseconds.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

Deserializer = django_json.Deserializer


class Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self) -> None:
        self.options.setdefault("cls", Encoder)
        super()._init_options()  # type: ignore[misc]  # untyped in the stubs
