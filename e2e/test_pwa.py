"""The installable, offline-capable wizard in Chromium: manifest, service worker, updates.

The service worker keeps the pages of the customer's language and path once a page has told
it which they are; these tests wait for that, then cut the network with Playwright's
context.set_offline (which the worker's own fetches obey too).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, expect

from app import assets
from e2e.devices import customer_devices
from e2e.pages import Wizard, translator
from tests.support.axe import assert_no_axe_violations
from tests.support.live import create_invite
from tests.support.server import LiveServer, flask, free_port, start_gunicorn, stop_gunicorn
from tests.support.user_agents import DESKTOP_CHROME_UA

# Far ahead yet within the 730 days that `flask invite create --at` accepts.
NEXT_YEAR = date.today().year + 1
FINNISH = translator("fi")
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push([name, new URL(request.url).pathname]);
  }
  return urls;
}"""
CONTROLLED = "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"


def words(msgid: str) -> str:
    """The Finnish wording of msgid."""
    translated: str = FINNISH.gettext(msgid)
    return translated


def cached(page: Page) -> list[tuple[str, str]]:
    """(cache name, path) of everything in the page origin's caches."""
    return [tuple(entry) for entry in page.evaluate(CACHED_URLS)]


def wait_until_kept(page: Page, language: str, path: str, seconds: float = 30) -> list[str]:
    """Wait until the worker controls the page and keeps every page of language and path."""
    listing = page.request.get(f"/offline/pages.json?lang={language}&path={path}").json()
    wanted = {url.split("?")[0] for url in listing["pages"]}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kept = {url for name, url in cached(page) if name.startswith("valmis-pages-")}
        if page.evaluate(CONTROLLED) and wanted <= kept:
            return sorted(wanted)
        page.wait_for_timeout(200)
    raise AssertionError(f"kept {sorted(kept)}, wanted {sorted(wanted)}")


@pytest.fixture
def phone(browser: Browser, playwright: Playwright, base_url: str) -> Iterator[Page]:
    """An Android phone (Pixel 7) in Finnish."""
    page = customer_devices(playwright.devices)["android-phone"].open(browser, base_url)
    yield page
    page.context.close()


def test_chromium_finds_no_installability_errors(
        playwright: Playwright, browser_type_launch_args: dict[str, Any], base_url: str,
        tmp_path: Path) -> None:
    """The manifest, icons and worker satisfy Chromium (Page.getInstallabilityErrors).

    Installing needs a profile of its own: Playwright's usual contexts are incognito-like,
    which Chromium reports as the one error ("in-incognito").
    """
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args, base_url=base_url,
        user_agent=DESKTOP_CHROME_UA, locale="fi-FI")
    try:
        page = context.new_page()
        page.goto("/?lang=fi")
        deadline = time.monotonic() + 20
        while not page.evaluate(CONTROLLED) and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/manifest.webmanifest?lang=fi"), manifest["url"]
        assert manifest.get("errors", []) == [], manifest["errors"]
    finally:
        context.close()


def test_the_manifest_follows_the_pages_language(page: Page) -> None:
    """Swedish page, Swedish manifest; the link changes with the language menu."""
    for language in ("sv", "en", "fi"):
        page.goto(f"/?lang={language}")
        href = page.locator('link[rel="manifest"]').get_attribute("href")
        assert href == f"/manifest.webmanifest?lang={language}"
        document = page.request.get(href).json()
        assert document["lang"] == language
        assert document["name"] == translator(language).gettext("Valmis video appointment guide")


def test_every_page_of_the_path_opens_offline(phone: Page, artifacts: Path, axe: Axe) -> None:
    """After a first visit, each page of the phone path and the help pages open offline with
    a calm note; a page never kept shows the offline page; Continue moves on offline."""
    phone.goto("/?lang=fi")
    pages = wait_until_kept(phone, "fi", "app")
    phone.context.set_offline(True)
    try:
        for url in pages:
            phone.goto(url)
            expect(phone.locator("h1")).to_be_visible()
            assert phone.locator("html").get_attribute("data-offline-copy") is not None, url
            if url != "/offline":
                expect(phone.locator(".js-offline-note")).to_be_visible()
        phone.goto("/phone/install")
        phone.screenshot(path=str(artifacts / "offline-install.png"), full_page=True)
        wizard = Wizard(phone, "fi", touch=True)
        wizard.confirm_installed()
        expect(phone).to_have_url(re.compile(r"/checks$"))
        phone.goto("/open-in-browser")
        expect(phone.locator("h1")).to_have_text(words("You are offline"))
        assert_no_axe_violations(axe, phone)
    finally:
        phone.context.set_offline(False)


def test_no_staff_page_api_answer_or_personal_link_is_ever_cached(
        phone: Page, live_server: LiveServer) -> None:
    """With the worker in control, staff pages, API answers and /r/ links stay out of caches."""
    phone.goto("/?lang=fi")
    wait_until_kept(phone, "fi", "app")
    link = f"/r/{create_invite(live_server, teams_url=None)}"
    for url in (link, "/staff/sign-in", "/api/v1/device", "/api/v1/openapi.json",
                f"{link}/manifest.webmanifest", "/checks"):
        phone.goto(url)
    phone.evaluate("() => fetch('/api/v1/ping').then((r) => r.status)")
    urls = [url for _name, url in cached(phone)]
    assert urls, "nothing cached at all"
    bad = [url for url in urls if re.match(r"^/(staff|api|r)/|\.webmanifest$", url)]
    assert bad == []
    assert all(name.startswith(("valmis-assets-", "valmis-pages-", "valmis-state"))
               for name, _url in cached(phone))


