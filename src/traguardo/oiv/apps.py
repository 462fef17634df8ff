from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OivConfig(AppConfig):
    name = "traguardo.oiv"
    verbose_name = _("Validazione OIV")

    def ready(self) -> None:
        from traguardo.oiv import blockers
        from traguardo.plans.blockers import register, register_notice

        register("oiv", blockers.blockers)
        register_notice("oiv", blockers.notices)
