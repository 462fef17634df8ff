"""URL configuration: one prefix per part of the cycle; each app owns its own urls.py."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accesso/", include("traguardo.accounts.urls")),
    path("piano/", include("traguardo.plans.urls")),
    path("monitoraggio/", include("traguardo.monitoring.urls")),
    path("schede/", include("traguardo.individual.urls")),
    path("premi/", include("traguardo.rewards.urls")),
    path("personale/", include("traguardo.staff.urls")),
    path("oiv/", include("traguardo.oiv.urls")),
    path("relazione/", include("traguardo.reports.relazione_urls")),
    path("dati/", include("traguardo.exchange.urls")),
    path("storico/", include("traguardo.audit.urls")),
    path("api/v1/", include("traguardo.api.urls")),
    path("", include("traguardo.reports.urls")),
    path("", include("traguardo.web.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
