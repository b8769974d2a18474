"""Classify the device behind a request from its User-Agent, Client Hints and X-Requested-With.

Pure, no Flask.

`classify_request(headers)` answers a `DeviceProfile`; `DeviceProfile.to_json()` is the body of
`GET /api/v1/device` (see DESIGN.md). The server's answer is a first guess: the page corrects what
only the browser can know when `needs_client_check` is true (TEAMS-FACTS, "User agents").

Values
- form: "desktop" | "phone" | "tablet" | "bot" | "other".
  "bot" is anything that is not a person: crawlers, link previewers (Teams/Skype, Outlook,
  Slack, WhatsApp, iMessage, ...), HTTP libraries, headless and audit browsers, and requests
  without a User-Agent (real browsers always send one; tools often do not).
  "other" is a person on a device that cannot join a Teams meeting: TVs, set-top and Android TV
  boxes, TV browsers (Opera TV, TV Bro, Yandex TV), speakers, consoles, cars, VR headsets,
  watches, e-ink readers, printers and signage, KaiOS feature phones. Bots include monitoring
  and preview services that send a whole browser UA and only add their name (synthetic
  monitoring, thumbnailers, scanners).
  Feature phones and the early smartphones' browsers (MIDP, Opera Mini and Mobile, Windows Phone,
  webOS, Maemo, Tizen phones) are "phone" on os "other": the app path with no store link, and the
  page's device step lets the person choose. So is a bare handset name, a maker and a model
  number and nothing else ("LG265", "NOKIAE5-00", "SIE-3118"), which the oldest phones send:
  taken for a tool, the customer's visit would not count as opened; none of the field corpus'
  2,796 bots sends such a name, and one that did would only count as an open.
- os: "windows" | "macos" | "linux" | "chromeos" | "ios" | "ipados" | "android" | "other".
  Bots and "other" devices always report "other": their platform guides nobody. Computers on
  other systems (BSD, Solaris and other Unix, Haiku, OS/2...) are form "desktop", os "other".
- os_version: "major[.minor]" from Sec-CH-UA-Platform-Version when sent, else from the UA.
  UA versions can be frozen (macOS 10.15.7, Android 10 in Chrome's reduced UA, iOS 18.6 on 26).
- browser_family: "chrome" | "edge" | "firefox" | "safari" | "samsung-internet" | "opera" |
  "ie" | "yandex" | "brave" | "chromium" | "other". "brave" and "chromium" are only known from
  the Sec-CH-UA brand list (their UA reads like Chrome's). In-app browsers, bots and "other"
  devices report "other" with no major version: `in_app` names the app instead.
- in_app: the app whose built-in browser or web view made the request, else None: "Facebook",
  "Messenger", "Instagram", "LinkedIn", "WeChat", "LINE", "TikTok", "Snapchat", "Pinterest",
  "Twitter", "Telegram", "KakaoTalk", "NAVER", "Google" (the Google app), super-apps ("Baidu",
  "Alipay", "DingTalk", "QQ", "Weibo", "Toutiao", "Douyin", "Kuaishou", "Xiaohongshu", "Zalo",
  "Viber", "Discord", "Daum", "Yahoo Japan", "Wire"), "Crosswalk" (an app built on it), "Electron"
  (a desktop app), "Edge WebView2", "Android WebView", "iOS WebView", or "WebView" (a bare WebKit
  UA with a Mac platform: a Mac app's web view, or an iPad app's, as iPadOS web views default to
  the Mac UA). An Android web view whose app rewrites the UA to look like Chrome still sends the
  app's package in X-Requested-With: a known app's package names it, any other app's is "Android
  WebView"; a browser's own package (most end in "browser") and "XMLHttpRequest" (a page's own
  fetch) name nothing. Camera and microphone usually fail in these (TEAMS-FACTS),
  hence "open-in-browser".
  Android web views: since Lollipop the UA says "; wv)" (Android CDD 3.4.1); before it, and in
  apps that drop the token, "Version/4.0" before "Chrome/" is the mark (developer.chrome.com,
  "Chrome for Android User-Agent": Chrome itself never sends "Version/"; KitKat's web view said
  "Chrome/30.0.0.0"). Browsers built on the web view (UC, QQ, MIUI, Focus, DuckDuckGo...) name
  themselves and stay browsers, as do the makers' own Chromium browsers of those years (LG's) and
  Samsung's old one ("Version/1.5"); so does KitKat's stock browser, which shares the web view's
  UA but sends its package "com.android.browser" in X-Requested-With. The sources disagree on the
  rest (the same shape is labelled phone and web view), so the product decides by the cost of
  each mistake on a Teams join: a real browser taken for a web view is shown the way out first,
  with "Continue here anyway" one tap away; a web view taken for a browser goes on to checks and
  a join that fail inside the app. Hence a "Version/4.0 Chrome/" UA that names no browser is a
  web view. Client Hints add nothing here: Android WebView sends its "Android WebView" brand
  (read above) only with its default UA, which already says "; wv)" (Android Developers blog,
  "User-Agent Reduction on Android WebView", December 2024), so no more hints are asked for.
- path: "web" for computers, "app" for phones and tablets, "open-in-browser" for in-app
  browsers and web views, "none" for bots and devices that cannot join.
- teams_web: only for path "web" (else None); thresholds are the constants below.
- store_url: the Teams app in the App Store (ios/ipados) or Google Play (android) for paths
  "app" and "open-in-browser"; None otherwise.
- needs_client_check: true where the headers cannot settle the device and the page should
  check (`navigator.maxTouchPoints`, `navigator.userAgentData`, in-app quirks):
  * any macOS UA that came without client hints: iPadOS Safari (and iPhone "Request Desktop
    Website") send exactly the Mac Safari UA; so do Chrome/Firefox/Edge for iPad in desktop
    mode. Chromium on a real Mac sends Sec-CH-UA-Platform "macOS" over HTTPS and is trusted.
  * any desktop Linux UA (X11, not ChromeOS): Chrome on Android tablets uses desktop mode by
    default on large tablets and then spoofs UA *and* hints (platform "Linux", mobile ?0).
  * Samsung Internet with a desktop Linux UA (desktop mode or DeX): classified as an Android
    tablet, but it may be a phone.
  * iPhone/iPad browsers in desktop mode that still name themselves (CriOS/FxiOS/EdgiOS in a
    Mac UA): classified as an iPad, but it may be an iPhone.
  * client hints that contradict the UA; every in-app browser and web view.
  It stays false for clear cases (Windows, ChromeOS, iPhone/iPad UAs, Android UAs, Mac Chromium
  with hints).

Parsing reads ua-parser 1.x's results directly (browser, OS and device; its "Spider" device is a
bot), from its fastest resolver: the Rust `ua-parser-rs` one when installed, some 40x faster than
the pure-Python regexes that `user_agents.parse` runs (bench/bench_device.py measures both;
without it classification stays correct but misses the 150 µs budget). On a system none of ours,
`user_agents`' published device, browser and OS family lists tell a phone from a tablet. The
rules below cover what the libraries do not know; a UA that arrives lower-cased has its deciding
tokens put back in the browsers' casing first. bench/bench_device.py measures all of it per kind
on a field corpus of some 13,000 labelled UAs, next to device-detector, ua-parser, user-agents
and woothee (README, "Device detection"). Results are cached per (UA, hints); the UA is
cut to `MAX_UA_LENGTH` characters and hints to `MAX_HINT_LENGTH` first, and no input makes
`classify_request` raise.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, NamedTuple, Protocol

from ua_parser import (
    OS,
    BasicResolver,
    DefaultedResult,
    Device,
    Parser,
    Resolver,
    UserAgent,
    load_builtins,
)
from user_agents.parsers import (
    MOBILE_BROWSER_FAMILIES,
    MOBILE_DEVICE_FAMILIES,
    MOBILE_OS_FAMILIES,
    TABLET_DEVICE_FAMILIES,
)

__all__ = [
    "ACCEPT_CH",
    "APP_STORE_URL",
    "BOT_PROFILE",
    "CACHE_SIZE",
    "CHROMIUM_LIMITED_MIN",
    "CHROMIUM_SUPPORTED_MIN",
    "EDGE_CHROMIUM_MIN",
    "FIREFOX_LIMITED_MIN",
    "MAX_HINT_LENGTH",
    "MAX_UA_LENGTH",
    "OTHER_DEVICE_PROFILE",
    "PLAY_STORE_URL",
    "RESOLVER_NAME",
    "SAFARI_MAC_SUPPORTED_MIN",
    "VARY_HEADERS",
    "DeviceProfile",
    "SupportsHeaderGet",
    "classify_request",
    "classify_user_agent",
    "clear_cache",
    "library_parse",
]

log = logging.getLogger(__name__)

# --- Limits -------------------------------------------------------------------------------------
#: Longest UA parsed; real ones stay well under 600 characters, and the regexes' cost grows with
#: the length, so a hostile 8 KB header costs no more than a normal one.
MAX_UA_LENGTH: Final = 1024
#: Longest client-hint value read; Sec-CH-UA-Full-Version-List is the longest at about 150.
MAX_HINT_LENGTH: Final = 256
#: Distinct (UA, hints) combinations remembered; a busy day of customers fits many times over.
CACHE_SIZE: Final = 4096

# --- Teams on the web (TEAMS-FACTS, "Joining on a computer") -----------------------------------
# Microsoft supports Chrome and Edge (Chromium) "latest version and the two before it". Offline we
# cannot know "latest", so these floors are deliberately conservative and need raising now and
# then: Chrome/Edge 120 shipped in December 2023.
#: Chrome/Edge at or above this major are rated "supported".
CHROMIUM_SUPPORTED_MIN: Final = 120
#: Chrome/Edge from here to CHROMIUM_SUPPORTED_MIN are "limited", and other Chromium browsers
#: (Opera, Yandex, Brave, Samsung Internet, plain Chromium) at or above it are "limited";
#: below it "unsupported" (109 was the last Chrome for Windows 7/8, 116 for macOS 10.13-10.14).
CHROMIUM_LIMITED_MIN: Final = 100
#: Edge below 79 is the legacy EdgeHTML Edge, which Teams does not support.
EDGE_CHROMIUM_MIN: Final = 79
#: "Safari 14+ on macOS: meetings supported."
SAFARI_MAC_SUPPORTED_MIN: Final = 14
#: Firefox is "limited" at best (Microsoft draws a line between "works" and "supported");
#: below the 115 ESR (the last for Windows 7 and old macOS) it is "unsupported".
FIREFOX_LIMITED_MIN: Final = 115

# --- Where to get the Teams app (TEAMS-FACTS, "Joining on a phone or tablet") -------------------
APP_STORE_URL: Final = "https://apps.apple.com/app/microsoft-teams/id1113153706"
PLAY_STORE_URL: Final = "https://play.google.com/store/apps/details?id=com.microsoft.teams"

# --- Client hints ---------------------------------------------------------------------------------
#: For the Accept-CH response header. Sec-CH-UA, -Mobile and -Platform come by default; these
#: high-entropy ones are asked for because they are read here. Sec-CH-UA-Arch is not: Chrome
#: spoofs it in Android desktop mode and nothing here would use it, so asking would only add
#: fingerprinting surface.
ACCEPT_CH: Final = (
    "Sec-CH-UA-Platform-Version, Sec-CH-UA-Model, Sec-CH-UA-Full-Version-List, "
    "Sec-CH-UA-Form-Factors"
)
#: Every request header the classification reads, for the Vary response header; in the order of
#: `_classify`'s parameters.
VARY_HEADERS: Final[tuple[str, ...]] = (
    "User-Agent",
    "Sec-CH-UA",
    "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform",
    "Sec-CH-UA-Platform-Version",
    "Sec-CH-UA-Model",
    "Sec-CH-UA-Form-Factors",
    "Sec-CH-UA-Full-Version-List",
    "X-Requested-With",
)


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """What the server could tell about a request's device; values are in the module docstring."""

    form: str
    os: str
    os_version: str | None
    browser_family: str
    browser_major: int | None
    in_app: str | None
    path: str
    teams_web: str | None
    store_url: str | None
    needs_client_check: bool
    model: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `GET /api/v1/device` body: exactly the keys of DESIGN.md's contract."""
        return {
            "form": self.form,
            "os": self.os,
            "browser": {"family": self.browser_family, "major": self.browser_major},
            "in_app": self.in_app,
            "path": self.path,
            "teams_web": self.teams_web,
            "store_url": self.store_url,
            "needs_client_check": self.needs_client_check,
        }


