from django.urls import path

from traguardo.oiv import views

app_name = "oiv"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<int:year>/verifica/<str:scope>/<int:pk>/", views.subject, name="subject"),
    path("<int:year>/evidenze/", views.evidence, name="evidence"),
    path("<int:year>/nessuna-osservazione/", views.no_remarks, name="no_remarks"),
    path("documenti/<int:pk>/", views.document, name="document"),
    path("<int:year>/decisione/", views.decision, name="decision"),
    path(
        "<int:year>/decisione/<int:pk>/documento/",
        views.decision_document,
        name="decision_document",
    ),
    path("<int:year>/target-sfidanti/", views.challenge, name="challenge"),
]
