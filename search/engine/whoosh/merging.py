"""When the index worker's commits merge segments: by tiers of size, a few segments of one size
at a time.

Every edit commits a segment of its own, and Whoosh's own policy (MERGE_SMALL) then merges the
small segments again every few commits, rereading the growing merged one each time: about half
a second of the worker's time per edit on the seed corpus, most of a core at an edit every half
second, taken from the web workers. Here segments are grouped by the order of magnitude of
their size (`PER_TIER` to a tier): the segments of a tier are merged once it holds `PER_TIER`
of them, so a passage is rewritten once per tier it climbs, and a merge costs in proportion to
the size of its tier.

A merge holds the index worker: an edit that comes meanwhile waits for it. So while changes wait
the worker commits them without merging (`merge_backlog`, unless a tier has grown to `BACKLOG`
segments), and merges a full tier only once none waits (`ArchiveWhooshBackend.compact`), one
tier at a time.

A merge reads every term of the segments it merges. Whoosh's reader walks their term tables and
looks each term up again in the table's hash to find its postings: a fifth of the index
worker's time per edit. `MergedSegment` takes each term's postings from the walk itself.
"""

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import SegmentReader

# Segments of one tier merged at once; tier n holds segments of PER_TIER**n to PER_TIER**(n+1)
# documents, deleted ones included (a merge reads and drops them).
PER_TIER = 8
# Segments of this tier and above (32,768 documents or more) are never merged by a commit: a full
# rebuild writes such segments, and merging eight of them would hold the index worker for many
# minutes at a million passages. Their deleted entries stay until the next rebuild.
TOP_TIER = 5
# While changes wait, a tier is merged only once it holds this many segments: an edit is not held
# behind a merge, and under a steady stream of edits the segments searches read stay bounded.
BACKLOG = 4 * PER_TIER


class MergedSegment(SegmentReader):
    """A segment as a merge reads it: the same postings in the same order as Whoosh's reader
    gives them, each term's found from the walk of the term table."""

    def iter_postings(self):
        terms = self._terms
        if type(terms) is not W3TermsReader:
            yield from super().iter_postings()
            return
        schema, deleted = self.schema, self.deleted_docs_set
        postings, postfile = terms._codec.postings_reader, terms._postfile
        for (fieldname, text), terminfo in terms.items():
            if fieldname not in schema:
                continue
            m = postings(postfile, terminfo, schema[fieldname].format, term=(fieldname, text))
            while m.is_active():
                if m.id() not in deleted:
                    yield fieldname, text, m.id(), m.weight(), m.value()
                m.next()


def tier(segment) -> int:
    size, n = segment.doc_count_all(), 0
    while size >= PER_TIER:
        size //= PER_TIER
        n += 1
    return n


def full_tier(segments, at: int = PER_TIER) -> list:
    """The segments of the lowest tier holding `at` segments or more (none if no tier does)."""
    tiers: dict[int, list] = {}
    for segment in segments:
        if tier(segment) < TOP_TIER:
            tiers.setdefault(tier(segment), []).append(segment)
    full = [n for n, members in tiers.items() if len(members) >= at]
    return tiers[min(full)] if full else []


def merge_by_tiers(writer, segments, at: int = PER_TIER):
    """Whoosh's merge policy callable: the lowest full tier's segments are merged into the
    segment being written; the segments kept are returned."""
    merged = full_tier(segments, at)
    for segment in merged:
        reader = MergedSegment(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in merged]


def merge_backlog(writer, segments):
    """The merge policy while changes wait: only a tier of `BACKLOG` segments is merged."""
    return merge_by_tiers(writer, segments, at=BACKLOG)
