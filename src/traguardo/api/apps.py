from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "traguardo.api"
    verbose_name = _("API REST")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from traguardo.api.tokens import revoke_on_password_change

        pre_save.connect(
            revoke_on_password_change,
            sender=get_user_model(),
            dispatch_uid="traguardo.api.tokens:password_change",
        )
