"""Page objects: what a person does on Valmis's pages, in their words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from playwright.sync_api import Locator, Page, Request, expect

from app.report_contract import validate_report

ROOT = Path(__file__).resolve().parent.parent


def translator(language: str) -> NullTranslations:
    """The compiled catalogue of a language, so tests expect the app's own wording."""
    return Translations.load(str(ROOT / "translations"), [language])


class StartPage:
    """The customer's first page."""

    def __init__(self, page: Page) -> None:
        """Wrap a Playwright page."""
        self.page = page

    def open(self, query: str = "") -> StartPage:
        """Open the start page."""
        self.page.goto(f"/{query}")
        return self

    def choose_language(self, name: str) -> None:
        """Open the language menu and pick a language by its own name (e.g. "Svenska")."""
        self.language_menu().click()
        menu = self.page.get_by_role("navigation", name=self.menu_label())
        menu.get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()

    def language_menu(self) -> Locator:
        """The header's language disclosure ("Kieli / Language: Suomi"), closed or open."""
        return self.page.locator("header summary")

    def start_button(self) -> Locator:
        """The start page's one main button, "Start"."""
        label = translator(self.language()).gettext("Start")
        return self.page.get_by_role("link", name=label, exact=True)

    def menu_label(self) -> str:
        """The language menu's accessible name in the page's current language."""
        return translator(self.language()).gettext("Language")

    def language(self) -> str:
        """The page's language, from <html lang>."""
        return self.page.locator("html").get_attribute("lang") or ""

    def heading(self) -> str:
        """The page's main heading."""
        return self.page.get_by_role("heading", level=1).inner_text()


class RequestLog:
    """Every request a page makes, to prove none goes to another host."""

    def __init__(self, page: Page) -> None:
        """Start listening."""
        self.urls: list[str] = []
        self.methods: list[str] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        """Note the request's URL and method."""
        self.urls.append(request.url)
        self.methods.append(request.method)

    def foreign(self, base_url: str) -> list[str]:
        """The requests that went anywhere but base_url (data: URLs are local)."""
        return [url for url in self.urls
                if not url.startswith(base_url + "/") and not url.startswith("data:")]


# The device page's choices, by the value the form sends, with their labels' msgids.
DEVICE_LABELS = {
    "computer": "A computer",
    "iphone-ipad": "An iPhone or iPad",
    "android": "An Android phone or tablet",
    "other": "Something else",
}

# Loads the drawings that are still waiting to scroll into view, so a full-page screenshot
# shows them, and answers when every image has arrived.
_LOAD_ALL_IMAGES = """async () => {
  const images = [...document.images];
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map(image => image.decode().catch(() => null)));
}"""


