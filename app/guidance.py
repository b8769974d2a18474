"""What to tell this customer about their device, browser, store and in-app browser.

Facts from ../shared/TEAMS-FACTS.md; every sentence is translated here, so templates only
place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from app import device
from app.translation import gettext as _

CHROME_DOWNLOAD_URL = "https://www.google.com/chrome/"
EDGE_DOWNLOAD_URL = "https://www.microsoft.com/edge/download"
JOIN_BY_ID_URL = "https://www.microsoft.com/microsoft-teams/join-a-meeting"

BROWSER_NAMES = {
    "chrome": "Chrome",
    "edge": "Microsoft Edge",
    "firefox": "Firefox",
    "safari": "Safari",
    "samsung-internet": "Samsung Internet",
    "opera": "Opera",
    "ie": "Internet Explorer",
    "yandex": "Yandex Browser",
    "brave": "Brave",
    "chromium": "Chromium",
}


@dataclass(frozen=True, slots=True)
class BrowserAssessment:
    """How well this browser joins Teams on the web, and what to do about it."""

    level: str  # "good" | "limited" | "unsupported"
    browser: str  # the browser's name, e.g. "Chrome 131"
    summary: str
    advice: str | None
    get_chrome: bool


@dataclass(frozen=True, slots=True)
class Store:
    """An app store that has Teams for this device, with its own drawing and words."""

    name: str
    url: str
    drawing: str  # the name of its drawing in app/illustrations.py
    how_to_install: str


def browser_name(profile: device.DeviceProfile) -> str | None:
    """The browser's name with its major version ("Chrome 131"), or None when unknown."""
    name = BROWSER_NAMES.get(profile.browser_family)
    if name is None:
        return None
    return f"{name} {profile.browser_major}" if profile.browser_major else name


def device_description(profile: device.DeviceProfile) -> str:
    """One sentence that says what detection thinks this device is."""
    sentences = {
        ("desktop", "windows"): _("You seem to be using a Windows computer."),
        ("desktop", "macos"): _("You seem to be using a Mac computer."),
        ("desktop", "linux"): _("You seem to be using a Linux computer."),
        ("desktop", "chromeos"): _("You seem to be using a Chromebook."),
        ("phone", "ios"): _("You seem to be using an iPhone."),
        ("tablet", "ipados"): _("You seem to be using an iPad."),
        ("tablet", "ios"): _("You seem to be using an iPad."),
        ("phone", "android"): _("You seem to be using an Android phone."),
        ("tablet", "android"): _("You seem to be using an Android tablet."),
    }
    sentence = sentences.get((profile.form, profile.os))
    if sentence is None:
        sentence = {
            "desktop": _("You seem to be using a computer."),
            "phone": _("You seem to be using a phone."),
            "tablet": _("You seem to be using a tablet."),
        }.get(profile.form, _("We could not tell which device you are using."))
    name = browser_name(profile)
    if name and profile.form in {"desktop", "phone", "tablet"}:
        # Translators: follows "You seem to be using …"; %(browser)s is e.g. "Chrome 131".
        sentence = " ".join([sentence, _("Your web browser is %(browser)s.", browser=name)])
    return sentence


def might_be_ipad(profile: device.DeviceProfile) -> bool:
    """Whether this "Mac" may be an iPad asking for the desktop site, as iPadOS does by
    default: its browsers send a Mac's user agent and no client hints. Only the page can
    tell (navigator.maxTouchPoints, app/static/js/device-detect.mjs)."""
    return profile.os == "macos" and profile.path == "web" and profile.needs_client_check


def browser_assessment(profile: device.DeviceProfile) -> BrowserAssessment:
    """Rate this computer's browser for Teams on the web and say what to do."""
    name = browser_name(profile) or _("Your web browser")
    on_linux = profile.os == "linux"
    if profile.teams_web == "supported" and profile.browser_family in {"chrome", "edge"}:
        return BrowserAssessment(
            "good", name, _("%(browser)s works well with Teams.", browser=name), None, False)
    if profile.teams_web == "supported":
        return BrowserAssessment(
            "good", name, _("%(browser)s works with Teams.", browser=name),
            _("We recommend Chrome, because it has the fewest problems with Teams."), False)
    if profile.teams_web == "limited":
        advice = (_("On Linux, use Chrome or Microsoft Edge: Teams has no app for Linux.")
                  if on_linux else
                  _("Some things may not work in it, such as sending your video. "
                    "We recommend Chrome."))
        return BrowserAssessment(
            "limited", name, _("%(browser)s works with Teams, but with limits.", browser=name),
            advice, True)
    return BrowserAssessment(
        "unsupported", name,
        _("%(browser)s cannot join Teams meetings.", browser=name),
        _("Install Chrome, which is free, and open this page again in Chrome."), True)


