from django.urls import path

from traguardo.transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.cycle_page, name="cycle"),
    path("<int:year>/relazione/<int:pk>/", views.relazione_file, name="relazione_file"),
    path("<int:year>/validazione-oiv.pdf", views.validation_document, name="validation"),
    path("<int:year>/piano.csv", views.plan_csv, name="plan"),
    path("<int:year>/premi.csv", views.rewards_csv, name="rewards"),
    path("<int:year>/open-data.zip", views.open_data, name="open_data"),
]
