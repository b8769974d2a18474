// The media round trip's behaviour with fake browser parts: what it asks the server for (only
// relay credentials, with the page's CSRF token), what it sends where (only to the relay the
// credentials name), that every wait ends (a relay that never answers, a browser without
// RTCPeerConnection), and that everything it opened is closed and stopped afterwards.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, test } from "node:test";

const SHORT = 30;
globalThis.ValmisTestSettings = { deadlines: { request: SHORT, relay: SHORT, resume: SHORT } };
const never = () => new Promise(() => {});
const recorded = JSON.parse(readFileSync(new URL("./fixtures/chromium-relay-udp.json", import.meta.url)));

const { mediaRoundTrip, relayCredentials } = await import("../../app/static/js/media-round-trip.mjs");

const CREDENTIALS = {
  ice_servers: [{ urls: ["turn:127.0.0.1:3478?transport=udp"], username: "1:ab", credential: "x" }],
  transports: ["udp"], expires_at: "2026-12-06T06:00:00Z",
};

let connections;
let tracks;
let requests;

function fakeTrack(kind) {
  const track = { kind, readyState: "live", stopped: false, stop() { this.stopped = true; this.readyState = "ended"; } };
  track.clone = () => { const copy = fakeTrack(kind); tracks.push(copy); return copy; };
  tracks.push(track);
  return track;
}

// A peer connection that connects (or not) and answers getStats with the recorded run.
function fakePeerConnection({ connects = true } = {}) {
  return class {
    constructor(config) {
      this.config = config;
      this.role = connections.length === 0 ? "sender" : "receiver";
      this.connectionState = "new";
      this.listeners = {};
      this.senders = [];
      this.closed = false;
      this.statsCalls = 0;
      connections.push(this);
    }
    addEventListener(name, listener) { (this.listeners[name] ??= []).push(listener); }
    addTrack(track) { this.senders.push(track); }
    async createOffer() { return { type: "offer", sdp: "" }; }
    async createAnswer() { return { type: "answer", sdp: "" }; }
    async setLocalDescription() {}
    async setRemoteDescription() {
      if (!connects || this.role !== "sender") return;
      setTimeout(() => {
        this.connectionState = "connected";
        for (const listener of this.listeners.connectionstatechange ?? []) listener();
      }, 1);
    }
    async addIceCandidate() {}
    async getStats() {
      const run = recorded[this.role];
      this.statsCalls += 1;
      return new Map((this.statsCalls === 1 ? run.before : run.after).map((entry) => [entry.id, entry]));
    }
    close() { this.closed = true; this.connectionState = "closed"; }
  };
}

beforeEach(() => {
  connections = [];
  tracks = [];
  requests = [];
  globalThis.RTCPeerConnection = fakePeerConnection();
  globalThis.MediaStream = class {
    constructor(list) { this.list = list; }
    getTracks() { return this.list; }
  };
  globalThis.document = { createElement: () => ({ getContext: () => null }) };
  globalThis.AudioContext = class {
    constructor() { this.closed = false; }
    resume() { return never(); } // a browser without sound: the tone stays silent
    close() { this.closed = true; return Promise.resolve(); }
    createOscillator() { return { frequency: {}, connect: (next) => next, start() {}, stop() {} }; }
    createGain() { return { gain: {}, connect: (next) => next }; }
    createMediaStreamDestination() { return { stream: { getAudioTracks: () => [fakeTrack("audio")] } }; }
  };
  globalThis.fetch = async (url, options) => {
    requests.push({ url, ...options });
    return { ok: true, status: 200, json: async () => CREDENTIALS };
  };
});

afterEach(() => {
  delete globalThis.RTCPeerConnection;
  delete globalThis.fetch;
  delete globalThis.AudioContext;
});

const camera = () => ({ getVideoTracks: () => [fakeTrack("video")] });

