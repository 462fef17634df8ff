from django.urls import path

from traguardo.web.stub import under_construction

app_name = "individual"
urlpatterns = [
    path("", under_construction, name="cards"),
    path("<int:pk>/", under_construction, name="card"),
]
