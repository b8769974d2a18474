"""The drawings: served per language as safe, self-contained SVG, with translated labels and alt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext, lazy_gettext

from app.i18n import LANGUAGE_CODES
from app.illustrations import ILLUSTRATIONS, tspans, wrap

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates" / "illustrations"
SVG = "{http://www.w3.org/2000/svg}"
SIZE_BUDGET = 4096  # bytes of one rendered drawing

# The labels each drawing shows, as msgids: what the person looks for on their own screen.
LABELS: dict[str, tuple[str, ...]] = {
    # Today's label and the seed's older one, both, where Teams has renamed a thing.
    "email-invite-computer": ("Join the meeting now", "Join Microsoft Teams Meeting"),
    "web-or-app-choice": ("How do you want to join your Teams meeting?",
                          "Download the Windows app", "Continue on this browser",
                          "Open your Teams app", "Join on the web instead"),
    "browser-permission": ("Use your microphone", "Use your camera", "Allow", "Block"),
    "name-and-join-computer": ("Choose your audio and video settings", "Type your name",
                               "Join now"),
    "lobby-wait": ("Someone in the meeting should let you in soon",),
    "email-invite-phone": ("Join the meeting now", "Join Microsoft Teams Meeting"),
    # Each store its own word: the App Store's "Get", Google Play's "Install".
    "store-app-store": ("Get",),
    "store-google-play": ("Install",),
    "join-as-guest": ("Join as a guest", "Sign in and join"),
    "name-and-join-phone": ("Type your name", "Join now"),
    "phone-permission": ("Allow Teams to record audio?", "Allow", "Don't allow"),
    "meeting-controls-phone": ("Tap to turn on",),
    "open-in-browser-menu": ("Open in browser",),
    "open-in-browser-menu-android": ("Open in browser",),
    "open-in-external-browser-menu": ("Open in external browser",),
    "open-in-external-browser-menu-android": ("Open in external browser",),
    "add-to-home-screen": ("Add to Home Screen",),
}


def _words(text: str) -> str:
    """Text with its whitespace (and the drawing's line breaks) made single spaces, and
    without the right-to-left marks an Arabic drawing's lines carry."""
    return " ".join(text.replace("\u202b", "").replace("\u202c", "").split())


def _shown_text(root: ET.Element) -> str:
    """All the text a drawing shows, lines joined by spaces."""
    return _words(" ".join(root.itertext()))


def _translated(app: Flask, language: str, msgid: str) -> str:
    """The compiled catalogue's translation of msgid in language."""
    with app.test_request_context(), force_locale(language):
        return str(gettext(msgid))


def test_every_drawing_has_labels_listed_here() -> None:
    """This test knows which labels every registered drawing shows."""
    assert set(LABELS) == set(ILLUSTRATIONS)


def test_registry_and_templates_match() -> None:
    """Every registered drawing has a template, and every template is registered."""
    templates = {path.stem for path in TEMPLATES.glob("*.svg")}
    assert templates == set(ILLUSTRATIONS)
    assert all(info.name == name for name, info in ILLUSTRATIONS.items())


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("name", sorted(ILLUSTRATIONS))
def test_drawing_is_safe_translated_svg(app: Flask, client: FlaskClient, name: str,
                                        language: str) -> None:
    """Cacheable SVG of its registered size, labels in the language, nothing that runs or loads."""
    response = client.get(f"/illustrations/{language}/{name}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert len(response.data) < SIZE_BUDGET

    root = ET.fromstring(response.data)  # noqa: S314 (our own response, not untrusted XML)
    info = ILLUSTRATIONS[name]
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {info.width} {info.height}"
    assert "sans-serif" in (root.get("font-family") or "")

    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        assert element.tag.startswith(SVG), f"{element.tag} is not SVG"
        assert tag not in {"style", "script", "image", "foreignObject", "a"}, tag
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            assert local != "style", f"style attribute on <{tag}>"
            assert not local.startswith("on"), f"{local} on <{tag}>"
            if local == "href":
                assert value.startswith("#"), f"<{tag} href={value!r}>"
            if "url(" in value:
                assert "url(#" in value, f"<{tag} {local}={value!r}>"

    shown = _shown_text(root)
    for msgid in LABELS[name]:
        assert _words(_translated(app, language, msgid)) in shown, msgid


def test_unknown_drawing_is_not_found(client: FlaskClient) -> None:
    """A name outside the registry answers 404, whatever templates exist."""
    assert client.get("/illustrations/fi/no-such-drawing.svg").status_code == 404
    assert client.get("/illustrations/fi/..%2Fbase.svg").status_code == 404


def test_unknown_language_is_not_found(client: FlaskClient) -> None:
    """A language we do not offer answers 404, not a drawing in the default language."""
    assert client.get("/illustrations/de/join-as-guest.svg").status_code == 404
    assert client.get("/illustrations/FI/join-as-guest.svg").status_code == 404


def test_drawing_revalidates_with_etag(client: FlaskClient) -> None:
    """After a day in the cache, a browser revalidates and gets a 304 if nothing changed."""
    first = client.get("/illustrations/sv/lobby-wait.svg")
    again = client.get("/illustrations/sv/lobby-wait.svg",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_alt_texts_are_whole_sentences_in_every_language(app: Flask, language: str) -> None:
    """Every drawing's text alternative is there, with its placeholders filled in."""
    with app.test_request_context(), force_locale(language):
        for name, info in ILLUSTRATIONS.items():
            alt = str(info.alt).strip()
            assert alt, name
            assert "%(" not in alt, name


def test_every_text_in_the_drawings_has_a_note_for_translators() -> None:
    """Each message in an SVG template says what it is (a Teams label, a browser's button…)."""
    for path in sorted(TEMPLATES.glob("*.svg")):
        messages = extract_from_file("jinja2", str(path), comment_tags=("Translators:",))
        for _line, msgid, comments, _context in messages:
            assert comments, f"{path.name}: {msgid!r} has no Translators: comment"


def test_macro_renders_figure_with_alt_and_size(app: Flask) -> None:
    """The macro gives an <img> in the page's language with its alt, size and lazy loading."""
    page = (
        '{% from "components/illustration.html" import illustration %}'
        '{{ illustration("join-as-guest", caption="Step 3") }}'
    )
    with app.test_request_context("/?lang=sv"):
        html = render_template_string(page)
        alt = str(ILLUSTRATIONS["join-as-guest"].alt)
    assert '<figure class="illustration">' in html
    assert 'src="/illustrations/sv/join-as-guest.svg"' in html
    assert f'alt="{alt}"' in html
    assert 'width="360" height="540"' in html
    assert 'loading="lazy"' in html
    assert "<figcaption>Step 3</figcaption>" in html


def test_macro_escapes_the_alt_text(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quote in a translated alt cannot end the attribute early."""
    from app import illustrations

    fake = illustrations.Illustration("lobby-wait", 640, 320, lazy_gettext('Say "hi" <b>'))
    monkeypatch.setitem(illustrations.ILLUSTRATIONS, "lobby-wait", fake)
    page = ('{% from "components/illustration.html" import illustration %}'
            '{{ illustration("lobby-wait") }}')
    with app.test_request_context("/"):
        html = render_template_string(page)
    assert 'alt="Say &#34;hi&#34; &lt;b&gt;"' in html
    assert "<figcaption>" not in html


def test_wrap_balances_lines_and_keeps_finnish_suffixes_attached() -> None:
    """Lines come out even, and a line never starts with a hyphenated ending like "-kokous"."""
    assert wrap("Kirjaudu sisään ja liity", 20) == ["Kirjaudu sisään", "ja liity"]
    assert wrap("Microsoft Teams -kokous", 16) == ["Microsoft", "Teams -kokous"]
    assert wrap("Liity nyt", 20) == ["Liity nyt"]
    assert wrap("", 20) == [""]


def test_tspans_escape_and_centre_the_lines() -> None:
    """Wrapped lines are escaped for XML and centred on the given baseline."""
    markup = str(tspans("Tom & <Jerry> sign in", 13, 100, 50, 20))
    assert markup == ('<tspan x="100" y="40">Tom &amp; &lt;Jerry&gt;</tspan>'
                      '<tspan x="100" y="60">sign in</tspan>')


def test_right_to_left_mirrors_the_toolbar_not_the_text(client: FlaskClient) -> None:
    """In Arabic, Safari's toolbar (back, forward, Share…) is drawn mirrored, as a
    right-to-left iOS shows it; the Share button stays in the middle, the text is not flipped."""
    arabic = client.get("/illustrations/ar/add-to-home-screen.svg").get_data(as_text=True)
    finnish = client.get("/illustrations/fi/add-to-home-screen.svg").get_data(as_text=True)
    assert arabic.count('transform="matrix(-1 0 0 1') == 2
    assert "matrix(-1" not in finnish
    root = ET.fromstring(arabic)  # noqa: S314 (our own response)
    for text in root.iter(f"{SVG}text"):
        assert "matrix(-1" not in (text.get("transform") or "")


def test_arabic_lines_are_embedded_right_to_left(client: FlaskClient) -> None:
    """Each text line of an Arabic drawing sits inside RLE … PDF, so a line that mixes Arabic
    and "teams.microsoft.com" reads in Arabic order; other languages carry no marks."""
    arabic = client.get("/illustrations/ar/browser-permission.svg").get_data(as_text=True)
    root = ET.fromstring(arabic)  # noqa: S314 (our own response)
    # Translated lines only: the address bar's "teams.microsoft.com" is drawn as it is.
    lines = [element.text for element in root.iter()
             if element.tag in (f"{SVG}text", f"{SVG}tspan") and element.text
             and any("\u0600" <= character <= "\u06ff" for character in element.text)]
    assert lines and all(line.startswith("\u202b") and line.endswith("\u202c")
                         for line in lines), lines
    finnish = client.get("/illustrations/fi/browser-permission.svg").get_data(as_text=True)
    assert "\u202b" not in finnish


@pytest.mark.parametrize("name", ["open-in-browser-menu", "open-in-external-browser-menu-android"])
def test_an_apps_menu_is_drawn_where_a_right_to_left_phone_shows_it(client: FlaskClient,
                                                                    name: str) -> None:
    """In Arabic the app and the hand are mirrored (the words say the menu is at the top left);
    the text is not, and it is anchored at its right edge."""
    arabic = client.get(f"/illustrations/ar/{name}.svg").get_data(as_text=True)
    finnish = client.get(f"/illustrations/fi/{name}.svg").get_data(as_text=True)
    assert arabic.count('transform="matrix(-1 0 0 1 360 0)"') == 2
    assert "matrix(-1" not in finnish
    root = ET.fromstring(arabic)  # noqa: S314 (our own response)
    texts = list(root.iter(f"{SVG}text"))
    assert texts and all(text.get("text-anchor") == "end" for text in texts)


@pytest.mark.parametrize(("name", "colour", "absent"), [
    ("store-app-store", "#0a66d6", "#0b6b3a"),
    ("store-google-play", "#0b6b3a", "#0a66d6"),
])
def test_each_store_is_drawn_with_its_own_button(client: FlaskClient, name: str, colour: str,
                                                 absent: str) -> None:
    """The App Store's button is a small blue "Get" pill, Google Play's a wide green "Install"."""
    root = ET.fromstring(client.get(f"/illustrations/en/{name}.svg").data)  # noqa: S314
    buttons = [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == colour]
    assert len(buttons) == 1
    assert not [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == absent]
    width, height = float(buttons[0].get("width", 0)), float(buttons[0].get("height", 0))
    pill = float(buttons[0].get("rx", 0)) * 2 == height
    assert pill is (name == "store-app-store")
    assert (width < 160) is (name == "store-app-store")
