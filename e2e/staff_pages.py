"""Page objects for the staff area: what a member of staff does there, in the app's words.

As e2e/pages.py does for the customer wizard, each class wraps one page (sign-in and
enrollment, the dashboard, the new-invite form, an invite's page, people, your passkeys) and
names what a person does on it. Labels come from the compiled catalogue of the page's
language, so the tests find buttons and links by the words a person reads.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from e2e.pages import translator

DASHBOARD_URL = re.compile(r"/staff/$")
SIGN_IN_URL = re.compile(r"/staff/sign-in$")
PASSKEYS_URL = re.compile(r"/staff/passkeys$")
INVITE_URL = re.compile(r"/staff/invites/[0-9]+$")


class StaffPage:
    """What every staff page has: a page in a language, its wording and its navigation."""

    def __init__(self, page: Page, language: str = "fi") -> None:
        """Wrap a Playwright page whose staff pages are in language."""
        self.page = page
        self.language = language
        self.catalogue = translator(language)

    def text(self, msgid: str, **values: Any) -> str:
        """The app's wording for msgid in this language, placeholders filled in."""
        translated: str = self.catalogue.gettext(msgid)
        return translated % values if values else translated

    def main(self) -> Locator:
        """The page's main content."""
        return self.page.locator("main")

    def heading(self) -> Locator:
        """The page's main heading."""
        return self.page.locator("h1")

    def _menu(self, msgid: str) -> None:
        """Follow a link of the staff area's navigation."""
        self.page.get_by_role("navigation", name=self.text("Staff area")).get_by_role(
            "link", name=self.text(msgid)).click()

    def go_to_passkeys(self) -> Passkeys:
        """Open "Your passkeys" from the navigation."""
        self._menu("Your passkeys")
        expect(self.page).to_have_url(PASSKEYS_URL)
        return Passkeys(self.page, self.language)

    def go_to_people(self) -> People:
        """Open "People" from the navigation (administrators only)."""
        self._menu("People")
        return People(self.page, self.language)

    def go_to_organisation(self) -> Organisation:
        """Open "Organisation" from the navigation (administrators only)."""
        self._menu("Organisation")
        return Organisation(self.page, self.language)

    def go_to_feedback(self) -> FeedbackList:
        """Open "Feedback" from the navigation (administrators only)."""
        self._menu("Feedback")
        return FeedbackList(self.page, self.language)

    def go_to_insights(self) -> Insights:
        """Open "Insights" from the navigation (administrators only)."""
        self._menu("Insights")
        return Insights(self.page, self.language)

    def sign_out(self) -> SignIn:
        """Press "Sign out"; the sign-in page follows."""
        self.page.locator("form[action$='/staff/sign-out'] button").click()
        expect(self.page).to_have_url(SIGN_IN_URL)
        return SignIn(self.page, self.language)


class SignIn(StaffPage):
    """The sign-in page, and the enrollment page a one-time link opens: one passkey button."""

    def open(self) -> SignIn:
        """Open the sign-in page."""
        self.page.goto("/staff/sign-in")
        return self

    def open_enrollment(self, link: str) -> SignIn:
        """Open an enrollment link (a path or a whole address)."""
        self.page.goto(link)
        return self

    def use_passkey(self) -> Dashboard:
        """Press the passkey button (enroll or sign in); the dashboard follows."""
        self.page.locator(".js-passkey-button").click()
        expect(self.page).to_have_url(DASHBOARD_URL)
        return Dashboard(self.page, self.language)


class Dashboard(StaffPage):
    """The staff dashboard: today's invites, each with its status and check results."""

    def open(self, query: str = "") -> Dashboard:
        """Open the dashboard (with a query such as ?day=)."""
        self.page.goto(f"/staff/{query}")
        return self

    def row(self, reference: str) -> Locator:
        """The invite's row, found by its reference."""
        return self.page.locator("tr", has_text=reference)

    def status(self, reference: str) -> Locator:
        """The invite's status in its row ("Not opened", "Ready", ...)."""
        return self.row(reference).locator(".invite-status")

    def recovery_notice(self) -> Locator:
        """The notice that someone added a passkey through a recovery link."""
        return self.page.get_by_role("status").filter(has_text="recovery link")

    def create_a_personal_link(self) -> NewInvite:
        """Follow "Create a personal link"."""
        self.page.get_by_role("link", name=self.text("Create a personal link")).first.click()
        return NewInvite(self.page, self.language)

    def open_invite(self, reference: str) -> InvitePage:
        """Follow the invite's link (its time) to the invite's page."""
        self.row(reference).get_by_role("link").click()
        expect(self.page).to_have_url(INVITE_URL)
        return InvitePage(self.page, self.language)