describe("mediaRoundTrip", () => {
  test("goes through the relay only, with the credentials asked for with the page's token", async () => {
    const progress = [];
    const result = await mediaRoundTrip({
      credentialsUrl: "/api/v1/turn-credentials", csrfToken: "token-1", camera: camera(), seconds: 0.02,
      onProgress: (left, phase) => progress.push(phase),
    });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].url, "/api/v1/turn-credentials");
    assert.equal(requests[0].method, "POST");
    assert.equal(requests[0].headers["X-CSRFToken"], "token-1");
    assert.equal(connections.length, 2);
    for (const connection of connections) {
      assert.equal(connection.config.iceTransportPolicy, "relay");
      assert.deepEqual(connection.config.iceServers, CREDENTIALS.ice_servers);
      assert.equal(connection.closed, true);
    }
    assert.deepEqual(connections[0].senders.map((track) => track.kind), ["video", "audio"]);
    assert.deepEqual(result, {
      path: "relay", transport: "udp", loss_pct: 0, jitter_ms: 1, rtt_ms: 0, kbps: 1378, verdict: "good", reasons: [],
    });
    assert.deepEqual([progress[0], progress.at(-1)], ["connecting", "measuring"]);
  });

  test("sends a copy of the camera's picture and stops every track it made, not the camera's", async () => {
    const stream = camera();
    const own = stream.getVideoTracks()[0];
    await mediaRoundTrip({ credentialsUrl: "/turn", camera: { getVideoTracks: () => [own] }, seconds: 0.01 });
    assert.equal(own.stopped, false);
    assert.ok(tracks.filter((track) => track !== own).every((track) => track.stopped));
  });

  test("without a relay, meets inside the page and says the network was not tested", async () => {
    const result = await mediaRoundTrip({ credentialsUrl: null, camera: camera(), seconds: 0.01 });
    assert.equal(requests.length, 0);
    assert.deepEqual(connections[0].config, { iceServers: [] });
    assert.equal(result.path, "loopback");
    assert.equal(result.transport, null);
    assert.equal(result.verdict, "not-tested");
  });

  test("a site without a relay (404) or a request that never answers: inside the page", async () => {
    globalThis.fetch = async () => ({ ok: false, status: 404, json: async () => ({}) });
    assert.equal((await mediaRoundTrip({ credentialsUrl: "/turn", camera: camera(), seconds: 0.01 })).path, "loopback");
    let aborted = null;
    globalThis.fetch = (url, { signal }) => { aborted = signal; return never(); };
    assert.equal(await relayCredentials("/turn", "t"), null);
    assert.equal(aborted.aborted, true);
  });

  test("a relay that is never reached ends as unreachable, with everything closed", { timeout: 2000 }, async () => {
    globalThis.RTCPeerConnection = fakePeerConnection({ connects: false });
    const result = await mediaRoundTrip({ credentialsUrl: "/turn", camera: null, seconds: 10 });
    assert.equal(result.verdict, "unreachable");
    assert.equal(result.loss_pct, null);
    assert.ok(connections.every((connection) => connection.closed));
    assert.ok(tracks.length && tracks.every((track) => track.stopped));
  });

  test("a browser without RTCPeerConnection: no round trip, no request, an honest answer", async () => {
    delete globalThis.RTCPeerConnection;
    const result = await mediaRoundTrip({ credentialsUrl: "/turn", camera: camera(), seconds: 10 });
    assert.equal(result.verdict, "unsupported");
    assert.equal(requests.length, 0);
  });

  test("stopped while sending: it rejects at once and closes everything", { timeout: 2000 }, async () => {
    const stop = new AbortController();
    const running = mediaRoundTrip({
      credentialsUrl: "/turn", camera: null, seconds: 60, signal: stop.signal,
      onProgress: (left, phase) => { if (phase === "sending") stop.abort(); },
    });
    await assert.rejects(running);
    assert.equal(connections.length, 2);
    assert.ok(connections.every((connection) => connection.closed));
    assert.ok(tracks.length && tracks.every((track) => track.stopped));
  });
});
