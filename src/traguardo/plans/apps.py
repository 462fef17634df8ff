from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "traguardo.plans"
    verbose_name = _("Piano della performance")
