from django.urls import path

from traguardo.web import views
from traguardo.web.stub import under_construction

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("cruscotto/", views.dashboard, name="dashboard"),
    path("albero/", under_construction, name="tree"),
    path("obiettivo/<int:pk>/", under_construction, name="objective"),
]
