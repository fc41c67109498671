"""The library stands alone: no web, CLI or indexer code, no environment."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

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
