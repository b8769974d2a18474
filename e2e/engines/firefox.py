"""Debian's Firefox ESR, driven over WebDriver BiDi, the protocol built into Firefox itself.

No geckodriver (Debian has none) and no Playwright Firefox (it cannot be downloaded here, and
it is a patched build, not what customers run): the stock `firefox-esr` is started with
`--remote-debugging-port`, and this module speaks BiDi to it over one websocket (the
`websockets` library's synchronous client). Every command and every wait has a time limit;
the browser and its profile are removed on close, and on any failure to start.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from e2e.engines.driver import poll
from e2e.engines.scripts import FIND, as_json_call

FIREFOX = "/usr/bin/firefox-esr"
START_SECONDS = 60.0
COMMAND_SECONDS = 60.0
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://[\d.:]+)")

# Firefox must not reach for the internet (the machine has none, and a test must not depend on
# anybody's server): no updates, telemetry, studies, safe browsing, captive-portal or
# connectivity probes, remote settings, add-on or search updates, new-tab content, prefetching.
QUIET = {
    "app.update.disabledForTesting": True,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.discovery.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.snippets": False,
    "browser.ping-centre.telemetry": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.search.update": False,
    "browser.search.geoip.url": "",
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage": "about:blank",
    "browser.startup.page": 0,
    "browser.tabs.warnOnClose": False,
    "browser.topsites.contile.enabled": False,
    "captivedetect.canonicalURL": "",
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.update.enabled": False,
    "extensions.blocklist.enabled": False,
    "geo.provider.network.url": "",
    "messaging-system.rsexperimentloader.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False,
    "services.settings.server": "http://127.0.0.1:9/v1",
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
}

# A camera and a microphone that Firefox makes up (a coloured picture, a tone), and no prompt:
# as a person who pressed "Allow". DENIED_MEDIA: the site's camera and microphone are blocked,
# as after "Block" (permission.disabled must be off, or the block would not be asked about).
FAKE_MEDIA = {"media.navigator.streams.fake": True, "media.navigator.permission.disabled": True}
DENIED_MEDIA = {"media.navigator.streams.fake": True,
                "permissions.default.camera": 2, "permissions.default.microphone": 2}
# Asks as for a person (fake devices, no answer given): headless, the prompt is never answered.
PROMPTED_MEDIA = {"media.navigator.streams.fake": True}


def user_js(prefs: Mapping[str, object]) -> str:
    """A profile's user.js that sets prefs."""
    return "".join(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"
                   for name, value in prefs.items())


class BiDiError(RuntimeError):
    """A BiDi command answered with an error, or a script threw."""


