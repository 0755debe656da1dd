"""The archive's URLs: the reader, the API and the admin (see DESIGN.md for the contract)."""

from django.contrib import admin
from django.urls import include, path

from api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("search.urls")),
    path("", include("archive.urls")),
]