class SupportsHeaderGet(Protocol):
    """Anything with a `.get(name)` for header values, such as werkzeug's `Headers`."""

    def get(self, key: str, /) -> str | None:
        """The header's value, or None."""


#: Not a person: the same answer for every crawler, previewer and tool.
BOT_PROFILE: Final = DeviceProfile(
    form="bot", os="other", os_version=None, browser_family="other", browser_major=None,
    in_app=None, path="none", teams_web=None, store_url=None, needs_client_check=False,
)
#: A person on a device that cannot join (TV, console, car, VR, watch, e-reader, KaiOS).
OTHER_DEVICE_PROFILE: Final = DeviceProfile(
    form="other", os="other", os_version=None, browser_family="other", browser_major=None,
    in_app=None, path="none", teams_web=None, store_url=None, needs_client_check=False,
)
#: Only if classification itself fails: let the page decide.
_UNKNOWN_PROFILE: Final = DeviceProfile(
    form="other", os="other", os_version=None, browser_family="other", browser_major=None,
    in_app=None, path="none", teams_web=None, store_url=None, needs_client_check=True,
)


# --- ua-parser resolver ---------------------------------------------------------------------------
def _make_resolver() -> tuple[Resolver, str]:
    """The fastest available ua-parser 1.x resolver and its name (bench_device.py compares them)."""
    try:
        from ua_parser import load_lazy_builtins
        from ua_parser.regex import Resolver as RustResolver  # needs the ua-parser-rs wheel
    except ImportError:
        # Correct but about 20x slower; the uncached budget (150 µs) is then out of reach.
        return BasicResolver(load_builtins()), "basic"
    return RustResolver(load_lazy_builtins()), "ua-parser-rs"


# Built at import (about 0.3 s) so that no customer's request pays for it.
_RESOLVER, RESOLVER_NAME = _make_resolver()
_PARSER: Final = Parser(_RESOLVER)


def library_parse(user_agent: str) -> DefaultedResult:
    """ua-parser's reading of the UA (browser, OS, device) by the fastest resolver.

    What it does not recognise reads as family "Other" with no version, as user_agents sees it.
    """
    return _PARSER.parse(user_agent).with_defaults()


def _version_parts(*parts: str | None) -> list[str]:
    """The version components ua-parser found, in order; the missing ones left out."""
    return [part for part in parts if part is not None]


# --- Rules for what the libraries do not know ----------------------------------------------------
# All plain substring and set checks: one regex alternation of the same tokens costs 3-4 times
# as much in Python's re, which tries every branch at every position.

