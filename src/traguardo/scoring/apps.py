from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "traguardo.scoring"
    verbose_name = _("Misurazione e valutazione")

    def ready(self) -> None:
        from traguardo.scoring.cache import connect_signals

        connect_signals()
