"""Build bench/device_field_corpus.json: real User-Agents from public test suites, each labelled.

Run once by hand when the sources move (`python bench/build_device_corpus.py`); it reads the
repositories as git directories under $UA_SOURCES (default /work/.mirror), each at
OWNER+NAME/repo, and writes the corpus, which is committed as data. The bench and the tests
read only the JSON.

Every entry keeps its source (repository, commit, file) and the source's own label; the kind and
the expected path are derived from that label by `kind_of_*` below, then corrected where the
product's rules (app/device.py's docstring) say otherwise: a KaiOS or feature phone keeps the
app path unless it is KaiOS (cannot run Teams: path "none"); an Android or iPad browser in
desktop mode, which sends a computer's UA, is left out as "ambiguous" (only the page can tell);
an Android app's web view is in-app even where the source calls it a phone. A UA two sources
label differently is left out as "disputed". Matomo device-detector's fixtures are NOT used: the
held-back acceptance corpus is labelled by that project.

Android web views without "; wv)" ("Version/4.0 Chrome/..."): WhichBrowser's label for them is
"using Chromium WebView" with no browser name, which counts as in-app; yauaa says "Browser
Webview", uap-core "Chrome Mobile WebView". ua-parser-js's device tests and woothee label only the
device, so their "phone" says nothing about the browser; those entries keep the source's label
and count against app/device.py where it calls the UA a web view (its docstring gives the
product's reason). yauaa also calls browsers built on the web view that name themselves (Focus,
DuckDuckGo, UC, Quark) web views, where WhichBrowser labels the same browsers browsers: those
entries, without "; wv)", are left out as disputed. The lower-cased sample is chosen by a hash of
the UA, so relabelling one entry leaves the others' sample alone.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "device_field_corpus.json"
#: Where the sources are, each as OWNER+NAME/repo (a bare clone will do); $UA_SOURCES overrides.
MIRRORS = Path(os.environ.get("UA_SOURCES", "/work/.mirror"))

#: The headers app/device.py reads besides the UA (client hints, X-Requested-With).
KEPT_HEADERS = {
    "sec-ch-ua": "Sec-CH-UA", "sec-ch-ua-mobile": "Sec-CH-UA-Mobile",
    "sec-ch-ua-platform": "Sec-CH-UA-Platform",
    "sec-ch-ua-platform-version": "Sec-CH-UA-Platform-Version",
    "sec-ch-ua-model": "Sec-CH-UA-Model", "sec-ch-ua-form-factors": "Sec-CH-UA-Form-Factors",
    "sec-ch-ua-full-version-list": "Sec-CH-UA-Full-Version-List",
    "x-requested-with": "X-Requested-With",
}

PATHS = {"desktop": "web", "phone": "app", "tablet": "app", "in-app": "open-in-browser",
         "bot": "none", "tv": "none", "console": "none", "car": "none", "wearable": "none",
         "other-device": "none"}

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """YAML by the safe loader (the C one when built; some test files are megabytes)."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader)


class Repo:
    """A bare git directory read at one commit."""

    def __init__(self, name: str, license_: str, ref: str = "HEAD") -> None:
        self.name = name
        self.license = license_
        self.dir = MIRRORS / name.replace("/", "+") / "repo"
        self.commit = self.git("rev-parse", ref).strip()

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.dir), *args], check=True,
                              capture_output=True, text=True).stdout

    def files(self, prefix: str, suffix: str) -> list[str]:
        names = self.git("ls-tree", "-r", "--name-only", self.commit, prefix).splitlines()
        return [name for name in names if name.endswith(suffix)]

    def read(self, path: str) -> str:
        return self.git("show", f"{self.commit}:{path}")

    def source(self, path: str) -> str:
        return f"github.com/{self.name}@{self.commit[:10]}:{path}"


entries: list[dict[str, Any]] = []


