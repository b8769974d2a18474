"""The customer wizard through the Flask client: every page, both paths, every language."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import guidance
from app.i18n import LANGUAGE_CODES
from app.steps import STEPS, path_for_choice, position
from tests.support.user_agents import (
    ANDROID,
    ANDROID_INSTAGRAM,
    IE11,
    IPHONE,
    LINUX_FIREFOX,
    WINDOWS_CHROME,
    WINDOWS_FIREFOX,
)
from tests.support.wizard import submit

# What a browser without JavaScript sends besides the CSRF token (the checks' <noscript>).
NO_SCRIPT = {"/checks": {"checked_by": "customer"}}
PAGES = ["/", "/device", "/computer/browser", "/phone/install", "/checks", "/computer/join",
         "/phone/join", "/privacy", "/ready", "/help", "/no-video", "/open-in-browser",
         "/other-device"]


def text(response) -> str:  # type: ignore[no-untyped-def]
    """A response's body as text."""
    return str(response.get_data(as_text=True))



def nonce_of(response) -> str:  # type: ignore[no-untyped-def]
    """The one nonce of a page, checked to be the one its CSP allows."""
    (nonce,) = set(re.findall(r'nonce="([^"]+)"', text(response)))
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    return nonce


def test_every_first_visit_gets_its_own_nonce_and_the_same_page(app: Flask) -> None:
    """Two first visits with the same headers: the same page and headers but for the nonce."""
    client = app.test_client(use_cookies=False)
    headers = {"User-Agent": WINDOWS_CHROME, "Accept-Language": "sv"}
    first, second = client.get("/", headers=headers), client.get("/", headers=headers)
    assert nonce_of(first) != nonce_of(second)
    strip = {"Content-Security-Policy", "Content-Length"}
    assert ({k: v for k, v in first.headers.items() if k not in strip}
            == {k: v for k, v in second.headers.items() if k not in strip})
    assert (text(first).replace(nonce_of(first), "")
            == text(second).replace(nonce_of(second), ""))


def test_the_start_page_depends_on_language_and_device(app: Flask) -> None:
    """Another language or device is another page, and the answer says it varies by them."""
    client = app.test_client(use_cookies=False)
    sv = client.get("/", headers={"User-Agent": WINDOWS_CHROME, "Accept-Language": "sv"})
    fi = client.get("/", headers={"User-Agent": WINDOWS_CHROME, "Accept-Language": "fi"})
    phone = client.get("/", headers={"User-Agent": IPHONE, "Accept-Language": "sv"})
    assert '<html lang="sv"' in text(sv) and '<html lang="fi"' in text(fi)
    assert text(phone).replace(nonce_of(phone), "") != text(sv).replace(nonce_of(sv), "")
    vary = {value.strip() for value in sv.headers.get("Vary", "").split(",")}
    assert {"Accept-Language", "User-Agent"} <= vary

@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_every_language(client: FlaskClient, page: str,
                                              language: str) -> None:
    """Each page answers 200 in each language and passes the page checks (the client's)."""
    # In a real browser the way out of an app has nothing to say: it goes on to the device.
    user_agent = ANDROID_INSTAGRAM if page == "/open-in-browser" else WINDOWS_CHROME
    response = client.get(f"{page}?lang={language}", headers={"User-Agent": user_agent})
    assert response.status_code == 200, page
    assert f'<html lang="{language}"' in text(response)


@pytest.mark.parametrize(("user_agent", "selected"), [
    (WINDOWS_CHROME, "computer"), (IPHONE, "iphone-ipad"), (ANDROID, "android")])
def test_device_page_preselects_the_detected_device(client: FlaskClient, user_agent: str,
                                                    selected: str) -> None:
    """The radio of the detected device is checked; the sentence says what was detected."""
    html = text(client.get("/device?lang=en", headers={"User-Agent": user_agent}))
    checked = re.findall(r'value="([\w-]+)"\s+aria-describedby="[^"]+"[^>]* checked', html)
    assert checked == [selected]
    assert "You seem to be using" in html


def test_computer_path_from_device_to_ready(client: FlaskClient) -> None:
    """Computer: device → browser → checks → join → privacy → ready, each POST redirecting on."""
    client.get("/?lang=en")
    expected = ["/computer/browser", "/checks", "/computer/join", "/privacy", "/ready"]
    response = submit(client, "/device", {"device": "computer"})
    for step_url, next_url in zip(["/device", *expected[:-1]], expected, strict=True):
        assert response.status_code == 302, step_url
        assert response.headers["Location"] == next_url
        if next_url != "/ready":
            response = submit(client, next_url, NO_SCRIPT.get(next_url))
    ready = text(client.get("/ready"))
    assert "You are ready" in ready
    assert "Not done yet" not in ready
    # Without JavaScript the checks are the customer's own word (tests/test_ready_truth.py).
    assert ready.count("Done") >= 4 and "Confirmed by you" in ready