class Wizard:
    """The customer wizard, driven as a person would: each tap or click counted."""

    def __init__(self, page: Page, language: str = "fi", touch: bool = False) -> None:
        """Wrap a page; touch taps instead of clicking, as on a phone or tablet."""
        self.page = page
        self.language = language
        self.touch = touch
        self.taps = 0
        self.catalogue = translator(language)

    def text(self, msgid: str, **values: Any) -> str:
        """The app's wording for msgid in this walk's language, placeholders filled in."""
        translated: str = self.catalogue.gettext(msgid)
        return translated % values if values else translated

    def open(self, path: str = "/") -> Wizard:
        """Open a wizard page by its address, as from a link in an email (not a tap)."""
        self.page.goto(path)
        return self

    def start(self) -> None:
        """Press "Start" on the start page."""
        self._press(self.page.get_by_role("link", name=self.text("Start"), exact=True))

    def choose_device(self, choice: str) -> None:
        """Pick one of the device page's choices: computer, iphone-ipad, android, other."""
        self._press(self.device_option(choice), navigates=False)

    def device_option(self, choice: str) -> Locator:
        """The radio button of a device choice, found by its label."""
        return self.page.get_by_role("radio", name=self.text(DEVICE_LABELS[choice]), exact=True)

    def clear_device_choice(self) -> None:
        """Leave every device choice unselected, as when detection could not suggest one."""
        for choice in DEVICE_LABELS:
            self.device_option(choice).evaluate("radio => { radio.checked = false; }")

    def selected_device(self) -> str | None:
        """The device choice that is selected now, or None when none is."""
        for choice in DEVICE_LABELS:
            if self.device_option(choice).is_checked():
                return choice
        return None

    def continue_(self) -> None:
        """Press the page's "Continue" button."""
        self._press_button("Continue")

    def confirm_installed(self) -> None:
        """Say "I have installed Teams"."""
        self._press_button("I have installed Teams")

    def check_later(self) -> None:
        """Leave the device checks for later and go on."""
        self._press_button("Continue")

    def understand_privacy(self) -> None:
        """Confirm the privacy and safety rules with "I understand"."""
        self._press_button("I understand")

    def prefer_phone_call(self) -> None:
        """On the no-video page, choose a phone call instead of video."""
        self._press_button("I prefer a phone call")

    def back(self) -> None:
        """Follow the page's own back link."""
        self._press(self.back_link())

    def back_link(self) -> Locator:
        """The back link at the top of a page ("Back", or "Back to the start")."""
        return self.page.get_by_role("link", name=re.compile(
            "^(" + re.escape(self.text("Back")) + "|" + re.escape(self.text("Back to the start"))
            + ")$"))

    def heading(self) -> str:
        """The page's main heading."""
        return self.page.get_by_role("heading", level=1).inner_text()

    def expect_heading(self, msgid: str) -> None:
        """Wait until the main heading says msgid in this language."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.text(msgid))

    def current_step(self) -> tuple[int, int] | None:
        """The "Step N of M" above the heading as (N, M), or None on pages outside the path."""
        pattern = re.escape(self.text("Step %(number)s of %(total)s"))
        pattern = pattern.replace(re.escape("%(number)s"), r"(\d+)").replace(
            re.escape("%(total)s"), r"(\d+)")
        found = re.search(pattern, self.page.locator("main").inner_text())
        return (int(found.group(1)), int(found.group(2))) if found else None

    def button(self, msgid: str) -> Locator:
        """A button by its translated label."""
        return self.page.get_by_role("button", name=self.text(msgid), exact=True)

    def screenshot(self, path: Path) -> None:
        """Save the whole page, drawings included, as a PNG at path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.evaluate(_LOAD_ALL_IMAGES)
        self.page.screenshot(path=path, full_page=True, scale="css")

    def _press_button(self, msgid: str) -> None:
        """Press the button labelled msgid, which moves to the next page."""
        self._press(self.button(msgid))

    def _press(self, target: Locator, navigates: bool = True) -> None:
        """Tap (touch) or click target once, counted; wait for the next page when it loads one."""
        self.taps += 1
        action = target.tap if self.touch else target.click
        if navigates:
            with self.page.expect_navigation():
                action()
        else:
            action()


