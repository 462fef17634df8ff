from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "traguardo.audit"
    verbose_name = _("Storico delle modifiche")

    def ready(self) -> None:
        # Every app's models are loaded by now, so models added later by other apps
        # (monitoring, oiv) are found by label.
        from traguardo.audit import recorder

        recorder.connect()
