from django.urls import path

from traguardo.audit import views

app_name = "audit"
urlpatterns = [
    path("<str:label>/<int:pk>/", views.history, name="history"),
]