# The focused element's focus indicator: an outline or a box shadow that can be seen.
_FOCUS_INDICATOR = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  return {tag: element.tagName.toLowerCase(), text: (element.innerText || element.value || "")
          .trim().slice(0, 40), outline, shadow,
          inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
                  box.top < innerHeight && box.left < innerWidth};
}"""


class KeyboardUser:
    """A person who uses only the keyboard: Tab, Space, arrow keys and Enter."""

    def __init__(self, page: Page) -> None:
        """Wrap a page."""
        self.page = page
        self.stops: list[dict[str, Any]] = []

    def press(self, key: str) -> None:
        """Press one key."""
        self.page.keyboard.press(key)

    def focused(self) -> dict[str, Any] | None:
        """What has focus now and whether its focus indicator can be seen."""
        focused: dict[str, Any] | None = self.page.evaluate(_FOCUS_INDICATOR)
        return focused

    def has_focus(self, target: Locator) -> bool:
        """Whether target is the focused element."""
        answer: bool = target.evaluate("element => element === document.activeElement")
        return answer

    def tab_to(self, target: Locator, limit: int = 30) -> None:
        """Press Tab until target has focus; every stop on the way must show where focus is."""
        if self.has_focus(target):
            return
        for _ in range(limit):
            self.press("Tab")
            stop = self.focused()
            assert stop is not None, "Tab left the page"
            visible = (stop["outline"] or stop["shadow"]) and stop["inView"]
            assert visible, f"no visible focus indicator on {stop}"
            self.stops.append(stop)
            if self.has_focus(target):
                return
        raise AssertionError(f"{target} not reached in {limit} presses of Tab")

    def activate(self, target: Locator, key: str = "Enter") -> None:
        """Tab to target and press key on it, waiting for the page it opens."""
        self.tab_to(target)
        with self.page.expect_navigation():
            self.press(key)


class Layout:
    """What a page's layout does at a size, a zoom or a text direction."""

    def __init__(self, page: Page) -> None:
        """Wrap a page."""
        self.page = page

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the window (0 when nothing overflows)."""
        overflow: int = self.page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth")
        return max(overflow, 0)

    def zoom_text(self, percent: int) -> None:
        """Enlarge the root font size, as a browser's text zoom does."""
        self.page.evaluate(f"document.documentElement.style.fontSize = '{percent}%'")

    def right_to_left(self) -> None:
        """Turn the page right-to-left, as for Arabic."""
        self.page.evaluate("document.documentElement.dir = 'rtl'")

    def inline_edges(self, target: Locator) -> dict[str, float]:
        """target's left and right, and the left and right of main's content box."""
        edges: dict[str, float] = target.evaluate("""element => {
          const main = document.querySelector("main");
          const style = getComputedStyle(main);
          const box = main.getBoundingClientRect();
          const own = element.getBoundingClientRect();
          return {left: own.left, right: own.right,
                  contentLeft: box.left + parseFloat(style.paddingLeft),
                  contentRight: box.right - parseFloat(style.paddingRight)};
        }""")
        return edges


    def target_size(self, target: Locator) -> dict[str, float]:
        """target's width and height in CSS pixels, as a finger or pointer meets it."""
        box = target.bounding_box()
        assert box is not None, f"{target} is not rendered"
        return {"width": box["width"], "height": box["height"]}

    def mid_word_breaks(self, target: Locator) -> list[str]:
        """Where target's text wraps to a new line inside a word, as "…before|after…".

        A break after a space, a hyphen or a soft hyphen is between words (or at a
        hyphenation point the text allows); any other is in the middle of a word.
        """
        breaks: list[str] = target.evaluate(_MID_WORD_BREAKS)
        return breaks

    def chevron_direction(self, target: Locator) -> str:
        """Which way the drawing at target's start points, "left" or "right", from its pixels.

        The link's words are made transparent so that the screenshot holds the chevron alone;
        a chevron's point is the dark pixel furthest to one side, in its middle rows.
        """
        # A constructed style sheet: the pages' CSP refuses <style> elements.
        self.page.evaluate("""css => {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(css);
          document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        }""", ".back-link { color: transparent !important; text-decoration: none !important; }"
              ".back-link::before { color: #000 !important; }")
        picture = target.screenshot(animations="disabled", scale="css")
        direction: str = self.page.evaluate(_CHEVRON_DIRECTION, list(picture))
        return direction


# A text's line breaks that fall inside a word: each character's rectangle gives its line.
_MID_WORD_BREAKS = """(element) => {
  const found = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let previous = null, lineTop = null, text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let index = 0; index < node.data.length; index += 1) {
      const character = node.data[index];
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
      if (rects.length) {
        // The last: a hyphen shown at a soft hyphen's break is counted with the next letter.
        const top = rects[rects.length - 1].top;
        if (lineTop !== null && top > lineTop + 2 && previous !== null
            && !/[\\s\\u00ad\\u2010-]/.test(previous) && !/\\s/.test(character)) {
          found.push(text.slice(-12) + "|" + node.data.slice(index, index + 12));
        }
        lineTop = top;
      }
      previous = character;
      text += character;
    }
  }
  return found;
}"""

