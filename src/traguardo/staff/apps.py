from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "traguardo.staff"
    verbose_name = _("Personale e bilancio di genere")
