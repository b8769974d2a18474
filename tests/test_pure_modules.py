"""The rules sit in pure modules: importing one loads no Flask and no view (issue 15).

Each import runs in a fresh interpreter, since this one has long loaded everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PURE_MODULES = (
    "app.accessibility_shortcomings",
    "app.charts",
    "app.accounts",
    "app.appointment_time",
    "app.demo",
    "app.device",
    "app.feedback",
    "app.guidance",
    "app.insights",
    "app.ics",
    "app.invite_form",
    "app.invite_status",
    "app.invites",
    "app.languages",
    "app.organisation",
    "app.outcomes",
    "app.readiness",
    "app.report_contract",
    "app.steps",
    "app.tables",
    "app.text",
    "app.translation",
    "app.turn",
)

_LOADED = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after_import(module: str) -> list[str]:
    """Every module a fresh interpreter holds after importing module."""
    result = subprocess.run([sys.executable, "-c", _LOADED, module], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_module_loads_no_flask_and_no_view(module: str) -> None:
    loaded = loaded_after_import(module)
    assert module in loaded
    flask = [name for name in loaded
             if name.split(".")[0] in {"flask", "flask_babel", "flask_wtf", "flask_limiter",
                                       "werkzeug", "jinja2"}]
    assert flask == [], f"{module} loads {flask[:5]}"
    views = [name for name in loaded
             if name.startswith("app.") and (name.endswith("views") or name.split(".")[1]
                                             in {"wizard", "staff", "api"})]
    assert views == [], f"{module} loads {views}"


def test_the_check_catches_a_module_that_loads_flask() -> None:
    # app.i18n is Flask's side of the languages: the same check must see Flask there.
    loaded = loaded_after_import("app.i18n")
    assert "flask" in loaded
    assert "app.customer_session" in loaded


def test_every_module_beside_device_is_listed_or_known_to_need_flask() -> None:
    # A new module under app/ is sorted into one group or the other, so it cannot quietly
    # become a pure module that imports Flask.
    needs_flask = {"app.assets", "app.cli", "app.config", "app.converters",
                   "app.customer_session", "app.db", "app.errors",
                   "app.health", "app.housekeeping", "app.i18n", "app.illustrations",
                   "app.jsonbody", "app.limit_storage", "app.limits", "app.pwa",
                   "app.security"}
    modules = {f"app.{path.stem}" for path in (ROOT / "app").glob("*.py")
               if path.stem != "__init__"}
    assert modules == set(PURE_MODULES) | needs_flask
