import assert from "node:assert/strict";
import { test } from "node:test";

import { installOffer, isIosSafari } from "../../app/static/js/lib/install.mjs";

const IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const IPHONE_CHROME = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1";
const IPHONE_FACEBOOK = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.40.99]";
const MAC_SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

test("Safari on an iPhone, and on an iPad in desktop mode, is iOS Safari", () => {
  assert.equal(isIosSafari({ userAgent: IPHONE_SAFARI, platform: "iPhone", maxTouchPoints: 5 }), true);
  assert.equal(isIosSafari({ userAgent: MAC_SAFARI, platform: "MacIntel", maxTouchPoints: 5 }), true);
});

test("a Mac, other iOS browsers and in-app browsers are not", () => {
  assert.equal(isIosSafari({ userAgent: MAC_SAFARI, platform: "MacIntel", maxTouchPoints: 0 }), false);
  assert.equal(isIosSafari({ userAgent: IPHONE_CHROME, platform: "iPhone", maxTouchPoints: 5 }), false);
  assert.equal(isIosSafari({ userAgent: IPHONE_FACEBOOK, platform: "iPhone", maxTouchPoints: 5 }), false);
  assert.equal(isIosSafari({ userAgent: ANDROID_CHROME, platform: "Linux armv8l", maxTouchPoints: 5 }), false);
  assert.equal(isIosSafari(), false);
});

test("the browser's prompt comes first, then the iOS steps, else nothing", () => {
  assert.equal(installOffer({ hasPrompt: true }), "prompt");
  assert.equal(installOffer({ hasPrompt: true, iosSafari: true }), "prompt");
  assert.equal(installOffer({ iosSafari: true }), "ios");
  assert.equal(installOffer({}), "none");
});

test("an installed app, or an offer made once, is never offered again", () => {
  assert.equal(installOffer({ standalone: true, hasPrompt: true }), "none");
  assert.equal(installOffer({ offered: true, iosSafari: true }), "none");
  assert.equal(installOffer({ offered: true, hasPrompt: true }), "none");
});
