"""Chromium set up another way than the session's browser: another permission prompt, or a
virtual passkey authenticator."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, Playwright


def browser_with(playwright: Playwright, launch_args: dict[str, Any],
                 fake_ui: str | None) -> Browser:
    """Chromium launched as the session's, with the fake permission UI replaced by fake_ui."""
    arguments = [argument for argument in launch_args["args"]
                 if not argument.startswith("--use-fake-ui-for-media-stream")]
    if fake_ui:
        arguments.append(fake_ui)
    return playwright.chromium.launch(**{**launch_args, "args": arguments})


def add_virtual_authenticator(page: Page) -> None:
    """A platform authenticator that holds passkeys and verifies the user (CTAP2, internal)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
