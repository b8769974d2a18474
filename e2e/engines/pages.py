"""Page objects for the walk that runs in every engine, over the Driver protocol only.

The same names as e2e/pages.py's Playwright page objects (what a person does), found by the
same hooks: the templates' classes and data attributes, buttons by their translated words.
"""

from __future__ import annotations

import json
from typing import Any

from app.report_contract import validate_report
from e2e.engines import scripts
from e2e.engines.driver import Driver
from e2e.pages import translator

# Where each check's section is, and a button of it by its js-* hook.
SECTION = '[data-check="{check}"]'
# States a check passes through on its way to a result; every other state is a result.
# "ready" is the state before the check ran; the speaker's "playing" waits for the person.
UNDER_WAY = frozenset({"ready", "checking", "watching", "listening", "hearing",
                       "measuring-rtt", "measuring-download", "measuring-upload",
                       "measuring-media", "playing"})


class _Page:
    """What both page objects share: a driver, a language and its catalogue."""

    def __init__(self, driver: Driver, language: str = "fi") -> None:
        """Wrap a driver; buttons are found by their names in language."""
        self.driver = driver
        self.language = language
        self.catalogue = translator(language)

    def text(self, msgid: str, **values: Any) -> str:
        """The app's wording for msgid in this language, placeholders filled in."""
        translated: str = self.catalogue.gettext(msgid)
        return translated % values if values else translated

    def _press(self, selector: str, msgid: str, navigates: bool = True) -> None:
        """Click the element matching selector whose words are msgid's translation; wait for
        the next page when it loads one."""
        self.driver.wait_until(scripts.MARK_BY_LABEL, selector, self.text(msgid))
        self._click(scripts.TARGET, navigates)

    def _click(self, selector: str, navigates: bool) -> None:
        """Click selector; when it loads another page, wait until that has loaded."""
        if navigates:
            self.driver.evaluate(scripts.MARK_PAGE)
        self.driver.click(selector)
        if navigates:
            self.driver.wait_until(scripts.NEW_PAGE_LOADED, timeout=30.0)

    def heading(self) -> str:
        """The page's main heading (waiting for it while a page loads)."""
        heading: str = self.driver.wait_until(scripts.HEADING)
        return heading


class Wizard(_Page):
    """The customer wizard, a click at a time."""

    def open(self, path: str = "/") -> Wizard:
        """Open a wizard page by its address."""
        self.driver.goto(path)
        return self

    def open_personal_link(self, url: str) -> Wizard:
        """Open a personal link (a whole URL on the test server, or its path)."""
        self.driver.goto(url.removeprefix(self.driver.base_url))
        return self

    def start(self) -> None:
        """Press "Start" on the start page."""
        self._press("a.button", "Start")

    def choose_device(self, choice: str) -> None:
        """Pick one of the device page's choices (computer, iphone-ipad, android, other) by
        clicking its label."""
        self._click(f'label[for="device-{choice}"]', navigates=False)
        self.driver.wait_until("(id) => document.getElementById(id).checked", f"device-{choice}")

    def continue_(self) -> None:
        """Press the page's "Continue" button."""
        self._press("button", "Continue")

    def confirm_installed(self) -> None:
        """Say "I have installed Teams"."""
        self._press("button", "I have installed Teams")

    def understand_privacy(self) -> None:
        """Confirm the privacy and safety rules with "I understand"."""
        self._press("button", "I understand")


