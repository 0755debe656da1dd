"""The facets a search is narrowed by: the one table of their names, index fields and labels.

A facet has a name in addresses, forms and the API (`year`) and an index field holding its
values (`years`); this table is the one place that knows both. The form's fields, its filters,
the facet lists of an outcome, the index schema and the page's toggle links follow it, in its
order.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    """One facet. `multivalued`: a passage may hold several of its values (the index keeps them
    as a list). `one_choice`: a reader picks one value at a time (choosing another replaces it)."""

    name: str
    field: str
    label: str | Promise
    multivalued: bool = False
    one_choice: bool = False


FACETS = (
    Facet("language", "language", _("Language")),
    Facet("document", "document", _("Document")),
    Facet("year", "years", _("Year mentioned"), multivalued=True),
    Facet("concept", "concepts", _("Concept"), multivalued=True),
    Facet("annotated", "annotated", _("Curators’ notes"), one_choice=True),
    Facet("note_tag", "note_tags", _("Note tag"), multivalued=True),
)
NAMES = tuple(facet.name for facet in FACETS)
INDEX_FIELDS = tuple(facet.field for facet in FACETS)
BY_NAME = {facet.name: facet for facet in FACETS}
BY_FIELD = {facet.field: facet for facet in FACETS}
