from django.urls import path

from traguardo.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.gender, name="gender"),
]