class DeviceChecks(_Page):
    """The device-checks page: speakers, camera, microphone and connection."""

    def open(self) -> DeviceChecks:
        """Open the checks page in this language and wait until the checks have started."""
        self.driver.goto(f"/checks?lang={self.language}")
        self.wait_until_started()
        return self

    def wait_until_started(self) -> None:
        """Wait until the page's script has started the checks (the speaker is "ready")."""
        self.driver.wait_until(f"() => ({scripts.ATTRIBUTE})('{SECTION.format(check='speaker')}',"
                               " 'data-state') === 'ready'")

    def _button(self, check: str, hook: str) -> None:
        """Click a check's button by its js-* hook."""
        self._click(f"{SECTION.format(check=check)} .js-{hook}", navigates=False)

    def check_camera(self) -> None:
        """Press "Check the camera"."""
        self._button("camera", "run")

    def check_microphone(self) -> None:
        """Press "Check the microphone"."""
        self._button("microphone", "run")

    def play_test_sound(self) -> None:
        """Press "Play the test sound" and wait until the page answers: the question whether
        it was heard ("playing"), or that no sound could be played."""
        self._button("speaker", "play")
        self.driver.wait_until(f"() => ({scripts.ATTRIBUTE})('{SECTION.format(check='speaker')}',"
                               " 'data-state') !== 'ready'", timeout=30.0)

    def answer_heard(self, heard: bool) -> None:
        """Answer "I heard it" or "I did not hear it"."""
        self._button("speaker", "heard" if heard else "not-heard")

    def hear_yourself(self) -> None:
        """Press "Record and listen" in Hear yourself."""
        self._button("hear-self", "run")

    def answer_own_voice(self, heard: bool) -> None:
        """Answer "Did you hear your own voice?" with "Yes" or "No"."""
        self._button("hear-self", "yes" if heard else "no")

    def check_connection(self) -> None:
        """Press "Check the connection"."""
        self._button("connection", "run")

    def skip(self, check: str) -> None:
        """Press a check's "Check later"."""
        self._button(check, "skip")

    def state(self, check: str) -> str | None:
        """A check's state now (its data-state), e.g. "ready", "watching", "ok"."""
        state: str | None = self.driver.evaluate(scripts.ATTRIBUTE, SECTION.format(check=check),
                                                 "data-state")
        return state

    def wait_for_final_state(self, check: str, timeout: float = 30.0) -> str:
        """Wait until a check has a result (a state outside UNDER_WAY, e.g. "ok", "blocked");
        the speaker's "playing" is under way: it waits for answer_heard."""
        under_way = json.dumps(sorted(UNDER_WAY))
        state: str = self.driver.wait_until(
            f"""(selector) => {{
              const state = ({scripts.ATTRIBUTE})(selector, "data-state");
              return state && !{under_way}.includes(state) ? state : null;
            }}""", SECTION.format(check=check), timeout=timeout)
        return state

    def summary(self) -> str | None:
        """The summary shown ("ready", "ready-with-warnings", "not-checked", "not-ready"), or
        None."""
        shown = self._shown("[data-summary-heading]", "data-summary-heading")
        assert len(shown) <= 1, f"more than one summary heading: {shown}"
        return shown[0] if shown else None

    def unblock_steps(self) -> list[str]:
        """The keys of the unblock instructions shown, e.g. ["firefox"]."""
        return self._shown("[data-unblock]", "data-unblock")

    def advice(self) -> list[str]:
        """The keys of the advice the summary shows, e.g. ["camera-blocked"]."""
        return self._shown("[data-advice]", "data-advice")

    def readiness(self) -> dict[str, Any] | None:
        """The readiness result kept in this tab, parsed and held to the Report schema by the
        server's own validator; None when there is none."""
        stored: str | None = self.driver.evaluate(scripts.STORED_READINESS)
        if stored is None:
            return None
        parsed: dict[str, Any] = json.loads(stored)
        validate_report(parsed)
        return parsed

    def continue_(self) -> None:
        """Press "Continue" below the checks, which moves to the next step."""
        self._press("form.js-checks-form button", "Continue")

    def _shown(self, selector: str, attribute: str) -> list[str]:
        """The attribute's values of the elements matching selector that can be seen."""
        shown: list[str] = self.driver.evaluate(scripts.SHOWN_KEYS, selector, attribute)
        return shown