# Bots and link previewers, checked first: several carry a full browser UA (iMessage,
# BingPreview, Lighthouse), so no later rule may see them. Matched against the lower-cased UA.
#: Product names ("name/version") of HTTP libraries, tools, headless browsers and previewers.
_BOT_PRODUCTS: Final = frozenset({
    "curl", "wget", "python-requests", "python-urllib", "python-httpx", "python", "aiohttp",
    "httpx", "go-http-client", "okhttp", "java", "apache-httpclient", "libwww-perl", "node-fetch",
    "node", "axios", "undici", "postmanruntime", "insomnia", "httpie", "scrapy", "guzzlehttp",
    "php", "ruby", "faraday", "dart", "reqwest", "http.rb", "rest-client", "dalvik", "cfnetwork",
    "wkhtmltopdf", "wkhtmltoimage", "headlesschrome", "phantomjs", "puppeteer", "playwright",
    "selenium", "facebookexternalhit", "meta-externalagent", "meta-externalfetcher", "whatsapp",
    "bingpreview", "preview", "googleother", "feedfetcher-google", "ptst", "gtmetrix",
    "pingdom", "mastodon", "pleroma", "akkoma", "misskey", "embedly", "iframely", "cardyb",
    "slurp", "ia_archiver", "hackney", "httpunit", "http_get", "dlc", "nitro-optimizer-agent",
})
#: Product names with these prefixes: Google's non-search fetchers (Google-InspectionTool, ...).
_BOT_PRODUCT_PREFIXES: Final = ("google-",)
#: Tokens that are not "name/version" products.
_BOT_SUBSTRINGS: Final = (
    "+http",  # "(compatible; XBot/1.0; +https://...)" is only ever a crawler
    "skypeuripreview",  # Teams and Skype link previews
    "slack-imgproxy", "ms-office", "msoffice", "microsoft outlook", "microsoft office",
    "lighthouse", "url preview", "link preview", "web preview", "lwp::", "got (", "dart:io",
    "webdriver",
    # Synthetic monitoring, uptime checks, site thumbnailers, scanners and observatories that
    # send a whole browser UA and only add their name: they would count as the customer.
    "synthetic", "monitor", "catchpoint", "gtmetrix", "checkly", "ghost inspector",
    "siteimprove", "uptime", "pingdom", "dareboost", "rigor)", "dejaclick", "thousandeyes",
    "hardenize", "securityheaders", "cookiehub", "site-shot", "miniature.io", "tineye",
    "screenshot", "thumbnail", "observatory", "appinsights", "selenium", "splash version",
    "phantomjs", "casperjs", "ips-agent", "0xscanner", "nikto", "acunetix", "mediapartners",
    "duplexweb", "googleagent", "google-agent", "googleother", "imageproxy", "linkcheck",
    "linktiger", "brokenlink", "printfriendly", "criticalcss", "seositecheckup", "validator",
    "netcraft", "httrack", "webcapture", "feeder.co", "hotjar", "adbeat", "brandverity",
    "collapsify", "sqwatcher", "newsai/", "zoterotranslation", "keeper/", "statuscake",
    "speedcurve", "webpagetest", "calibreapp", "sitelock", "sucuri", "scrap", "headless",
    "datanyze", "semrush", "ahrefs", "prerender", "rendertron", "(compatible; bw/",
    "manus-user", "readable/", "monitorss", "nyt_scraping", "downloaderchrome",
    "page speed", "pagespeed", "testlocally", "yandexmetrika", "feedburner", "preview",
    "scanning", "/scan", "fetcher", "exporter", "detection", "analyzer", "analyser", "ubermetrics",
    "checker", "wkhtmlto", "compatible; bw/", "storebot", "-google", "con_aff/", "fdm)",
    "; fdm;", "xmco", "watchtowr", "sindup", "scope3", "geedoshop", "foregenix", "turingos",
    "marketgoo", "pwabuilder", "autoconfig test", "web measure", "newsnow", "wappalyzer",
    "webcopier", "sendgrid", "mediavine", "safeassign", "verity/", "mobileok", "imagecache",
    "ylt chrome", "macintosh:", "(macintosh intel", "blackduck", "capitalone",
    "contentscan", "searchbyimage", "httpclient", "nitro-optimizer", "; ptst ", "gitlab-runner",
)
_PRODUCT_RE: Final = re.compile(r"([a-z][a-z0-9_.+-]*)/")
#: Browsers have said "Mozilla/5.0" since 2003; later versions are made up.
_IMPOSSIBLE_MOZILLA: Final = tuple(f"mozilla/{major}." for major in range(6, 10))
#: Googlebot, bingbot, Baiduspider, "(compatible; bot)"; `_is_bot` skips CUBOT phones.
_BOT_WORD_RE: Final = re.compile(r"(?:bot|spider|crawler)\b")

#: People on devices that cannot join a Teams meeting (lower-cased UA): TVs, consoles, cars,
#: VR headsets, watches, e-readers, KaiOS feature phones.
_OTHER_DEVICE_SUBSTRINGS: Final = (
    "smart-tv", "smarttv", "smart_tv", "web0s", "webos.tv", "webostv", "webos tv", "netcast",
    "hbbtv", "bravia", "crkey", "googletv", "android tv", "androidtv", "apple tv", "appletv",
    "tvos", "roku", "nettv", "vidaa", "philipstv",
    # TV browsers and set-top boxes (Opera TV, TV Bro, Yandex TV, CE-HTML middleware, HbbTV
    # boxes), Android TV boxes by their model names, and speakers.
    "opera tv", " omi/", "ce-html", "sonycebrowser", "sonybdp", "tv bro", "tvbro", "(lite) tv",
    "tv safari/", "large screen", "largescreen", "directfb", "espial", "opentv", "otvwebkit",
    "kreatv", "maple", "aquos", "tv box", "tvbox", "mibox", "mi box", "mitv",
    "magicbox", "set-top", "settop", "chromecast",
    "firetv", "fire tv", "shield android tv", "dunehd", "tivo", "boxee", "zeasn", "mbxtwebkit",
    "kazoku", "ciscobrowser", "ekioh/", "netbox", "bdplayer", "blu-ray", "cobalt/", "starboard",
    "sonos", "alexaservice", "echo show", "stbapp", "infomir", "vewd", "foxxum", "netrange",
    "freebox", "humax", "beelink", "ugoos", "formuler", "zidoo", "tanix", "mecool", "vontar",
    "ouya", "gamepad", "; shield build", "; shield)",
    "zunehd", "walkman", "tolino", "sm-r3", "sm-r5", "sm-r6", "sm-r7", "sm-r8", "sm-r9",
    "sm-v700", "smartwatch", "zenwatch", "moto 360", "gear live", "glass 1", "familyhub",
    "family hub", "(mfp", "canonijcl", "taskalfa", "estation", "coolpix", "skipstone", "nook bn",
    "bntv", "bnrv", "ebrd1",
    "playstation", "xbox", "nintendo",
    "qtcarbrowser", "tesla/", "automotive", "polestar",
    "oculusbrowser", "; quest", "picobrowser", "pico neo", "wolvic", " vr ",
    "kaios", "kindle/", "watchos", "(watch;", "wearos", "wear os", "kobo touch", "kobo ereader",
    "pocketbook",
    "brightsign", "adapi", "nintendo", "vcc;", "qtembedded",
    # Google TV boxes (Android 3.2, "Build/MASTER"), Samsung HomeSync, LG and Hisense TVs' and
    # Panasonic recorders' own tokens, set-top boxes.
    "nsz-gs", "nsz-gt", "gtv100", "gtv1100", "vap430", "gt-b9150", "( ;lge ;", "(hisense;",
    "diga/", "technicolor", "linkbox", "locationfree",
)
#: Amazon Fire TV models ("; AFTKA)", "; AFTMM Build/") and Echo Show speakers ("; AEOCH").
_FIRE_TV_RE: Final = re.compile(r"; a(?:ft|eo)[a-z0-9]{1,6}(?:\)| build|;)")
#: Whole words that name a TV anywhere ("Panasonic;VIERA 2015", "(DTV; HTML)", "STB-3000");
#: inside a model name ("Oviera") they do not count.
_TV_WORD_RE: Final = re.compile(r"\b(?:viera|dtv|stb|wpe)\b")
#: Words and box families that name a TV or a watch in the platform's parenthesis ("(Linux;
#: Android 11; 4K Google TV Stick Build/...", "; Pixel Watch)", "; X96Max_Plus2 Build/",
#: "; POV_TV-HDMI-200BT Build/"; an underscore separates words in model names).
_TV_MODEL_RE: Final = re.compile(
    r"(?<![a-z0-9])(?:tv|watch)(?![a-z0-9])|; (?:x96|h96|t95|mxq|a95x|tx[3-9]|mag\d{3})(?![0-9])")
#: Tizen: TVs say "SMART-TV" (caught above); watches are SM-R models; phones say "Mobile", are
#: Samsung Z models (SM-Z...), or run Opera Mini.
_TIZEN_PHONE_RE: Final = re.compile(r"tizen.*(?:\bmobile\b|\bsm-z\d|opera mini)")

#: Form factors in Sec-CH-UA-Form-Factors that cannot join.
_OTHER_FORM_FACTORS: Final = frozenset({"xr", "automotive", "watch", "tv", "vr"})

# In-app browsers and web views, most specific first (Messenger's UA also has FBAV; Google's and
# TikTok's Android UAs also have "; wv)"). Case-sensitive on purpose: "Line/" but not "Linux".
_IN_APP_RULES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Messenger", ("FB_IAB/Orca-Android", "FB_IAB/MESSENGER", "FBAN/Messenger", "MessengerForiOS")),
    ("Facebook", ("FBAN/", "FBAV/", "FB_IAB", "FB4A", "FBIOS", "FBSN/")),
    ("Instagram", ("Instagram ",)),
    ("LinkedIn", ("LinkedInApp",)),
    ("WeChat", ("MicroMessenger", "wxwork/")),
    ("LINE", ("Line/",)),
    ("TikTok", ("BytedanceWebview", "musical_ly", "TikTok", "trill_", "ByteLocale")),
    ("Snapchat", ("Snapchat",)),
    ("Pinterest", ("[Pinterest/", "Pinterest for")),
    ("Twitter", ("TwitterAndroid", "Twitter for")),
    ("Telegram", ("Telegram-Android", "Telegram/")),
    ("KakaoTalk", ("KAKAOTALK", "KAKAOSTORY")),
    ("NAVER", ("NAVER(inapp",)),
    ("Google", ("GSA/",)),
    # Chinese super-apps and other apps whose web views name them.
    ("Baidu", ("baiduboxapp", "baiduboxvision", "BaiduHD", "bdhonorbrowser")),
    ("Alipay", ("AlipayClient", "AliApp(", "AlipayDefined")),
    ("DingTalk", ("DingTalk",)),
    ("QQ", (" QQ/",)),
    ("Weibo", ("Weibo (", "__weibo__")),
    ("Toutiao", ("NewsArticle/", "ByteFullLocale")),
    ("Douyin", ("aweme",)),
    ("Kuaishou", ("Kwai/", "kwai/", "Kuaishou")),
    ("Xiaohongshu", ("XiaoHongShu", "discover/")),
    ("Zalo", ("Zalo",)),
    ("Viber", ("Viber",)),
    ("Discord", ("Discord/",)),
    ("Daum", ("DaumApps",)),
    ("Yahoo Japan", ("YJApp",)),
    ("Crosswalk", ("Crosswalk/",)),
    ("Wire", ("Wire/",)),
    ("Electron", ("Electron/", "AtomShell/")),
    ("Android WebView", ("; wv)",)),
)

