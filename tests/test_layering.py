"""The library stands alone: no web, CLI or indexer code, no environment."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SEARCH_DIR = Path(__file__).parent.parent / "search"


def test_importing_search_loads_neither_flask_click_nor_the_other_packages():
    code = "import json, sys, search; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    forbidden = [m for m in loaded if m.split(".")[0] in {"flask", "click", "indexer", "web", "werkzeug"}]
    assert forbidden == []


def test_no_module_of_the_library_reads_the_environment():
    offenders = []
    for path in sorted(SEARCH_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}:
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_no_module_imports_whoosh_compat():
    offenders = [p.name for p in SEARCH_DIR.glob("*.py") if "whoosh.compat" in p.read_text(encoding="utf-8")]
    assert offenders == []


ROOT = Path(__file__).parent.parent
PACKAGES = ("search", "indexer", "web")


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _top(module: str | None) -> str:
    return (module or "").split(".")[0]


def test_web_uses_only_the_top_level_names_of_search():
    import search

    offenders = []
    for path, tree in _modules("web"):
        where = f"{path.relative_to(ROOT)}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                offenders += [f"{where}:{node.lineno} import {a.name}" for a in node.names if a.name.startswith("search.")]
            elif isinstance(node, ast.ImportFrom) and _top(node.module) == "search":
                if node.module != "search":
                    offenders.append(f"{where}:{node.lineno} from {node.module}")
                offenders += [f"{where}:{node.lineno} search.{a.name}" for a in node.names if a.name not in search.__all__]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "search":
                if node.attr not in search.__all__:
                    offenders.append(f"{where}:{node.lineno} search.{node.attr}")
    assert offenders == []


def test_no_package_uses_a_private_name_of_another():
    offenders = []
    for package in PACKAGES:
        for path, tree in _modules(package):
            where = f"{path.relative_to(ROOT)}"
            aliases = set()  # names bound to modules or objects of other packages
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for a in node.names:
                        if _top(a.name) in PACKAGES and _top(a.name) != package:
                            aliases.add((a.asname or a.name).split(".")[0])
                            if any(part.startswith("_") for part in a.name.split(".")):
                                offenders.append(f"{where}:{node.lineno} import {a.name}")
                elif isinstance(node, ast.ImportFrom) and _top(node.module) in PACKAGES and _top(node.module) != package:
                    if any(part.startswith("_") for part in node.module.split(".")):
                        offenders.append(f"{where}:{node.lineno} from {node.module}")
                    for a in node.names:
                        aliases.add(a.asname or a.name)
                        if a.name.startswith("_"):
                            offenders.append(f"{where}:{node.lineno} {node.module}.{a.name}")
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                    base = node.value
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if isinstance(base, ast.Name) and base.id in aliases:
                        offenders.append(f"{where}:{node.lineno} {base.id}...{node.attr}")
    assert offenders == []


ADAPTER = ROOT / "search" / "whoosh_adapter.py"
THIRD_PARTY = ("whoosh", "jieba")
#: Private-looking names that are documented interfaces.
DOCUMENTED = {"_exit"}  # os._exit


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _own_private_names(tree: ast.Module) -> set[str]:
    """The private names a module defines: its functions, classes and
    module or class variables, and the attributes its ``__init__`` methods
    set on ``self``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                      and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name) and n.value.id == "self"}
    return {n for n in names if _private(n)}


def test_only_the_adapter_touches_private_names_of_whoosh_or_jieba():
    offenders = []
    for package in PACKAGES:
        for path, tree in _modules(package):
            if path == ADAPTER:
                continue
            own = _own_private_names(tree)
            where = f"{path.relative_to(ROOT)}"
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own | DOCUMENTED:
                    offenders.append(f"{where}:{node.lineno} .{node.attr}")
                elif isinstance(node, ast.ImportFrom) and _top(node.module) in THIRD_PARTY:
                    offenders += [f"{where}:{node.lineno} {node.module}.{a.name}" for a in node.names if _private(a.name)]
                elif isinstance(node, ast.keyword) and node.arg and _private(node.arg):
                    offenders.append(f"{where}:{node.lineno} {node.arg}=")
    assert offenders == []


def test_no_class_outside_the_adapter_overrides_a_private_method_of_whoosh():
    import importlib
    import inspect

    offenders = []
    for package in PACKAGES:
        for path, _ in _modules(package):
            if path == ADAPTER or path.name == "__main__.py":
                continue
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for cls in vars(module).values():
                if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                    continue
                foreign = [base for base in cls.__mro__[1:] if _top(base.__module__) in THIRD_PARTY]
                offenders += [f"{cls.__module__}.{cls.__name__}.{name}" for name in vars(cls)
                              if _private(name) and any(hasattr(base, name) for base in foreign)]
    assert offenders == []


def test_the_adapter_refuses_versions_other_than_the_pinned_ones():
    from search.whoosh_adapter import PINNED, check_versions

    check_versions(lambda name: PINNED[name])
    with pytest.raises(ImportError, match=r"whoosh3 3\.54\.0.*whoosh3 2\.7\.4 is installed"):
        check_versions(lambda name: "2.7.4" if name == "whoosh3" else PINNED[name])


def test_the_indexer_uses_only_the_writing_interface_of_search():
    from search import indexing

    offenders = []
    for path, tree in _modules("indexer"):
        where = f"{path.relative_to(ROOT)}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                offenders += [f"{where}:{node.lineno} import {a.name}" for a in node.names if _top(a.name) == "search"]
            elif isinstance(node, ast.ImportFrom) and _top(node.module) == "search":
                if node.module != "search.indexing":
                    offenders.append(f"{where}:{node.lineno} from {node.module}")
                offenders += [f"{where}:{node.lineno} {a.name}" for a in node.names if a.name not in indexing.__all__]
    assert offenders == []