def stores_for(choice: str | None, os: str) -> list[Store]:
    """The store(s) to install Teams from: the chosen or detected system's, both when unknown."""
    # The App Store says "Get" and then asks for Face ID, Touch ID or the Apple ID password;
    # Google Play says "Install" (TEAMS-FACTS, "Joining on a phone or tablet").
    # Translators: the App Store's button that downloads a free app; as the App Store shows it.
    get = _("Get")
    # Translators: Google Play's button that installs an app; as Google Play shows it.
    install = _("Install")
    apple = Store("App Store", device.APP_STORE_URL, "store-app-store", _(
        "In the App Store, tap “%(get)s”, then confirm with Face ID, Touch ID or your Apple ID "
        "password. Wait until the app is installed.", get=get))
    google = Store("Google Play", device.PLAY_STORE_URL, "store-google-play", _(
        "In Google Play, tap “%(install)s” and wait until the app is installed.",
        install=install))
    if choice == "iphone-ipad" or (choice is None and os in {"ios", "ipados"}):
        return [apple]
    if choice == "android" or (choice is None and os == "android"):
        return [google]
    return [apple, google]


# What device.py calls a bare web view (Outlook and Gmail open links in one) or an engine
# inside a desktop app: no name a customer would know, so the page says "another app".
UNNAMED_APPS = frozenset({"Android WebView", "iOS WebView", "WebView", "Edge WebView2",
                          "Electron"})
# Apps whose menu item reads "Open in external browser" (TEAMS-FACTS, "Getting out").
EXTERNAL_BROWSER_APPS = frozenset({"Facebook", "Messenger", "Instagram"})


@dataclass(frozen=True, slots=True)
class InAppRoute:
    """How to leave one app's built-in browser: the words, and the drawing that shows them."""

    words: str
    drawing: str  # a name in app/illustrations.py


def app_display_name(app_name: str | None) -> str | None:
    """The app's name as its users know it, or None when it is a bare web view."""
    return None if app_name in UNNAMED_APPS else app_name


def in_app_menu_route(app_name: str | None, os: str) -> InAppRoute:
    """Where this app hides "open in browser", in the customer's words, and the drawing of
    that menu: its dots as the system draws them (⋯ on iOS, ⋮ on Android) and its item."""
    on_ios = os in {"ios", "ipados"}
    dots = "" if on_ios else "-android"
    if app_name in EXTERNAL_BROWSER_APPS:
        return InAppRoute(
            _("Tap the three dots ⋯ at the top right, then “Open in external browser”.")
            if on_ios else
            _("Tap the three dots ⋮ at the top right, then “Open in external browser”."),
            f"open-in-external-browser-menu{dots}")
    if app_name == "LINE":
        words = _("Tap the menu at the top right, then “Open in other apps” or “Open in "
                  "browser”.")
    elif on_ios:
        words = _("Look for a menu (⋯ or the share button) and choose “Open in Safari” or "
                  "“Open in browser”.")
    else:
        words = _("Look for a menu (⋮ or ⋯) and choose “Open in browser” or “Open in Chrome”.")
    return InAppRoute(words, f"open-in-browser-menu{dots}")


def android_chrome_intent(url: str) -> str:
    """An Android intent link that opens url in Chrome, falling back to the url itself."""
    parts = urlsplit(url)
    target = parts.netloc + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (f"intent://{target}#Intent;scheme={parts.scheme};package=com.android.chrome;"
            f"S.browser_fallback_url={quote(url, safe='')};end")


