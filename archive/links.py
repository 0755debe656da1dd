"""Links to the archive's reader pages, as its URL conf makes them."""

from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# A page of hits links each of its passages, and after every edit the page is made again:
# reversing a link takes five times as long as finding it kept. A link kept takes some 350
# bytes: 20 000 take 7 MB.
LINKS_KEPT = 20_000


def passage_path(slug: str, n: int) -> str:
    """The path of a document's passage page, the script prefix included."""
    return _path("archive:passage", slug=slug, n=n)


def document_path(slug: str) -> str:
    """The path of a document's page, the script prefix included."""
    return _path("archive:document", slug=slug)


def _path(name: str, **kwargs) -> str:
    return _reversed(get_script_prefix(), get_resolver(get_urlconf()), name, **kwargs)


@lru_cache(maxsize=LINKS_KEPT)
def _reversed(prefix: str, resolver, name: str, **kwargs) -> str:
    # The prefix and the URL conf (its resolver, new when the URL caches are cleared) are
    # what else `reverse` reads: part of the key, never of the path's rule.
    return reverse(name, kwargs=kwargs)
