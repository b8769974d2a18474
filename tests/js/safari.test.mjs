// Where WebKit (Safari on iPhone, iPad and Mac; WebKitGTK) differs from Chromium, and what the
// checks do about it, for what a WebKit test cannot do there: deny a permission, hide the page,
// or tell a press from a later callback.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { summarise } from "../../app/static/js/lib/readiness.mjs";
import { classifyMediaError } from "../../app/static/js/lib/media-errors.mjs";

// A check's section: parts by js-* hook, the state and texts in dataset.
function fakeSection(check) {
  const parts = {};
  const listeners = {};
  const part = (hook) => (parts[hook] ??= {
    hidden: true, textContent: "", value: "", children: [],
    addEventListener: (name, listener) => { listeners[`${hook}:${name}`] = listener; },
    replaceChildren(...children) { this.children = children; },
    play: async () => {}, getContext: () => null, contains: () => false,
  });
  const dataset = { check, i18nStatusInterrupted: "You left the page.", i18nStatusChecking: "Waiting" };
  return {
    parts, dataset,
    element: { dataset, querySelector: (selector) => part(selector.slice(4)), contains: () => false },
    click: (hook) => listeners[`${hook}:click`](),
  };
}

function fakeStream() {
  const track = { stopped: false, stop() { this.stopped = true; }, getSettings: () => ({ deviceId: "a" }) };
  return { track, getTracks: () => [track] };
}

// An audio node that connects, starts and stops, and ramps its gain.
function fakeNode() {
  return { connect: (next) => next ?? fakeNode(), start() {}, stop() {}, frequency: { value: 0 },
    gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} } };
}

// An AudioContext that notes whether it was made, and started, while a press was handled.
let pressing = false;
let contexts;
class FakeAudioContext {
  constructor() {
    this.currentTime = 0;
    this.destination = fakeNode();
    this.madeInPress = pressing;
    this.resumedInPress = false;
    contexts.push(this);
  }
  resume() { this.resumedInPress ||= pressing; return Promise.resolve(); }
  close() { return Promise.resolve(); }
  createOscillator() { return fakeNode(); }
  createGain() { return fakeNode(); }
  createMediaStreamSource() { return { connect() {} }; }
  createAnalyser() { return { fftSize: 0, getFloatTimeDomainData() {} }; }
}

// A press as a browser delivers it: the handler runs now, and only this far counts as the
// gesture; whatever the handler awaits runs after it.
function press(section, hook) {
  pressing = true;
  try {
    section.click(hook);
  } finally {
    pressing = false;
  }
}