def test_phone_path_from_device_to_ready(client: FlaskClient) -> None:
    """Phone: device → install → checks → join as a guest → privacy → ready."""
    client.get("/?lang=en")
    response = submit(client, "/device", {"device": "android"}, ANDROID)
    assert response.headers["Location"] == "/phone/install"
    for url, next_url in [("/phone/install", "/checks"), ("/checks", "/phone/join"),
                          ("/phone/join", "/privacy"), ("/privacy", "/ready")]:
        response = submit(client, url, NO_SCRIPT.get(url), user_agent=ANDROID)
        assert response.headers["Location"] == next_url
    ready = text(client.get("/ready", headers={"User-Agent": ANDROID}))
    assert "You are ready" in ready
    assert "Join as a guest" in ready


def test_unfinished_steps_are_listed_with_links(client: FlaskClient) -> None:
    """Ready lists what is left, each linking to its page."""
    client.get("/?lang=en")
    submit(client, "/device", {"device": "computer"})
    ready = text(client.get("/ready"))
    assert "Almost ready" in ready
    for url in ["/computer/browser", "/checks", "/computer/join", "/privacy"]:
        assert f'href="{url}"' in ready


def test_choosing_no_device_shows_an_error_linked_to_the_field(client: FlaskClient) -> None:
    """No choice: 400, an error summary at the top linking to the first radio."""
    response = submit(client, "/device?lang=en", {})
    assert response.status_code == 400
    html = text(response)
    assert "There is a problem" in html
    assert 'href="#device-computer"' in html and 'id="device-computer"' in html
    assert "<title>Error:" in html


def test_a_forged_choice_is_refused(client: FlaskClient) -> None:
    """A value that is not one of the choices is treated as no choice."""
    assert submit(client, "/device", {"device": "toaster"}).status_code == 400


def test_a_post_without_csrf_token_is_refused(client: FlaskClient) -> None:
    """No token: 400 with a calm page that says what to do."""
    response = client.post("/device?lang=en", data={"device": "computer"})
    assert response.status_code == 400
    assert "The page was open for a long time" in text(response)


def test_something_else_leads_to_the_other_device_page(client: FlaskClient) -> None:
    """A TV or console cannot join: the page says what to use instead."""
    response = submit(client, "/device", {"device": "other"})
    assert response.headers["Location"] == "/other-device"


def test_the_choice_overrides_detection(client: FlaskClient) -> None:
    """On a Windows computer, choosing Android leads to the app path and Google Play."""
    submit(client, "/device", {"device": "android"})
    html = text(client.get("/phone/install?lang=en", headers={"User-Agent": WINDOWS_CHROME}))
    assert "play.google.com" in html
    assert "apps.apple.com" not in html
    assert "Step 2 of 6" in html


def test_in_app_browser_is_sent_to_open_in_browser(client: FlaskClient) -> None:
    """Instagram's browser: the device page redirects; Android gets a Chrome intent link."""
    response = client.get("/device", headers={"User-Agent": ANDROID_INSTAGRAM})
    assert response.status_code == 302
    assert response.headers["Location"] == "/open-in-browser"
    html = text(client.get("/open-in-browser?lang=en",
                           headers={"User-Agent": ANDROID_INSTAGRAM}))
    assert "inside the Instagram app" in html
    assert 'href="intent://localhost/#Intent;scheme=http;package=com.android.chrome;' in html
    assert 'value="http://localhost/"' in html  # the link to copy
    stay = submit(client, "/open-in-browser", user_agent=ANDROID_INSTAGRAM)
    assert stay.headers["Location"] == "/device"
    assert client.get("/device", headers={"User-Agent": ANDROID_INSTAGRAM}).status_code == 200


@pytest.mark.parametrize(("user_agent", "level", "get_chrome"), [
    (WINDOWS_CHROME, "good", False),
    (WINDOWS_FIREFOX, "limited", True),
    (IE11, "unsupported", True),
])
def test_browser_page_rates_the_browser(client: FlaskClient, user_agent: str, level: str,
                                        get_chrome: bool) -> None:
    """Chrome is good; Firefox works with limits; Internet Explorer cannot join."""
    html = text(client.get("/computer/browser?lang=en", headers={"User-Agent": user_agent}))
    assert f"status--{level}" in html
    assert ("How to get Chrome" in html) is get_chrome


