"""The engine seam holds: above `search/engine/` nothing imports Whoosh or the Whoosh engine
(tests/test_layout.py checks that no project modules import one another in a cycle)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The archive's own code; tests and benchmarks may look below the seam (bench/ measures Whoosh).
PACKAGES = ("archive", "search", "config", "annotations", "api")
WHOOSH_ENGINE = "search/engine/whoosh/"
ALLOWED_WHOOSH: set[str] = set()


def sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


def imported(tree) -> set[str]:
    """Every module a source imports, at its top or inside functions (`from a import b` counts
    as both a and a.b: b may be a module)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_only_the_whoosh_engine_imports_whoosh():
    offenders = {}
    for relative, tree in sources():
        if relative.startswith(WHOOSH_ENGINE) or relative in ALLOWED_WHOOSH:
            continue
        whoosh = {
            name
            for name in imported(tree)
            if name.split(".")[0] == "whoosh"
            or name.startswith("haystack.backends.whoosh")
            or name.startswith("search.engine.whoosh")
        }
        if whoosh:
            offenders[relative] = sorted(whoosh)
    assert offenders == {}