# The direction a chevron in a PNG points: the side its middle rows stick out to.
_CHEVRON_DIRECTION = """async (bytes) => {
  const picture = await createImageBitmap(new Blob([new Uint8Array(bytes)], {type: "image/png"}));
  const canvas = new OffscreenCanvas(picture.width, picture.height);
  const context = canvas.getContext("2d");
  context.drawImage(picture, 0, 0);
  const {data, width, height} = context.getImageData(0, 0, picture.width, picture.height);
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    let left = null, right = null;
    for (let x = 0; x < width; x += 1) {
      const at = (y * width + x) * 4;
      if (data[at] + data[at + 1] + data[at + 2] < 300) { left ??= x; right = x; }
    }
    if (left !== null) rows.push({left, right});
  }
  if (rows.length < 3) return "none";
  const first = rows[0], last = rows[rows.length - 1];
  const towardsLeft = (first.left + last.left) / 2 - Math.min(...rows.map((row) => row.left));
  const towardsRight = Math.max(...rows.map((row) => row.right)) - (first.right + last.right) / 2;
  return towardsLeft > towardsRight ? "left" : "right";
}"""

# Every change of a live region's words, recorded from the end of parsing: each region's
# rendered text is noted then, and any later difference is kept in window.__liveChanges with
# how long after the start it came. Hidden text counts as its words (innerText of a region
# that is not rendered is its textContent), so revealing words already there is no change.
RECORD_LIVE_REGIONS = """(() => {
  window.__liveChanges = [];
  const regions = '[aria-live], [role="status"], [role="alert"], [role="log"]';
  const said = new Map();
  const look = () => {
    for (const region of document.querySelectorAll(regions)) {
      const words = region.innerText.trim();
      if (said.has(region) && said.get(region) !== words) {
        window.__liveChanges.push({region: region.className || region.tagName, words});
      }
      said.set(region, words);
    }
  };
  document.addEventListener("readystatechange", () => {
    if (document.readyState !== "interactive") return;
    look();
    new MutationObserver(look).observe(document.documentElement, {
      subtree: true, childList: true, characterData: true, attributes: true});
  });
})();"""


def live_region_changes(page: Page) -> list[dict[str, str]]:
    """The live regions' changes of words since the page loaded (RECORD_LIVE_REGIONS)."""
    changes: list[dict[str, str]] = page.evaluate("window.__liveChanges")
    return changes


def check_settings_script(**settings: Any) -> str:
    """An init script handing the checks test settings (lib/deadline.mjs, ValmisTestSettings).

    deadlines={"resume": 500, ...} shortens the waits on the browser; connection_limits=
    {...} replaces the lines the connection is rated by.
    """
    names = {"deadlines": "deadlines", "connection_limits": "connectionLimits"}
    given = {names[key]: value for key, value in settings.items()}
    return f"Object.assign(window.ValmisTestSettings ??= {{}}, {json.dumps(given)});"


# The connection rated by lines no machine misses, however busy: a test that expects "ok" must
# not depend on how fast this machine answers its own pings (the measuring still runs whole).
STEADY_CONNECTION = check_settings_script(connection_limits={
    "rttTargetMs": 60_000, "veryHighRttMs": 60_000, "jitterTargetMs": 60_000,
    "videoMinKbps": 0, "videoRecommendedKbps": 0,
})


# The device checks' buttons, by what they do, with their labels' msgids.
CHECK_BUTTONS = {
    "play": "Play the test sound",
    "heard": "I heard it",
    "not-heard": "I did not hear it",
    "camera": "Check the camera",
    "microphone": "Check the microphone",
    "connection": "Check the connection",
    "skip": "Check later",
    "retry": "Try again",
}

# The keys of what is shown now among elements carrying the attribute named, in page order.
_SHOWN_KEYS = """([selector, attribute]) => [...document.querySelectorAll(selector)]
  .filter(element => element.checkVisibility())
  .map(element => element.getAttribute(attribute))"""


