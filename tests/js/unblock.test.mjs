import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { UNBLOCK_KEYS, detectBrowser, unblockInstructionKey } from "../../app/static/js/lib/unblock.mjs";

// Real user agents (as in tests/ua_corpus.json) and what the page's navigator adds.
const UA = {
  winChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  winEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  winFirefox: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  winOpera: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
  macChrome: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  macEdge: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  macFirefox: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
  linuxChrome: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  linuxFirefox: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  chromeos: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  iphoneSafari: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  iphoneChrome: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1",
  iphoneFirefox: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/124.0 Mobile/15E148 Safari/605.1.15",
  iphoneEdge: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/123.0.2420.56 Mobile/15E148 Safari/604.1",
  ipadSafari: "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  ipadDesktopSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  ipadDesktopChrome: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_5) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/85 Version/11.1.1 Safari/605.1.15",
  androidChrome: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  androidTabletChrome: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  androidFirefox: "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
  samsung: "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  samsungDesktopMode: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Safari/537.36",
  androidWebView: "Mozilla/5.0 (Linux; Android 13; SM-A135F Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.101 Mobile Safari/537.36",
  facebookIphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/453.0.0.47.106;FBBV/574405440;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.3.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/576115489]",
  huaweiBrowser: "Mozilla/5.0 (Linux; Android 12; NOH-NX9; HMSCore 6.13.0.321) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.4.312 Mobile Safari/537.36",
  iphoneDuckDuckGo: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 DuckDuckGo/7 Safari/605.1.15",
};

const brands = (...names) => names.map((brand) => ({ brand, version: "131" }));
const chromium = (platform, ...names) => ({ brands: brands(...names, "Chromium", "Not_A Brand"), mobile: false, platform });
const mac = { platform: "MacIntel", maxTouchPoints: 0 };
const ipad = { platform: "MacIntel", maxTouchPoints: 5 };

