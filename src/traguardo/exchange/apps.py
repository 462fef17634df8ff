from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "traguardo.exchange"
    verbose_name = _("Importazione ed esportazione")
