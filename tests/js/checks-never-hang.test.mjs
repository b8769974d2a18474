// Every check ends, with advice, when a browser promise it waits on never settles: a browser
// with no sound output never settles AudioContext.resume(), a prompt nobody answers leaves
// getUserMedia pending, a hung network never answers a fetch. Deadlines are shortened here.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

const never = () => new Promise(() => {});
const SHORT = 20;
globalThis.ValmisTestSettings = {
  deadlines: {
    resume: SHORT, setSinkId: SHORT, play: SHORT, enumerateDevices: SHORT, getUserMedia: SHORT,
    permissionsQuery: SHORT, ping: SHORT, transfer: SHORT,
  },
};

// A check's section: parts by js-* hook, the status line, data-i18n-* texts in dataset.
function fakeSection(check, texts = {}) {
  const parts = {};
  const listeners = {};
  const part = (hook) => (parts[hook] ??= {
    hidden: true, textContent: "", value: "", children: [],
    addEventListener: (name, listener) => { listeners[`${hook}:${name}`] = listener; },
    replaceChildren(...children) { this.children = children; },
    querySelector: () => null,
    querySelectorAll: () => [],
    contains: () => false, // the focus is never inside a fake
  });
  const dataset = { check };
  for (const [key, text] of Object.entries(texts)) dataset[key] = text;
  return {
    parts, dataset,
    element: { dataset, querySelector: (selector) => part(selector.slice(4)), contains: () => false },
    click: (hook) => listeners[`${hook}:click`](),
    status: () => parts.status.textContent,
  };
}

// A stream whose tracks record being stopped.
function fakeStream() {
  const track = { stopped: false, stop() { this.stopped = true; }, getSettings: () => ({ deviceId: "a" }) };
  return { track, getTracks: () => [track] };
}

function fakeAudioContext({ resume = () => Promise.resolve() } = {}) {
  const node = () => ({ connect: (next) => next ?? node(), start() {}, stop() {},
    frequency: { value: 0 }, gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
    fftSize: 0, getFloatTimeDomainData() {} });
  return class {
    constructor() {
      this.currentTime = 0;
      this.destination = node();
    }
    resume() { return resume(); }
    close() { return Promise.resolve(); }
    createOscillator() { return node(); }
    createGain() { return node(); }
    createMediaStreamSource() { return node(); }
    createAnalyser() { return node(); }
  };
}

