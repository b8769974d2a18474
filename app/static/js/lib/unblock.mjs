// Which "how to unblock the camera and microphone" instructions fit this browser. The page
// holds one block of translated text per key (UNBLOCK_KEYS) and shows the one named here.

// Chromium's userAgentData brands, where present, name the browser plainly. A brand list that
// names none of these (Brave, plain Chromium) is a browser we have no own instructions for.
const BRANDS = [
  ["Microsoft Edge", "edge"], ["Opera", "opera"], ["Samsung Internet", "samsung-internet"],
  ["Google Chrome", "chrome"],
];
const PLATFORMS = {
  Windows: "windows", macOS: "macos", Linux: "linux", "Chrome OS": "chromeos",
  ChromeOS: "chromeos", Android: "android",
};
// Order matters: Edge, Opera and Samsung Internet also carry "Chrome/"; Safari's token is in
// nearly every user agent. In-app browsers, web views and other Chromium browsers come first
// as "other": their menus and Android app names differ from Chrome's (TEAMS-FACTS
// "User agents"). Chrome, Firefox and Edge on iOS keep their names (CriOS, FxiOS, EdgiOS).
const UA_BROWSERS = [
  [/; wv\)|FBA[NV]\/|Instagram|Electron\//, "other"], // in-app browsers and web views
  [/YaBrowser|HuaweiBrowser|MiuiBrowser|UCBrowser|Silk\/|OculusBrowser|DuckDuckGo/, "other"],
  [/SamsungBrowser\//, "samsung-internet"],
  [/Edg(e|A|iOS)?\//, "edge"],
  [/OPR\/|OPT\//, "opera"],
  [/Firefox\/|FxiOS\//, "firefox"],
  [/Chrome\/|CriOS\//, "chrome"],
  [/Version\/[\d.]+.*Safari\//, "safari"],
];
const UA_SYSTEMS = [
  [/iPad/, "ipados"], [/iPhone|iPod/, "ios"], [/Android/, "android"], [/Windows/, "windows"],
  [/CrOS/, "chromeos"], [/Macintosh|Mac OS X/, "macos"], [/Linux|X11/, "linux"],
];
const IOS_ONLY = /CriOS|FxiOS|EdgiOS|OPT\//;

const firstMatch = (table, ua) => table.find(([pattern]) => pattern.test(ua))?.[1] ?? "other";

// nav: a navigator-like { userAgent, userAgentData?, platform?, maxTouchPoints? }.
export function detectBrowser(nav = {}) {
  const ua = String(nav.userAgent ?? "");
  const brands = nav.userAgentData?.brands ?? [];
  const branded = brands.length
    ? BRANDS.find(([name]) => brands.some((b) => b.brand === name))?.[1] ?? "other"
    : null;
  const browser = branded ?? firstMatch(UA_BROWSERS, ua);
  let os = PLATFORMS[nav.userAgentData?.platform] ?? firstMatch(UA_SYSTEMS, ua);
  // Samsung Internet exists only on Android; in desktop mode it reads "Linux".
  if (browser === "samsung-internet") os = "android";
  // iPadOS 13+ asks for the desktop site and reads "Macintosh"; only touch gives it away
  // (TEAMS-FACTS "User agents"). CriOS & co. exist only on iOS, whose iPads default to desktop.
  if (os === "macos" && ((nav.platform === "MacIntel" && nav.maxTouchPoints > 1) || IOS_ONLY.test(ua))) {
    os = "ipados";
  }
  return { browser, os };
}

// Each key's text is the TEAMS-FACTS "Unblocking camera and microphone after Block" line named.
const BROWSER_KEYS = {
  edge: () => "edge", // "Edge: the same address-bar icon › Permissions for this site"
  firefox: () => "firefox", // "Firefox: the permissions icon in the address bar"
  // "Samsung Internet: Android Settings › Apps › Samsung Internet › Permissions"
  "samsung-internet": () => "samsung-internet",
  // "Chrome desktop: the icon left of the address"; "Chrome Android: the icon › Permissions"
  chrome: (os) => (os === "android" ? "chrome-android" : "chrome-desktop"),
  // "Safari macOS: Safari › Settings › Websites" (Safari elsewhere than macOS/iOS: none)
  safari: (os) => (os === "macos" ? "safari-mac" : "generic"),
};
const OS_KEYS = {
  macos: "macos-system", // "On macOS every browser also needs System Settings › Privacy & Security"
  // Not in TEAMS-FACTS: Windows' Settings › Privacy & security › Camera / Microphone, with
  // "Let apps access…" and "Let desktop apps access…" both on.
  windows: "windows-system",
  android: "android-app", // the Chrome Android and Samsung lines: "Android Settings › Apps › …"
  // "Settings › Safari (iOS 18: Settings › Apps › Safari)": one entry per app (Settings › Chrome).
  ios: "ios-system",
  ipados: "ios-system",
};
const IOS = new Set(["ios", "ipados"]);

// kind "browser": the site's permission inside the browser; kind "os": the system's switch.
export function unblockInstructionKey({ browser, os } = {}, kind = "browser") {
  if (kind === "os") return OS_KEYS[os] ?? "generic-system";
  // "Safari iOS/iPadOS: aA › Website Settings" is Safari's menu alone, though every iOS
  // browser is WebKit. Chrome iOS (not in TEAMS-FACTS) answers its own prompt and keeps the
  // switch under Settings › Chrome; other iOS browsers get the generic text, then ios-system.
  if (IOS.has(os)) return { safari: "safari-ios", chrome: "chrome-ios" }[browser] ?? "generic";
  return BROWSER_KEYS[browser]?.(os) ?? "generic";
}

export const UNBLOCK_KEYS = Object.freeze([
  "chrome-desktop", "chrome-android", "chrome-ios", "edge", "firefox", "safari-mac", "safari-ios",
  "samsung-internet", "generic",
  "macos-system", "windows-system", "android-app", "ios-system", "generic-system",
]);