# Browsers on iOS are all WebKit; these name themselves, so their UA lacking "Safari/" (or
# appearing in a Mac UA) means something else than a bare web view.
_IOS_BROWSER_RE: Final = re.compile(
    r"CriOS/|FxiOS/|EdgiOS/|OPiOS/|OPT/|YaBrowser/|DuckDuckGo/|Ddg/|Brave/|Focus/|Coast/|Mercury/|"
    r"UCBrowser/|MQQBrowser/"
)
_IOS_DEVICE_RE: Final = re.compile(r"\((?:iPhone|iPad|iPod)\b")
_MAC_WEBVIEW_NOT_RE: Final = re.compile(
    r"Safari/|Chrome/|Gecko/|Firefox/|Edg/|OPR/|OmniWeb|Maxthon/|DeskBrowse|iCab|Shiira")
_DESKTOP_MODE_IOS_RE: Final = re.compile(r"CriOS/|FxiOS/|EdgiOS/")
_MOBILE_TOKEN_RE: Final = re.compile(r"\bMobile\b")
_CHROME_MAJOR_RE: Final = re.compile(r"\bChrom(?:e|ium)/(\d{1,4})")
_X11_LINUX_RE: Final = re.compile(r"\bX11\b|\bLinux x86_64\b|\bLinux i686\b|\bLinux aarch64\b")
_DESKTOP_LINUX_RE: Final = re.compile(
    r"X11|Wayland|x86_64|i[3-6]86|amd64|Ubuntu|Fedora|Debian|Gentoo|SUSE|Mint|Arch Linux|CentOS|"
    r"Red Hat|Mageia|Slackware|Manjaro|[Kk]onqueror")
#: Linux UAs of phones and tablets, whatever else they say ("X11; U; Linux armv7l ... Maemo
#: Browser", Opera Mini's "Linux zvav", Ubuntu Touch's "(Ubuntu; Mobile)").
_NOT_DESKTOP_LINUX_RE: Final = re.compile(
    r"Maemo|MeeGo|Minimo|Linux zvav|Linux zbov|Sailfish|Ubuntu; (?:Mobile|Tablet)")
#: Windows that are not computers: Windows CE / Mobile phones and PDAs, Windows Phone 8 asking
#: for desktop sites ("WPDesktop"), Opera Mobile's "PPC" and UC Browser's "wds 8.10", and the
#: handsets' and carriers' own tokens in front of a desktop-looking UA.
_NOT_DESKTOP_WINDOWS: Final = (
    "Windows CE", "Windows Mobile", "Windows Phone", "WindowsMobile", "IEMobile", "PalmSource",
    "XBLWP7", "ZuneWP7", "WPDesktop", "Opera Mobi", "; PPC;", "; PPC)", "PPC; ", "; wds ",
    "MIDP", "Vodafone/", "SonyEricsson", "SAMSUNG-", "HTC_", "Symbian",
)
#: Android browsers that name their system even in their desktop mode's Windows UA.
_ANDROID_BROWSER_TOKENS: Final = ("Aphone Browser", "-android-mobile")
#: A handset's name before its browser's own UA ("HTC_HD2_T8585 Opera/9.7 (Windows NT 5.1; ...",
#: "XV6850 Opera/9.50"), or a bare handset name ("LG265", "NOKIAE5-00", "SIE-3118"): old phones.
_HANDSET_NAME_RE: Final = re.compile(
    r"[A-Za-z][\w-]* (?:Opera|Mozilla)/|(?:LG|NOKIA|Nokia|SIE|SAMSUNG|Samsung|SEC|MOT|HTC|BIRD|"
    r"Spice|Ziox|Wynncom|TIANYU|KTOUCH|ZTE|HUAWEI|Huawei|Alcatel|ALCATEL|SAGEM|Sagem|SHARP|NEC|"
    r"KYOCERA|Pantech|PANTECH|Philips|Haier|BenQ)[-_ ./]?[A-Za-z]{0,3}\d")
#: Computers on systems none of ours.
_OTHER_DESKTOP_RE: Final = re.compile(
    r"\b(?:FreeBSD|OpenBSD|NetBSD|DragonFly|SunOS|Solaris|illumOS|IRIX|HP-UX|AIX|Haiku|BeOS|"
    r"AmigaOS|MorphOS|OS/2|RISC OS|GNU/Hurd|Windows 3\.1|Win16|Mac_PowerPC|Mac_68K|Mac_PPC|UNIX|"
    r"Unix)\b|"
    r"\(X11; (?:[IUN]; )?(?![IUN]; |Linux|CrOS|Ubuntu|Fedora)|\(X11\)|\(Mac;|"
    r"Macintosh; (?:[UIN]; )?PPC")
_OTHER_TABLET_RE: Final = re.compile(r"tablet|touchpad|playbook", re.IGNORECASE)
#: Phones of the feature-phone and early-smartphone eras: their browsers and carriers' tokens.
_FEATURE_PHONE_RE: Final = re.compile(
    r"UP\.Browser|\bUP/|MIDP|CLDC|Obigo|OBIGO|Polaris|POLARIS|NetFront|Teleca|jig browser|"
    r"\bBREW\b|\bBrew\b|FOMA|DoCoMo|KDDI|SoftBank|Vodafone/|J-PHONE|WILLCOM|DDIPOCKET|MMEF|"
    r"[Cc]ell[Pp]hone|MobilePhone|MQQBrowser|UCWEB|Nucleus|MTK|Series ?[468]0|Symbian|EPOC|"
    r"PalmSource|PalmOS|Blazer|IEMobile|Windows CE|WindowsMobile|ZuneWP7|Opera Mini|Opera Mobi|"
    r"Maemo|MeeGo|BlackBerry|Profile/|WAP|Nokia|SonyEricsson|SAMSUNG-|\bMOT-|\bLG-|\bLGE|"
    r"WPDesktop|Minimo|Linux zvav|Linux zbov|Sailfish|\bTizen\b|webOS/|\bPre/\d|"
    r"\bPixi/\d|\bP160U")
#: Android tablets whose browser still says "Mobile": Galaxy Tab (SM-T/X/P), Lenovo Tab (TB-),
#: Huawei MediaPad / MatePad, Xiaomi and Redmi Pad, Nexus 7/9/10, Amazon Fire (KF..).
_TABLET_MODEL_RE: Final = re.compile(
    r"; (?:SAMSUNG )?(?:SM-[TXP]\d{3}|GT-P\d{4}|GT-N[58]\d{3})|\bTB-[\dX]|MediaPad|MatePad|"
    r"\b(?:Redmi |Mi |Xiaomi )?Pad\b|Nexus (?:7|9|10)\b|; KF[A-Z]{2,5}\b|\bTablet\b|\bTab\b")
#: UAs whose first parenthesis names a phone or tablet model (where "Spider" is a model).
_DEVICE_SEGMENT_PREFIXES: Final = ("mozilla/5.0 (linux; android", "mozilla/5.0 (linux; u; android",
                                   "mozilla/5.0 (iphone", "mozilla/5.0 (ipad")
