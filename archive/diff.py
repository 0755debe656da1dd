"""Word-level differences between two states of a passage's text, as escaped HTML."""

import difflib
import re

from django.utils.html import escape

TOKEN_RE = re.compile(r"\s+|[^\s]+")


def word_diff_html(old: str, new: str) -> str:
    """`old` turned into `new`: removed words in <del>, added words in <ins>, all escaped."""
    a, b = TOKEN_RE.findall(old), TOKEN_RE.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if removed.strip():
            out.append(f"<del>{escape(removed)}</del>")
        elif removed:
            out.append(escape(removed))
        if added.strip():
            out.append(f"<ins>{escape(added)}</ins>")
        elif added and not removed:
            out.append(escape(added))
    return "".join(out)
