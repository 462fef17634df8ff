from django.urls import path

from traguardo.reports import relazione_views as views

app_name = "relazione"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.index, name="year"),
    path("<int:year>/genera/", views.generate, name="generate"),
    path("<int:year>/anteprima/", views.preview, name="preview"),
    path("<int:year>/testi/", views.narratives, name="narratives"),
    path("file/<int:pk>/riprova/", views.retry, name="retry"),
    path("file/<int:pk>/stato/", views.status, name="status"),
    path("file/<int:pk>/scarica/", views.download, name="download"),
]
