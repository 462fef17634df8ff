"""URL configuration: one prefix per part of the cycle; each app owns its own urls.py."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from traguardo.accounts.views import set_language

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    # Django's language switch, which also remembers a signed-in user's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accesso/", include("traguardo.accounts.urls")),
    path("piano/", include("traguardo.plan_editor.urls")),
    path("monitoraggio/", include("traguardo.monitoring_pages.urls")),
    path("schede/", include("traguardo.card_pages.urls")),
    path("premi/", include("traguardo.rewards.urls")),
    path("personale/", include("traguardo.staff.urls")),
    path("oiv/", include("traguardo.oiv.urls")),
    path("scostamenti/", include("traguardo.scoring.urls")),
    path("relazione/", include("traguardo.reports.relazione_urls")),
    path("dati/", include("traguardo.exchange.urls")),
    path("storico/", include("traguardo.audit.urls")),
    path("api/v1/", include("traguardo.api.urls")),
    path("trasparenza/", include("traguardo.transparency.urls")),
    path("", include("traguardo.onboarding.urls")),
    path("", include("traguardo.reports.urls")),
    path("", include("traguardo.web.urls")),
]

# No static() route for MEDIA_URL, not even in debug: every uploaded or generated file is
# served by a view that checks who asks, as an attachment (docs/deploy.md).
