// The connection check with its media round trip: the round trip's result joins the HTTP
// figures, lowers the status when the video would not travel well, and Stop or "Check later"
// during it ends the check at once, with every connection closed.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

globalThis.ValmisTestSettings = {
  deadlines: { request: 50, relay: 50, resume: 10, ping: 1000, transfer: 1000 },
  connectionLimits: { rttTargetMs: 60_000, veryHighRttMs: 60_000, jitterTargetMs: 60_000, videoMinKbps: 0, videoRecommendedKbps: 0 },
};

// A check's section: parts by js-* hook, texts in dataset.
function fakeSection() {
  const parts = {};
  const listeners = {};
  const part = (hook) => (parts[hook] ??= {
    hidden: true, textContent: "", value: 0, max: 0, dataset: {},
    addEventListener: (name, listener) => { listeners[`${hook}:${name}`] = listener; },
    querySelector: () => null,
    querySelectorAll: () => [],
    contains: () => false,
  });
  const dataset = { check: "connection", i18nSecondsLeft: "{number} s" };
  return {
    parts, dataset,
    element: { dataset, querySelector: (selector) => part(selector.slice(4)), contains: () => false },
    click: (hook) => listeners[`${hook}:click`](),
  };
}

async function until(condition, what) {
  for (let waited = 0; waited < 3000; waited += 5) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never reached: ${what}`);
}

let reported;
let connections;
const onResult = (name, result) => reported.push(result);

// A peer connection that connects and reports a lossy receiver.
class FakePeerConnection {
  constructor(config) {
    this.config = config;
    this.role = connections.length ? "receiver" : "sender";
    this.connectionState = "new";
    this.closed = false;
    this.calls = 0;
    connections.push(this);
  }
  addEventListener(name, listener) {
    if (name === "connectionstatechange") this.onState = listener;
  }
  addTrack() {}
  async createOffer() { return { type: "offer" }; }
  async createAnswer() { return { type: "answer" }; }
  async setLocalDescription() {}
  async setRemoteDescription() {
    setTimeout(() => {
      this.connectionState = "connected";
      this.onState?.();
    }, 1);
  }
  async addIceCandidate() {}
  async getStats() {
    this.calls += 1;
    const at = this.calls * 1000;
    if (this.role === "sender") {
      return new Map([
        ["t", { id: "t", type: "transport", timestamp: at, selectedCandidatePairId: "p" }],
        ["p", { id: "p", type: "candidate-pair", timestamp: at, localCandidateId: "l", currentRoundTripTime: 0.02, availableOutgoingBitrate: 3e6 }],
        ["l", { id: "l", type: "local-candidate", timestamp: at, candidateType: "relay", relayProtocol: "udp" }],
      ]);
    }
    const got = this.calls === 1 ? 0 : 900;
    return new Map([["v", {
      id: "v", type: "inbound-rtp", kind: "video", timestamp: at, packetsReceived: got,
      packetsLost: this.calls === 1 ? 0 : 100, bytesReceived: got * 1000, jitter: 0.01,
    }]]);
  }
  close() { this.closed = true; }
}

beforeEach(() => {
  reported = [];
  connections = [];
  globalThis.document = { documentElement: { lang: "en" }, createElement: () => ({ getContext: () => null }) };
  Object.defineProperty(globalThis, "navigator", { value: { onLine: true }, configurable: true, writable: true });
  globalThis.MediaStream = class {
    constructor(list) { this.list = list; }
    getTracks() { return this.list; }
  };
  globalThis.RTCPeerConnection = FakePeerConnection;
  globalThis.fetch = async (url) => ({
    ok: true, status: 200, arrayBuffer: async () => new ArrayBuffer(0),
    json: async () => (url === "/turn" ? { ice_servers: [{ urls: ["turn:x"], username: "1:a", credential: "c" }] } : {}),
  });
});

afterEach(() => {
  delete globalThis.fetch;
  delete globalThis.RTCPeerConnection;
  delete globalThis.ValmisTestSettings.mediaSeconds;
});

const { default: ConnectionCheck } = await import("../../app/static/js/connection-check.mjs");

function connection() {
  const section = fakeSection();
  const camera = { getVideoTracks: () => [{ readyState: "live", clone: () => ({ stop() {} }) }] };
  const check = new ConnectionCheck(section.element, onResult, {
    urls: { ping: "/ping", download: "/download", upload: "/upload" }, stunUrl: null,
    turnUrl: "/turn", csrfToken: "t", cameraStream: () => camera,
  });
  check.start();
  return { section, check };
}

test("the round trip's figures join the result, and 10 % loss makes the connection poor", { timeout: 5000 }, async () => {
  globalThis.ValmisTestSettings.mediaSeconds = 0.01;
  const { section } = connection();
  section.click("run");
  await until(() => reported.length, "a connection result");
  const [result] = reported;
  assert.equal(result.status, "poor");
  assert.equal(result.media.path, "relay");
  assert.equal(result.media.transport, "udp");
  assert.equal(result.media.loss_pct, 10);
  assert.equal(result.media.verdict, "poor");
  assert.deepEqual(result.media.reasons, ["loss"]);
  assert.ok(Number.isFinite(result.rtt_ms), "the HTTP figures stay");
  assert.equal(section.parts.media.hidden, false);
  assert.equal(section.parts.media.dataset.verdict, "poor");
  assert.ok(connections.every((peer) => peer.closed));
});

for (const button of ["cancel", "skip"]) {
  test(`${button} while the test video travels ends the check at once, everything closed`, { timeout: 5000 }, async () => {
    globalThis.ValmisTestSettings.mediaSeconds = 60;
    const { section } = connection();
    section.click("run");
    await until(() => section.dataset.state === "measuring-media" && connections[0]?.calls > 0, "the round trip");
    section.click(button);
    await until(() => reported.length, "a connection result");
    const [result] = reported;
    assert.equal(result.media, undefined, "no verdict from a round trip that was stopped");
    // Stop keeps the HTTP figures; "Check later" puts the whole check off.
    assert.equal(result.status, button === "skip" ? "skipped" : "ok");
    assert.ok(connections.every((peer) => peer.closed));
  });
}