def test_linux_is_told_to_use_chrome_or_edge(client: FlaskClient) -> None:
    """Linux has no Teams app: Chrome or Edge."""
    html = text(client.get("/computer/browser?lang=en", headers={"User-Agent": LINUX_FIREFOX}))
    assert "On Linux, use Chrome or Microsoft Edge" in html


def test_browser_page_on_a_phone_gives_general_advice(client: FlaskClient) -> None:
    """Preparing a computer appointment on a phone: no rating of the phone's browser."""
    submit(client, "/device", {"device": "computer"}, ANDROID)
    html = text(client.get("/computer/browser?lang=en", headers={"User-Agent": ANDROID}))
    assert "status--" not in html
    assert "open this guide in Chrome or Microsoft Edge" in html


def test_no_video_choice_is_confirmed_and_can_be_undone(client: FlaskClient) -> None:
    """I prefer a phone call: confirmed, shown on Ready, and reversible."""
    response = submit(client, "/no-video", {"choice": "phone"})
    assert response.headers["Location"] == "/no-video"
    assert "Your choice: a phone call" in text(client.get("/no-video?lang=en"))
    assert "You chose a phone call instead of video" in text(client.get("/ready"))
    submit(client, "/no-video", {"choice": "video"})
    assert "Your choice: a phone call" not in text(client.get("/no-video"))


def test_back_links_follow_the_path(client: FlaskClient) -> None:
    """Each step's back link goes to the step before it on the customer's path."""
    submit(client, "/device", {"device": "computer"})
    assert 'class="back-link" href="/computer/browser"' in text(client.get("/checks"))
    assert 'class="back-link" href="/device"' in text(client.get("/computer/browser"))
    assert 'class="back-link" href="/"' in text(client.get("/device"))


def test_every_page_offers_help_and_no_video(client: FlaskClient) -> None:
    """'If something goes wrong' and 'I prefer not to use video' are on every page."""
    for page in PAGES:
        html = text(client.get(page))
        assert 'href="/help"' in html and 'href="/no-video"' in html, page


def test_join_pages_show_every_drawing_with_a_text_alternative(client: FlaskClient) -> None:
    """Each step's drawing has non-empty alt text in the page's language."""
    html = text(client.get("/computer/join?lang=sv"))
    images = re.findall(r'<img src="/illustrations/sv/([\w-]+)\.svg" alt="([^"]+)"', html)
    assert [name for name, _alt in images] == [
        "email-invite-computer", "web-or-app-choice", "browser-permission",
        "name-and-join-computer", "lobby-wait"]
    assert all(len(alt) > 20 for _name, alt in images)


def test_steps_positions() -> None:
    """Both paths have six steps; next and previous follow the order."""
    for path, steps in STEPS.items():
        assert len(steps) == 6, path
        first = position(path, steps[0])
        last = position(path, "ready")
        assert first and first.number == 1 and first.previous is None
        assert last and last.number == 6 and last.next is None
    assert position("web", "install") is None
    assert path_for_choice("computer", "app") == "web"
    assert path_for_choice(None, "app") == "app"
    assert path_for_choice("other", "web") == "none"


def test_android_intent_keeps_path_and_query() -> None:
    """The intent opens the same URL in Chrome and falls back to it, encoded."""
    intent = guidance.android_chrome_intent("https://valmis.example/r/abc?lang=fi")
    assert intent.startswith("intent://valmis.example/r/abc?lang=fi#Intent;scheme=https;"
                             "package=com.android.chrome;")
    assert "S.browser_fallback_url=https%3A%2F%2Fvalmis.example%2Fr%2Fabc%3Flang%3Dfi;end" in intent


def test_only_a_change_writes_the_session_cookie(client: FlaskClient) -> None:
    """Images and pages that change nothing send no cookie that could undo a newer step."""
    submit(client, "/device", {"device": "computer"})
    for url in ["/illustrations/fi/lobby-wait.svg", "/computer/join", "/static/css/main.css"]:
        response = client.get(url)
        response.close()
        assert "Set-Cookie" not in response.headers, url
    assert "Set-Cookie" in submit(client, "/computer/join").headers


