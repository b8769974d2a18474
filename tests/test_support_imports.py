"""Test support lives in tests/support/ and the conftest files: no test module imports another
test module or a conftest (a conftest's fixtures are used by name, never imported)."""

from __future__ import annotations

import ast

import pytest

from tests.support import ROOT

FOLDERS = ("tests", "e2e", "integration", "bench")


def _is_test_code(name: str) -> bool:
    """True for a dotted module name that ends in a test module or a conftest."""
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def forbidden_imports(source: str) -> list[str]:
    """Every module a Python source imports that is a test module or a conftest."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_test_code(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if _is_test_code(module):
                found.append(module)
            # `from tests import test_staff` or `from . import conftest`
            found += [f"{module}.{alias.name}" for alias in node.names
                      if _is_test_code(alias.name)]
    return found


@pytest.mark.parametrize("source", [
    "from tests.test_staff import SoftAuthenticator",
    "from e2e.conftest import ROOT",
    "import tests.test_device",
    "from tests import test_wizard",
    "from .test_personal_link import create_invite",
    "from . import conftest",
    "def f():\n    from tests.conftest import migrated_app\n",
])
def test_the_scan_sees_every_spelling(source: str) -> None:
    """An import of a test module or a conftest is found, at the top or inside a function."""
    assert forbidden_imports(source)


def test_support_modules_pass_the_scan() -> None:
    """Importing from tests.support, e2e.pages or a library is fine."""
    assert forbidden_imports("from tests.support.staff import SoftAuthenticator\n"
                             "from e2e.pages import Wizard\nimport pytest\n") == []


def test_no_test_module_imports_another_or_a_conftest() -> None:
    """Across tests/, e2e/, integration/ and bench/, helpers come from tests/support/."""
    files = [path for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
             if "node_modules" not in path.parts]
    assert len(files) > 40  # the scan really reads the test code
    offenders = {str(path.relative_to(ROOT)): imports for path in files
                 if (imports := forbidden_imports(path.read_text(encoding="utf-8")))}
    assert offenders == {}
