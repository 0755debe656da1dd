"""The project's layout as STYLE.md draws it: what each app may import, read from the source
(module- and function-level imports alike), and no import cycle between the project's modules."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("archive", "annotations", "search", "api", "config")
# What the archive stores knows nothing of how it is annotated, found or served as JSON.
ARCHIVE_NEVER_IMPORTS = ("annotations", "search", "api")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` imports the module a.b when there is one, else a name of a.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imported(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def top(name: str) -> str:
    return name.partition(".")[0]


def test_the_archive_never_imports_annotations_search_or_the_api():
    wrong = sorted(
        f"{name} imports {other}"
        for name, others in import_graph().items()
        if top(name) == "archive"
        for other in others
        if top(other) in ARCHIVE_NEVER_IMPORTS
    )
    assert wrong == []


def test_no_import_cycle_between_the_projects_modules():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    "source,expected",
    [
        ("from archive.models import Passage", {"archive.models"}),
        ("from archive import models", {"archive.models"}),
        ("def f():\n    from . import text", {"archive.text"}),
        ("import archive.citation as c", {"archive.citation"}),
    ],
)
def test_imports_are_read_at_every_level_and_resolved_to_modules(tmp_path, source, expected):
    source_file = tmp_path / "signals.py"  # read as if it were archive/signals.py
    source_file.write_text(source, encoding="utf-8")
    assert imported("archive.signals", source_file, set(project_modules())) == expected


def test_a_cycle_is_found_and_a_chain_is_not():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []
