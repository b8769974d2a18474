// The media round trip's figures and verdict, read from getStats() snapshots that Chromium
// recorded in real round trips (tests/js/fixtures: through coturn over UDP, over TCP with UDP
// off, and inside the page without a relay), and from a degraded path made from the UDP one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import {
  CALL_LIMITS, VERDICTS, connectionStatusWith, judge, measure, mediaResult, selectedPair, statsList,
  transportOf,
} from "../../app/static/js/lib/call-quality.mjs";

const recorded = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url)));
const UDP = recorded("chromium-relay-udp");
const TCP = recorded("chromium-relay-tcp");
const LOOPBACK = recorded("chromium-loopback");
const FIREFOX_UDP = recorded("firefox-relay-udp");
const FIREFOX_TCP = recorded("firefox-relay-tcp");
const copy = (value) => structuredClone(value);

// The UDP run as a lossy, jittery path would have left it: of every 100 packets the receiver
// expected, lostPer100 never came, and the sound's jitter estimate is jitterMs.
function degraded(run, { lostPer100 = 0, jitterMs = null, rttMs = null } = {}) {
  const changed = copy(run);
  for (const entry of changed.receiver.after) {
    if (entry.type !== "inbound-rtp") continue;
    const before = run.receiver.before.find((e) => e.id === entry.id);
    const got = entry.packetsReceived - (before?.packetsReceived ?? 0);
    const lost = Math.round((got * lostPer100) / (100 - lostPer100));
    entry.packetsLost = (before?.packetsLost ?? 0) + lost;
    if (jitterMs !== null && entry.kind === "audio") entry.jitter = jitterMs / 1000;
  }
  if (rttMs !== null) {
    const pair = selectedPair(changed.sender.after);
    pair.currentRoundTripTime = rttMs / 1000;
  }
  return changed;
}

describe("statsList", () => {
  test("reads an RTCStatsReport (a Map), a list and an object alike", () => {
    const entry = { id: "a", type: "transport" };
    assert.deepEqual(statsList(new Map([["a", entry]])), [entry]);
    assert.deepEqual(statsList([entry]), [entry]);
    assert.deepEqual(statsList({ a: entry }), [entry]);
    assert.deepEqual(statsList(null), []);
  });
});

describe("transportOf", () => {
  test("finds the relay and its protocol from the selected pair's local candidate", () => {
    assert.deepEqual(transportOf(UDP.sender.after), { candidateType: "relay", transport: "udp" });
    assert.deepEqual(transportOf(TCP.sender.after), { candidateType: "relay", transport: "tcp" });
    assert.equal(transportOf(LOOPBACK.sender.after).candidateType, "host");
  });

  test("reads TLS to the relay, and Firefox's selected pair without a transport entry", () => {
    const stats = [
      { id: "p", type: "candidate-pair", selected: true, localCandidateId: "l" },
      { id: "l", type: "local-candidate", candidateType: "relay", relayProtocol: "tls", protocol: "udp" },
    ];
    assert.deepEqual(transportOf(stats), { candidateType: "relay", transport: "tls" });
  });

  test("is null before a pair was chosen", () => assert.equal(transportOf([]), null));
});

describe("measure on recorded Chromium round trips", () => {
  test("through the relay over UDP: no loss, figures in the recorded range", () => {
    const figures = measure(UDP);
    assert.equal(figures.transport, "udp");
    assert.equal(figures.lossPct, 0);
    assert.ok(figures.packetsReceived > 1000, `${figures.packetsReceived} packets`);
    // Ten seconds of fake camera and a tone: over a megabit, under ten.
    assert.ok(figures.receivedKbps > 1000 && figures.receivedKbps < 10_000, `${figures.receivedKbps}`);
    assert.ok(figures.sentKbps > 1000, `${figures.sentKbps}`);
    assert.ok(figures.videoKbps < figures.receivedKbps);
    assert.ok(figures.rttMs >= 0 && figures.rttMs < 50, `${figures.rttMs}`);
    assert.ok(figures.jitterMs >= 0 && figures.jitterMs < 30, `${figures.jitterMs}`);
    assert.ok(figures.estimateKbps > 1500, `${figures.estimateKbps}`);
  });

  test("with a first snapshot taken before any packet came, the rate still counts", () => {
    // The TCP and loopback runs' first receiver snapshot has no inbound-rtp yet.
    assert.ok(!TCP.receiver.before.some((entry) => entry.type === "inbound-rtp"));
    assert.ok(measure(TCP).receivedKbps > 1000);
    assert.ok(measure(LOOPBACK).receivedKbps > 1000);
  });

  test("with one snapshot of totals and the seconds it covered", () => {
    const figures = measure({ sender: { after: UDP.sender.after }, receiver: { after: UDP.receiver.after }, seconds: 10 });
    const both = measure(UDP);
    assert.ok(Math.abs(figures.receivedKbps - both.receivedKbps) / both.receivedKbps < 0.2);
    assert.equal(figures.lossPct, 0);
  });

  test("counts loss as the receiver saw it", () => {
    assert.ok(Math.abs(measure(degraded(UDP, { lostPer100: 3 })).lossPct - 3) < 0.1);
  });

  test("without any inbound media, nothing was received", () => {
    const none = measure({ sender: UDP.sender, receiver: { before: [], after: [] } });
    assert.equal(none.packetsReceived, null);
    assert.equal(none.lossPct, null);
  });
});