def add(ua: Any, kind: str | None, source: str, label: str, headers: dict[str, str] | None = None,
        note: str | None = None) -> None:
    """Record one labelled UA (kind None: the source's label says nothing we can use)."""
    if kind is None or not isinstance(ua, str) or not ua.strip() or len(ua) > 1024:
        return
    if not ua.isascii() or any(ord(c) < 32 for c in ua):
        return
    entry: dict[str, Any] = {"ua": ua, "kind": kind, "source": source, "label": label}
    if headers:
        entry["headers"] = headers
    if note:
        entry["note"] = note
    entries.append(entry)


# --- yauaa (Niels Basjes, Apache-2.0): DeviceClass and AgentClass on every test -------------------
YAUAA_DEVICE = {
    "Desktop": "desktop", "Phone": "phone", "Mobile": "phone", "Tablet": "tablet",
    "TV": "tv", "Set-top box": "tv", "Voice": "tv", "Game Console": "console",
    "Handheld Game Console": "console", "Car": "car", "Watch": "wearable",
    "Virtual Reality": "wearable", "Augmented Reality": "wearable", "eReader": "other-device",
    "Home Appliance": "other-device", "Robot": "bot", "Robot Mobile": "bot", "Spy": "bot",
}


def yauaa() -> None:
    repo = Repo("nielsbasjes/yauaa", "Apache-2.0")
    for path in repo.files("analyzer/src/main/resources/UserAgents", ".yaml"):
        document = load_yaml(repo.read(path)) or {}
        items = document.get("config", []) if isinstance(document, dict) else document
        for item in items or []:
            test = item.get("test") if isinstance(item, dict) else None
            if not test or "expected" not in test:
                continue
            inputs = test.get("input") or {}
            if isinstance(inputs, str):
                inputs = {"user_agent_string": inputs}
            ua = inputs.get("User-Agent", inputs.get("user_agent_string"))
            expected = test["expected"]
            device_class = str(expected.get("DeviceClass", ""))
            agent_class = str(expected.get("AgentClass", ""))
            kind = YAUAA_DEVICE.get(device_class)
            if agent_class in ("Special", "Hacker") or device_class == "Hacker":
                # Apps' own HTTP clients, mail clients, download managers, text browsers, and
                # injection payloads: neither a person's browser nor a crawler to keep out.
                kind = None
            elif agent_class in ("Robot", "Robot Mobile", "Cloud Application", "Robot Imitator"):
                kind = "bot" if device_class != "Robot Imitator" else None
            elif agent_class == "Browser Webview" and kind in ("phone", "tablet", "desktop"):
                kind = "in-app"
            elif agent_class in ("Mobile App", "Email Client", "Media Player") or (
                    agent_class == "Desktop App" and not str(ua).startswith("Mozilla/")):
                # An app's own HTTP client or a player: not a page a person opens (a desktop
                # app's web view, Electron's, keeps its Mozilla/ UA and its label).
                kind = None
            headers = {KEPT_HEADERS[k.lower()]: str(v) for k, v in inputs.items()
                       if k.lower() in KEPT_HEADERS and v}
            add(ua, kind, repo.source(path), f"DeviceClass={device_class}; AgentClass="
                f"{agent_class}", headers)


# --- WhichBrowser/Parser-PHP (MIT): device.type, browser.type ------------------------------------
WHICH_DEVICE = {
    "desktop": "desktop", "mobile": "phone", "tablet": "tablet", "television": "tv",
    "gaming": "console", "car": "car", "watch": "wearable", "headset": "wearable",
    "ereader": "other-device", "bot": "bot", "media": "other-device", "appliance": "other-device",
    "printer": "other-device", "signage": "other-device", "camera": "other-device",
}


#: WhichBrowser's "using" names for web views: with no browser name, an app's web view.
WHICH_WEB_VIEWS = {"Chromium WebView", "Crosswalk WebView", "Amazon WebView"}


