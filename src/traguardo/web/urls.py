from django.urls import path

from traguardo.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("cruscotto/", views.dashboard, name="dashboard"),
    path("cruscotto/completezza/", views.completeness, name="completeness"),
    path("albero/", views.tree, name="tree"),
    path("cerca/", views.find, name="search"),
    path("obiettivo/<int:pk>/", views.objective, name="objective"),
]
