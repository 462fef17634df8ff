from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from traguardo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("entra/", views.LoginView.as_view(), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    # The administration switcher of the header (POST only).
    path("ente/", views.switch_entity, name="switch_entity"),
    # The one-time link printed by `traguardo user add` (Django's password-reset tokens).
    path(
        "imposta-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/set_password.html",
            success_url=reverse_lazy("accounts:login"),
        ),
        name="set_password",
    ),
]
