"""The JavaScript the cross-engine drivers and page objects run in the page, in one place.

Every snippet is a function expression (as Driver.evaluate takes). The drivers that speak a
wire protocol (BiDi, WebDriver) wrap a caller's function with as_json_call: the
function's source is pasted into the wrapper (never eval'd, which the pages' CSP forbids), its
arguments arrive as one JSON string and its result leaves as one.
"""

from __future__ import annotations

# Whether an element is rendered (checkVisibility where the engine has it).
_VISIBLE = """(element) => Boolean(element) && (element.checkVisibility ? element.checkVisibility()
  : element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden")"""


def as_json_call(function: str) -> str:
    """A declaration taking a JSON array of arguments, calling function with them (awaited),
    and returning its result as JSON (undefined as null)."""
    return f"""async (argumentsJson) => {{
  const value = await ({function})(...JSON.parse(argumentsJson));
  return JSON.stringify(value === undefined ? null : value);
}}"""


# Truthy when the first element matching a selector can be clicked: rendered, enabled, and
# scrolled into the middle of the view.
# Truthy once the element is visible, enabled, scrolled into view and has stayed in the same
# place for two frames: a page's own script may still move it (a detected device's text), and
# a click at the old place would miss it.
FIND = f"""async (selector) => {{
  const element = document.querySelector(selector);
  if (!({_VISIBLE})(element) || element.disabled) return false;
  element.scrollIntoView({{block: "center", inline: "center"}});
  const place = () => JSON.stringify(element.getBoundingClientRect());
  const before = place();
  await new Promise((done) => {{
    const timer = setTimeout(done, 500);
    requestAnimationFrame(() => requestAnimationFrame(() => {{ clearTimeout(timer); done(); }}));
  }});
  return document.readyState === "complete" && place() === before;
}}"""

# Marks the one rendered element matching a selector whose words are exactly label with
# data-engines-target (and no other), so that Driver.click can take a CSS selector; truthy once
# found.
MARK_BY_LABEL = f"""(selector, label) => {{
  for (const old of document.querySelectorAll("[data-engines-target]")) {{
    old.removeAttribute("data-engines-target");
  }}
  const found = [...document.querySelectorAll(selector)].find((element) =>
    ({_VISIBLE})(element) && element.textContent.trim().replace(/\\s+/g, " ") === label);
  found?.setAttribute("data-engines-target", "");
  return Boolean(found);
}}"""
TARGET = "[data-engines-target]"

# Before a click that loads another page: a mark that the next page will not have.
MARK_PAGE = "() => { window.__enginesOldPage = true; }"
# Truthy once the marked page has been replaced and the new one has loaded.
NEW_PAGE_LOADED = "() => !window.__enginesOldPage && document.readyState === 'complete'"

# The main heading's words.
HEADING = "() => document.querySelector('h1')?.innerText.trim() ?? null"

# An element's attribute, or null.
ATTRIBUTE = "(selector, name) => document.querySelector(selector)?.getAttribute(name) ?? null"

# The values of an attribute among the elements matching a selector that are rendered now.
SHOWN_KEYS = f"""(selector, attribute) => [...document.querySelectorAll(selector)]
  .filter({_VISIBLE}).map((element) => element.getAttribute(attribute))"""

# The readiness result this tab keeps (device-checks.mjs, STORAGE_KEY).
STORED_READINESS = "() => sessionStorage.getItem('valmis.readiness')"

# Whether a service worker controls the page.
CONTROLLED = "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"

# The reports still waiting in the outbox (outbox.mjs, IndexedDB).
PENDING = "async () => globalThis.ValmisOutbox ? await globalThis.ValmisOutbox.pending() : null"
