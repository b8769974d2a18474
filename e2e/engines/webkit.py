"""Debian's WebKitGTK, driven over classic WebDriver: Selenium and WebKitWebDriver.

WebKitGTK is the engine closest to what iPhone and iPad customers run (every browser on iOS is
WebKit; Safari on a Mac too). Debian's `webkit2gtk-driver` gives WebKitWebDriver, which starts
the MiniBrowser that the libwebkit2gtk package carries, with `--automation`, on an X display:
Debian's Xvfb, started here on a display it picks itself (-displayfd) and stopped after, also
on any failure. Mock capture devices stand in for a camera and a microphone.

What WebKitWebDriver 2.50 does not offer, and what stands in for it:
- No WebDriver BiDi (a session asking for webSocketUrl is refused) and no log endpoint, and
  MiniBrowser's --enable-write-console-messages-to-stdout is ignored for the automation view.
  So console errors and unhandled rejections are caught by listeners this driver puts into
  each page (CATCH_ERRORS: "error", "unhandledrejection" and a console.error wrapper), kept in
  sessionStorage so that they survive the tab's next navigation. They go in at the first
  evaluate after a page has loaded: an error thrown while the page's own scripts first run,
  before that, is not seen here. The page objects wait for a page's script to have started
  (e.g. the checks' "ready" state), so such an error still fails a test, as a timeout.
- No way to deny a permission: mock devices are always granted. Denial is covered by the
  node tests of the logic (tests/js/).
- No network emulation (offline): the outbox's offline path runs in Chromium and Firefox.

Every wait has a time limit: the display, the driver's start (Selenium's, about 30 s), each
WebDriver command, page loads, scripts and polls.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from e2e.engines.driver import poll
from e2e.engines.scripts import FIND

WEBDRIVER = "/usr/bin/WebKitWebDriver"
# Where Debian's libwebkit2gtk-4.1-0 puts MiniBrowser (dpkg -L libwebkit2gtk-4.1-0).
MINIBROWSER_GLOB = "/usr/lib/*/webkit2gtk-4.1/MiniBrowser"
XVFB = "/usr/bin/Xvfb"
START_SECONDS = 30.0
SCRIPT_SECONDS = 30.0
PAGE_LOAD_SECONDS = 30.0
# Any one WebDriver command: longer than a page load or a script may take, so that those
# report their own timeouts first.
COMMAND_SECONDS = 90
POLL_SECONDS = 0.1
# MiniBrowser's own switches: media capture on, with WebKit's mock camera and microphone (a
# generated picture and tone; never the machine's devices), and no prompt to answer.
BROWSER_ARGUMENTS = (
    "--automation",
    "--enable-media-stream=true",
    "--enable-mock-capture-devices=true",
    "--enable-webaudio=true",
    "--enable-developer-extras=false",
)

# What makes MiniBrowser more like Safari on an iPhone: its user agent (iOS 17), and sound or
# video that starts only in answer to a tap (WebKit's iOS rule, off by default on Linux).
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
IPHONE = (f"--user-agent={IPHONE_SAFARI}", "--media-playback-requires-user-gesture=true")

# Records every uncaught error, unhandled rejection and console.error of the page in
# sessionStorage (the tab keeps it across navigations). Installed once per page.
CATCH_ERRORS = """(() => {
  if (window.__enginesCatching) return;
  window.__enginesCatching = true;
  const KEY = "engines.errors";
  const note = (text) => {
    try {
      const kept = JSON.parse(sessionStorage.getItem(KEY) || "[]");
      kept.push(String(text) + " (" + location.pathname + ")");
      sessionStorage.setItem(KEY, JSON.stringify(kept));
    } catch (error) {
      (window.__enginesUnstored ??= []).push(String(text));
    }
  };
  // WebKit's stack of an Error lacks its message (V8's starts with it): both are kept.
  const describe = (value) => value instanceof Error
    ? `${value.name}: ${value.message} at ${value.stack}` : String(value);
  addEventListener("error", (event) => note("error: " + (event.error
    ? describe(event.error) : event.message)));
  addEventListener("unhandledrejection", (event) =>
    note("unhandled rejection: " + describe(event.reason)));
  const original = console.error.bind(console);
  console.error = (...parts) => {
    note("console.error: " + parts.map(describe).join(" "));
    original(...parts);
  };
})();"""

# Takes the errors recorded so far out of the tab, as a JSON list.
TAKE_ERRORS = """() => {
  const kept = JSON.parse(sessionStorage.getItem("engines.errors") || "[]");
  sessionStorage.removeItem("engines.errors");
  return kept.concat((window.__enginesUnstored ?? []).splice(0));
}"""

# Calls a function expression with JSON arguments, awaits it, and hands back its JSON result
# or the error it threw, so that one shape crosses WebDriver. The listeners go in first.
CALL = """const done = arguments[arguments.length - 1];
%(catch)s
Promise.resolve()
  .then(() => (%(function)s)(...JSON.parse(arguments[0])))
  .then((value) => done(JSON.stringify({ok: true, value: value === undefined ? null : value})),
        (error) => done(JSON.stringify({ok: false, error: `${error?.name}: ${error?.message}`
                                                         + ` at ${error?.stack}`})));"""


def minibrowser() -> str | None:
    """MiniBrowser's path in this machine's libwebkit2gtk package, or None."""
    found = sorted(Path("/").glob(MINIBROWSER_GLOB.lstrip("/")))
    return str(found[0]) if found else None


def available() -> str | None:
    """Why WebKit cannot run here (what is missing), or None when it can."""
    missing = [name for name, path in (("webkit2gtk-driver", WEBDRIVER), ("xvfb", XVFB))
               if not Path(path).exists()]
    if minibrowser() is None:
        missing.append("libwebkit2gtk-4.1-0 (MiniBrowser)")
    return ", ".join(missing) + " missing (make webkit installs them)" if missing else None


@contextlib.contextmanager
def xvfb(seconds: float = START_SECONDS) -> Iterator[str]:
    """An X display of Xvfb's own choosing (":N"), on no network socket; stopped after."""
    read, write = os.pipe()
    process = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
         "-noreset"], pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], seconds)
        number = os.read(read, 32).decode().strip() if ready else ""
        if not number:
            raise TimeoutError(f"Xvfb gave no display within {seconds} s")
        yield f":{number}"
    finally:
        os.close(read)
        stop_group(process)


