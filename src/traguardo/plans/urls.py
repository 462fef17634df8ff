from django.urls import path

from traguardo.web.stub import under_construction

app_name = "plans"
urlpatterns = [
    path("", under_construction, name="editor"),
    path("revisioni/", under_construction, name="revisions"),
    path("stato/", under_construction, name="states"),
]
