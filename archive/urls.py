from django.urls import path

from archive import cite_views, views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<slug:slug>/", views.document_detail, name="document"),
    path("documents/<slug:slug>/<int:n>/", views.passage_detail, name="passage"),
    path(
        "documents/<slug:slug>/<int:n>/cite.<str:fmt>",
        cite_views.citation_file,
        name="passage-cite",
    ),
]
