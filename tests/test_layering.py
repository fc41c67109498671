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
