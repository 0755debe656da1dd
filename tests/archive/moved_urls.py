"""The archive's pages served below /moved/ (a URL conf of its own, for tests)."""

from django.urls import include, path

urlpatterns = [path("moved/", include("archive.urls"))]
