from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndividualConfig(AppConfig):
    name = "traguardo.individual"
    verbose_name = _("Performance individuale")