def check_advice() -> list[tuple[str, str]]:
    """What to do about each warning or problem the device checks can report, by its key.

    The keys are the ones app/static/js/lib/readiness.mjs returns; the page shows the ones that
    apply, so every key needs a sentence here (a test holds the two lists together).
    """
    blocked = _("Allow the camera and microphone for this site (see the steps above), then "
                "press “Try again”.")
    os_blocked = _("Your device's own settings block the camera or microphone. Allow your "
                   "browser in the settings (see the steps above), then press “Try again”.")
    in_use = _("Another app is using the camera or microphone, for example Teams, Zoom or "
               "another browser tab. Close it and press “Try again”.")
    insecure = _("The checks need a secure (https) page. Open the link from your invitation "
                 "again.")
    unsupported = _("This browser cannot use the camera or microphone. Use Chrome on a "
                    "computer, or the Teams app on a phone or tablet.")
    failed = _("The check did not work. Restart your device and try again.")
    camera_hint = _("Video is not required: you may also join without the camera.")
    advice = {
        "camera-blocked": blocked + " " + camera_hint,
        "camera-os-blocked": os_blocked,
        "camera-in-use": in_use,
        "camera-not-found": _("No camera was found. If your computer has no camera, use "
                              "a phone or tablet, or join without video."),
        "camera-failed": failed,
        "camera-insecure": insecure,
        "camera-unsupported": unsupported,
        "camera-warning": _("Your picture is dark, black or not moving. Face a window or a "
                            "lamp and check that nothing covers the camera."),
        "camera-skipped": _("The camera was not checked. You can check it later."),
        "microphone-blocked": blocked,
        "microphone-os-blocked": os_blocked,
        "microphone-in-use": in_use,
        "microphone-not-found": _("No microphone was found. Plug in a headset or use a "
                                  "phone or tablet."),
        "microphone-failed": failed,
        "microphone-insecure": insecure,
        "microphone-unsupported": unsupported,
        "microphone-warning": _("We did not hear you. Check that the microphone is not muted "
                                "and speak a little louder."),
        "microphone-skipped": _("The microphone was not checked. You can check it later."),
        "speaker-not-heard": _("Turn the volume up, check that the sound is not muted, or "
                               "plug in headphones, then play the sound again."),
        "speaker-unsupported": _("The test sound could not be played here. Check the volume "
                                 "with your device's buttons."),
        "speaker-skipped": _("The speakers were not checked. You can check them later."),
        "connection-offline": _("You are offline. Connect to Wi-Fi or mobile data and try "
                                "again."),
        "connection-poor": _("Your connection is too slow for video. Move closer to your "
                             "Wi-Fi router, or use audio only."),
        "connection-warning": _("Your connection may be slow for video. Close other apps that "
                                "use the internet and move closer to your Wi-Fi router."),
        "connection-skipped": _("The connection was not checked. You can check it later."),
        # The browser check fails without getUserMedia or without WebRTC (RTCPeerConnection,
        # which Teams on the web needs: TEAMS-FACTS "Joining on a computer"); a WebKit build
        # without WebRTC can use the camera, so "cannot use the camera" would not be true.
        "browser-unsupported": _("This browser cannot make video calls, so Teams does not "
                                 "work in it. Open the link from your invitation in Chrome or "
                                 "Microsoft Edge instead. On Windows and Mac you can also use "
                                 "the Teams app."),
        "browser-warning": _("Open the link from your invitation again, so that the page is "
                             "secure (https)."),
        "wrong-place": _("Open this guide in your web browser, not inside another app."),
    }
    return list(advice.items())


@dataclass(frozen=True, slots=True)
class UnblockSteps:
    """How to allow camera and microphone again in one browser or system."""

    key: str
    title: str
    steps: tuple[str, ...]


def unblock_steps() -> list[UnblockSteps]:
    """Steps for every key of app/static/js/lib/unblock.mjs (TEAMS-FACTS, "Unblocking")."""
    reload_page = _("Reload this page and press “Try again”.")
    return [
        UnblockSteps("chrome-desktop", _("Chrome on a computer"), (
            _("Click the icon just left of the web address (a padlock or two sliders)."),
            _("Set Camera and Microphone to “Allow”."),
            reload_page,
            _("Or: Chrome menu ⋮ › Settings › Privacy and security › Site settings."))),
        UnblockSteps("edge", _("Microsoft Edge"), (
            _("Click the icon just left of the web address."),
            _("Open “Permissions for this site” and set Camera and Microphone to “Allow”."),
            reload_page)),
        UnblockSteps("firefox", _("Firefox"), (
            _("Click the crossed-out camera or microphone icon in the address bar."),
            _("Remove the block by pressing ✕ next to “Blocked”."),
            _("Reload this page, press “Try again” and choose “Allow”."))),
        UnblockSteps("safari-mac", _("Safari on a Mac"), (
            _("In the menu bar, choose Safari › Settings, then Websites."),
            _("Choose Camera and set this site to “Allow”. Do the same under Microphone."),
            reload_page)),
        UnblockSteps("safari-ios", _("Safari on iPhone or iPad"), (
            _("Tap “aA” in the address bar, then “Website Settings”."),
            _("Set Camera and Microphone to “Allow”."),
            reload_page,
            _("Or: Settings › Apps › Safari › Camera and Microphone (older iOS: Settings › "
              "Safari)."))),
        UnblockSteps("chrome-ios", _("Chrome on iPhone or iPad"), (
            _("Open the iPhone or iPad Settings, then Chrome (Settings › Apps › Chrome on "
              "iOS 18)."),
            _("Turn on Camera and Microphone."),
            reload_page)),
        UnblockSteps("chrome-android", _("Chrome on Android"), (
            _("Tap the icon next to the web address, then “Permissions”."),
            _("Turn on Camera and Microphone."),
            reload_page,
            _("Or: Android Settings › Apps › Chrome › Permissions."))),
        UnblockSteps("samsung-internet", _("Samsung Internet"), (
            _("Open Android Settings › Apps › Samsung Internet › Permissions."),
            _("Allow Camera and Microphone."),
            reload_page)),
        UnblockSteps("generic", _("Your web browser"), (
            _("Look for a camera icon or a padlock next to the web address and tap or click "
              "it."),
            _("Allow the camera and microphone for this site."),
            reload_page)),
        UnblockSteps("macos-system", _("Mac settings"), (
            _("Open Apple menu › System Settings › Privacy & Security › Camera."),
            _("Turn on your web browser. Do the same under Microphone."),
            _("Quit the browser, open it again and come back to this page."))),
        UnblockSteps("windows-system", _("Windows settings"), (
            _("Open Start › Settings › Privacy & security › Camera."),
            _("Turn on “Camera access” and “Let desktop apps access your camera”. Do the same "
              "under Microphone."),
            reload_page)),
        UnblockSteps("android-app", _("Android settings"), (
            _("Open Settings › Apps, then your web browser, then Permissions."),
            _("Allow Camera and Microphone."),
            reload_page)),
        UnblockSteps("ios-system", _("iPhone or iPad settings"), (
            _("Open Settings, then your web browser (Settings › Apps on iOS 18)."),
            _("Turn on Camera and Microphone."),
            reload_page)),
        UnblockSteps("generic-system", _("Your device's settings"), (
            _("Open your device's privacy settings."),
            _("Allow your web browser to use the camera and microphone."),
            reload_page)),
    ]