class FirefoxDriver:
    """One tab of a Firefox ESR of its own, with its own profile (see e2e/engines/driver.py)."""

    name = "firefox"

    def __init__(self, base_url: str, *, prefs: Mapping[str, object] = FAKE_MEDIA,
                 environment: Mapping[str, str] | None = None,
                 executable: str = FIREFOX) -> None:
        """Start Firefox headless with QUIET and prefs, and open a BiDi session on one tab.

        environment: the browser's environment (e.g. PULSE_SERVER for a sound server);
        without one, the test process's.
        """
        self.base_url = base_url
        self._errors: list[str] = []
        self._next_id = 0
        self._lock = threading.Lock()
        self._profile = Path(tempfile.mkdtemp(prefix="valmis-firefox-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: ClientConnection | None = None
        self._stack = contextlib.ExitStack()
        self._reader: threading.Thread | None = None
        try:
            (self._profile / "user.js").write_text(user_js({**QUIET, **prefs}))
            self._process = subprocess.Popen(
                [executable, "--headless", "--no-remote", "--remote-debugging-port=0",
                 "--profile", str(self._profile), "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=dict(environment if environment is not None else os.environ),
                start_new_session=True)
            address = self._listening_address()
            # Entered as a context manager (websockets 17 asks for that), left in close().
            self._socket = self._stack.enter_context(connect(
                f"{address}/session", max_size=None, open_timeout=30, close_timeout=5))
            self._command("session.new", {"capabilities": {"alwaysMatch": {
                "acceptInsecureCerts": False, "unhandledPromptBehavior": "ignore"}}})
            self._command("session.subscribe", {"events": ["log.entryAdded"]})
            tree = self._command("browsingContext.getTree", {"maxDepth": 0})
            self.context: str = tree["contexts"][0]["context"]
        except BaseException:
            self.close()
            raise

    def _listening_address(self) -> str:
        """Read Firefox's standard error until it says where BiDi listens (within limits)."""
        assert self._process is not None and self._process.stderr is not None
        found: list[str] = []
        seen: list[str] = []

        def read() -> None:
            assert self._process is not None and self._process.stderr is not None
            for raw in self._process.stderr:
                line = raw.decode(errors="replace")
                if not found:
                    seen.append(line)
                    match = LISTENING.search(line)
                    if match:
                        found.append(match.group(1))
                # Keep draining, so that a chatty Firefox never blocks on a full pipe.

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_SECONDS
        while not found:
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Firefox did not start its BiDi server: "
                                   + "".join(seen)[-2000:])
            time.sleep(0.05)
        return found[0]

    # -- the protocol --------------------------------------------------------------------

    def _command(self, method: str, params: dict[str, Any],
                 timeout: float = COMMAND_SECONDS) -> Any:
        """Send one BiDi command and return its result; events that come meanwhile are kept."""
        assert self._socket is not None
        with self._lock:
            self._next_id += 1
            number = self._next_id
            self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"BiDi {method} got no answer within {timeout} s")
                message = json.loads(self._socket.recv(timeout=left))
                if message.get("id") == number:
                    if message.get("type") == "error":
                        raise BiDiError(f"{method}: {message.get('error')}: "
                                        f"{message.get('message')}")
                    return message["result"]
                self._event(message)

    def _event(self, message: dict[str, Any]) -> None:
        """Keep console errors and uncaught exceptions or rejections (log.entryAdded at level
        "error"), from any page or frame of the session."""
        if message.get("method") != "log.entryAdded":
            return
        entry = message["params"]
        if entry.get("level") == "error":
            self._errors.append(f"{entry.get('type')}: {entry.get('text')}")

    def _call(self, declaration: str, args: list[Any], timeout: float) -> Any:
        """script.callFunction of a declaration from scripts.py; its JSON result, parsed."""
        result = self._command("script.callFunction", {
            "functionDeclaration": declaration, "awaitPromise": True,
            "target": {"context": self.context},
            "arguments": [{"type": "string", "value": json.dumps(args)}],
            "resultOwnership": "none", "userActivation": False,
        }, timeout=timeout)
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise BiDiError(f"{details.get('text')} (in {declaration[:160]!r})")
        return json.loads(result["result"]["value"])

    # -- Driver --------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        """Open base_url + path and wait until it has loaded."""
        self._command("browsingContext.navigate", {
            "context": self.context, "url": self.base_url + path, "wait": "complete"})

    def url(self) -> str:
        """The tab's address now."""
        tree = self._command("browsingContext.getTree", {"root": self.context, "maxDepth": 0})
        address: str = tree["contexts"][0]["url"]
        return address

    def evaluate(self, function: str, *args: Any) -> Any:
        """Call function with args in the page, awaited; its JSON-able result."""
        return self._call(as_json_call(function), list(args), COMMAND_SECONDS)

    def wait_until(self, function: str, *args: Any, timeout: float = 15.0) -> Any:
        """Call function until truthy (tolerating a page that is being replaced)."""
        # Asked from here, not polled inside the page: a call whose page is replaced
        # meanwhile may never answer, so each call is short and has its own limit.
        return poll(lambda left: self._call(as_json_call(function), list(args), min(left, 10.0)),
                    function, timeout, (BiDiError, TimeoutError))

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first visible element matching selector."""
        self.wait_until(FIND, selector, timeout=15.0)
        result = self._command("script.callFunction", {
            "functionDeclaration": "(selector) => document.querySelector(selector)",
            "awaitPromise": False, "target": {"context": self.context},
            "arguments": [{"type": "string", "value": selector}], "resultOwnership": "none"})
        element = result.get("result", {})
        if element.get("type") != "node":
            raise BiDiError(f"no element {selector!r} to click")
        origin = {"type": "element", "element": {"sharedId": element["sharedId"]}}
        self._command("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
                        {"type": "pointerDown", "button": 0},
                        {"type": "pointerUp", "button": 0}]}]})
        self._command("input.releaseActions", {"context": self.context})

    def add_init_script(self, source: str) -> None:
        """Run source (statements) in every page this tab loads from now on, before the
        page's own scripts (BiDi script.addPreloadScript; Playwright's add_init_script)."""
        self._command("script.addPreloadScript", {
            "functionDeclaration": f"() => {{ {source}\n}}", "contexts": [self.context]})

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions or rejections so far."""
        if self._socket is not None:
            with contextlib.suppress(Exception):
                self._command("session.status", {}, timeout=10)
        return list(self._errors)

    def close(self) -> None:
        """End the session, stop Firefox (its whole process group) and remove its profile."""
        if self._socket is not None:
            with contextlib.suppress(Exception):
                self._command("session.end", {}, timeout=5)
            with contextlib.suppress(Exception):
                self._stack.close()
            self._socket = None
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process is not None and process.stderr is not None:
            if self._reader is not None:
                self._reader.join(timeout=5)
            process.stderr.close()
        self._process = None
        shutil.rmtree(self._profile, ignore_errors=True)

