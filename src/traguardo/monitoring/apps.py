from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "traguardo.monitoring"
    verbose_name = _("Monitoraggio")

    def ready(self) -> None:
        from traguardo.monitoring import blockers
        from traguardo.plans.blockers import register

        register("monitoring", blockers.blockers)
