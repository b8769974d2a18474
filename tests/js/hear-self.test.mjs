// Hear yourself's logic (lib/hear-self.mjs): its states, the recording format chosen, the Web
// Audio fallback, deadlines on every step, and that the recording is never stored or sent.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

const SHORT = 20;
globalThis.ValmisTestSettings = {
  deadlines: { recorderStart: SHORT, recorderStop: SHORT, decode: SHORT, playback: SHORT, play: SHORT, setSinkId: SHORT },
};

const {
  HearSelf, MIME_TYPES, STATES, canMove, captureMethod, chooseMimeType, joinChunks,
  playInElement, secondsLeft,
} = await import("../../app/static/js/lib/hear-self.mjs");
const { pause } = await import("../../app/static/js/lib/deadline.mjs");

const never = () => new Promise(() => {});
const MS = 30; // a recording's length here

// A MediaRecorder that records what its options ask; hooks let a test break start or stop.
function fakeRecorder({ supported = MIME_TYPES, start = true, stop = true, data = [new Blob(["sound"])] } = {}) {
  const made = [];
  class Recorder extends EventTarget {
    static isTypeSupported(type) { return supported.includes(type); }
    constructor(stream, options) {
      super();
      this.stream = stream;
      this.options = options;
      this.mimeType = options.mimeType ?? "";
      this.state = "inactive";
      made.push(this);
    }
    start() {
      this.state = "recording";
      if (start) queueMicrotask(() => this.dispatchEvent(new Event("start")));
    }
    stop() {
      this.state = "inactive";
      this.stops = (this.stops ?? 0) + 1;
      if (!stop) return;
      for (const blob of data) {
        const event = new Event("dataavailable");
        event.data = blob;
        this.dispatchEvent(event);
      }
      this.dispatchEvent(new Event("stop"));
    }
  }
  Recorder.made = made;
  return Recorder;
}

// An AudioContext whose buffers play (or never end), decode (or fail), and whose script
// processor delivers blocks of samples.
function fakeContext({ ends = true, decodes = true, blocks = 3 } = {}) {
  const node = () => ({ connect() {}, disconnect() { this.disconnected = true; }, gain: { value: 1 } });
  const context = {
    sampleRate: 8000,
    destination: node(),
    started: [],
    createMediaStreamSource: () => node(),
    createGain: () => node(),
    createScriptProcessor() {
      const processor = node();
      // Blocks arrive while recording, as a running context would give them.
      let sent = 0;
      const timer = setInterval(() => {
        if (!processor.onaudioprocess || sent >= blocks) return;
        sent += 1;
        processor.onaudioprocess({ inputBuffer: { getChannelData: () => new Float32Array(4).fill(sent / 10) } });
      }, 1);
      processor.disconnect = () => { clearInterval(timer); processor.disconnected = true; };
      return processor;
    },
    createBuffer(channels, length, rate) {
      const data = new Float32Array(length);
      return { length, duration: length / rate, getChannelData: () => data };
    },
    decodeAudioData(bytes, resolve, reject) {
      if (!decodes) return reject(new DOMException("", "EncodingError"));
      resolve(context.createBuffer(1, 80, 8000));
    },
    createBufferSource() {
      const source = { ...node(), start() { context.started.push(source.buffer); if (ends) setTimeout(() => source.onended?.(), 1); },
        stop() {} };
      return source;
    },
  };
  return context;
}

// What a page's globals would be, with every way out of the page watched: none may be used.
let leaks;
function env(extra = {}) {
  const watch = (name) => (...args) => { leaks.push([name, ...args]); };
  return {
    AbortController, URL: { createObjectURL: () => "blob:x", revokeObjectURL() {} },
    fetch: watch("fetch"), navigator: { sendBeacon: watch("sendBeacon") },
    localStorage: { setItem: watch("localStorage") }, indexedDB: { open: watch("indexedDB") },
    caches: { open: watch("caches") },
    ...extra,
  };
}

// The page's own ways out, as globals: the module must use none of them either.
const trap = (name) => (...args) => { leaks.push([name, ...args]); };
for (const [name, value] of Object.entries({
  fetch: trap("fetch"), localStorage: { setItem: trap("localStorage") },
  sessionStorage: { setItem: trap("sessionStorage") }, indexedDB: { open: trap("indexedDB") },
  caches: { open: trap("caches"), put: trap("caches") }, XMLHttpRequest: trap("XMLHttpRequest"),
  navigator: { sendBeacon: trap("sendBeacon") },
})) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });

beforeEach(() => {
  leaks = [];
});

function session(environment, states = []) {
  return new HearSelf({ env: environment, ms: MS, onState: (state, detail) => states.push(detail ? `${state}:${detail}` : state) });
}

test("the states go idle → recording → playing → asking → heard, and no other way", () => {
  assert.deepEqual(STATES, ["idle", "recording", "playing", "asking", "heard", "not-heard", "failed"]);
  assert.ok(canMove("idle", "recording"));
  assert.ok(canMove("asking", "not-heard"));
  assert.ok(canMove("not-heard", "recording"), "No lets them try again");
  assert.ok(!canMove("idle", "asking"));
  assert.ok(!canMove("recording", "heard"), "no answer before the playback");
  assert.ok(!canMove("playing", "heard"));
});

test("the first format the browser records is asked for: WebM/Opus, Safari's MP4, Ogg", () => {
  assert.equal(chooseMimeType(fakeRecorder()), "audio/webm;codecs=opus");
  assert.equal(chooseMimeType(fakeRecorder({ supported: ["audio/mp4"] })), "audio/mp4");
  assert.equal(chooseMimeType(fakeRecorder({ supported: ["audio/ogg"] })), "audio/ogg");
  assert.equal(chooseMimeType(fakeRecorder({ supported: [] })), "", "none known: the browser chooses");
  assert.equal(chooseMimeType(class {}), "", "no isTypeSupported (old Safari)");
  const throwing = class { static isTypeSupported() { throw new Error("no"); } };
  assert.equal(chooseMimeType(throwing), "");
});

test("capture: MediaRecorder, else Web Audio's ScriptProcessor, else none", () => {
  class Context {}
  Context.prototype.createScriptProcessor = () => {};
  assert.equal(captureMethod({ MediaRecorder: fakeRecorder(), AudioContext: Context }), "media-recorder");
  assert.equal(captureMethod({ AudioContext: Context }), "web-audio");
  assert.equal(captureMethod({ webkitAudioContext: Context }), "web-audio", "old Safari");
  assert.equal(captureMethod({}), null);
});

test("the countdown counts whole seconds down to 0", () => {
  assert.equal(secondsLeft(0, 4000), 4);
  assert.equal(secondsLeft(1, 4000), 4);
  assert.equal(secondsLeft(1000, 4000), 3);
  assert.equal(secondsLeft(3999, 4000), 1);
  assert.equal(secondsLeft(5000, 4000), 0);
  assert.equal(secondsLeft(-5, 4000), 4);
});

test("Web Audio's blocks are joined end to end", () => {
  const joined = joinChunks([new Float32Array([1, 2]), new Float32Array([3])]);
  assert.deepEqual([...joined], [1, 2, 3]);
});

test("pause ends early when the check is stopped", async () => {
  const controller = new AbortController();
  const waiting = pause(10_000, controller.signal);
  controller.abort(new Error("stopped"));
  await assert.rejects(waiting, /stopped/);
});

test("MediaRecorder: records in the chosen format, plays it decoded, then asks", async () => {
  const Recorder = fakeRecorder({ supported: ["audio/mp4"] });
  const context = fakeContext();
  const states = [];
  let released = 0;
  const run = session(env({ MediaRecorder: Recorder }), states);
  assert.equal(await run.run({ stream: {}, context, release: () => { released += 1; } }), "asking");
  assert.deepEqual(states, ["recording", "playing", "asking"]);
  assert.equal(Recorder.made[0].options.mimeType, "audio/mp4");
  assert.equal(released, 1, "the microphone goes off before the playback");
  assert.equal(context.started.length, 1, "played once");
  assert.equal(run.answer(true), "heard");
  assert.equal(run.recording, null, "the recording is dropped with the answer");
  assert.deepEqual(leaks, []);
});

test("No: not-heard, the recording dropped, and a new try records again", async () => {
  const Recorder = fakeRecorder();
  const states = [];
  const run = session(env({ MediaRecorder: Recorder }), states);
  await run.run({ stream: {}, context: fakeContext() });
  assert.equal(run.answer(false), "not-heard");
  assert.equal(run.recording, null);
  assert.equal(await run.run({ stream: {}, context: fakeContext() }), "asking");
  assert.deepEqual(states, ["recording", "playing", "asking", "not-heard", "recording", "playing", "asking"]);
  assert.equal(Recorder.made.length, 2);
});

