"""When the index worker's commits merge segments: by tiers of size, a few segments of one size
at a time.

Every edit commits a segment of its own, and Whoosh's own policy (MERGE_SMALL) then merges the
small segments again every few commits, rereading the growing merged one each time: about half
a second of the worker's time per edit on the seed corpus, most of a core at an edit every half
second, taken from the web workers. Here segments are grouped by the order of magnitude of
their size (`PER_TIER` to a tier): the segments of a tier are merged once it holds `PER_TIER`
of them, so a passage is rewritten once per tier it climbs, and a merge costs in proportion to
the size of its tier.
"""

from whoosh.reading import SegmentReader

# Segments of one tier merged at once; tier n holds segments of PER_TIER**n to PER_TIER**(n+1)
# documents, deleted ones included (a merge reads and drops them).
PER_TIER = 8
# Segments of this tier and above (32,768 documents or more) are never merged by a commit: a full
# rebuild writes such segments, and merging eight of them would hold the index worker for many
# minutes at a million passages. Their deleted entries stay until the next rebuild.
TOP_TIER = 5


def tier(segment) -> int:
    size, n = segment.doc_count_all(), 0
    while size >= PER_TIER:
        size //= PER_TIER
        n += 1
    return n


def merge_by_tiers(writer, segments):
    """Whoosh's merge policy callable: the lowest full tier's segments are merged into the
    segment being written; the segments kept are returned."""
    tiers: dict[int, list] = {}
    for segment in segments:
        if tier(segment) < TOP_TIER:
            tiers.setdefault(tier(segment), []).append(segment)
    full = [n for n, members in tiers.items() if len(members) >= PER_TIER]
    if not full:
        return segments
    merged = tiers[min(full)]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in merged]