#: A lower-cased UA's tokens in the browsers' own casing (only lower-cased UAs are rewritten).
_RECASED: Final = {
    token.lower(): token for token in (
        "Mozilla/", "Windows NT", "Win64", "WOW64", "Macintosh", "Intel Mac OS X", "Mac OS X",
        "iPhone", "iPad", "iPod", "CPU iPhone OS", "CPU OS", "like Mac OS X", "Android", "Linux",
        "X11", "CrOS", "AppleWebKit/", "KHTML, like Gecko", "Gecko/", "Chrome/", "Chromium/",
        "CriOS/", "FxiOS/", "EdgiOS/", "Safari/", "Mobile", "Version/", "Firefox/", "Edg/",
        "EdgA/", "Edge/", "OPR/", "SamsungBrowser/", "YaBrowser/", "Trident/", "MSIE", "Build/",
        "Tablet", "FBAN/", "FBAV/", "FB_IAB", "FBIOS", "Instagram ", "Line/", "MicroMessenger",
        "Snapchat", "LinkedInApp", "GSA/", "Electron/", "KAKAOTALK", "NAVER(inapp", "Silk/",
        "Ubuntu", "Fedora", "FreeBSD", "OpenBSD", "NetBSD", "SunOS", "Windows Phone",
        "Windows", "PPC Mac OS X", "OS/2", "Win98", "Win95", "Win 9x", "WinNT", "Win NT", "Win16",
        "Haiku", "BeOS", "UNIX", "WPDesktop", "Windows CE", "Maemo", "Minimo", "SymbianOS",
        "Series60", "Opera Mini", "Opera Mobi", "MIDP",
    )
}
_LOWERCASED_RE: Final = re.compile(
    "|".join(re.escape(token) for token in sorted(_RECASED, key=len, reverse=True)))


def _recased(match: re.Match[str]) -> str:
    """The browsers' own casing of a lower-cased token."""
    return _RECASED[match.group(0)]


#: Browsers built on Android's web view name themselves after its "Version/4.0 Chrome/..." (UC,
#: QQ, Quark, MIUI, Huawei, OPPO, vivo, Lenovo, 360, Maxthon, Focus, DuckDuckGo, Opera...).
_WEB_VIEW_BROWSER_RE: Final = re.compile(
    r"browser|\buc[a-z]*/|quark/|focus/|klar/|duckduckgo/|ddg/|maxthon|opr/|opt/|opera|puffin|"
    r"silk/|epic/|acheetahi|edga/|edge/|vivaldi|brave|whale/|kiwi|corom/|swing\(and\)|^browse/|"
    r"; cake\b", re.IGNORECASE)
#: The Chromium builds makers shipped as their phones' own browser with "Version/4.0" (WhichBrowser
#: names them "LG Browser"; Lenovo's and AOSP builds' stock browsers share 38.0.2125.102). The
#: system web view of those years said "Chrome/NN.0.0.0" (Chromium's android_webview).
_VENDOR_BROWSER_RE: Final = re.compile(
    r"Chrome/(?:30\.0\.1599\.103|34\.0\.1847\.118|38\.0\.2125\.(?:0|102)) ", re.IGNORECASE)

#: Android apps' packages (X-Requested-With) and the app's name; other apps' packages make
#: "Android WebView", and a browser's own package (most name themselves "...browser") nothing.
_APP_PACKAGES: Final = {
    "org.telegram.messenger": "Telegram", "org.telegram.messenger.web": "Telegram",
    "org.thunderdog.challegram": "Telegram", "com.facebook.katana": "Facebook",
    "com.facebook.orca": "Messenger", "com.instagram.android": "Instagram",
    "com.linkedin.android": "LinkedIn", "com.tencent.mm": "WeChat",
    "jp.naver.line.android": "LINE", "com.zhiliaoapp.musically": "TikTok",
    "com.ss.android.ugc.trill": "TikTok", "com.snapchat.android": "Snapchat",
    "com.pinterest": "Pinterest", "com.twitter.android": "Twitter", "com.kakao.talk": "KakaoTalk",
    "com.nhn.android.search": "NAVER", "com.google.android.googlequicksearchbox": "Google",
    "com.baidu.searchbox": "Baidu", "com.discord": "Discord", "com.viber.voip": "Viber",
}
_BROWSER_PACKAGES: Final = frozenset({
    "com.android.chrome", "org.mozilla.firefox", "org.mozilla.fenix", "org.mozilla.focus",
    "com.sec.android.app.sbrowser", "com.microsoft.emmx", "com.opera.mini.native",
    "com.duckduckgo.mobile.android", "com.ucmobile", "com.ucmobile.lab", "com.ucmobile.intl",
    "com.uc.browser.en", "mobi.mgeek.tunnybrowser", "org.chromium.chrome", "com.ecosia.android",
    "com.tencent.mtt", "com.quark.browser", "com.yandex.browser", "com.vivaldi.browser",
})

_OS_FAMILIES: Final = {
    "Windows": "windows",
    "Mac OS X": "macos",
    "iOS": "ios",
    "Android": "android",
    "Chrome OS": "chromeos",
    "Linux": "linux",
    "Ubuntu": "linux",
    "Fedora": "linux",
    "Debian": "linux",
    "Linux Mint": "linux",
    "Arch Linux": "linux",
    "Gentoo": "linux",
    "openSUSE": "linux",
    "Red Hat": "linux",
    "CentOS": "linux",
    "Slackware": "linux",
    "Mandriva": "linux",
    "Kubuntu": "linux",
}

#: Systems on computers: the Teams web path.
_DESKTOP_SYSTEMS: Final = frozenset({"windows", "macos", "linux", "chromeos"})
#: (the UA's system, Sec-CH-UA-Platform) pairs that do not contradict each other: Chrome on an
#: Android tablet in desktop mode spoofs "Linux" (never the other way round), and the hints know
#: no iPadOS.
_CONSISTENT_PLATFORMS: Final = frozenset({("android", "linux"), ("ipados", "ios")})

_BROWSER_FAMILIES: Final = {
    "Chrome": "chrome",
    "Chrome Mobile": "chrome",
    "Chrome Mobile iOS": "chrome",
    "Chromium": "chromium",
    "Edge": "edge",
    "Edge Mobile": "edge",
    "Safari": "safari",
    "Mobile Safari": "safari",
    "Samsung Internet": "samsung-internet",
    "IE": "ie",
    "IE Mobile": "ie",
    "Yandex Browser": "yandex",
    "Brave": "brave",
}

# Sec-CH-UA brands, most specific first (Edge's list also has "Chromium", WebView2's has "Microsoft
# Edge"). Brands not listed, including GREASE ones like "Not A(Brand", are ignored.
_BRANDS: Final[tuple[tuple[str, str], ...]] = (
    ("Microsoft Edge WebView2", "webview2"),
    ("HeadlessChrome", "headless"),
    ("Android WebView", "android-webview"),
    ("Microsoft Edge", "edge"),
    ("Opera GX", "opera"),
    ("Opera", "opera"),
    ("Samsung Internet", "samsung-internet"),
    ("YaBrowser", "yandex"),
    ("Yandex", "yandex"),
    ("Brave", "brave"),
    ("Google Chrome", "chrome"),
    ("Chromium", "chromium"),
)
#: Brand slugs that name a browser (the others mark web views and headless Chrome).
_BROWSER_SLUGS: Final = frozenset(slug for _, slug in _BRANDS) - {
    "webview2", "headless", "android-webview",
}

_BOOLEANS: Final = {"?1": True, "?0": False}
_SF_STRING_RE: Final = re.compile(r'"((?:[^"\\]|\\.){0,128})"')
_TOKEN_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9 ._-]{0,63}")
_PLATFORMS: Final = {
    "windows": "windows",
    "macos": "macos",
    "mac os x": "macos",
    "linux": "linux",
    "chrome os": "chromeos",
    "chromeos": "chromeos",
    "chromium os": "chromeos",
    "android": "android",
    "ios": "ios",
}


class _Hints(NamedTuple):
    """Client hints after parsing; every field is None/empty when absent or malformed."""

    platform: str | None  # an os slug
    mobile: bool | None
    platform_version: str | None
    model: str | None
    form_factors: frozenset[str]
    brand: str | None  # a browser slug, or "webview2" / "headless" / "android-webview"
    brand_major: int | None
    chromium_major: int | None


_NO_HINTS: Final = _Hints(None, None, None, None, frozenset(), None, None, None)


def _sf_string(value: str) -> str | None:
    """A structured-field string ("Android") unquoted; a bare token is tolerated, junk is None."""
    value = value.strip()
    if not value:
        return None
    if value[0] == '"':
        match = _SF_STRING_RE.fullmatch(value)
        return match.group(1).replace("\\", "") if match else None
    # Some proxies and hand-written clients drop the quotes.
    return value if _TOKEN_RE.fullmatch(value) else None


def _major(version: str) -> int | None:
    """The leading integer of "124", "124.0.6367.91" or "26.0", or None."""
    head = version.split(".", 1)[0].strip()
    return int(head) if head.isdigit() and len(head) <= 5 else None


def _short_version(parts: list[str]) -> str | None:
    """"major[.minor]" from version components, or None when there is no numeric major."""
    numbers = [p for p in parts[:2] if p.isdigit()]
    if not numbers or not parts[0].isdigit():
        return None
    return ".".join(str(int(p)) for p in numbers)


