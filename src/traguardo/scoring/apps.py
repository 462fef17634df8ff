from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "traguardo.scoring"
    verbose_name = _("Misurazione e valutazione")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from traguardo.core import i18n

        # The core's explanations and messages in the reader's language (core/locale).
        i18n.install(gettext)