test("without MediaRecorder, Web Audio records samples and plays them as an AudioBuffer", async () => {
  const context = fakeContext();
  const run = session(env());
  assert.equal(await run.run({ stream: {}, context }), "asking");
  const [buffer] = context.started;
  assert.ok(buffer.length >= 4, "the captured samples are played");
  assert.ok(buffer.getChannelData(0).some((sample) => sample > 0));
  assert.deepEqual(leaks, []);
});

test("Web Audio that captures nothing (a context that never runs) fails as no-recording", async () => {
  const states = [];
  const run = session(env(), states);
  assert.equal(await run.run({ stream: {}, context: fakeContext({ blocks: 0 }) }), "failed");
  assert.deepEqual(states, ["recording", "failed:no-recording"]);
});

test("a recorder that never starts, or never stops, fails within its deadline", async () => {
  for (const broken of [{ start: false }, { stop: false }]) {
    const states = [];
    const Recorder = fakeRecorder(broken);
    const run = session(env({ MediaRecorder: Recorder }), states);
    assert.equal(await run.run({ stream: {}, context: fakeContext() }), "failed");
    assert.deepEqual(states, ["recording", "failed:no-recording"], JSON.stringify(broken));
    assert.equal(run.recording, null);
  }
});

test("a playback whose end never comes (no sound output) fails as no-sound, in bounded time", async () => {
  const states = [];
  const run = session(env({ MediaRecorder: fakeRecorder() }), states);
  assert.equal(await run.run({ stream: {}, context: fakeContext({ ends: false }) }), "failed");
  assert.deepEqual(states, ["recording", "playing", "failed:no-sound"]);
  assert.equal(run.recording, null, "nothing kept after a failure");
});

test("a recording Web Audio cannot decode plays in an <audio>, and its blob URL is revoked", async () => {
  const made = [];
  const revoked = [];
  const urls = { createObjectURL: (blob) => { made.push(blob); return `blob:${made.length}`; },
    revokeObjectURL: (url) => revoked.push(url) };
  const audio = fakeAudio();
  const run = session(env({ MediaRecorder: fakeRecorder(), URL: urls }));
  const state = await run.run({ stream: {}, context: fakeContext({ decodes: false }), createAudio: () => audio, sinkId: "out-2" });
  assert.equal(state, "asking");
  assert.equal(audio.sinkId, "out-2", "played on the chosen output");
  assert.deepEqual(revoked, ["blob:1"]);
  assert.equal(audio.src, undefined, "the element lets the recording go");
});

function fakeAudio({ plays = true, ends = true } = {}) {
  return {
    async setSinkId(id) { this.sinkId = id; },
    play() {
      if (!plays) return never();
      if (ends) setTimeout(() => this.onended?.(), 1);
      return Promise.resolve();
    },
    pause() {}, load() {},
    removeAttribute(name) { delete this[name]; },
  };
}

test("<audio> playback: a play() that never settles, or an end that never comes, is bounded; the URL goes", async () => {
  for (const broken of [{ plays: false }, { ends: false }]) {
    const revoked = [];
    const urls = { createObjectURL: () => "blob:1", revokeObjectURL: (url) => revoked.push(url) };
    await assert.rejects(playInElement(new Blob(["x"]), fakeAudio(broken), { urls, ms: MS }),
      { name: "TimeoutError" });
    assert.deepEqual(revoked, ["blob:1"], JSON.stringify(broken));
  }
});

test("stopping while recording (page hidden) ends in idle, silently, with nothing kept", async () => {
  const states = [];
  const Recorder = fakeRecorder();
  const run = new HearSelf({ env: env({ MediaRecorder: Recorder }), ms: 10_000,
    onState: (state) => states.push(state) });
  const running = run.run({ stream: {}, context: fakeContext() });
  await new Promise((resolve) => setTimeout(resolve, 5));
  run.stop();
  assert.equal(await running, "idle");
  assert.deepEqual(states, ["recording", "idle"]);
  assert.equal(Recorder.made[0].state, "inactive", "the recorder stopped");
  assert.equal(run.recording, null);
});

test("no answer before the question", () => {
  const run = session(env());
  assert.throws(() => run.answer(true), /cannot go from idle to heard/);
});