// [name, navigator, browser, os, browser key, os key]
const CASES = [
  ["Chrome on Windows", { userAgent: UA.winChrome, userAgentData: chromium("Windows", "Google Chrome"), platform: "Win32" }, "chrome", "windows", "chrome-desktop", "windows-system"],
  ["Chrome on Windows without userAgentData", { userAgent: UA.winChrome }, "chrome", "windows", "chrome-desktop", "windows-system"],
  ["Edge on Windows", { userAgent: UA.winEdge, userAgentData: chromium("Windows", "Microsoft Edge") }, "edge", "windows", "edge", "windows-system"],
  ["Edge on Windows without userAgentData", { userAgent: UA.winEdge }, "edge", "windows", "edge", "windows-system"],
  ["Firefox on Windows", { userAgent: UA.winFirefox, platform: "Win32" }, "firefox", "windows", "firefox", "windows-system"],
  ["Opera on Windows", { userAgent: UA.winOpera, userAgentData: chromium("Windows", "Opera") }, "opera", "windows", "generic", "windows-system"],
  ["Chrome on macOS", { userAgent: UA.macChrome, userAgentData: chromium("macOS", "Google Chrome"), ...mac }, "chrome", "macos", "chrome-desktop", "macos-system"],
  ["Edge on macOS", { userAgent: UA.macEdge, userAgentData: chromium("macOS", "Microsoft Edge"), ...mac }, "edge", "macos", "edge", "macos-system"],
  ["Safari on macOS", { userAgent: UA.macSafari, ...mac }, "safari", "macos", "safari-mac", "macos-system"],
  ["Firefox on macOS", { userAgent: UA.macFirefox, ...mac }, "firefox", "macos", "firefox", "macos-system"],
  ["Chrome on Linux", { userAgent: UA.linuxChrome, userAgentData: chromium("Linux", "Google Chrome") }, "chrome", "linux", "chrome-desktop", "generic-system"],
  ["Firefox on Linux", { userAgent: UA.linuxFirefox }, "firefox", "linux", "firefox", "generic-system"],
  ["Chrome on ChromeOS", { userAgent: UA.chromeos, userAgentData: chromium("Chrome OS", "Google Chrome") }, "chrome", "chromeos", "chrome-desktop", "generic-system"],
  ["Chrome on ChromeOS without userAgentData", { userAgent: UA.chromeos }, "chrome", "chromeos", "chrome-desktop", "generic-system"],
  ["Safari on iPhone", { userAgent: UA.iphoneSafari, platform: "iPhone", maxTouchPoints: 5 }, "safari", "ios", "safari-ios", "ios-system"],
  ["Chrome on iPhone", { userAgent: UA.iphoneChrome, platform: "iPhone", maxTouchPoints: 5 }, "chrome", "ios", "chrome-ios", "ios-system"],
  ["Firefox on iPhone", { userAgent: UA.iphoneFirefox, platform: "iPhone", maxTouchPoints: 5 }, "firefox", "ios", "generic", "ios-system"],
  ["Edge on iPhone", { userAgent: UA.iphoneEdge, platform: "iPhone", maxTouchPoints: 5 }, "edge", "ios", "generic", "ios-system"],
  ["Safari on iPad, mobile site", { userAgent: UA.ipadSafari, platform: "iPad", maxTouchPoints: 5 }, "safari", "ipados", "safari-ios", "ios-system"],
  ["Safari on iPad in desktop mode", { userAgent: UA.ipadDesktopSafari, ...ipad }, "safari", "ipados", "safari-ios", "ios-system"],
  ["Chrome on iPad in desktop mode", { userAgent: UA.ipadDesktopChrome, ...ipad }, "chrome", "ipados", "chrome-ios", "ios-system"],
  ["Chrome on iPad in desktop mode, touch unknown", { userAgent: UA.ipadDesktopChrome }, "chrome", "ipados", "chrome-ios", "ios-system"],
  ["Chrome on Android", { userAgent: UA.androidChrome, userAgentData: { ...chromium("Android", "Google Chrome"), mobile: true } }, "chrome", "android", "chrome-android", "android-app"],
  ["Chrome on an Android tablet, no userAgentData", { userAgent: UA.androidTabletChrome }, "chrome", "android", "chrome-android", "android-app"],
  ["Firefox on Android", { userAgent: UA.androidFirefox }, "firefox", "android", "firefox", "android-app"],
  ["Samsung Internet", { userAgent: UA.samsung }, "samsung-internet", "android", "samsung-internet", "android-app"],
  ["Samsung Internet in desktop mode", { userAgent: UA.samsungDesktopMode, userAgentData: chromium("Linux", "Samsung Internet") }, "samsung-internet", "android", "samsung-internet", "android-app"],
  ["an Android web view", { userAgent: UA.androidWebView }, "other", "android", "generic", "android-app"],
  ["Huawei Browser", { userAgent: UA.huaweiBrowser }, "other", "android", "generic", "android-app"],
  ["Facebook's browser on iPhone", { userAgent: UA.facebookIphone }, "other", "ios", "generic", "ios-system"],
  ["DuckDuckGo on iPhone", { userAgent: UA.iphoneDuckDuckGo }, "other", "ios", "generic", "ios-system"],
];

describe("detectBrowser and unblockInstructionKey on real browsers", () => {
  for (const [name, nav, browser, os, browserKey, osKey] of CASES) {
    test(name, () => {
      const detected = detectBrowser(nav);
      assert.deepEqual(detected, { browser, os });
      assert.equal(unblockInstructionKey(detected), browserKey);
      assert.equal(unblockInstructionKey(detected, "browser"), browserKey);
      assert.equal(unblockInstructionKey(detected, "os"), osKey);
    });
  }
});

