"""What more than one test module uses, in one place: tests/, e2e/, integration/ and bench/
import their helpers from here, never from a test module or a conftest (a scan in
tests/test_support_imports.py keeps it so). Fixtures live in the conftest files and are used by
name; the modules here hold plain functions, classes and constants.

- app.py: an app on a throwaway SQLite database whose clients check every page
- staff.py: a software passkey and the staff ceremonies through a Flask-like client
- reports.py: a readiness report as the browser builds it
- user_agents.py: the browsers the tests pretend to be
- wizard.py: posting the wizard's forms as a person would
- clock.py: the nights Helsinki's clocks change
- device.py: the naive device classification the real one is measured against
- server.py: gunicorn started and stopped for e2e, integration and bench
- live.py: what a test does to a running server from outside (flask commands, its database)
- browsers.py, axe.py: Chromium launched another way, a virtual passkey, axe's verdict
- instances.py: two instances on PostgreSQL and Redis, and a real-HTTP browser for them
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
