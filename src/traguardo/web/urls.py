from django.urls import path

from traguardo.web import site_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("cruscotto/", views.dashboard, name="dashboard"),
    path("cruscotto/completezza/", views.completeness, name="completeness"),
    path("albero/", views.tree, name="tree"),
    path("cerca/", views.find, name="search"),
    path("obiettivo/<int:pk>/", views.objective, name="objective"),
    path("logo/<slug:code>/", views.entity_logo, name="entity_logo"),
    # The footer pages of a public site (accessibility statement, privacy, legal, contacts).
    path("sito/<slug:kind>/", site_views.page, name="site_page"),
    path("sito/<slug:kind>/modifica/", site_views.edit, name="site_page_edit"),
]