def stop_group(process: subprocess.Popen[Any], seconds: float = 10.0) -> None:
    """End a process started in its own session, and what it started: TERM, then KILL."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=seconds)
            return
        except subprocess.TimeoutExpired:
            continue


class WebKitDriver:
    """One MiniBrowser window on the test server (the Driver protocol)."""

    name = "webkit"

    def __init__(self, base_url: str, log: Path | None = None, *,
                 capture_devices: bool = True, arguments: Sequence[str] = ()) -> None:
        """Start Xvfb, then WebKitWebDriver and its MiniBrowser on that display (their output
        to log, else nowhere). capture_devices=False leaves out the mock camera and
        microphone: the machine has none, as a computer without them. arguments: more of
        MiniBrowser's switches (e.g. IPHONE)."""
        self.base_url = base_url.rstrip("/")
        self.collected: list[str] = []
        options = Options()
        options.binary_location = minibrowser() or "MiniBrowser"
        for argument in (*BROWSER_ARGUMENTS, *arguments):
            if capture_devices or "mock-capture" not in argument:
                options.add_argument(argument)
        # Everything started here stops in close(), in reverse order, also when starting fails.
        self.stack = contextlib.ExitStack()
        try:
            display = self.stack.enter_context(xvfb())
            output = self.stack.enter_context(
                log.open("a", encoding="utf-8") if log else open(os.devnull, "w"))  # noqa: SIM115
            environment = {**os.environ, "DISPLAY": display,
                           # No accessibility bus to look for in a test.
                           "NO_AT_BRIDGE": "1", "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}
            self.service = Service(executable_path=WEBDRIVER, log_output=output,
                                   env=environment, popen_kw={"start_new_session": True})
            self.stack.callback(self._stop_service)
            # Started here rather than by webdriver.WebKitGTK, whose connection to the driver
            # has no time limit: every command here has COMMAND_SECONDS.
            self.service.start()
            connection = RemoteConnection(client_config=ClientConfig(
                remote_server_addr=self.service.service_url, timeout=COMMAND_SECONDS))
            self.driver = webdriver.Remote(command_executor=connection, options=options)
            self.stack.callback(self._quit)
        except BaseException:
            self.stack.close()
            raise
        self.driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
        self.driver.set_script_timeout(SCRIPT_SECONDS)
        self.version = str(self.driver.capabilities.get("browserVersion", "?"))

    def goto(self, path: str) -> None:
        """Open base_url + path and wait until it has loaded; listen for its errors."""
        self.driver.get(self.base_url + path)
        self.evaluate("() => null")

    def url(self) -> str:
        """The address the window shows now."""
        address: str = self.driver.current_url
        return address

    def evaluate(self, function: str, *args: Any) -> Any:
        """Call a function expression in the page with JSON arguments; its awaited result."""
        script = CALL % {"catch": CATCH_ERRORS, "function": function}
        answer = json.loads(self.driver.execute_async_script(script, json.dumps(list(args))))
        if not answer["ok"]:
            raise RuntimeError(f"in the page: {answer['error']}")
        return answer["value"]

    def wait_until(self, function: str, *args: Any, timeout: float = 15.0) -> Any:
        """Call function until it answers something truthy; that answer. A call made while
        the page is changing (a navigation) counts as a falsy answer."""
        return poll(lambda _left: self.evaluate(function, *args), function, timeout,
                    (WebDriverException, RuntimeError), pause=POLL_SECONDS)

    def click(self, selector: str) -> None:
        """Click the first rendered element matching selector, with WebKit's own input events
        (trusted, with user activation)."""
        self.wait_until(FIND, selector)
        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def hide(self) -> None:
        """Minimise the window: the page is hidden (visibilitychange), as when a phone's
        customer switches to another app."""
        self.driver.minimize_window()

    def show(self) -> None:
        """Bring the minimised window back: the page is visible again."""
        self.driver.maximize_window()

    def errors(self) -> list[str]:
        """Every error the pages reported since the start (drained from the tab each time)."""
        with contextlib.suppress(WebDriverException, RuntimeError):
            self.collected.extend(self.evaluate(f"({TAKE_ERRORS})"))
        return list(self.collected)

    def close(self) -> None:
        """Close the browser, stop the driver and the display, whatever state they are in."""
        self.stack.close()

    def _quit(self) -> None:
        """End the WebDriver session (MiniBrowser closes)."""
        with contextlib.suppress(WebDriverException):
            self.driver.quit()

    def _stop_service(self) -> None:
        """Stop WebKitWebDriver and anything it left running (its process group)."""
        process = getattr(self.service, "process", None)
        if process is not None:
            stop_group(process)


@contextlib.contextmanager
def webkit(base_url: str, folder: Path, *, capture_devices: bool = True,
           arguments: Sequence[str] = ()) -> Iterator[WebKitDriver]:
    """A WebKit driver on its own Xvfb display; both stopped after, also on failure."""
    driver = WebKitDriver(base_url, folder / "webkit.log", capture_devices=capture_devices,
                          arguments=arguments)
    try:
        yield driver
    finally:
        driver.close()
