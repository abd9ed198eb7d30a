"""The apps stand on each other in one direction: nothing imports demo, demo stands on the registry alone."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_apps(path):
    """Return the top-level packages the module at ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules(app, *, tests=False):
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if tests or "tests" not in path.relative_to(ROOT / app).parts
    ]


def test_registry_reports_and_intake_never_import_demo():
    importing = [
        str(path.relative_to(ROOT))
        for app in ("registry", "reports", "intake", "danvan")
        for path in modules(app)
        if "demo" in imported_apps(path)
    ]
    assert importing == []


def test_demo_never_imports_reports():
    importing = [str(path.relative_to(ROOT)) for path in modules("demo") if "reports" in imported_apps(path)]
    assert importing == []


def test_registry_never_imports_reports_or_intake():
    importing = [
        str(path.relative_to(ROOT))
        for path in modules("registry")
        if {"reports", "intake"} & set(imported_apps(path))
    ]
    assert importing == []
