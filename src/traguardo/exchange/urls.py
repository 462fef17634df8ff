from django.urls import path

from traguardo.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("modello/piano/", views.plan_template, name="plan_template"),
    path("modello/valori/<str:period>/", views.values_template, name="values_template"),
    path("esporta/", views.export, name="export"),
    path("importa/", views.upload, name="import"),
    path("importa/<int:pk>/", views.upload_detail, name="upload"),
    path("importa/<int:pk>/conferma/", views.confirm, name="confirm"),
    path("importa/<int:pk>/riprova/", views.retry, name="retry"),
    path("importa/<int:pk>/stato/", views.status, name="status"),
]
