from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The 2019 demo in one place: its loaders and the load-demo, demo-users and
    load-demo-people commands (the top layer: it may import every other app)."""

    name = "traguardo.demo"
    verbose_name = _("Dati dimostrativi")