class NewInvite(StaffPage):
    """The form that makes a personal link."""

    def create(self, *, date: str, time: str, language: str, reference: str = "",
               teams_url: str = "") -> str:
        """Fill in the form and send it; the new personal link's token, read from the page
        that shows it once."""
        self.page.get_by_label(self.text("Date of the appointment")).fill(date)
        self.page.get_by_label(self.text("Time of the appointment")).fill(time)
        self.page.locator(f"#language-{language}").check()
        self.page.get_by_label(self.text("Reference (optional)")).fill(reference)
        self.page.get_by_label(self.text("Teams meeting link (optional)")).fill(teams_url)
        self.page.locator("main form button[type=submit]").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(
            self.text("Personal link created"))
        link = self.page.locator("#invite-link").input_value()
        match = re.search(r"/r/([A-Za-z0-9_-]{22,64})$", link)
        assert match, link
        return match.group(1)


class InvitePage(StaffPage):
    """One invite's page, with its report history."""

    def reports(self) -> Locator:
        """The rows of the report history."""
        return self.page.locator(".report-history tbody tr")


class People(StaffPage):
    """The administrators' page of people: who has access, adding a person, new links."""

    def open(self) -> People:
        """Open the people page."""
        self.page.goto("/staff/people")
        return self

    def row(self, name: str | re.Pattern[str]) -> Locator:
        """A person's row, by a name (or a pattern of it)."""
        return self.page.get_by_role("row", name=name)

    def add_person(self, name: str) -> None:
        """Type the name and press the button that adds the person and makes their link."""
        self.page.get_by_label(self.text("Name"), exact=True).fill(name)
        self.page.get_by_role(
            "button", name=self.text("Add the person and make an enrollment link")).click()

    def new_enrollment_link_for(self, name: str) -> None:
        """Press the button that makes a new enrollment link for the person."""
        self.page.get_by_role(
            "button", name=self.text("New enrollment link for %(name)s", name=name)).click()

    def enrollment_link(self) -> str:
        """The enrollment link the page shows once, after adding or recovering."""
        return self.page.get_by_label(self.text("Enrollment link")).input_value()

    def copy_button(self) -> Locator:
        """The button that copies the enrollment link."""
        return self.page.get_by_role("button", name=self.text("Copy link"))


class Passkeys(StaffPage):
    """Your passkeys: the list, adding one, removing one."""

    def open(self) -> Passkeys:
        """Open the page of your passkeys."""
        self.page.goto("/staff/passkeys")
        return self

    def names(self) -> Locator:
        """The passkeys' names, as listed (one heading each)."""
        return self.page.locator("section.panel h2")

    def add_passkey(self) -> None:
        """Press "Add a passkey" (the browser's authenticator makes it)."""
        self.page.get_by_role("button", name=self.text("Add a passkey")).click()

    def remove(self, name: str) -> None:
        """Press the remove button of the passkey called name."""
        self.page.get_by_role(
            "button", name=self.text("Remove passkey “%(name)s”", name=name)).click()

    def success(self) -> Locator:
        """The panel that confirms what was done."""
        return self.page.locator(".panel--success")


class Organisation(StaffPage):
    """The organisation's profile: names per language, the help line, the statements' facts."""

    def fill_in(self, field_id: str, value: str) -> None:
        """Type value into the field with that id (e.g. "phone", "name-fi")."""
        self.page.locator(f"#{field_id}").fill(value)

    def save(self) -> None:
        """Press "Save"."""
        self.page.get_by_role("button", name=self.text("Save")).click()

    def saved(self) -> Locator:
        """The confirmation after saving."""
        return self.page.get_by_role("status")

    def error_summary(self) -> Locator:
        """The list of problems at the top."""
        return self.page.get_by_role("alert")


class FeedbackList(StaffPage):
    """Feedback from the public, with each message's deadline."""

    def message(self, text: str) -> Locator:
        """The message that contains text."""
        return self.page.locator("article").filter(has_text=text)

    def mark_answered(self, text: str) -> None:
        """Press "Mark as answered" on the message that contains text."""
        self.message(text).get_by_role("button").click()


class Insights(StaffPage):
    """The Insights page: a month range, charts and the tables of their figures, the CSV."""

    def choose_months(self, first: str, last: str) -> None:
        """Pick the range by the months' names ("lokakuu 2026") and press Show."""
        self.page.get_by_label(self.text("From month")).select_option(label=first)
        self.page.get_by_label(self.text("To month")).select_option(label=last)
        self.main().get_by_role("button", name=self.text("Show")).click()

    def charts(self) -> Locator:
        """Every chart, as assistive technology finds it (an image with a name)."""
        return self.main().locator("svg.chart[role='img']")

    def chart(self, title: str) -> Locator:
        """The chart named title."""
        return self.page.get_by_role("img", name=title, exact=False)

    def show_table(self, section_title: str) -> Locator:
        """Open the table under a section's heading; the table."""
        section = self.main().locator("section").filter(
            has=self.page.get_by_role("heading", name=section_title, exact=True))
        section.get_by_text(self.text("Show the figures as a table")).click()
        return section.get_by_role("table")

    def download_counts(self) -> Any:
        """Follow the CSV link; Playwright's download."""
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name=self.text("Download these counts (CSV)")).click()
        return download.value

    def empty_state(self) -> Locator:
        """The sentence shown before anything is counted."""
        return self.main().locator(".js-empty")
