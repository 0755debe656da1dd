"""The archive's URLs: the reader, the API and the admin (see DESIGN.md for the contract)."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api.api import api

urlpatterns = [
    # The notes' admin pages moved with their app; curators' bookmarks keep working.
    re_path(
        r"^admin/archive/(?P<model>annotation|annotationchange)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/annotations/%(model)s/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    # set_language at /i18n/setlang/; the pages themselves have no language prefix.
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("search.urls")),
    path("", include("archive.urls")),
]