describe("detectBrowser", () => {
  test("a Mac (no touch) stays a Mac", () => {
    assert.equal(detectBrowser({ userAgent: UA.macSafari, platform: "MacIntel", maxTouchPoints: 0 }).os, "macos");
  });

  test("one touch point is not an iPad", () => {
    assert.equal(detectBrowser({ userAgent: UA.macSafari, platform: "MacIntel", maxTouchPoints: 1 }).os, "macos");
  });

  test("userAgentData's brands win over the user agent", () => {
    // Edge with a user agent that reads like Chrome's (e.g. reduced or overridden).
    const nav = { userAgent: UA.winChrome, userAgentData: chromium("Windows", "Microsoft Edge") };
    assert.equal(detectBrowser(nav).browser, "edge");
  });

  test("userAgentData's platform wins over the user agent", () => {
    const nav = { userAgent: UA.linuxChrome, userAgentData: chromium("Chrome OS", "Google Chrome") };
    assert.equal(detectBrowser(nav).os, "chromeos");
  });

  test("a brand list naming no browser we know (Brave, Chromium) is other", () => {
    assert.equal(detectBrowser({ userAgent: UA.winChrome, userAgentData: chromium("Windows", "Brave") }).browser, "other");
    assert.equal(detectBrowser({ userAgent: UA.linuxChrome, userAgentData: chromium("Linux") }).browser, "other");
  });

  test("an empty brand list or platform falls back to the user agent", () => {
    const nav = { userAgent: UA.winFirefox, userAgentData: { brands: [], platform: "" } };
    assert.deepEqual(detectBrowser(nav), { browser: "firefox", os: "windows" });
  });

  test("nothing known is other/other", () => {
    assert.deepEqual(detectBrowser({}), { browser: "other", os: "other" });
    assert.deepEqual(detectBrowser(), { browser: "other", os: "other" });
    assert.deepEqual(detectBrowser({ userAgent: "curl/8.5.0" }), { browser: "other", os: "other" });
  });
});

describe("unblockInstructionKey", () => {
  const key = (browser, os, kind) => unblockInstructionKey({ browser, os }, kind);

  test("Chrome: desktop everywhere but Android and iOS", () => {
    for (const os of ["windows", "macos", "linux", "chromeos", "other"]) assert.equal(key("chrome", os), "chrome-desktop", os);
    assert.equal(key("chrome", "android"), "chrome-android");
    assert.equal(key("chrome", "ios"), "chrome-ios");
    assert.equal(key("chrome", "ipados"), "chrome-ios");
  });

  test("Safari: its own Settings on a Mac, the 'aA' menu on iPhone and iPad", () => {
    assert.equal(key("safari", "macos"), "safari-mac");
    assert.equal(key("safari", "ios"), "safari-ios");
    assert.equal(key("safari", "ipados"), "safari-ios");
  });

  test("Edge, Firefox and Samsung Internet have one route each outside iOS", () => {
    for (const os of ["windows", "macos", "linux", "android"]) {
      assert.equal(key("edge", os), "edge", os);
      assert.equal(key("firefox", os), "firefox", os);
    }
    assert.equal(key("samsung-internet", "android"), "samsung-internet");
  });

  test("other iOS browsers have no own site menu: generic", () => {
    for (const browser of ["firefox", "edge", "opera", "other"]) {
      for (const os of ["ios", "ipados"]) assert.equal(key(browser, os), "generic", `${browser} ${os}`);
    }
  });

  test("Opera and unknown browsers get the generic text", () => {
    assert.equal(key("opera", "windows"), "generic");
    assert.equal(key("other", "android"), "generic");
    assert.equal(unblockInstructionKey({}), "generic");
    assert.equal(unblockInstructionKey(), "generic");
  });

  test("the system's switch by operating system", () => {
    assert.equal(key("chrome", "macos", "os"), "macos-system");
    assert.equal(key("safari", "macos", "os"), "macos-system");
    assert.equal(key("edge", "windows", "os"), "windows-system");
    assert.equal(key("chrome", "android", "os"), "android-app");
    assert.equal(key("samsung-internet", "android", "os"), "android-app");
    assert.equal(key("safari", "ios", "os"), "ios-system");
    assert.equal(key("chrome", "ipados", "os"), "ios-system");
    for (const os of ["linux", "chromeos", "other", undefined]) assert.equal(key("chrome", os, "os"), "generic-system", String(os));
  });
});

describe("UNBLOCK_KEYS", () => {
  test("is frozen and has no duplicates", () => {
    assert.ok(Object.isFrozen(UNBLOCK_KEYS));
    assert.equal(new Set(UNBLOCK_KEYS).size, UNBLOCK_KEYS.length);
  });

  test("is exactly the set of keys unblockInstructionKey can return", () => {
    const browsers = ["chrome", "edge", "firefox", "safari", "samsung-internet", "opera", "other"];
    const systems = ["windows", "macos", "linux", "chromeos", "ios", "ipados", "android", "other"];
    const returned = new Set();
    for (const browser of browsers) {
      for (const os of systems) {
        for (const kind of ["browser", "os"]) returned.add(unblockInstructionKey({ browser, os }, kind));
      }
    }
    assert.deepEqual([...returned].sort(), [...UNBLOCK_KEYS].sort());
  });
});
