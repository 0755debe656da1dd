"""The project's URLs with the OpenAPI document's route in front, for the reliability tests
(config/urls.py gets the same route: `path("api/openapi.json", openapi_json, name="openapi")`)."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from search.openapi import openapi_json

urlpatterns = [
    path("api/openapi.json", openapi_json, name="openapi"),
    *project_urlpatterns,
]
