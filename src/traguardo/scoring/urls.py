from django.urls import path

from traguardo.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.page, name="adjustments"),
    path("<int:year>/imposta/", views.adjust, name="adjust"),
]