def static_requests(page: Page) -> list[str]:
    """Record the paths of /static/ requests the page makes from now on."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url.split("/", 3)[-1])
            if "/static/" in request.url else None)
    return seen


@pytest.fixture
def release_server(tmp_path: Path, live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """A server of its own (its own origin), which the test restarts as a new release."""
    port = free_port()
    environment = {**live_server.environment, "PORT": str(port),
                   "VALMIS_INSTANCE_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'release.db'}",
                   "WEBAUTHN_ORIGIN": f"http://localhost:{port}",
                   "ACCESS_LOG": str(tmp_path / "access.log"), "ASSET_SALT": "release 1"}
    flask(environment, "init-db")
    state: dict[str, Any] = {"environment": environment, "port": port,
                             "process": start_gunicorn(environment, tmp_path / "error.log"),
                             "log": tmp_path / "error.log"}
    yield state
    stop_gunicorn(state["process"])


def test_an_update_is_offered_and_a_reload_brings_only_new_assets(
        browser: Browser, playwright: Playwright, release_server: dict[str, Any]) -> None:
    """Release 1 is installed; release 2 arrives: the page offers a reload, and after it every
    asset comes from release 2, none from release 1."""
    base = f"http://localhost:{release_server['port']}"
    page = customer_devices(playwright.devices)["android-phone"].open(browser, base)
    try:
        page.goto("/?lang=fi")
        wait_until_kept(page, "fi", "app")
        old = assets.build_manifest(assets.STATIC_DIR, "release 1")
        new = assets.build_manifest(assets.STATIC_DIR, "release 2")

        stop_gunicorn(release_server["process"])
        environment = {**release_server["environment"], "ASSET_SALT": "release 2"}
        release_server["process"] = start_gunicorn(environment, release_server["log"])
        page.goto("/device")
        offer = page.locator(".js-update")
        expect(offer).to_be_visible(timeout=20_000)
        expect(offer.get_by_role("status")).to_have_text(
            words("A new version of this guide is ready."))
        seen = static_requests(page)
        with page.expect_navigation():
            offer.get_by_role("button", name=words("Reload the page")).click()
        expect(page.locator("h1")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert seen, "no asset requests after the reload"
        old_names = set(old.plain) - set(new.plain)
        assert [url for url in seen if url.removeprefix("static/") in old_names] == []
        assert all(url.removeprefix("static/") in new.plain for url in seen), seen
        expect(page.locator(".js-update")).to_be_hidden()
        names = {name for name, _url in cached(page)}
        assert f"valmis-assets-{new.version}" in names
        assert f"valmis-assets-{old.version}" not in names
    finally:
        page.context.close()


FAKE_INSTALL_PROMPT = """() => {
  const event = new Event("beforeinstallprompt", { cancelable: true });
  window.promptCalls = 0;
  event.prompt = () => { window.promptCalls += 1; };
  event.userChoice = Promise.resolve({ outcome: "accepted", platform: "web" });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def test_the_ready_page_offers_the_browsers_install_prompt_once(page: Page) -> None:
    """Chromium's beforeinstallprompt (dispatched here as the browser would, since headless
    Chromium decides on its own when to fire it): no banner, one button on Ready, used once."""
    page.goto("/ready?lang=fi")
    offer = page.locator(".install-offer")
    expect(offer).to_be_hidden()
    assert page.evaluate(FAKE_INSTALL_PROMPT) is True, "the browser's own banner is not held"
    expect(offer).to_be_visible()
    expect(offer.locator(".js-install-ios")).to_be_hidden()
    offer.get_by_role("button", name=words("Add to home screen")).click()
    expect(offer).to_be_hidden()
    assert page.evaluate("() => window.promptCalls") == 1
    page.reload()
    page.evaluate(FAKE_INSTALL_PROMPT)
    expect(page.locator(".install-offer")).to_be_hidden()
    page.goto("/device?lang=fi")
    page.evaluate(FAKE_INSTALL_PROMPT)
    assert page.locator(".install-offer").count() == 0, "offered only on the Ready page"


def test_safari_on_an_iphone_gets_illustrated_steps(browser: Browser, playwright: Playwright,
                                                    base_url: str, artifacts: Path,
                                                    axe: Axe) -> None:
    """Share → Add to Home Screen, with the drawing; "No thanks" ends the offer for good."""
    page = customer_devices(playwright.devices)["iphone"].open(browser, base_url)
    try:
        page.goto("/ready?lang=fi")
        offer = page.locator(".install-offer")
        expect(offer).to_be_visible()
        steps = offer.locator(".js-install-ios")
        expect(steps).to_be_visible()
        expect(steps.get_by_role("img")).to_have_attribute("alt", re.compile("Safari"))
        expect(offer.locator(".js-install-browser")).to_be_hidden()
        page.screenshot(path=str(artifacts / "install-ios.png"), full_page=True)
        assert_no_axe_violations(axe, page)
        offer.get_by_role("button", name=words("No thanks")).click()
        expect(offer).to_be_hidden()
        page.reload()
        expect(page.locator(".install-offer")).to_be_hidden()
    finally:
        page.context.close()