def _brand_versions(value: str) -> dict[str, str]:
    """Brand -> version from a brand list ('"Chromium";v="124", "Not-A.Brand";v="99"')."""
    # String operations rather than a regex: about 4x faster. Members whose shape is wrong are
    # skipped. GREASE brands may hold ";" but never "," or a quote, so this split is safe.
    brands: dict[str, str] = {}
    for member in value.split(","):
        name, separator, parameter = member.rpartition(";")
        key, _, version = parameter.partition("=")
        if not separator or key.strip() != "v":
            continue
        name = name.strip()
        if len(name) < 3 or not (name.startswith('"') and name.endswith('"')):
            continue
        brands.setdefault(name[1:-1].strip(), version.strip().strip('"'))
    return brands


def _parse_hints(
    ch_ua: str,
    ch_mobile: str,
    ch_platform: str,
    ch_platform_version: str,
    ch_model: str,
    ch_form_factors: str,
    ch_full_version_list: str,
) -> _Hints:
    """Parse the Sec-CH-UA* values; anything malformed is dropped, never raised."""
    if not (ch_ua or ch_mobile or ch_platform or ch_full_version_list or ch_form_factors):
        return _NO_HINTS
    platform_name = _sf_string(ch_platform)
    platform = _PLATFORMS.get(platform_name.lower()) if platform_name else None
    mobile = _BOOLEANS.get(ch_mobile.strip())
    version = _sf_string(ch_platform_version) if ch_platform_version else None
    platform_version = _short_version(version.split(".")) if version else None
    model = _sf_string(ch_model) if ch_model else None
    form_factors = frozenset(f.lower() for f in _SF_STRING_RE.findall(ch_form_factors))
    # The full version list is the same brands with full versions; either will do.
    brands = _brand_versions(ch_full_version_list)
    for name, brand_version in _brand_versions(ch_ua).items():
        brands.setdefault(name, brand_version)
    brand = brand_major = None
    for name, slug in _BRANDS:
        if name in brands:
            brand, brand_major = slug, _major(brands[name])
            break
    chromium_major = _major(brands["Chromium"]) if "Chromium" in brands else None
    return _Hints(
        platform=platform,
        mobile=mobile,
        platform_version=platform_version,
        model=model or None,
        form_factors=form_factors,
        brand=brand,
        brand_major=brand_major,
        chromium_major=chromium_major,
    )


def _in_app(ua: str, os_slug: str, hints: _Hints) -> str | None:
    """The app whose built-in browser or web view sent this UA, or None for a real browser."""
    if hints.brand == "webview2":
        # Microsoft Edge WebView2 inside a Windows app (its UA reads exactly like Edge's).
        return "Edge WebView2"
    for name, tokens in _IN_APP_RULES:
        for token in tokens:
            if token in ua:
                return name
    if hints.brand == "android-webview" and "DuckDuckGo/" not in ua:
        # An app may rewrite the UA but not the brand list (DuckDuckGo's browser is a web view).
        return "Android WebView"
    if os_slug in ("ios", "ipados") and _IOS_DEVICE_RE.search(ua):
        # WKWebView: Safari adds "Safari/", other iOS browsers name themselves.
        if "AppleWebKit" in ua and "Safari/" not in ua and not _IOS_BROWSER_RE.search(ua):
            return "iOS WebView"
    elif os_slug == "macos" and "AppleWebKit" in ua and not _MAC_WEBVIEW_NOT_RE.search(ua):
        # Every Mac browser adds its own token; a bare WebKit UA is a WKWebView, in a Mac app or
        # in an iPad app (iPadOS web views default to the Mac UA).
        return "WebView"
    return None


def _in_app_by_package(requested_with: str, os_slug: str) -> str | None:
    """The app an Android web view's X-Requested-With names; None for a browser or no header."""
    package = _package(requested_with, os_slug)
    if package is None or _is_browser_package(package):
        return None
    return _APP_PACKAGES.get(package, "Android WebView")


def _package(requested_with: str, os_slug: str) -> str | None:
    """The Android package X-Requested-With names, lower-cased; None when it names none."""
    package = requested_with.strip().lower()
    if not package or os_slug != "android" or package == "xmlhttprequest" or "." not in package:
        # Pages' own fetches send "XMLHttpRequest"; only Android web views send a package.
        return None
    return package


def _is_browser_package(package: str) -> bool:
    """Whether an Android package is a browser's own (most name themselves "...browser")."""
    return package in _BROWSER_PACKAGES or "browser" in package


def _is_unmarked_web_view(ua: str, requested_with: str) -> bool:
    """An Android web view from before the "; wv" token: "Version/4.0" and "Chrome/" (module
    docstring), naming no browser of its own, and no browser's package in X-Requested-With."""
    if "Version/4.0" not in ua or "Chrome/" not in ua or _WEB_VIEW_BROWSER_RE.search(ua):
        return False
    if _VENDOR_BROWSER_RE.search(ua):
        return False  # LG's and other makers' own Chromium browsers of the KitKat-Lollipop years
    package = _package(requested_with, "android")
    return package is None or not _is_browser_package(package)


def _is_bot(lowered: str) -> bool:
    """Whether the lower-cased UA is a crawler, link previewer or tool (rules above)."""
    for product in _PRODUCT_RE.findall(lowered):
        if product in _BOT_PRODUCTS or product.startswith(_BOT_PRODUCT_PREFIXES):
            if product == "whatsapp" and "electron/" in lowered:
                continue  # WhatsApp's desktop app, not its link previewer
            return True
    if lowered.startswith(_IMPOSSIBLE_MOZILLA):
        return True  # "Mozilla/6.5", "Mozilla/9.9": no browser ever sent these
    for match in _BOT_WORD_RE.finditer(lowered):
        if lowered.endswith("cu", 0, match.start()):  # CUBOT is a phone brand
            continue
        if match.group() != "crawler" and match.start() < lowered.find(")") \
                and lowered.startswith(_DEVICE_SEGMENT_PREFIXES):
            # Inside "(Linux; Android 13; Spider X Build/...)": a model name, not a crawler.
            continue
        return True
    return any(map(lowered.__contains__, _BOT_SUBSTRINGS))


def _is_other_device(lowered: str) -> bool:
    """Whether the lower-cased UA is a TV, console, car, headset, watch, e-reader or KaiOS."""
    if any(map(lowered.__contains__, _OTHER_DEVICE_SUBSTRINGS)):
        return True
    if "tizen" in lowered and not _TIZEN_PHONE_RE.search(lowered):
        return True
    if ("; aft" in lowered or "; aeo" in lowered) and _FIRE_TV_RE.search(lowered):
        return True
    if ("viera" in lowered or "dtv" in lowered or "stb" in lowered or "wpe" in lowered) \
            and _TV_WORD_RE.search(lowered):
        return True
    # "TV" and "Watch" count only in the platform's parenthesis: elsewhere they may be a phone
    # app's name ("... Mobile Safari/537.36 SomeTV/2.1"), and its web view is a phone's.
    return bool(_TV_MODEL_RE.search(lowered, 0, lowered.find(")") + 1 or len(lowered)))


def _teams_web(family: str, major: int | None, os_slug: str, chromium_major: int | None) -> str:
    """Rate Teams on the web for a desktop browser (constants above, from TEAMS-FACTS)."""
    if family in ("chrome", "edge"):
        if family == "edge" and major is not None and major < EDGE_CHROMIUM_MIN:
            return "unsupported"  # legacy EdgeHTML
        if major is None:
            return "limited"  # a known engine whose version we could not read
        if major >= CHROMIUM_SUPPORTED_MIN:
            return "supported"
        return "limited" if major >= CHROMIUM_LIMITED_MIN else "unsupported"
    if family == "safari":
        if os_slug == "macos" and major is not None and major >= SAFARI_MAC_SUPPORTED_MIN:
            return "supported"
        return "unsupported"
    if family == "firefox":
        return "limited" if major is not None and major >= FIREFOX_LIMITED_MIN else "unsupported"
    if family == "ie":
        return "unsupported"
    # Opera, Yandex, Brave, Samsung Internet, Chromium, Vivaldi...: judged by their engine.
    if chromium_major is not None and chromium_major >= CHROMIUM_LIMITED_MIN:
        return "limited"
    return "unsupported"


