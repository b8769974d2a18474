// Outside the checks, what waits on the browser ends too: a dashboard poll, a passkey
// ceremony's request, the offline page's "can we reach the server?" and a clipboard write that
// never answer each end in time, as a failure the page already knows how to show.
import assert from "node:assert/strict";
import { test } from "node:test";

const SHORT = 20;
globalThis.ValmisTestSettings = { deadlines: { poll: SHORT, request: SHORT, ping: SHORT, clipboard: SHORT } };
const never = () => new Promise(() => {});
const element = (dataset = {}, parts = {}) => ({ dataset, querySelector: (selector) => parts[selector] ?? null });

globalThis.document = { hidden: false, addEventListener() {} };
globalThis.window = { fetch: never, location: { assign() {} } };

const { default: DashboardLive } = await import("../../app/static/js/dashboard-live.mjs");
const { default: Passkey } = await import("../../app/static/js/passkey.mjs");
const { default: Pwa } = await import("../../app/static/js/pwa.mjs");
const { default: CopyLink } = await import("../../app/static/js/copy-link.mjs");

test("a dashboard poll that never answers is aborted, counted as an error, and polled again", { timeout: 2000 }, async () => {
  const signals = [];
  globalThis.fetch = (url, { signal }) => {
    signals.push(signal);
    return never();
  };
  const live = new DashboardLive(element({ url: "/staff/dashboard/rows" }, { ".js-dashboard-rows": {} }));
  let scheduled = 0;
  live.schedule = () => { scheduled += 1; };
  await live.poll();
  assert.equal(live.failures, 1);
  assert.equal(scheduled, 1);
  assert.equal(signals[0].aborted, true);
});

test("a passkey request that never answers ends as a failure, and the button works again", { timeout: 2000 }, async () => {
  globalThis.fetch = never;
  const button = { disabled: false };
  const status = { textContent: "" };
  const passkey = new Passkey(element(
    { mode: "authenticate", optionsUrl: "/o", verifyUrl: "/v", i18nWorking: "…", i18nFailed: "Failed" },
    { ".js-passkey-button": button, ".js-passkey-status": status },
  ));
  await passkey.run();
  assert.equal(status.textContent, "Failed");
  assert.equal(button.disabled, false);
});

test("a server that never answers is not reachable", { timeout: 2000 }, async () => {
  globalThis.fetch = never;
  const pwa = new Pwa(element({ pingUrl: "/api/v1/ping" }));
  assert.equal(await pwa.reachable(), false);
});

test("a clipboard that never answers leaves the link selected for copying by hand", { timeout: 2000 }, async () => {
  globalThis.navigator = { clipboard: { writeText: never } };
  let selected = false;
  const status = { textContent: "" };
  const copy = new CopyLink(element({ i18nCopied: "Copied", i18nFailed: "Copy it yourself" }, {
    ".copy-link__input": { value: "https://example.org/r/x", select: () => { selected = true; } },
    ".copy-link__button": {}, ".copy-link__status": status,
  }));
  await copy.copy();
  assert.equal(status.textContent, "Copy it yourself");
  assert.equal(selected, true);
});
