from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "traguardo.accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self) -> None:
        from traguardo.accounts import attempts

        attempts.connect()
