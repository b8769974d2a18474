"""The baseline the device classification is measured against (tests and bench alike)."""

from __future__ import annotations

import user_agents


def naive_path(user_agent: str) -> str:
    """The baseline: user_agents' own flags mapped to a path."""
    parsed = user_agents.parse(user_agent)
    if parsed.is_bot:
        return "none"
    if parsed.is_mobile or parsed.is_tablet:
        return "app"
    return "web" if parsed.is_pc else "none"
