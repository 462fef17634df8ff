from django.urls import path

from traguardo.web.stub import under_construction

app_name = "audit"
urlpatterns = [
    path("<str:label>/<int:pk>/", under_construction, name="history"),
]
