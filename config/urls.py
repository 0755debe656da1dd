"""The archive's URLs: the reader, the API and the admin (see DESIGN.md for the contract)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("archive.api_urls")),
    path("", include("archive.urls")),
]
