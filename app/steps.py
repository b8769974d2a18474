"""The wizard's route through its pages: which steps a path has, and what comes next (pure)."""

from __future__ import annotations

from dataclasses import dataclass

# The customer's own answer to "which device will you use?"; it overrides detection.
DEVICE_CHOICES: tuple[str, ...] = ("computer", "iphone-ipad", "android", "other")

# Steps in order for each join path. The names are the wizard's endpoint names.
STEPS: dict[str, tuple[str, ...]] = {
    "web": ("device", "browser", "checks", "join_computer", "privacy", "ready"),
    "app": ("device", "install", "checks", "join_phone", "privacy", "ready"),
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where a step stands on a path: its number, the count, and its neighbours."""

    number: int
    total: int
    previous: str | None
    next: str | None


def path_for_choice(choice: str | None, detected_path: str) -> str:
    """The join path: from the customer's choice when made, else from detection."""
    if choice == "computer":
        return "web"
    if choice in {"iphone-ipad", "android"}:
        return "app"
    if choice == "other":
        return "none"
    return detected_path


def counted_path(path: str, form: str) -> str:
    """The path whose steps a page counts. Inside an app ("open-in-browser") the customer
    who carries on there still walks the path of their device: the app path on a phone or
    tablet, the web path on a computer."""
    if path == "open-in-browser":
        return "web" if form == "desktop" else "app"
    return path


def choice_for_detection(os: str, path: str) -> str | None:
    """The device choice that detection suggests, to pre-select on the device page."""
    if path == "web":
        return "computer"
    if os in {"ios", "ipados"}:
        return "iphone-ipad"
    if os == "android":
        return "android"
    return None


def position(path: str, step: str) -> Position | None:
    """Where step stands on path, or None when the path has no such step."""
    steps = STEPS.get(path)
    if steps is None or step not in steps:
        return None
    index = steps.index(step)
    return Position(
        number=index + 1,
        total=len(steps),
        previous=steps[index - 1] if index > 0 else None,
        next=steps[index + 1] if index + 1 < len(steps) else None,
    )
