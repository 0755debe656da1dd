"""The admin's text searches fold as the public search does: `influenta` finds `influență`,
`pina` finds `pînă`, on SQLite and PostgreSQL alike (a regular expression per word, built by
`archive.text.folding_pattern`; no extension or extra column needed)."""

from functools import reduce
from operator import and_, or_

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

from archive.text import folding_pattern


def search_term_words(search_term: str) -> list[str]:
    """The words of an admin search, a "quoted phrase" counting as one (as Django splits them)."""
    words = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            words.append(bit)
    return words


class FoldedSearchMixin:
    """Every word of the search in one of `search_fields`, whatever its case and diacritics."""

    def get_search_results(self, request, queryset, search_term):
        fields = [name.lstrip("^=@") for name in self.get_search_fields(request)]
        words = search_term_words(search_term)
        if not fields or not words:
            return queryset, False
        condition = reduce(
            and_,
            (
                reduce(or_, (Q(**{f"{field}__regex": folding_pattern(word)}) for field in fields))
                for word in words
            ),
        )
        duplicates = any(lookup_spawns_duplicates(self.opts, field) for field in fields)
        return queryset.filter(condition), duplicates