def _header_block(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    headers = {}
    for line in str(raw).split("\n"):
        name, _, value = line.partition(": ")
        if value:
            headers[name.strip()] = value.strip()
    return headers


def whichbrowser() -> None:
    repo = Repo("WhichBrowser/Parser-PHP", "MIT")
    for path in repo.files("tests/data", ".yaml"):
        if "/other/" in path or path.endswith("bots/false-positive.yaml"):
            continue  # camouflage, XMLHttpRequest and false-positive cases: not a device label
        for item in load_yaml(repo.read(path)) or []:
            raw = _header_block(item.get("headers", ""))
            ua = raw.get("User-Agent")
            result = item.get("result") or {}
            device = result.get("device") or {}
            browser = result.get("browser") or {}
            device_type = str(device.get("type", ""))
            kind = WHICH_DEVICE.get(device_type)
            browser_type = str(browser.get("type", ""))
            if browser_type.startswith("app") and kind in ("phone", "tablet", "desktop"):
                # An app's web view showing a page; an app's own HTTP client names no browser.
                kind = "in-app" if str(ua).startswith("Mozilla/") else None
            headers = {KEPT_HEADERS[k.lower()]: v for k, v in raw.items()
                       if k.lower() in KEPT_HEADERS and k.lower() != "user-agent"}
            using_raw = browser.get("using") or {}
            using = using_raw.get("name", "") if isinstance(using_raw, dict) else str(using_raw)
            if using in WHICH_WEB_VIEWS and not browser.get("name") and kind in ("phone", "tablet"):
                # WhichBrowser's own label for an app's web view: the engine it uses, and no
                # browser ("Chromium WebView" for "Version/4.0 Chrome/NN.0.0.0" or "; wv)").
                kind = "in-app"
            if headers.get("X-Requested-With") and kind in ("phone", "tablet") and (
                    (using and not browser.get("name")) or browser_type.startswith("app")):
                # An app's package names its own web view; a browser's package is a browser.
                kind = "in-app"
            label = f"device.type={device_type}; browser.type={browser_type or '-'}" + (
                f"; using={using}" if using else "")
            add(ua, kind, repo.source(path), label, headers)


# --- uap-core (Apache-2.0): OS families for computers, Spider devices, app families ---------------
UAP_DESKTOP_OS = re.compile(
    r"^(Windows(?! (Phone|CE|Mobile|RT))( .*)?|Mac OS X|Linux|Ubuntu|Fedora|Debian|Linux Mint|"
    r"Arch Linux|Gentoo|openSUSE|Red Hat|CentOS|Slackware|Mandriva|Kubuntu|Chrome OS|ChromeOS|"
    r"FreeBSD|OpenBSD|NetBSD|DragonFly BSD|Solaris|SunOS)$")
UAP_IN_APP = {
    "Facebook", "Instagram", "WeChat", "LINE", "Baidu Box App", "Crosswalk",
    "Chrome Mobile WebView",
    "Snapchat", "Pinterest", "TikTok", "Twitter", "LinkedIn", "KakaoTalk", "NAVER", "Messenger",
    "Alipay", "DingTalk", "QQ", "Weibo", "Toutiao", "Douyin", "Kuaishou", "Sogou Search App",
    "Baidu", "Quark", "UC Browser Inapp", "Electron",
}


def uap_core() -> None:
    repo = Repo("ua-parser/uap-core", "Apache-2.0")
    for item in load_yaml(repo.read("tests/test_device.yaml"))["test_cases"]:
        if item.get("family") == "Spider":
            add(item["user_agent_string"], "bot", repo.source("tests/test_device.yaml"),
                "device.family=Spider")
    for path in ("tests/test_os.yaml", "test_resources/additional_os_tests.yaml"):
        for item in load_yaml(repo.read(path))["test_cases"]:
            ua, family = item["user_agent_string"], str(item.get("family"))
            if UAP_DESKTOP_OS.match(family) and ua.startswith(("Mozilla/", "Opera/")) \
                    and not re.search(r"Mobile|Android|Tablet|Touch|bot|spider|crawl", ua, re.I):
                add(ua, "desktop", repo.source(path), f"os.family={family}")
    for item in load_yaml(repo.read("tests/test_ua.yaml"))["test_cases"]:
        family = str(item.get("family"))
        if family in UAP_IN_APP:
            ua = item["user_agent_string"]
            if ua.startswith("Mozilla/") and (
                    family == "Electron" or re.search(r"Android|iPhone|iPad|iPod", ua)):
                add(ua, "in-app", repo.source("tests/test_ua.yaml"), f"user_agent.family={family}")


# --- woothee (Apache-2.0): category ---------------------------------------------------------------
def woothee() -> None:
    repo = Repo("woothee/woothee", "Apache-2.0")
    for path in repo.files("testsets", ".yaml"):
        for item in load_yaml(repo.read(path)) or []:
            ua, category, name = item.get("target"), item.get("category"), str(item.get("name"))
            os_name = str(item.get("os"))
            kind = None
            if category == "crawler":
                kind = "bot"
            elif category == "pc":
                kind = "desktop"
            elif category in ("smartphone", "mobilephone"):
                kind = "tablet" if os_name == "iPad" or "Tablet" in str(ua) else "phone"
            elif category == "appliance":
                kind = "console" if re.search(r"Nintendo|PlayStation|PSP|Xbox", os_name) else None
            add(ua, kind, repo.source(path), f"category={category}; name={name}; os={os_name}")


# --- monperrus/crawler-user-agents (MIT): every instance is a crawler or bot ----------------------
def crawler_user_agents() -> None:
    repo = Repo("monperrus/crawler-user-agents", "MIT")
    for item in json.loads(repo.read("crawler-user-agents.json")):
        for ua in item.get("instances", []):
            add(ua, "bot", repo.source("crawler-user-agents.json"), f"pattern={item['pattern']}")


# --- ua-parser-js 1.0.41 (the last MIT release): device.type -------------------------------------
UAJS_DEVICE = {"mobile": "phone", "tablet": "tablet", "smarttv": "tv", "console": "console",
               "wearable": "wearable", "xr": "wearable"}
UAJS_IN_APP = {"Facebook", "Instagram", "WeChat", "Line", "TikTok", "KAKAOTALK", "NAVER",
               "Daum", "Twitter", "LinkedIn", "KAKAOSTORY", "Snapchat", "weibo", "Alipay",
               "Klarna", "Chrome WebView", "GSA", "Electron"}


def ua_parser_js() -> None:
    repo = Repo("faisalman/ua-parser-js", "MIT (1.0.41)", ref="1.0.41")
    for item in json.loads(repo.read("test/device-test.json")):
        expect = item["expect"]
        kind = UAJS_DEVICE.get(str(expect.get("type")))
        if expect.get("type") == "embedded" and re.search(r"Tesla|QtCarBrowser|Android.*Auto",
                                                          item["ua"]):
            kind = "car"
        add(item["ua"], kind, repo.source("test/device-test.json"),
            f"device.type={expect.get('type')}; {item['desc']}")
    for item in json.loads(repo.read("test/browser-test.json")):
        name = str(item["expect"].get("name"))
        if name in UAJS_IN_APP:
            add(item["ua"], "in-app", repo.source("test/browser-test.json"), f"browser.name={name}")


#: Android apps and the package name their web views send in X-Requested-With (the package is the
#: app's id on Google Play: https://play.google.com/store/apps/details?id=PACKAGE).
APP_PACKAGES = {
    "org.telegram.messenger": "Telegram", "org.thunderdog.challegram": "Telegram X",
    "com.discord": "Discord", "com.google.android.gm": "Gmail", "com.reddit.frontpage": "Reddit",
    "com.vkontakte.android": "VK", "com.viber.voip": "Viber", "com.whatsapp": "WhatsApp",
    "com.microsoft.office.outlook": "Outlook", "com.slack": "Slack",
    "jp.naver.line.android": "LINE",
    "com.tencent.mm": "WeChat", "com.baidu.searchbox": "Baidu", "com.ss.android.article.news":
    "Toutiao", "com.zhiliaoapp.musically": "TikTok", "com.snapchat.android": "Snapchat",
    "com.twitter.android": "X", "com.linkedin.android": "LinkedIn", "com.instagram.android":
    "Instagram", "com.facebook.katana": "Facebook", "com.kakao.talk": "KakaoTalk",
    "com.nhn.android.search": "NAVER", "com.yandex.searchapp": "Yandex Start",
}


def derived() -> None:
    """Variants of real entries the field shows: lower-cased UAs (some proxies and SDKs lower-case
    the header), and app web views that only X-Requested-With names (the UA reads like Chrome)."""
    real = [e for e in entries if e["kind"] in ("phone", "tablet", "desktop")
            and e["ua"].startswith("Mozilla/5.0 (") and not e.get("headers")]
    # About 400 of them, chosen by a hash of the UA so that relabelling other entries leaves the
    # sample alone.
    for entry in (e for e in real if zlib.crc32(e["ua"].encode()) % 17 == 0):
        add(entry["ua"].lower(), entry["kind"], entry["source"],
            entry["label"], note="derived: the source's UA lower-cased")
    chrome_phones = [e for e in entries if e["kind"] in ("phone", "in-app") and not e.get("headers")
                     and all(token in e["ua"] for token in ("Chrome/", "Android", "Version/4.0",
                                                             "Mobile Safari/"))
                     and "; wv)" not in e["ua"]]
    packages = sorted(APP_PACKAGES)
    for index, entry in enumerate(chrome_phones[:4 * len(packages)]):
        package = packages[index % len(packages)]
        add(entry["ua"], "in-app", entry["source"], f"{entry['label']}; X-Requested-With: "
            f"{package} ({APP_PACKAGES[package]})", headers={"X-Requested-With": package},
            note="derived: a real web-view-shaped UA (Version/4.0) with the package an app's "
            "web view sends")


def main() -> None:
    for build in (yauaa, whichbrowser, uap_core, woothee, crawler_user_agents, ua_parser_js,
                  derived):
        before = len(entries)
        build()
        print(f"{build.__name__}: {len(entries) - before}", file=sys.stderr)
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        key = (entry["ua"], json.dumps(entry.get("headers", {}), sort_keys=True))
        seen = merged.get(key)
        if seen is None:
            merged[key] = {**entry, "sources": [entry["source"]], "labels": [entry["label"]]}
            continue
        if entry["source"] not in seen["sources"]:
            seen["sources"].append(entry["source"])
            seen["labels"].append(entry["label"])
        if entry["kind"] != seen["kind"] and seen.get("disputed") is None:
            seen["disputed"] = f"{seen['kind']} vs {entry['kind']}"
    result = []
    for entry in merged.values():
        entry.pop("source"), entry.pop("label")
        apply_product_rules(entry)
        entry["path"] = PATHS[entry["kind"]] if "path" not in entry else entry["path"]
        result.append(entry)
    result.sort(key=lambda e: (e["kind"], e["ua"]))
    counts = Counter(e["kind"] for e in result if not e.get("disputed") and not e.get("ambiguous"))
    print(dict(counts), "disputed", sum(1 for e in result if e.get("disputed")),
          "ambiguous", sum(1 for e in result if e.get("ambiguous")), file=sys.stderr)
    document = {
        "description": __doc__.split("\n\n", 1)[1].strip(),
        "licenses": {"nielsbasjes/yauaa": "Apache-2.0", "WhichBrowser/Parser-PHP": "MIT",
                     "ua-parser/uap-core": "Apache-2.0", "woothee/woothee": "Apache-2.0",
                     "monperrus/crawler-user-agents": "MIT",
                     "faisalman/ua-parser-js": "MIT (release 1.0.41)"},
        "paths": PATHS,
        "entries": result,
    }
    with OUT.open("w", encoding="utf-8") as out:
        out.write(json.dumps({k: v for k, v in document.items() if k != "entries"},
                             indent=1)[:-2] + ',\n "entries": [\n')
        out.write(",\n".join(json.dumps(e, separators=(",", ":")) for e in result))
        out.write("\n ]\n}\n")


#: Browsers built on Android's web view that name themselves (as app/device.py reads them).
NAMED_WEB_VIEW_BROWSER = re.compile(
    r"browser|\buc[a-z]*/|quark/|focus/|klar/|duckduckgo/|ddg/|maxthon|opr/|opt/|opera|puffin|"
    r"silk/|epic/|acheetahi|edga/|vivaldi|brave|whale/|kiwi|; cake\b", re.IGNORECASE)
IOS_BROWSERS = re.compile(
    r"CriOS/|FxiOS/|EdgiOS/|OPiOS/|OPT/|YaBrowser/|DuckDuckGo/|Ddg/|Brave/|Focus/|Coast/|Mercury/|"
    r"Opera Mini|UCBrowser|MQQBrowser|Puffin")


def apply_product_rules(entry: dict[str, Any]) -> None:
    """Where app/device.py's documented rules give another path than the source's kind."""
    ua, headers = entry["ua"], entry.get("headers", {})
    if entry["kind"] == "phone" and "kaios" in ua.lower():  # "KaiOS/2.5", "KAIOS/2.0"
        entry["path"] = "none"
        entry["note"] = "product rule: KaiOS feature phones cannot join (path none)"
    if entry["kind"] in ("phone", "tablet") and not headers.get("Sec-CH-UA-Platform") and (
            "(Macintosh;" in ua or re.search(r"\(X11; (?:U; )?Linux (?:x86_64|i686|aarch64)", ua)):
        entry["ambiguous"] = "a phone or tablet in desktop mode sends a computer's UA"
    if re.match(r"(?:Dalvik/|okhttp/)", ua) or " CFNetwork/" in ua or ua.startswith("CFNetwork/"):
        entry["path"] = "none"
        entry["note"] = ("product rule: an app's own HTTP client (Dalvik, CFNetwork, okhttp) is "
                         "no browser a person opens the link in: a tool, path none")
    requested_with = headers.get("X-Requested-With", "")
    if requested_with and "browser" in requested_with.lower() and entry["kind"] == "in-app":
        entry["kind"] = "phone"  # a browser built on the web view names its own package
        entry["note"] = "product rule: a browser's package in X-Requested-With is a browser"
    if (entry["kind"] == "in-app" and "; wv)" not in ua and NAMED_WEB_VIEW_BROWSER.search(ua)
            and all(label.endswith("AgentClass=Browser Webview") for label in entry["labels"])):
        # yauaa calls every browser built on Android's web view a web view; WhichBrowser labels
        # the same browsers (Focus, DuckDuckGo, UC, Quark, Mint) browsers, and app/device.py
        # takes a browser that names itself for the browser the person chose.
        entry["disputed"] = "yauaa: a web view; WhichBrowser: a browser that names itself"
    if entry["kind"] in ("phone", "tablet") and "; wv)" in ua:
        entry["kind"] = "in-app"
        entry["note"] = "product rule: Android's '; wv)' marks an app's web view"
    if entry["kind"] in ("phone", "tablet") and re.search(r"\((?:iPhone|iPad|iPod)", ua) and \
            "AppleWebKit" in ua and "Safari/" not in ua and not IOS_BROWSERS.search(ua):
        entry["kind"] = "in-app"
        entry["note"] = "product rule: an iOS UA without Safari/ or a browser's token is a web view"
    if entry["kind"] == "tablet" and re.search(r"; AEO[A-Z]{2}\b", ua, re.IGNORECASE):
        entry["kind"] = "other-device"
        entry["note"] = ("product rule: an Echo Show (AEO..) is a smart display that cannot run "
                         "Teams, as the speakers cannot")
    if entry["kind"] == "tablet" and "Windows NT" in ua and "Windows Phone" not in ua:
        entry["kind"] = "desktop"
        entry["note"] = "product rule: Windows tablets and convertibles are computers (web)"
    if entry["kind"] == "desktop" and ("electron/" in ua.lower() or "atomshell/" in ua.lower()):
        entry["kind"] = "in-app"
        entry["note"] = "product rule: an Electron app's web view is in-app"


if __name__ == "__main__":
    main()
