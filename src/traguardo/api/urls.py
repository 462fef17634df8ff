"""/api/v1/: cycles (state, revisions), plan tree, indicators, monitoring values, scores,
tokens, schema."""

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView

from traguardo.api import actions, views

app_name = "api"
urlpatterns: list[URLPattern] = [
    path("cycles/", views.CycleList.as_view(), name="cycles"),
    path("cycles/<int:pk>/", views.CycleDetail.as_view(), name="cycle"),
    path("cycles/<int:pk>/tree/", views.CycleTree.as_view(), name="tree"),
    path("cycles/<int:pk>/indicators/", views.CycleIndicators.as_view(), name="indicators"),
    path("cycles/<int:pk>/periods/", views.CyclePeriods.as_view(), name="periods"),
    path("cycles/<int:pk>/measurements/", views.CycleMeasurements.as_view(), name="measurements"),
    path("cycles/<int:pk>/score/", views.CycleScore.as_view(), name="score"),
    path("cycles/<int:pk>/score/explain/", views.CycleExplain.as_view(), name="explain"),
    path("cycles/<int:pk>/state/", actions.CycleState.as_view(), name="cycle-state"),
    path("cycles/<int:pk>/revisions/", actions.CycleRevisions.as_view(), name="revisions"),
    path(
        "cycles/<int:pk>/revisions/close/",
        actions.CycleRevisionClose.as_view(),
        name="revision-close",
    ),
    path("indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator"),
    path(
        "indicators/<int:pk>/measurements/",
        views.IndicatorMeasurements.as_view(),
        name="indicator-values",
    ),
    path("token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
