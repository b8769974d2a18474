"""Page objects: what a person does on Valmis's pages, in their words."""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations
from playwright.sync_api import Page, Request

ROOT = Path(__file__).resolve().parent.parent


def translator(language: str) -> Translations:
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
        """Pick a language from the menu by its own name (e.g. "Svenska")."""
        menu = self.page.get_by_role("navigation", name=self.menu_label())
        menu.get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()

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
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        """Note the request's URL."""
        self.urls.append(request.url)

    def foreign(self, base_url: str) -> list[str]:
        """The requests that went anywhere but base_url (data: URLs are local)."""
        return [url for url in self.urls
                if not url.startswith(base_url + "/") and not url.startswith("data:")]
