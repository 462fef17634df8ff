from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "traguardo.plans"
    verbose_name = _("Piano della performance")

    def ready(self) -> None:
        from traguardo.plans import checks
        from traguardo.plans.blockers import register

        register("plans", checks.approval_blockers)
