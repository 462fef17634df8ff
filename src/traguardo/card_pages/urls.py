from django.urls import path

from traguardo.card_pages import views

app_name = "individual"
urlpatterns = [
    path("", views.cards, name="cards"),
    path("<int:pk>/", views.card, name="card"),
]
