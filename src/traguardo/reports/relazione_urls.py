from django.urls import path

from traguardo.web.stub import under_construction

app_name = "relazione"
urlpatterns = [
    path("", under_construction, name="index"),
]
