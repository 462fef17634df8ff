from django.urls import path

from traguardo.monitoring_pages import views

app_name = "monitoring"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("indicatore/<int:pk>/", views.indicator, name="indicator"),
    path("periodi/", views.periods, name="periods"),
    path("valida/", views.validate, name="validate"),
    path("valida/<int:pk>/annulla/", views.validation_undo, name="validation_undo"),
    path("valori/<int:pk>/rimanda/", views.value_send_back, name="send_back"),
    path("documenti/<int:pk>/", views.evidence, name="evidence"),
    path("documenti/<int:pk>/elimina/", views.evidence_delete, name="evidence_delete"),
]
