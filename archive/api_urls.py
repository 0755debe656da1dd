from django.urls import path

from archive import api

app_name = "api"

urlpatterns = [
    path("documents/", api.documents, name="documents"),
    path("documents/<slug:slug>/<int:n>/", api.passage, name="passage"),
]
