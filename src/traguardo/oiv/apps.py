from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OivConfig(AppConfig):
    name = "traguardo.oiv"
    verbose_name = _("Validazione OIV")
