"""The join, store and browser pages say what Teams and the stores show today, and what the
seed's guide says, in every language (../shared/TEAMS-FACTS.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from app import invites
from app.i18n import LANGUAGE_CODES
from tests.support.user_agents import ANDROID, IPHONE, WINDOWS_CHROME, WINDOWS_FIREFOX
from tests.support.wizard import submit

TEAMS_LINK = "https://teams.microsoft.com/meet/2718281828?p=AbCdEf"

# The seed's labels and today's, as msgids: the customer finds one of them on the screen.
INVITATION_LINKS = ("Join Microsoft Teams Meeting", "Join the meeting now", "Join:")
LAUNCHER_BUTTONS = ("Join on the web instead", "Continue on this browser",
                    "Join meeting from this browser")
PRE_JOIN = ("Choose your audio and video settings", "Join now")


def _translated(app: Flask, language: str, *msgids: str) -> list[str]:
    """The compiled catalogue's translations of msgids in language."""
    with app.test_request_context(), force_locale(language):
        return [str(gettext(msgid)) for msgid in msgids]


def _page(client: FlaskClient, url: str, user_agent: str = WINDOWS_CHROME) -> str:
    """A page's text with its HTML entities decoded, as a person reads its words."""
    return unescape(client.get(url, headers={"User-Agent": user_agent}).get_data(as_text=True))


def _drawings(html: str) -> list[str]:
    """The names of the drawings a page shows, in order."""
    return re.findall(r'<img src="/illustrations/\w+/([\w-]+)\.svg"', html)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_computer_join_page_names_the_seeds_and_todays_labels(
        app: Flask, client: FlaskClient, language: str) -> None:
    """The invitation's link, the launcher's button and the pre-join screen, old and new."""
    html = _page(client, f"/computer/join?lang={language}")
    for label in _translated(app, language, *INVITATION_LINKS, *LAUNCHER_BUTTONS, *PRE_JOIN):
        assert f"“{label}”" in html or f"”{label}”" in html or f"«{label}»" in html \
            or f"„{label}“" in html, label


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_phone_join_page_names_the_seeds_and_todays_invitation_link(
        app: Flask, client: FlaskClient, language: str) -> None:
    """On a phone too, the invitation's link is named as the seed and today's invites say it."""
    submit(client, "/device", {"device": "android"}, ANDROID)
    html = _page(client, f"/phone/join?lang={language}", ANDROID)
    for label in _translated(app, language, *INVITATION_LINKS):
        assert label in html, label


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_phone_join_page_waits_in_the_lobby_before_the_meeting_opens(
        app: Flask, client: FlaskClient, language: str) -> None:
    """Join now, then the lobby's wait, then the meeting opens: the order the app shows them."""
    submit(client, "/device", {"device": "android"}, ANDROID)
    html = _page(client, f"/phone/join?lang={language}", ANDROID)
    join_now, wait, opens = _translated(
        app, language, "Join now",
        "If you are asked to wait, wait. The career guidance psychologist will let you into "
        "the meeting.",
        "The meeting opens. Turn on your microphone and camera with the buttons at the bottom "
        "of the screen.")
    assert html.index(join_now) < html.index(wait) < html.index(opens)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_app_store_says_get_and_shows_its_own_button(app: Flask, client: FlaskClient,
                                                      language: str) -> None:
    """An iPhone gets the App Store's "Get" and its blue button; no Google Play, no Huawei."""
    html = _page(client, f"/phone/install?lang={language}", IPHONE)
    get, install, no_play = _translated(
        app, language, "Get", "Install",
        "My phone has no Google Play (for example some Huawei phones)")
    assert f"“{get}”" in html or f"”{get}”" in html or f"«{get}»" in html or f"„{get}“" in html
    assert f"“{install}”" not in html and f"«{install}»" not in html
    assert _drawings(html) == ["store-app-store"]
    assert "play.google.com" not in html
    assert no_play not in html


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_google_play_says_install_and_offers_the_huawei_way_out(
        app: Flask, client: FlaskClient, language: str) -> None:
    """An Android phone gets Google Play's "Install", its green button and the Huawei note."""
    html = _page(client, f"/phone/install?lang={language}", ANDROID)
    install, no_play = _translated(
        app, language, "Install", "My phone has no Google Play (for example some Huawei phones)")
    assert install in html
    assert _drawings(html) == ["store-google-play"]
    assert "apps.apple.com" not in html
    assert no_play in html


def test_both_stores_each_with_its_own_words_when_the_system_is_unknown(
        client: FlaskClient) -> None:
    """Preparing on a computer for a phone of unknown kind: each store, its words, its picture."""
    html = _page(client, "/phone/install?lang=en")
    assert _drawings(html) == ["store-app-store", "store-google-play"]
    assert "“Get”" in html and "“Install”" in html
    assert "My phone has no Google Play" in html


def test_firefox_is_told_to_paste_the_link_into_chrome_not_to_click_it(
        client: FlaskClient) -> None:
    """Clicking a link opens the default browser, so Firefox's advice is copy and paste."""
    html = _page(client, "/computer/browser?lang=en", WINDOWS_FIREFOX)
    assert "click the link in Chrome" not in html
    assert "right-click the link to join the meeting" in html
    assert "paste the link" in html
    assert 'data-module="copy-link"' not in html


def test_a_personal_link_with_a_teams_link_offers_it_to_copy(app: Flask,
                                                            client: FlaskClient) -> None:
    """On a personal link that has the meeting's Teams link, Firefox gets it with a Copy button."""
    appointment = datetime.now(UTC) + timedelta(days=2)
    with app.extensions["valmis.db"].begin() as connection:
        _id, token = invites.create_invite(connection, appointment_at=appointment,
                                           language="en", teams_url=TEAMS_LINK,
                                           now=datetime.now(UTC))
    client.get(f"/r/{token}", headers={"User-Agent": WINDOWS_FIREFOX})
    html = _page(client, "/computer/browser?lang=en", WINDOWS_FIREFOX)
    assert 'data-module="copy-link"' in html
    assert f'value="{TEAMS_LINK}"' in html
    assert "paste the link" in html
    assert "right-click the link" not in html


def test_an_ipad_in_desktop_mode_that_chose_iphone_or_ipad_is_not_told_about_google_play(
        client: FlaskClient) -> None:
    """An iPad sends a Mac's user agent; once its owner chose "iPhone or iPad", the store page
    shows the App Store alone, without the note about phones that have no Google Play."""
    mac_safari = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Version/17.5 Safari/605.1.15")
    submit(client, "/device", {"device": "iphone-ipad"}, mac_safari)
    html = _page(client, "/phone/install?lang=en", mac_safari)
    assert _drawings(html) == ["store-app-store"]
    assert "My phone has no Google Play" not in html