def test_a_first_visit_start_page_is_kept_but_never_shares_a_nonce(app: Flask) -> None:
    """Without cookies the start page comes from a cache keyed by language and device: each
    answer still has its own nonce (in the page and in its CSP), and the key is respected."""
    client = app.test_client(use_cookies=False)
    desktop = {"User-Agent": WINDOWS_CHROME, "Accept-Language": "sv"}
    first = client.get("/", headers=desktop)
    second = client.get("/", headers=desktop)
    nonces = []
    for response in (first, second):
        html = response.get_data(as_text=True)
        (nonce,) = set(re.findall(r'nonce="([^"]+)"', html))
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        assert "__valmis_nonce__" not in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert (first.get_data(as_text=True).replace(nonces[0], "")
            == second.get_data(as_text=True).replace(nonces[1], ""))
    assert '<html lang="sv"' in first.get_data(as_text=True)
    finnish = client.get("/", headers={"User-Agent": WINDOWS_CHROME, "Accept-Language": "fi"})
    assert '<html lang="fi"' in finnish.get_data(as_text=True)
    phone = client.get("/", headers={"User-Agent": IPHONE, "Accept-Language": "sv"})
    assert phone.get_data(as_text=True).replace(nonces[0], "") != (
        first.get_data(as_text=True).replace(nonces[0], ""))


IPHONE_INSTAGRAM = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Mobile/15E148 Instagram 358.0.0.28.83 (iPhone14,5; "
                    "iOS 17_5; en_US; en; scale=3.00; 1170x2532; 660297541)")
IOS_WEB_VIEW = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Mobile/15E148")
ANDROID_WEB_VIEW = ("Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) "
                    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 "
                    "Mobile Safari/537.36")
MAC_SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Safari/605.1.15")


@pytest.mark.parametrize(("user_agent", "drawing"), [
    (IPHONE_INSTAGRAM, "open-in-external-browser-menu"),
    (ANDROID_INSTAGRAM, "open-in-external-browser-menu-android"),
    (IOS_WEB_VIEW, "open-in-browser-menu"),
    (ANDROID_WEB_VIEW, "open-in-browser-menu-android"),
])
def test_the_way_out_drawing_shows_what_the_words_say(client: FlaskClient, user_agent: str,
                                                      drawing: str) -> None:
    """Instagram's words name "Open in external browser" and its drawing shows that item, under
    ⋯ on an iPhone and ⋮ on Android; other apps' words and drawing say "Open in browser"."""
    html = text(client.get("/open-in-browser?lang=en", headers={"User-Agent": user_agent}))
    assert f"/illustrations/en/{drawing}.svg" in html
    # The drawing's words, its lines joined (a long label wraps into <tspan> lines).
    svg = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(f"/illustrations/en/{drawing}.svg")))
                   .split())
    external = "external" in drawing
    assert ("Open in external browser" in svg) is external
    assert ("“Open in external browser”" in html) is external
    assert "“Open in browser”" in html or external


def test_a_web_view_is_called_another_app(client: FlaskClient) -> None:
    """No "iOS WebView app": the page names an app it knows, and says "another app" otherwise."""
    html = text(client.get("/open-in-browser?lang=en", headers={"User-Agent": IOS_WEB_VIEW}))
    assert "WebView" not in html
    assert "inside another app" in html


def test_the_app_is_named_naturally_in_finnish(client: FlaskClient) -> None:
    """"Instagram-sovelluksessa", not "sovelluksen Instagram sisällä"."""
    html = text(client.get("/open-in-browser?lang=fi", headers={"User-Agent": ANDROID_INSTAGRAM}))
    assert "Instagram-sovelluksessa" in html
    assert "sovelluksen Instagram" not in html


def test_the_device_step_in_an_app_has_its_step_count(client: FlaskClient) -> None:
    """Continuing inside the app, the device page is step 1 of 6 like everywhere else."""
    submit(client, "/open-in-browser", user_agent=ANDROID_INSTAGRAM)
    html = text(client.get("/device?lang=en", headers={"User-Agent": ANDROID_INSTAGRAM}))
    assert "Step 1 of 6" in html


def test_a_mac_safari_start_page_does_not_mislead_an_ipad(client: FlaskClient) -> None:
    """An iPad in desktop mode looks like Safari on a Mac: without JavaScript the start page
    says what to do if it is an iPad, and holds the iPad's own sentence for the page's check."""
    html = text(client.get("/?lang=en", headers={"User-Agent": MAC_SAFARI}))
    assert "If this is an iPad, you will need the free Microsoft Teams app." in html
    assert 'data-module="device-detect"' in html
    assert re.search(r'<p class="with-icon js-detected-ipad" hidden>.*?You seem to be using an '
                     r'iPad\. You will need the free Microsoft Teams app\.</span></p>', html, re.S)
    windows = text(client.get("/?lang=en", headers={"User-Agent": WINDOWS_CHROME}))
    assert "iPad" not in windows
