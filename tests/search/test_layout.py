"""The engine seam holds: above `search/engine/` nothing imports Whoosh or the Whoosh engine, and
the search modules import one another without cycles."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The archive's own code; tests and benchmarks may look below the seam (bench/ measures Whoosh).
PACKAGES = ("archive", "search", "config", "annotations", "api")
WHOOSH_ENGINE = "search/engine/whoosh/"
ALLOWED_WHOOSH = {
    # The language analyzers (tokenizer, folding, Snowball stems) are built as Whoosh analyzer
    # objects, used by the Whoosh schema and, for their text functions, by query building and
    # highlighting. Those text functions are to move out of it on their own; until then it is
    # the one module above the seam that imports Whoosh.
    "search/analysis.py",
}


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


def module_name(relative: str) -> str:
    return relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


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


def test_the_search_modules_import_one_another_without_cycles():
    graph = {}
    for relative, tree in sources():
        if relative.startswith("search/"):
            graph[module_name(relative)] = {
                name for name in imported(tree) if name.startswith("search.")
            }
    for module, names in graph.items():
        graph[module] = {name for name in names if name in graph and name != module}
    cycles = []

    def visit(module, path):
        for name in sorted(graph[module]):
            if name in path:
                cycles.append(path[path.index(name) :] + [name])
            elif name not in done:
                visit(name, [*path, name])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert cycles == []
