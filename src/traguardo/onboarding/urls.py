from django.urls import path

from traguardo.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("installazione/", views.installation, name="installation"),
    path("installazione/enti/nuovo/", views.entity_new, name="entity_new"),
    path("installazione/enti/<slug:code>/ciclo/", views.cycle_new, name="cycle_new"),
    path("installazione/enti/<slug:code>/utenti/", views.users, name="users"),
    path("ente/utenti/", views.office_users, name="office_users"),
    path("ente/ciclo/", views.office_cycle_new, name="office_cycle_new"),
    path("ente/amministrazione/", views.office_administration, name="office_entity"),
]
