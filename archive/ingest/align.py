"""Matching a revised source's passages to the passages already published from it."""

import difflib
from dataclasses import dataclass
from enum import StrEnum

# A new text at least this similar to an old passage is a correction of it, not a new passage.
SIMILAR_ENOUGH = 0.75


class Change(StrEnum):
    KEEP = "kept"
    REVISE = "revised"
    NEW = "new"
    WITHDRAW = "withdrawn"


@dataclass(frozen=True)
class Step:
    """What happens to one old passage (by index), one new text (by index), or a pair of them."""

    change: Change
    old: int | None = None
    new: int | None = None


def similarity(a: str, b: str) -> float:
    """How alike two passage texts are, word by word, from 0 to 1."""
    matcher = difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR_ENOUGH or matcher.quick_ratio() < SIMILAR_ENOUGH:
        return 0.0
    return matcher.ratio()


def pair_replaced(old: list[str], new: list[str], i0: int, j0: int) -> list[Step]:
    """Steps for a replaced run: similar texts paired in order, the rest new or withdrawn."""
    steps: list[Step] = []
    i = 0
    for j, text in enumerate(new):
        match = next(
            (k for k in range(i, len(old)) if similarity(old[k], text) >= SIMILAR_ENOUGH), None
        )
        if match is None:
            steps.append(Step(Change.NEW, new=j0 + j))
            continue
        steps.extend(Step(Change.WITHDRAW, old=i0 + k) for k in range(i, match))
        steps.append(Step(Change.REVISE, old=i0 + match, new=j0 + j))
        i = match + 1
    steps.extend(Step(Change.WITHDRAW, old=i0 + k) for k in range(i, len(old)))
    return steps


def align(old: list[str], new: list[str]) -> list[Step]:
    """Steps turning the old passage texts into the new ones, keeping order."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps.extend(
                Step(Change.KEEP, old=i, new=j)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        elif tag == "delete":
            steps.extend(Step(Change.WITHDRAW, old=i) for i in range(i1, i2))
        elif tag == "insert":
            steps.extend(Step(Change.NEW, new=j) for j in range(j1, j2))
        else:
            steps.extend(pair_replaced(old[i1:i2], new[j1:j2], i1, j1))
    return steps
