"""A readiness report as readiness.mjs builds it."""

from __future__ import annotations

import copy
from typing import Any

REPORT_ID = "0b7e4f5c-2f1e-4c7a-9b1d-3f0e6a9c2d41"


def readiness() -> dict[str, Any]:
    """A full readiness report, as readiness.mjs builds it, with its kind."""
    return {
        "version": 1, "id": REPORT_ID, "kind": "readiness",
        "created_at": "2026-12-01T09:00:00.000Z", "path": "web",
        "device": {"form": "desktop", "os": "windows", "browser": "chrome", "major": 131,
                   "choice": "computer"},
        "checks": {
            "camera": {"status": "warning", "detail": "dark", "devices": 1},
            "microphone": {"status": "ok", "devices": 2},
            "speaker": {"status": "ok", "output_selectable": True},
            "connection": {"status": "ok", "rtt_ms": 40, "jitter_ms": 3, "down_kbps": 20000,
                           "up_kbps": 5000, "udp": "not-checked", "save_data": False,
                           "type": "wifi"},
            "browser": {"status": "ok", "secure_context": True, "get_user_media": True,
                        "webrtc": True},
        },
        "summary": "ready-with-warnings", "warnings": ["camera-warning"], "problems": [],
    }


def readiness_with(path: str, value: Any) -> dict[str, Any]:
    """readiness() with the dotted path set to value (or removed when value is ...)."""
    report = copy.deepcopy(readiness())
    *parents, last = path.split(".")
    target = report
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return report
