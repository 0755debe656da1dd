"""English dates as the archive writes them: 1 December 2026 (Croatian and Romanian use
Django's own formats)."""

DATE_FORMAT = "j F Y"
