from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "traguardo.reports"
    verbose_name = _("Rendicontazione")

    def ready(self) -> None:
        from traguardo.plans.blockers import register
        from traguardo.reports import blockers

        register("reports", blockers.blockers)
