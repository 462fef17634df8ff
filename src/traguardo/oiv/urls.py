from django.urls import path

from traguardo.web.stub import under_construction

app_name = "oiv"
urlpatterns = [
    path("", under_construction, name="workspace"),
]
