"""The archive's read-only JSON API, declared with django-ninja (api.api)."""