// Polls until the condition holds, failing (not hanging) after a second.
async function until(condition, what) {
  for (let waited = 0; waited < 1000; waited += 5) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never reached: ${what}`);
}

function setNavigator(value) {
  Object.defineProperty(globalThis, "navigator", { value, configurable: true, writable: true });
}

let reported;
const onResult = (name, result) => reported.push([name, result]);

beforeEach(() => {
  reported = [];
  globalThis.window = { isSecureContext: true };
  globalThis.document = { hidden: false, documentElement: { lang: "en" } };
  globalThis.Option = class { constructor(text, value) { this.text = text; this.value = value; } };
  globalThis.requestAnimationFrame = (callback) => setTimeout(() => callback(performance.now()), 1);
  globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
  globalThis.AudioContext = fakeAudioContext();
  setNavigator({
    onLine: true,
    // ondevicechange present: the checks listen for changes rather than poll with a timer.
    mediaDevices: {
      getUserMedia: async () => fakeStream(), enumerateDevices: async () => [],
      ondevicechange: null, addEventListener() {},
    },
    permissions: { query: async () => ({ state: "prompt" }) },
  });
});

afterEach(() => {
  delete globalThis.fetch;
});

const { default: SpeakerCheck } = await import("../../app/static/js/speaker-check.mjs");
const { default: MicrophoneCheck } = await import("../../app/static/js/microphone-check.mjs");
const { default: CameraCheck } = await import("../../app/static/js/camera-check.mjs");
const { default: ConnectionCheck } = await import("../../app/static/js/connection-check.mjs");
const { default: HearSelfCheck } = await import("../../app/static/js/hear-self-check.mjs");

const NO_SOUND = "We could not play sound on this device.";
const NO_AUDIO = "We could not listen to the microphone.";
const NO_ANSWER = "Your browser did not answer.";

function speaker() {
  const section = fakeSection("speaker", { i18nDetailNoSound: NO_SOUND, i18nStatusReady: "Ready" });
  const check = new SpeakerCheck(section.element, onResult);
  check.start();
  return { section, check };
}

function microphone() {
  const section = fakeSection("microphone", {
    i18nDetailNoAudio: NO_AUDIO, i18nDetailTimeout: NO_ANSWER, i18nStatusListening: "Say something",
  });
  const check = new MicrophoneCheck(section.element, onResult, {});
  check.start();
  return { section, check };
}

test("speakers: a resume() that never settles ends as unsupported, with what to check", { timeout: 2000 }, async () => {
  globalThis.AudioContext = fakeAudioContext({ resume: never });
  const { section } = speaker();
  section.click("play");
  await until(() => reported.length, "a speaker result");
  assert.deepEqual(reported[0][0], "speaker");
  assert.equal(reported[0][1].status, "unsupported");
  assert.equal(section.dataset.state, "unsupported");
  assert.equal(section.status(), NO_SOUND);
});

test("speakers: a setSinkId() that never settles ends the same way", { timeout: 2000 }, async () => {
  const Context = fakeAudioContext();
  Context.prototype.setSinkId = never;
  globalThis.AudioContext = Context;
  const { section } = speaker();
  section.parts.output.value = "headphones";
  section.click("play");
  await until(() => reported.length, "a speaker result");
  assert.equal(reported[0][1].status, "unsupported");
  assert.equal(section.status(), NO_SOUND);
});

test("speakers: an output list that never comes offers no choice, and nothing hangs", { timeout: 2000 }, async () => {
  const Context = fakeAudioContext();
  Context.prototype.setSinkId = async () => {};
  globalThis.AudioContext = Context;
  navigator.mediaDevices.enumerateDevices = never;
  const { section, check } = speaker();
  await check.offerOutputs();
  assert.equal(section.parts["output-field"]?.hidden ?? true, true);
});

test("microphone: a resume() that never settles fails, with what to check", { timeout: 2000 }, async () => {
  globalThis.AudioContext = fakeAudioContext({ resume: never });
  const { section } = microphone();
  section.click("run");
  await until(() => reported.length, "a microphone result");
  assert.equal(reported[0][1].status, "failed");
  assert.equal(section.dataset.state, "failed");
  assert.equal(section.status(), NO_AUDIO);
  assert.equal(section.parts.retry.hidden, false);
});

test("microphone: a permission prompt never answered ends; a stream that comes late is stopped", { timeout: 2000 }, async () => {
  let answer;
  navigator.mediaDevices.getUserMedia = () => new Promise((resolve) => { answer = resolve; });
  const { section } = microphone();
  section.click("run");
  await until(() => reported.length, "a microphone result");
  assert.equal(reported[0][1].status, "failed");
  assert.equal(section.status(), NO_ANSWER);
  const late = fakeStream();
  answer(late);
  await until(() => late.track.stopped, "the late stream stopped");
});

test("microphone: a device list that never comes does not hold the check", { timeout: 2000 }, async () => {
  navigator.mediaDevices.enumerateDevices = never;
  const { section, check } = microphone();
  section.click("run");
  await until(() => section.dataset.state === "listening", "listening");
  check.stop();
});

test("microphone: a refusal whose permission state never comes is still named", { timeout: 2000 }, async () => {
  navigator.mediaDevices.getUserMedia = async () => { throw new DOMException("", "NotAllowedError"); };
  navigator.permissions.query = never;
  const { section } = microphone();
  section.click("run");
  await until(() => reported.length, "a microphone result");
  assert.equal(reported[0][1].status, "blocked");
});

test("camera: a preview whose play() never settles still ends the check", { timeout: 2000 }, async () => {
  const section = fakeSection("camera", { i18nStatusFailed: "Failed" });
  section.parts.preview = { hidden: true, videoWidth: 0, play: never };
  const check = new CameraCheck(section.element, onResult, {});
  check.start();
  // The real watch lasts seconds; what matters here is that play() did not hold it.
  check.watch = async () => ({ status: "failed", detail: null });
  section.click("run");
  await until(() => reported.length, "a camera result");
  assert.equal(reported[0][1].status, "failed");
});

test("hear yourself: a resume() that never settles fails, says what to check, and reports nothing", { timeout: 2000 }, async () => {
  globalThis.AudioContext = fakeAudioContext({ resume: never });
  const NO_PLAYBACK = "We could not play your recording on this device.";
  const section = fakeSection("hear-self", { i18nDetailNoSound: NO_PLAYBACK });
  const stream = fakeStream();
  navigator.mediaDevices.getUserMedia = async () => stream;
  const check = new HearSelfCheck(section.element, onResult, {});
  check.start();
  section.click("run");
  await until(() => section.dataset.state === "failed", "hear yourself failed");
  assert.equal(section.status(), NO_PLAYBACK);
  assert.equal(section.parts.retry.hidden, false, "it can be tried again");
  assert.equal(stream.track.stopped, true, "the microphone is off");
  // Which of microphone and speakers failed is not known: neither is reported.
  assert.deepEqual(reported, []);
});

function connection() {
  const section = fakeSection("connection", { i18nStatusPoor: "Too slow" });
  const check = new ConnectionCheck(section.element, onResult, {
    urls: { ping: "/ping", download: "/download", upload: "/upload" }, stunUrl: null,
  });
  check.start();
  return { section, check };
}

const answered = (body = {}) => ({ ok: true, status: 200, arrayBuffer: async () => new ArrayBuffer(0), json: async () => body });

for (const hung of ["/ping", "/download", "/upload"]) {
  test(`connection: a ${hung.slice(1)} that never answers ends as poor, and its request is aborted`, { timeout: 2000 }, async () => {
    const signals = [];
    globalThis.fetch = (url, { signal }) => {
      if (!url.startsWith(hung)) return Promise.resolve(answered());
      signals.push(signal);
      return never();
    };
    const { section } = connection();
    section.click("run");
    await until(() => reported.length, "a connection result");
    assert.equal(reported[0][1].status, "poor");
    assert.equal(section.dataset.state, "poor");
    assert.equal(signals.length, 1);
    assert.equal(signals[0].aborted, true);
  });
}

test("connection: stopped by the customer while a request hangs, it is skipped, not poor", { timeout: 2000 }, async () => {
  globalThis.ValmisTestSettings.deadlines.ping = 10_000;
  try {
    globalThis.fetch = never;
    const { section } = connection();
    section.click("run");
    section.click("cancel");
    await until(() => reported.length, "a connection result");
    assert.equal(reported[0][1].status, "skipped");
  } finally {
    globalThis.ValmisTestSettings.deadlines.ping = SHORT;
  }
});
