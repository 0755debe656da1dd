"""A wiki export: `key: value` front matter, `---`, then prose under `== Heading ==` lines."""

import json
import re

from archive.ingest.clean import drop_editorial_markers, tidy
from archive.ingest.readers.base import Block, ParsedSource, Reader

FRONT_MATTER_RE = re.compile(r"\A(?P<head>(?:[A-Za-z_]+:[^\n]*\n|\s*\n)+)---[ \t]*\n", re.MULTILINE)
FIELD_RE = re.compile(r"^(?P<key>[A-Za-z_]+):\s*(?P<value>.*?)\s*$", re.MULTILINE)
DATE_RE = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ]|\s*$)")
HEADING_RE = re.compile(r"^(={2,6})\s*(?P<title>.+?)\s*\1\s*$")

# Sections that hold apparatus, not the article's prose, in the wiki languages we receive.
APPARATUS_SECTIONS = {
    "note",
    "notes",
    "references",
    "bibliography",
    "further reading",
    "see also",
    "external links",
    "sources",
    "footnotes",
    "citations",
    "referințe",
    "referinţe",
    "bibliografie",
    "vezi și",
    "vezi şi",
    "legături externe",
    "surse",
    "lectură suplimentară",
    "bilješke",
    "izvori",
    "literatura",
    "vanjske poveznice",
    "vidi još",
    "reference",
}


def decode_value(value: str) -> str:
    """A front-matter value with its quotes removed and `\\uXXXX` escapes decoded."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            value = value[1:-1]
    return (
        value.encode("utf-8").decode("unicode_escape", errors="ignore") if "\\u" in value else value
    )


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The front-matter fields and the body that follows them."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    fields = {m["key"].lower(): decode_value(m["value"]) for m in FIELD_RE.finditer(match["head"])}
    return fields, text[match.end() :]


def revision_date(fields: dict[str, str]) -> str:
    """The day of the exported revision, from a `date:` or `timestamp:` field (2023-05-01 or
    2023-05-01T12:00:00Z), as far as it goes; empty if the export gives none."""
    for key in ("date", "timestamp"):
        match = DATE_RE.match(fields.get(key, ""))
        if match:
            return "-".join(part for part in match.groups() if part)
    return ""


class WikiReader(Reader):
    """Reads a wiki export: title, URL, revision from the front matter; sections from headings."""

    shape = "wiki"

    @classmethod
    def recognises(cls, text: str) -> bool:
        fields, body = parse_front_matter(text)
        has_headings = any(HEADING_RE.match(line) for line in body.splitlines())
        return ("title" in fields and ("url" in fields or "revision" in fields)) or has_headings

    @classmethod
    def read(cls, text: str) -> ParsedSource:
        fields, body = parse_front_matter(text)
        blocks: list[Block] = []
        section, skipping = "", False
        for line in body.splitlines():
            heading = HEADING_RE.match(line)
            if heading:
                section = tidy(heading["title"])
                skipping = section.lower() in APPARATUS_SECTIONS
                continue
            paragraph = tidy(drop_editorial_markers(line))
            if paragraph and not skipping:
                blocks.append(Block(paragraph, section))
        return ParsedSource(
            shape=cls.shape,
            blocks=blocks,
            title=tidy(fields.get("title", "")),
            source_url=fields.get("url", ""),
            source_revision=fields.get("revision", ""),
            source_date=revision_date(fields),
        )
