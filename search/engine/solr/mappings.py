"""The character mappings of the archive's Solr configset, written from `archive.text`.

Solr folds and normalises text with mapping files (MappingCharFilter, one character to its
replacement); these are worked out here, character by character, from `archive.text.fold` and
`archive.text.normalise`, so that Solr's analysis follows the Python one. A test checks that the
committed files are what this writes now; after a change to the folding, write them again:

    python manage.py write_solr_mappings
"""

import sys
import unicodedata
from functools import cache
from pathlib import Path

from archive.text import fold, normalise

CONF = Path(__file__).resolve().parent / "configset" / "conf"

# Lucene's Romanian Snowball stemmer knows ş and ţ with the cedilla only, where the Python
# stemmer (and `normalise`) has the comma below: the Romanian field maps them back before stemming.
ROMANIAN_CEDILLA = {"ș": "ş", "ț": "ţ"}


def _characters():
    """Every assigned code point outside the surrogate and private-use areas."""
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        if unicodedata.category(c) not in ("Cn", "Co", "Cs"):
            yield c


def _quote(text: str) -> str:
    """`text` as a quoted string of a mapping file: escapes for anything not plainly visible."""
    out = []
    for c in text:
        if c in '"\\' or not c.isprintable() or c.isspace() or unicodedata.combining(c):
            out.extend(f"\\u{unit:04x}" for unit in _utf16(c))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _utf16(c: str) -> list[int]:
    data = c.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def mapping(function, title: str) -> str:
    """A mapping file of every character that `function` changes, to what it makes of it."""
    lines = [f"# {title}", "# Written by `manage.py write_solr_mappings`: do not edit."]
    for c in _characters():
        replaced = function(c)
        if replaced != c:
            lines.append(f"{_quote(c)} => {_quote(replaced)}")
    return "\n".join(lines) + "\n"


@cache
def files() -> dict[str, str]:
    """The configset's mapping files, by name."""
    return {
        "mapping-fold.txt": mapping(
            fold, "archive.text.fold, character by character: the folded fields (text, notes)."
        ),
        "mapping-normalise.txt": mapping(
            normalise,
            "archive.text.normalise, character by character: the stemmed fields, before stemming.",
        ),
        "mapping-romanian.txt": "".join(
            [
                "# The comma-below letters as Lucene's Romanian stemmer expects them (cedilla).\n",
                "# Written by `manage.py write_solr_mappings`: do not edit.\n",
                *(f"{_quote(k)} => {_quote(v)}\n" for k, v in ROMANIAN_CEDILLA.items()),
            ]
        ),
    }


def write(directory: Path = CONF) -> list[Path]:
    """Write the mapping files into `directory`; the paths written."""
    written = []
    for name, text in files().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