describe("measure on recorded Firefox round trips", () => {
  // Firefox ESR through the same coturn (e2e/engines/test_relay.py): a 640×360 picture at
  // about 11 frames a second needs about a megabit, and Firefox gives no
  // availableOutgoingBitrate; its encoder's target says what congestion control allowed.
  test("reads the relay, the transport and every figure", () => {
    for (const [run, transport] of [[FIREFOX_UDP, "udp"], [FIREFOX_TCP, "tcp"]]) {
      const figures = measure(run);
      assert.deepEqual(transportOf(run.sender.after), { candidateType: "relay", transport });
      assert.equal(figures.lossPct, 0);
      assert.ok(figures.packetsReceived > 1000, `${figures.packetsReceived} packets`);
      assert.ok(figures.receivedKbps > 500 && figures.receivedKbps < 1500, `${figures.receivedKbps}`);
      assert.ok(figures.rttMs >= 0 && figures.rttMs < 50, `${figures.rttMs}`);
      assert.ok(figures.jitterMs >= 0 && figures.jitterMs < 30, `${figures.jitterMs}`);
    }
  });

  test("takes the encoder's target as the estimate when no bandwidth estimate is given", () => {
    assert.ok(!FIREFOX_UDP.sender.after.some((entry) => "availableOutgoingBitrate" in entry));
    const figures = measure(FIREFOX_UDP);
    // totalEncodedBytesTarget grew by about 2.9 MB in the ten seconds: well over 1.5 Mbit/s.
    assert.ok(figures.estimateKbps > 1500, `${figures.estimateKbps}`);
    assert.ok(figures.estimateKbps > figures.receivedKbps);
  });

  test("a clean Firefox path is good over UDP, and UDP-blocked alone over TCP", () => {
    assert.deepEqual(judge(measure(FIREFOX_UDP), "relay"), { verdict: "good", reasons: [] });
    assert.deepEqual(judge(measure(FIREFOX_TCP), "relay"), { verdict: "udp-blocked", reasons: ["udp-blocked"] });
  });

  test("targetBitrate, where a browser gives it, counts before the byte target", () => {
    const run = structuredClone(FIREFOX_UDP);
    for (const entry of run.sender.after) {
      if (entry.type === "outbound-rtp" && entry.kind === "video") entry.targetBitrate = 600_000;
    }
    assert.equal(Math.round(measure(run).estimateKbps), 600);
    assert.deepEqual(judge(measure(run), "relay"), { verdict: "may-stutter", reasons: ["bitrate"] });
  });
});

