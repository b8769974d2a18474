"""What happened at an appointment, and the words the anonymous counters are kept in.

Staff record one of OUTCOMES on an invite after its time. When the purge deletes the invite,
each of DIMENSIONS gets one coarse value from it and insight_counts (app/tables.py) adds one
to (month, dimension, value, outcome): counters of one dimension at a time, never a row per
person or a combination of dimensions. Pure: no Flask.
"""

from __future__ import annotations

# The outcomes staff choose from, in the order the dashboard offers them.
OUTCOMES = (
    "video",             # joined by video without help
    "video-after-help",  # joined by video after help
    "phone",             # switched to a phone call
    "no-show",           # did not attend
    "no-video",          # the customer chose no video
)

# The outcome counted for an invite purged before anyone recorded one.
NO_OUTCOME = "none"

# What the counters split by. "all" has the one value "all" (the month's total); the rest take
# coarse values only: a device kind, an OS or browser family (never a version), a path, each
# check's final status, the readiness summary, yes/no for help asked and the wizard used.
DIMENSIONS = (
    "all",
    "used-wizard",
    "device-kind",
    "os-family",
    "browser-family",
    "path",
    "camera",
    "microphone",
    "speaker",
    "connection",
    "summary",
    "asked-help",
)

# The values each dimension takes; anything else, or nothing known, counts as "unknown".
# device-kind, os-family and browser-family are the report's device.form/os/browser as
# app/device.py names them; path and summary the report contract's enums; camera, microphone,
# speaker and connection are the final status of that check (report_contract.CHECK_STATUSES),
# "not-run" when the latest report had none. Help asked and the wizard used are yes or no.
UNKNOWN = "unknown"
DEVICE_KINDS = ("desktop", "phone", "tablet", "other")
OS_FAMILIES = ("windows", "macos", "linux", "chromeos", "ios", "ipados", "android", "other")
BROWSER_FAMILIES = ("chrome", "edge", "firefox", "safari", "samsung-internet", "opera", "ie",
                    "yandex", "brave", "chromium", "other")
YES_NO = ("yes", "no")
NOT_RUN = "not-run"

# A cell counting fewer customers than this is shown as "fewer than 5", never as its number.
SMALLEST_SHOWN = 5