async function until(condition, what) {
  for (let waited = 0; waited < 1000; waited += 5) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never reached: ${what}`);
}

let asked;
let answer;
let reported;
beforeEach(() => {
  contexts = [];
  asked = 0;
  reported = [];
  answer = () => Promise.resolve(fakeStream());
  globalThis.window = { isSecureContext: true };
  globalThis.document = {
    hidden: false, activeElement: null,
    createElement: () => ({ getContext: () => ({ drawImage() {}, getImageData: () => ({ data: [] }) }) }),
  };
  globalThis.Option = class { constructor(text, value) { this.text = text; this.value = value; } };
  globalThis.requestAnimationFrame = (callback) => setTimeout(() => callback(performance.now()), 1);
  globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
  globalThis.AudioContext = FakeAudioContext;
  Object.defineProperty(globalThis, "navigator", { configurable: true, writable: true, value: {
    mediaDevices: {
      getUserMedia: () => { asked += 1; return answer(); },
      enumerateDevices: async () => [], ondevicechange: null, addEventListener() {},
    },
    // iPhone Safari asks again on every page load: until then the answer is "prompt".
    permissions: { query: async () => ({ state: "prompt" }) },
  } });
});

const { default: SpeakerCheck } = await import("../../app/static/js/speaker-check.mjs");
const { default: MicrophoneCheck } = await import("../../app/static/js/microphone-check.mjs");
const { default: CameraCheck } = await import("../../app/static/js/camera-check.mjs");
const { browserCapabilities } = await import("../../app/static/js/device-checks.mjs");

// A started check whose results go to this test's own list (a run a test leaves behind
// cannot report into the next test's).
function start(Check, name) {
  const section = fakeSection(name);
  const results = [];
  reported = results;
  const check = new Check(section.element, (check, result) => results.push([check, result]), {});
  check.start();
  return { section, check };
}

test("the test sound's audio is made and started within the press of its button", async () => {
  const { section } = start(SpeakerCheck, "speaker");
  press(section, "play");
  assert.equal(contexts.length, 1);
  assert.ok(contexts[0].madeInPress && contexts[0].resumedInPress);
  await until(() => section.dataset.state === "playing", "playing");
});

test("the microphone's audio starts within the press, not after the permission prompt", async () => {
  let grant;
  answer = () => new Promise((resolve) => { grant = resolve; });
  const { section } = start(MicrophoneCheck, "microphone");
  press(section, "run");
  assert.equal(contexts.length, 1, "made while the press was handled");
  assert.ok(contexts[0].madeInPress && contexts[0].resumedInPress);
  grant(fakeStream());
  await until(() => section.dataset.state === "listening", "listening");
  assert.equal(contexts.length, 1, "the same context listens: none is made outside the press");
});

test("the permission is asked on every run: nothing is assumed remembered", async () => {
  const { section, check } = start(CameraCheck, "camera");
  press(section, "run");
  await until(() => asked === 1, "asked once");
  check.stop();
  press(section, "retry");
  await until(() => asked === 2, "asked again");
  check.stop();
});

test("a refusal on a new page load, with the permission back at 'prompt', is the browser's block", async () => {
  // WebKit's words for a refusal; the Permissions API still says "prompt" (asked per load).
  const refusal = Object.assign(new Error("The request is not allowed by the user agent or the " +
    "platform in the current context, possibly because the user denied permission."), { name: "NotAllowedError" });
  answer = () => Promise.reject(refusal);
  const { section } = start(CameraCheck, "camera");
  press(section, "run");
  await until(() => reported.length === 1, "a result");
  assert.equal(reported[0][1].status, "blocked");
  assert.equal(classifyMediaError(refusal, { permissionState: null }), "blocked", "Safari before 16: no Permissions API");
});

for (const [name, Check, running] of [["camera", CameraCheck, "watching"], ["microphone", MicrophoneCheck, "listening"]]) {
  test(`${name}: hiding the page stops a run, reports nothing, and offers "Try again"`, async () => {
    const stream = fakeStream();
    answer = async () => stream;
    const { section, check } = start(Check, name);
    press(section, "run");
    await until(() => section.dataset.state === running, running);
    check.interrupt();
    assert.equal(section.dataset.state, "interrupted");
    assert.equal(section.parts.status.textContent, "You left the page.");
    assert.equal(stream.track.stopped, true, "the device is off");
    assert.equal(section.parts.retry.hidden, false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(reported, [], "no frozen, black or silent verdict");
  });
}

test("hiding the page while the permission is asked: the stream that comes later is stopped", async () => {
  let grant;
  answer = () => new Promise((resolve) => { grant = resolve; });
  const { section, check } = start(CameraCheck, "camera");
  press(section, "run");
  assert.equal(section.dataset.state, "checking");
  check.interrupt();
  const late = fakeStream();
  grant(late);
  await until(() => late.track.stopped, "the late stream stopped");
  assert.equal(section.dataset.state, "interrupted");
  assert.deepEqual(reported, []);
});

test("hiding the page after a result changes nothing", async () => {
  const { section, check } = start(CameraCheck, "camera");
  press(section, "skip");
  check.interrupt();
  assert.equal(section.dataset.state, "skipped");
  assert.equal(reported.length, 1);
});

test("a browser with a camera but no WebRTC cannot join Teams on the web; the app path is fine", () => {
  const webkitWithoutWebRTC = { isSecureContext: true, navigator: { mediaDevices: { getUserMedia() {} } } };
  const browser = browserCapabilities(webkitWithoutWebRTC);
  assert.deepEqual(browser, { status: "unsupported", secure_context: true, get_user_media: true, webrtc: false });
  const checks = { camera: { status: "ok" }, microphone: { status: "ok" }, speaker: { status: "ok" },
    connection: { status: "ok" }, browser };
  assert.deepEqual(summarise(checks, "web").problems, ["browser-unsupported"]);
  assert.equal(summarise(checks, "app").summary, "ready", "on a phone the Teams app makes the call");
});
