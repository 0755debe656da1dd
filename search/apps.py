from django.apps import AppConfig


class SearchConfig(AppConfig):
    """How passages are found: indexes, language analysis, the search page and API."""

    name = "search"

    def ready(self):
        from search import signals  # noqa: F401  (connects the receivers)
