from django.urls import path

from traguardo.web.stub import under_construction

app_name = "monitoring"
urlpatterns = [
    path("", under_construction, name="todo"),
    path("indicatore/<int:pk>/", under_construction, name="indicator"),
    path("periodi/", under_construction, name="periods"),
]
