from django.urls import path

from traguardo.web.stub import under_construction

app_name = "staff"
urlpatterns = [
    path("", under_construction, name="gender"),
]
