from django.contrib.auth import views as auth_views
from django.urls import path

from traguardo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("entra/", views.LoginView.as_view(), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
]