def connection_reasons() -> list[tuple[str, str]]:
    """Why a connection was rated below "ok", by the keys of lib/thresholds.mjs."""
    return [
        ("offline", _("You are not connected to the internet.")),
        ("very-slow-download", _("Receiving is too slow for video (under 150 kbit/s).")),
        ("very-slow-upload", _("Sending is too slow for video (under 150 kbit/s).")),
        ("slow-download", _("Receiving is slower than Teams recommends for video.")),
        ("slow-upload", _("Sending is slower than Teams recommends for video.")),
        ("very-high-rtt", _("The delay is very long (over 500 ms).")),
        ("high-rtt", _("The delay is longer than Teams recommends (100 ms).")),
        ("high-jitter", _("The delay varies a lot, which can make sound choppy.")),
        ("data-saver", _("Data saver is on. It may lower video quality.")),
        ("slow-network-type", _("Your browser reports a slow mobile network.")),
        ("not-measured", _("The connection could not be measured.")),
    ]


# The media round trip's verdicts (lib/call-quality.mjs VERDICTS, the Report schema's
# connection.media.verdict): what the customer reads on the checks page and the Ready page.
MEDIA_VERDICTS = ("good", "may-stutter", "poor", "udp-blocked", "unreachable", "not-tested",
                  "failed", "unsupported")
# The verdicts after which a customer has something to try (media_advice).
MEDIA_VERDICTS_TO_ACT_ON = ("may-stutter", "poor", "udp-blocked", "unreachable")


def media_verdicts() -> dict[str, str]:
    """Each verdict of the test video's round trip in one sentence for the customer."""
    return {
        "good": _("Your connection carries video well."),
        "may-stutter": _("Video may stutter on this connection."),
        "poor": _("Video will probably not work well on this connection. Sound may still "
                  "work."),
        "udp-blocked": _("UDP is blocked here: Teams will still work, with lower quality."),
        "unreachable": _("The test video could not reach our relay server. Teams may still "
                         "work, but video may not."),
        # Inside the page: no relay is configured, or its credentials could not be had.
        "not-tested": _("Your browser can send and receive video and sound. The way over the "
                        "network was not tested."),
        "failed": _("The test video could not be sent in this browser."),
        "unsupported": _("This browser cannot send video, so no test video was sent."),
    }


def media_reasons() -> list[tuple[str, str]]:
    """Why the test video may stutter, by the reasons of lib/call-quality.mjs judge()."""
    return [
        ("loss", _("Some of the test video was lost on the way (Teams needs under 1 %).")),
        ("jitter", _("The delay varies a lot (Teams needs under 30 ms).")),
        ("rtt", _("The delay is long (Teams needs under 100 ms).")),
        ("bitrate", _("Less video got through than good quality needs (1,500 kbit/s).")),
        ("udp-blocked", _("The video could only travel over TCP. UDP, which calls prefer, "
                          "is blocked on this network.")),
    ]


def media_advice() -> str:
    """What to try when the test video did not travel well (the seed's advice on VPNs)."""
    return _("You can try another network, for example your phone's mobile data instead of a "
             "work or public Wi-Fi. Turn off a VPN if you use one; if you need one, use a "
             "connection point in the EU or EEA. Then check again.")