class DeviceChecks:
    """The device-checks page: speakers, camera, microphone and connection, run in the browser."""

    def __init__(self, page: Page, language: str = "fi") -> None:
        """Wrap a page; buttons are found by their names in language."""
        self.page = page
        self.language = language
        self.catalogue = translator(language)

    def text(self, msgid: str) -> str:
        """The app's wording for msgid in this page's language."""
        translated: str = self.catalogue.gettext(msgid)
        return translated

    def open(self) -> DeviceChecks:
        """Open the checks page in this language, and wait until the checks have started."""
        self.page.goto(f"/checks?lang={self.language}")
        self.expect_state("speaker", "ready")
        return self

    def section(self, check: str) -> Locator:
        """One check's section: speaker, camera, microphone or connection."""
        return self.page.locator(f'[data-check="{check}"]')

    def button(self, check: str, action: str) -> Locator:
        """A button of one check by its translated name (actions: CHECK_BUTTONS' keys)."""
        return self.section(check).get_by_role(
            "button", name=self.text(CHECK_BUTTONS[action]), exact=True)

    def play_test_sound(self) -> None:
        """Press "Play the test sound" and wait for the question whether it was heard."""
        self.button("speaker", "play").click()
        self.expect_state("speaker", "playing")

    def answer_heard(self, heard: bool) -> None:
        """Answer "I heard it" or "I did not hear it"."""
        self.button("speaker", "heard" if heard else "not-heard").click()

    def check_camera(self) -> None:
        """Press "Check the camera"."""
        self.button("camera", "camera").click()

    def check_microphone(self) -> None:
        """Press "Check the microphone"."""
        self.button("microphone", "microphone").click()

    def check_connection(self) -> None:
        """Press "Check the connection"."""
        self.button("connection", "connection").click()

    def skip(self, check: str) -> None:
        """Press a check's "Check later"."""
        self.button(check, "skip").click()

    def try_again(self, check: str) -> None:
        """Press a check's "Try again"."""
        self.button(check, "retry").click()

    def state(self, check: str) -> str | None:
        """A check's state now (its data-state), e.g. "ready", "watching", "ok"."""
        return self.section(check).get_attribute("data-state")

    def expect_state(self, check: str, state: str, timeout: float = 15_000) -> None:
        """Wait until a check is in state."""
        expect(self.section(check)).to_have_attribute("data-state", state, timeout=timeout)

    def status(self, check: str) -> Locator:
        """A check's status sentence (a live region)."""
        return self.section(check).get_by_role("status")

    def summary(self) -> str | None:
        """The summary shown: "ready", "ready-with-warnings", "not-checked", "not-ready", or
        None."""
        shown = self._shown("[data-summary-heading]", "data-summary-heading")
        assert len(shown) <= 1, f"more than one summary heading: {shown}"
        return shown[0] if shown else None

    def advice(self) -> list[str]:
        """The keys of the advice the summary shows, e.g. ["camera-blocked"]."""
        return self._shown("[data-advice]", "data-advice")

    def unblock_steps(self) -> list[str]:
        """The keys of the unblock instructions shown, e.g. ["chrome-desktop"]."""
        return self._shown("[data-unblock]", "data-unblock")

    def reason(self) -> list[str]:
        """The keys of the reasons the connection result shows."""
        return self._shown("[data-reason]", "data-reason")

    def readiness(self) -> dict[str, Any] | None:
        """The readiness result kept in this tab (sessionStorage), parsed; None when none.

        It is the report the page posts for a personal link, so it is held to the Report
        schema by the server's own validator: ReportError names the field that does not fit.
        """
        stored: str | None = self.page.evaluate(
            "() => sessionStorage.getItem('valmis.readiness')")
        if stored is None:
            return None
        parsed: dict[str, Any] = json.loads(stored)
        validate_report(parsed)
        return parsed

    def continue_(self) -> None:
        """Press "Continue" below the checks, which moves to the next step."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=self.text("Continue"), exact=True).click()

    def _shown(self, selector: str, attribute: str) -> list[str]:
        """The attribute's values of the elements matching selector that can be seen."""
        shown: list[str] = self.page.evaluate(_SHOWN_KEYS, [selector, attribute])
        return shown
