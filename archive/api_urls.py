from django.urls import path

from archive import annotation_api, api

app_name = "api"

urlpatterns = [
    path("documents/", api.documents, name="documents"),
    path("documents/<slug:slug>/<int:n>/", api.passage, name="passage"),
    path("annotations/", annotation_api.annotations, name="annotations"),
    path("annotations/<uuid:uuid>/", annotation_api.annotation, name="annotation"),
]