def _os_from_library(ua: str, family: str) -> str:
    """Map ua-parser's OS family to our slug, with the desktop Linux UAs it leaves as "Other"."""
    slug = _OS_FAMILIES.get(family)
    if slug is None and family.startswith("Windows"):
        slug = "windows"
    if slug == "windows" and (any(map(ua.__contains__, _NOT_DESKTOP_WINDOWS))
                              or _HANDSET_NAME_RE.match(ua)):
        slug = None  # a Windows CE / Mobile / Phone handset: the form rules place it
    if slug == "windows" and any(map(ua.__contains__, _ANDROID_BROWSER_TOKENS)):
        slug = "android"  # 360's "Aphone Browser", Ninesky's "-android-mobile": a phone's
    if slug is None and "CrOS" in ua:
        slug = "chromeos"  # ChromeOS' UA without its version ("X11; CrOS x86_64)")
    if slug is None and "Linux" in ua and "X11" in ua:
        slug = "linux"
    if slug in (None, "linux") and " Build/" in ua and "Linux" in ua and "X11" not in ua:
        # Android's build id where the UA leaves out "Android" (Honeycomb's "Linux Ventana",
        # "(Linux; U; de-de; GT-I9100 Build/GINGERBREAD)").
        slug = "android"
    if slug == "linux" and (_NOT_DESKTOP_LINUX_RE.search(ua) or not _DESKTOP_LINUX_RE.search(ua)):
        # Desktop Linux browsers say "X11" (Wayland ones too), a PC's architecture or their
        # distribution; "Linux mips", "Linux armv7l" or "(Linux; U; ...)" alone are TVs, boxes
        # and other embedded browsers, and Maemo, Opera Mini or Ubuntu Touch are handhelds.
        slug = "other"
    return slug or "other"


class _System(NamedTuple):
    """The operating system reported, and what the headers leave in doubt about it."""

    os: str  # an os slug
    hints_disagree: bool  # Sec-CH-UA-Platform named a system the UA contradicts
    samsung_desktop_mode: bool  # Samsung Internet asking for desktop sites, or in DeX
    ios_desktop_mode: bool  # Chrome, Firefox or Edge for iOS asking for desktop sites


def _operating_system(ua: str, library_family: str, hints: _Hints) -> _System:
    """The UA's system, corrected for desktop modes; the platform hint's where the two disagree."""
    ua_os = _os_from_library(ua, library_family)
    samsung_desktop_mode = ua_os == "linux" and "SamsungBrowser/" in ua
    ios_desktop_mode = (
        ua_os in ("macos", "ios") and "(Macintosh;" in ua and bool(_DESKTOP_MODE_IOS_RE.search(ua))
    )
    if samsung_desktop_mode:
        # Samsung Internet exists for Android (and Windows), never for desktop Linux.
        ua_os = "android"
    elif ios_desktop_mode:
        # Chrome/Firefox/Edge for iOS keep their own token when they request the desktop site.
        ua_os = "ipados"
    elif ua_os == "ios" and "iPad" in ua:
        ua_os = "ipados"
    platform = hints.platform
    if platform is None or platform == ua_os or (ua_os, platform) in _CONSISTENT_PLATFORMS:
        return _System(ua_os, False, samsung_desktop_mode, ios_desktop_mode)
    return _System(platform, True, samsung_desktop_mode, ios_desktop_mode)


class _Form(NamedTuple):
    """The form factor, and whether Sec-CH-UA-Mobile contradicted the UA about it."""

    name: str  # "desktop" | "phone" | "tablet"
    hints_disagree: bool = False


def _form(ua: str, system: _System, hints: _Hints, parsed: DefaultedResult) -> _Form | None:
    """The form factor on the system reported; None when the UA names no device at all."""
    if system.os in _DESKTOP_SYSTEMS:
        return _Form("desktop")
    if system.os == "ipados":
        return _Form("tablet")
    if system.os == "ios":
        return _Form("phone")  # an iPad UA was already made "ipados"
    if system.os == "android":
        return _android_form(ua, system, hints)
    return _form_on_another_system(ua, parsed)


def _android_form(ua: str, system: _System, hints: _Hints) -> _Form:
    """Phone or tablet on Android: from the form-factor or mobile hint when sent, else the UA."""
    ua_says_mobile = (
        bool(_MOBILE_TOKEN_RE.search(ua)) or "Opera Mini" in ua
    ) and not system.samsung_desktop_mode
    if "tablet" in hints.form_factors:
        return _Form("tablet")
    if hints.mobile is not None and hints.platform in ("android", None):
        return _Form("phone" if hints.mobile else "tablet", hints.mobile != ua_says_mobile)
    # Android tablets' browsers omit "Mobile" (Chrome, Samsung); Firefox says "Tablet". Some
    # tablets' browsers say "Mobile" anyway: their model names them (form only, same path).
    if ua_says_mobile and _TABLET_MODEL_RE.search(ua):
        return _Form("tablet")
    return _Form("phone" if ua_says_mobile else "tablet")


def _form_on_another_system(ua: str, parsed: DefaultedResult) -> _Form | None:
    """Tablet, phone or computer on a system none of ours; None when nothing names a device."""
    if _OTHER_DESKTOP_RE.search(ua):
        # BSD, Solaris and other Unix, Haiku, OS/2, AmigaOS...: a computer; Teams' rating
        # then says how its browser fares.
        return _Form("desktop")
    library_form = _user_agents_form(ua, parsed)
    if library_form == "tablet" or _OTHER_TABLET_RE.search(ua):
        return _Form("tablet")
    if (library_form == "phone" or _MOBILE_TOKEN_RE.search(ua) or "(Phone;" in ua
            or _FEATURE_PHONE_RE.search(ua) or _HANDSET_NAME_RE.match(ua)):
        # Phones on other systems (HarmonyOS NEXT, Windows Phone): the app path, no store link.
        return _Form("phone")
    return None


def _user_agents_form(ua: str, parsed: DefaultedResult) -> str | None:
    """user_agents' verdict, "tablet" (is_tablet) or "phone" (is_mobile), on a system none of ours.

    Its rules for Android and Windows are left out: those systems never get here. So are its
    rules for spiders and Googlebot-Mobile: bots have been answered before.
    """
    os_family = parsed.os.family
    device_family = parsed.device.family
    browser_family = parsed.user_agent.family
    if device_family in TABLET_DEVICE_FAMILIES or (
        os_family == "Firefox OS" and "Mobile" not in browser_family
    ):
        return "tablet"
    if (
        device_family in MOBILE_DEVICE_FAMILIES
        or browser_family in MOBILE_BROWSER_FAMILIES
        or os_family in MOBILE_OS_FAMILIES
        or os_family == "Firefox OS"
        or (os_family == "BlackBerry OS" and device_family != "Blackberry Playbook")
        or "J2ME" in ua
        or "MIDP" in ua
        or "iPhone;" in ua
        or ("NokiaBrowser" in ua and "Mobile" in ua)
    ):
        return "phone"
    return None


def _names_a_browser(ua: str, parsed: DefaultedResult) -> bool:
    """Whether a UA that names no device still reads like some browser, not a tool."""
    return ua.startswith(("Mozilla/", "Opera/")) and parsed.user_agent.family != "Other"


def _browser(agent: UserAgent, in_app: str | None, hints: _Hints) -> tuple[str, int | None]:
    """The browser's family slug and major version; the brand list's where it names a browser."""
    if in_app is not None:
        # The app names the experience; its web view's engine version would only mislead.
        return "other", None
    family = _BROWSER_FAMILIES.get(agent.family, "other")
    if family == "other":
        for prefix, slug in (("Firefox", "firefox"), ("Opera", "opera")):
            if agent.family.startswith(prefix):
                family = slug
    parts = _version_parts(agent.major, agent.minor, agent.patch)
    major = int(parts[0]) if parts and parts[0].isdigit() else None
    if hints.brand is not None and hints.brand in _BROWSER_SLUGS:
        # The brand list names Brave, Chromium and Opera GX that the UA hides.
        if hints.brand_major is not None or hints.brand != family:
            major = hints.brand_major
        family = hints.brand
    return family, major


def _path(form: _Form, in_app: str | None) -> str:
    """How to join: in a real browser instead of the app's, on the web, or in the Teams app."""
    if in_app is not None:
        return "open-in-browser"
    return "web" if form.name == "desktop" else "app"


def _chromium_major(ua: str, hints: _Hints) -> int | None:
    """The Chromium engine's major version: the brand list's, else the UA's Chrome/ token."""
    if hints.chromium_major is not None:
        return hints.chromium_major
    match = _CHROME_MAJOR_RE.search(ua)
    return int(match.group(1)) if match else None


def _store_url(os_slug: str) -> str | None:
    """Where this system gets the Teams app, or None."""
    if os_slug in ("ios", "ipados"):
        return APP_STORE_URL
    if os_slug == "android":
        return PLAY_STORE_URL
    return None


