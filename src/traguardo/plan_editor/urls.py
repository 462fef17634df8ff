from django.urls import path

from traguardo.plan_editor import new_cycle, revision_views, smvp_views, views

app_name = "plans"
urlpatterns = [
    path("", views.editor, name="editor"),
    path("strategico/nuovo/", views.strategic_edit, name="strategic_new"),
    path("strategico/<int:pk>/", views.strategic_edit, name="strategic"),
    path(
        "strategico/<int:pk>/elimina/", views.delete, {"kind": "strategic"}, name="strategic_delete"
    ),
    path("annuale/nuovo/", views.annual_edit, name="annual_new"),
    path("annuale/<int:pk>/", views.annual_edit, name="annual"),
    path("annuale/<int:pk>/elimina/", views.delete, {"kind": "annual"}, name="annual_delete"),
    path("operativo/nuovo/", views.objective_edit, name="objective_new"),
    path("operativo/<int:pk>/", views.objective_edit, name="objective"),
    path("operativo/<int:pk>/pesi/", views.objective_weights, name="objective_weights"),
    path(
        "operativo/<int:pk>/elimina/", views.delete, {"kind": "objective"}, name="objective_delete"
    ),
    path("operativo/<int:pk>/assegnazioni/", views.assignments, name="assignments"),
    path("blocco/nuovo/", views.block_edit, name="block_new"),
    path("blocco/<int:pk>/", views.block_edit, name="block"),
    path("blocco/<int:pk>/elimina/", views.delete, {"kind": "block"}, name="block_delete"),
    path("indicatore/nuovo/", views.indicator_new, name="indicator_new"),
    path("indicatore/<int:pk>/", views.indicator_edit, name="indicator"),
    path(
        "indicatore/<int:pk>/elimina/", views.delete, {"kind": "indicator"}, name="indicator_delete"
    ),
    path("sposta/", views.move, name="move"),
    path("revisioni/", revision_views.revisions, name="revisions"),
    path("revisioni/confronto/", revision_views.compare, name="compare"),
    path("stato/", revision_views.states_view, name="states"),
    path("nuovo-ciclo/", new_cycle.new_cycle, name="new_cycle"),
    path("smvp/", smvp_views.smvp, name="smvp"),
    path("smvp/ente/<slug:code>/", smvp_views.installation_smvp, name="smvp_installation"),
    path("stato/conferma/", revision_views.states_confirm, name="states_confirm"),
]