describe("judge", () => {
  test("the recorded relay over UDP carries video well", () => {
    assert.deepEqual(judge(measure(UDP), "relay"), { verdict: "good", reasons: [] });
  });

  test("over TCP only: UDP is blocked", () => {
    assert.deepEqual(judge(measure(TCP), "relay"), { verdict: "udp-blocked", reasons: ["udp-blocked"] });
  });

  test("inside the page: the network path was not tested, whatever the figures", () => {
    assert.deepEqual(judge(measure(LOOPBACK), "loopback"), { verdict: "not-tested", reasons: [] });
  });

  test("a lossy, jittery path may stutter, and says why", () => {
    const { verdict, reasons } = judge(measure(degraded(UDP, { lostPer100: 2, jitterMs: 45 })), "relay");
    assert.equal(verdict, "may-stutter");
    assert.deepEqual(reasons, ["loss", "jitter"]);
  });

  test("heavy loss or a very long delay is poor, and poor outranks UDP blocked", () => {
    assert.deepEqual(judge(measure(degraded(UDP, { lostPer100: 10 })), "relay"), { verdict: "poor", reasons: ["loss"] });
    assert.deepEqual(judge(measure(degraded(UDP, { rttMs: 450 })), "relay"), { verdict: "poor", reasons: ["rtt"] });
    const tcp = judge(measure(degraded(TCP, { lostPer100: 10 })), "relay");
    assert.deepEqual(tcp, { verdict: "poor", reasons: ["loss", "udp-blocked"] });
  });

  test("draws its lines at Teams' targets (loss 1 %, jitter 30 ms, round trip 100 ms)", () => {
    const base = { ...measure(UDP), lossPct: 0, jitterMs: 0, rttMs: 0 };
    const verdictWith = (changes) => judge({ ...base, ...changes }, "relay").verdict;
    assert.equal(verdictWith({ lossPct: 0.9 }), "good");
    assert.equal(verdictWith({ lossPct: 1 }), "may-stutter");
    assert.equal(verdictWith({ jitterMs: 29 }), "good");
    assert.equal(verdictWith({ jitterMs: 30 }), "may-stutter");
    assert.equal(verdictWith({ rttMs: 99 }), "good");
    assert.equal(verdictWith({ rttMs: 100 }), "may-stutter");
    assert.equal(verdictWith({ lossPct: CALL_LIMITS.lossPoorPct }), "poor");
  });

  test("judges the bitrate by what came through or what the sender could send, the larger", () => {
    const base = { ...measure(UDP), receivedKbps: 400, estimateKbps: 3000 };
    assert.equal(judge(base, "relay").verdict, "good");
    assert.deepEqual(judge({ ...base, estimateKbps: 800 }, "relay"), { verdict: "may-stutter", reasons: ["bitrate"] });
    assert.deepEqual(judge({ ...base, receivedKbps: 100, estimateKbps: null }, "relay"), { verdict: "poor", reasons: ["bitrate"] });
  });

  test("no media through: the relay was not reached, or the page could not do it", () => {
    assert.equal(judge(null, "relay").verdict, "unreachable");
    assert.equal(judge(null, "loopback").verdict, "failed");
    assert.equal(judge({ packetsReceived: 0 }, "relay").verdict, "unreachable");
  });
});

describe("mediaResult", () => {
  test("is what the report carries: whole numbers, loss to a tenth", () => {
    const result = mediaResult(measure(degraded(UDP, { lostPer100: 2.34 })), "relay");
    assert.equal(result.path, "relay");
    assert.equal(result.transport, "udp");
    assert.equal(result.loss_pct, 2.3);
    for (const key of ["jitter_ms", "rtt_ms", "kbps"]) assert.ok(Number.isInteger(result[key]), key);
    assert.equal(result.verdict, "may-stutter");
  });

  test("gives no transport inside the page, and no figures where nothing came through", () => {
    assert.equal(mediaResult(measure(LOOPBACK), "loopback").transport, null);
    assert.deepEqual(mediaResult(null, "relay"), {
      path: "relay", transport: null, loss_pct: null, jitter_ms: null, rtt_ms: null, kbps: null,
      verdict: "unreachable", reasons: [],
    });
    assert.equal(mediaResult(null, null, undefined, "unsupported").verdict, "unsupported");
  });

  test("only ever says one of the known verdicts", () => {
    for (const run of [UDP, TCP, LOOPBACK]) {
      for (const path of ["relay", "loopback"]) assert.ok(VERDICTS.includes(mediaResult(measure(run), path).verdict));
    }
  });
});

describe("connectionStatusWith", () => {
  test("a round trip short of good lowers the connection's status, never raises it", () => {
    assert.equal(connectionStatusWith("ok", "good"), "ok");
    assert.equal(connectionStatusWith("ok", "not-tested"), "ok");
    assert.equal(connectionStatusWith("ok", "may-stutter"), "warning");
    assert.equal(connectionStatusWith("ok", "udp-blocked"), "warning");
    assert.equal(connectionStatusWith("ok", "poor"), "poor");
    assert.equal(connectionStatusWith("poor", "good"), "poor");
    assert.equal(connectionStatusWith("warning", "unsupported"), "warning");
    assert.equal(connectionStatusWith("offline", "poor"), "offline");
  });
});