def _needs_client_check(
    ua: str, system: _System, form: _Form, in_app: str | None, hints: _Hints
) -> bool:
    """Whether the page should check what the headers cannot settle (module docstring)."""
    return (
        in_app is not None
        or system.hints_disagree
        or form.hints_disagree
        or system.samsung_desktop_mode
        or system.ios_desktop_mode
        or (system.os == "macos" and hints.platform is None)
        or (system.os == "linux" and bool(_X11_LINUX_RE.search(ua)))
    )


def _os_version(os: OS, os_slug: str, hints: _Hints) -> str | None:
    """The system's "major[.minor]" for the staff view: the hint's when it is about this system."""
    if hints.platform_version and hints.platform == os_slug:
        return hints.platform_version
    return _short_version(_version_parts(os.major, os.minor, os.patch))


def _model(ua: str, os_slug: str, device: Device, hints: _Hints) -> str | None:
    """The device model for the staff view: the hint's, else one an Android UA really names."""
    if hints.model is not None or os_slug != "android":
        return hints.model
    return _model_in_ua(ua, device.model)


def _model_in_ua(ua: str, model: str | None) -> str | None:
    """ua-parser's device model when the UA really names it ("SM-S918B Build/"), else None."""
    # The library also guesses ("Browser" for HuaweiBrowser, "Kindle" for KFONWI), and Chrome's
    # reduced UA says "K" for every device.
    if not model or model in ("K", "Mobile", "Tablet"):
        return None
    for end in (" Build/", ")", ";"):
        if f"; {model}{end}" in ua or f" {model}{end}" in ua:
            return model
    return None


def _classify(
    user_agent: str,
    ch_ua: str = "",
    ch_mobile: str = "",
    ch_platform: str = "",
    ch_platform_version: str = "",
    ch_model: str = "",
    ch_form_factors: str = "",
    ch_full_version_list: str = "",
    requested_with: str = "",
) -> DeviceProfile:
    """Classify one (UA, hints) combination; uncached, and never raises."""
    try:
        return _classify_unguarded(
            user_agent, ch_ua, ch_mobile, ch_platform, ch_platform_version, ch_model,
            ch_form_factors, ch_full_version_list, requested_with,
        )
    except Exception:
        # A wrong guess the page can correct beats a 500 for a customer.
        log.exception("device classification failed")
        return _UNKNOWN_PROFILE


def _classify_unguarded(
    ua: str,
    ch_ua: str,
    ch_mobile: str,
    ch_platform: str,
    ch_platform_version: str,
    ch_model: str,
    ch_form_factors: str,
    ch_full_version_list: str,
    requested_with: str = "",
) -> DeviceProfile:
    """The decision: tools and devices that cannot join first, then system, form, app, browser."""
    ua = _cleaned(ua)
    if " " not in ua and ua.startswith("Mozilla/5.0("):
        ua = _respaced(ua)
    if not ua:
        # Every browser sends a User-Agent; scripts and scanners often do not.
        return BOT_PROFILE
    hints = _parse_hints(
        ch_ua, ch_mobile, ch_platform, ch_platform_version, ch_model, ch_form_factors,
        ch_full_version_list,
    )
    lowered = ua.lower()
    if hints.brand == "headless" or _is_bot(lowered):
        return BOT_PROFILE
    if _is_other_device(lowered) or hints.form_factors & _OTHER_FORM_FACTORS:
        return OTHER_DEVICE_PROFILE
    if ua == lowered and _LOWERCASED_RE.search(ua):
        # Some proxies and SDKs lower-case the header; the parser's rules and ours are written
        # for the browsers' own casing, so put the tokens that decide back first.
        ua = _LOWERCASED_RE.sub(_recased, ua)
    parsed = library_parse(ua)
    if parsed.device.family == "Spider" and not (
            lowered.startswith(_DEVICE_SEGMENT_PREFIXES) or "electron/" in lowered):
        # ua-parser's device for every crawler it knows; but its rules also take a phone
        # named "Spider" and WhatsApp's desktop app for one, and ours have seen those UAs.
        return BOT_PROFILE

    system = _operating_system(ua, parsed.os.family, hints)
    form = _form(ua, system, hints, parsed)
    in_app = _in_app(ua, system.os, hints) or _in_app_by_package(requested_with, system.os)
    if in_app is None and system.os == "android" and _is_unmarked_web_view(ua, requested_with):
        in_app = "Android WebView"
    if form is None:
        if in_app is not None:
            form = _Form("phone")  # an app's web view that names no system ("[FBAN/FB4A;...]")
        else:
            # Neither a known OS nor a mobile device: a tool ("MyApp/1.0", a bare
            # "Mozilla/5.0") unless it looks like some browser on some unknown device.
            return OTHER_DEVICE_PROFILE if _names_a_browser(ua, parsed) else BOT_PROFILE
    family, major = _browser(parsed.user_agent, in_app, hints)
    path = _path(form, in_app)
    return DeviceProfile(
        form=form.name,
        os=system.os,
        os_version=_os_version(parsed.os, system.os, hints),
        browser_family=family,
        browser_major=major,
        in_app=in_app,
        path=path,
        teams_web=(
            _teams_web(family, major, system.os, _chromium_major(ua, hints))
            if path == "web" else None
        ),
        store_url=_store_url(system.os),
        needs_client_check=_needs_client_check(ua, system, form, in_app, hints),
        model=_model(ua, system.os, parsed.device, hints),
    )


#: Some clients and logs strip every space from the header ("Mozilla/5.0(Macintosh;IntelMacOSX
#: 10_15_7)AppleWebKit/537.36(KHTML,likeGecko)Chrome/143.0.0.0Safari/537.36"; yauaa keeps such
#: UAs from the field): the spaces that separate the tokens the rules read, put back in order.
_RESPACINGS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"^Mozilla/5\.0\("), "Mozilla/5.0 ("),
    (re.compile(r";(?=\S)"), "; "),
    (re.compile(r"\)(?=[^\s;)])"), ") "),
    (re.compile(r"IntelMacOSX"), "Intel Mac OS X "),
    (re.compile(r"KHTML,likeGecko"), "KHTML, like Gecko"),
    (re.compile(r"(?<=Android)(?=\d)|(?<=CrOS)(?=[a-z])|(?<=WindowsNT)(?=\d)|(?<=\S)(?=Build/)"),
     " "),
    (re.compile(r"WindowsNT"), "Windows NT"),
    (re.compile(r"MobileSafari/"), "Mobile Safari/"),
    # A product glued to the version before it: "Chrome/143.0.0.0Safari/", "140Version/".
    (re.compile(r"(?<=[\d.])(?=[A-Z][A-Za-z]+/|Mobile Safari/|\(KHTML)"), " "),
)


def _respaced(ua: str) -> str:
    """A UA stripped of its spaces, with the separating ones put back."""
    for pattern, replacement in _RESPACINGS:
        ua = pattern.sub(replacement, ua)
    return ua


def _cleaned(ua: str) -> str:
    """The UA without surrounding space, and safe to hand to the resolver."""
    ua = ua.strip()
    if not ua.isascii():
        # Lone surrogates cannot cross into the Rust resolver; real UAs are ASCII anyway.
        ua = ua.encode("utf-8", "replace").decode("utf-8")
    return ua


_classify_cached: Final = functools.lru_cache(maxsize=CACHE_SIZE)(_classify)

_HEADER_NAMES_LOWER: Final = tuple(name.lower() for name in VARY_HEADERS)


def _text(value: object, limit: int) -> str:
    """A header value as a string no longer than `limit`; anything else becomes ""."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, bytes):
        return value[:limit].decode("latin-1")
    return ""


def classify_request(headers: Mapping[str, str] | SupportsHeaderGet) -> DeviceProfile:
    """Classify a request from its headers (werkzeug headers, or a mapping with any key casing)."""
    try:
        get: Callable[[str], object]
        if isinstance(headers, Mapping):
            # Plain dicts and other mappings are case-sensitive: look names up lower-cased.
            lowered = {str(key).lower(): value for key, value in headers.items()}
            names = _HEADER_NAMES_LOWER
            get = lowered.get
        else:
            # werkzeug's Headers and EnvironHeaders already ignore case.
            names = VARY_HEADERS
            get = headers.get
        return _classify_cached(
            _text(get(names[0]), MAX_UA_LENGTH),
            *(_text(get(name), MAX_HINT_LENGTH) for name in names[1:]),
        )
    except Exception:
        log.exception("reading the request headers failed")
        return _UNKNOWN_PROFILE


def classify_user_agent(user_agent: str) -> DeviceProfile:
    """Classify a bare User-Agent string, as if it came without client hints."""
    return classify_request({"User-Agent": user_agent})


def clear_cache() -> None:
    """Forget every cached classification (for benchmarks and tests)."""
    _classify_cached.cache_clear()
