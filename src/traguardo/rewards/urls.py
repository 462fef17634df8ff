from django.urls import path

from traguardo.rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.fund, name="fund"),
    path("premi.xlsx", views.payroll, name="payroll"),
]
