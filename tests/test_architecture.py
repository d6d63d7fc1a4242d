"""The layering of DESIGN.md, checked on the real import graph.

Each check imports every module of a layer in a fresh interpreter (pkgutil.walk_packages, so new
modules are covered as they appear) and looks at what ended up in sys.modules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, json, pkgutil, sys
packages = sys.argv[1].split(",")
watched = sys.argv[2].split(",")
imported = []
for name in packages:
    package = importlib.import_module(name)
    imported.append(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in watched)
print(json.dumps({"imported": imported, "loaded": loaded}))
"""


def probe(packages: list[str], watched: list[str]) -> tuple[list[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(packages), ",".join(watched)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["imported"], report["loaded"]


def test_core_layers_never_load_textual() -> None:
    packages = ["funnel_tui.domain", "funnel_tui.services", "funnel_tui.storage"]
    imported, loaded = probe(packages, ["textual"])
    assert loaded == []
    for expected in (
        "funnel_tui.domain.money",
        "funnel_tui.services.deals",
        "funnel_tui.storage.database",
        "funnel_tui.storage.migrations",
    ):
        assert expected in imported


def test_domain_and_services_load_no_orm() -> None:
    imported, loaded = probe(
        ["funnel_tui.domain", "funnel_tui.services"], ["sqlalchemy", "sqlmodel", "textual"]
    )
    assert loaded == []
    assert "funnel_tui.services.ports" in imported
    assert not any(name.startswith("funnel_tui.storage") for name in imported)


def test_domain_is_standard_library_only() -> None:
    _, loaded = probe(
        ["funnel_tui.domain"],
        ["sqlalchemy", "sqlmodel", "textual", "rich", "pydantic", "platformdirs"],
    )
    assert loaded == []


def test_import_linter_contracts_hold() -> None:
    executable = ROOT / ".venv" / "bin" / "lint-imports"
    if not executable.exists():
        found = shutil.which("lint-imports")
        if found is None:
            pytest.skip("lint-imports is not installed (uv sync --group static)")
        executable = Path(found)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [str(executable), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
