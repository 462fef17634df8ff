from django.urls import path

from traguardo.reports import views

app_name = "reports"
urlpatterns = [
    path("risultati/", views.results, name="latest"),
    path("risultati/<int:year>/", views.results, name="results"),
    path("risultati/<int:year>/perche/<path:code>/", views.explain, name="explain"),
]
