// What a media round trip found, from RTCPeerConnection.getStats(): packet loss, jitter, round
// trip, the bitrate that got through, and how the media travelled (UDP, TCP or TLS to the
// relay, or inside the page); and a verdict against Teams' figures. Pure: the page measures
// (media-round-trip.mjs), this only reads the numbers, so it is tested on recorded snapshots.

import { TEAMS } from "./thresholds.mjs";

// Teams' targets (TEAMS-FACTS "Network": loss < 1 %, jitter < 30 ms, round trip < 100 ms,
// 1.5 Mbit/s for good video) draw the "may stutter" line; Twilio's worst bands (loss 8 %,
// round trip 400 ms, 150 kbit/s) the "poor" line.
export const CALL_LIMITS = Object.freeze({
  lossWarnPct: 1,
  lossPoorPct: 8,
  jitterWarnMs: TEAMS.jitterTargetMs,
  rttWarnMs: TEAMS.rttTargetMs,
  rttPoorMs: 400,
  kbpsWarn: TEAMS.videoRecommendedKbps,
  kbpsPoor: TEAMS.videoMinKbps,
});

// The verdicts a round trip can end in, as the report says them (app/api/openapi.json).
// not-tested: media went between two connections inside the page, without a relay, so the
// browser can send and receive video and sound, but the network path was not tested.
export const VERDICTS = Object.freeze([
  "good", "may-stutter", "poor", "udp-blocked", "unreachable", "not-tested", "failed", "unsupported",
]);
export const TRANSPORTS = Object.freeze(["udp", "tcp", "tls"]);

// An RTCStatsReport (a Map-like), a plain array of stats, or an object of them, as a list.
export function statsList(report) {
  if (!report) return [];
  if (Array.isArray(report)) return report;
  if (typeof report.values === "function") return [...report.values()];
  return Object.values(report);
}

const ofType = (stats, type) => stats.filter((entry) => entry.type === type);
const byId = (stats, id) => stats.find((entry) => entry.id === id);
const number = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const kindOf = (entry) => entry.kind ?? entry.mediaType;

// The candidate pair the connection uses: the transport's selected one, else a nominated
// pair that succeeded (Firefox marks it "selected").
export function selectedPair(stats) {
  for (const transport of ofType(stats, "transport")) {
    const pair = byId(stats, transport.selectedCandidatePairId);
    if (pair) return pair;
  }
  const pairs = ofType(stats, "candidate-pair");
  return pairs.find((pair) => pair.selected) ??
    pairs.find((pair) => pair.nominated && pair.state === "succeeded") ?? null;
}

// How the media left this browser: "relay" with udp/tcp/tls to the relay, or "host" (inside
// the page, or straight to a peer). null before a pair was chosen.
export function transportOf(stats) {
  const pair = selectedPair(stats);
  const local = pair && byId(stats, pair.localCandidateId);
  if (!local) return null;
  const type = local.candidateType ?? local.type ?? null;
  const protocol = (type === "relay" ? local.relayProtocol : local.protocol) ?? local.protocol;
  const transport = typeof protocol === "string" ? protocol.toLowerCase() : null;
  return { candidateType: type, transport: TRANSPORTS.includes(transport) ? transport : null };
}

function sum(stats, type, field, kind = null) {
  let total = 0;
  let found = false;
  for (const entry of ofType(stats, type)) {
    if (kind && kindOf(entry) !== kind) continue;
    const value = number(entry[field]);
    if (value === null) continue;
    total += value;
    found = true;
  }
  return found ? total : null;
}

// When a snapshot was taken: its newest stat of this type, else its newest of any (a snapshot
// from before the first packet has no inbound-rtp yet, and counts as nothing received then).
function newest(stats, type) {
  const latest = (entries) => {
    const times = entries.map((entry) => number(entry.timestamp)).filter((t) => t !== null);
    return times.length ? Math.max(...times) : null;
  };
  return latest(ofType(stats, type)) ?? latest(stats);
}

// Kilobits per second between two readings of a byte counter (1 kbit = 1000 bits).
function rate(bytesBefore, bytesAfter, msBefore, msAfter) {
  if (bytesAfter === null || msAfter === null || msBefore === null) return null;
  const ms = msAfter - msBefore;
  if (!(ms > 0)) return null;
  return Math.max(0, ((bytesAfter - (bytesBefore ?? 0)) * 8) / ms);
}

// What the video encoder was told it may send, in bits per second: the rate the sender's
// congestion control allowed, for browsers that give no availableOutgoingBitrate (Firefox).
// Its targetBitrate where given, else the growth of totalEncodedBytesTarget (each encoded
// frame adds its target size) over the span the bytes were counted in.
function encoderTarget(before, after, from, to) {
  const target = sum(after, "outbound-rtp", "targetBitrate", "video");
  if (target !== null && target > 0) return target;
  const kbps = rate(sum(before, "outbound-rtp", "totalEncodedBytesTarget", "video"),
    sum(after, "outbound-rtp", "totalEncodedBytesTarget", "video"), from, to);
  return kbps ? kbps * 1000 : null;
}

// The figures of one round trip. sender and receiver: each { before, after } getStats()
// answers of the sending and the receiving connection; before may be missing (then the counts
// run from the start, and seconds says for how long media went).
export function measure({ sender = {}, receiver = {}, seconds = null } = {}) {
  const sentBefore = statsList(sender.before);
  const sentAfter = statsList(sender.after);
  const gotBefore = statsList(receiver.before);
  const gotAfter = statsList(receiver.after);
  const delta = (after, before, type, field, kind) => {
    const end = sum(after, type, field, kind);
    if (end === null) return null;
    return end - (sum(before, type, field, kind) ?? 0);
  };

  // Loss as the receiver counted it: packets that never came of all that should have.
  const received = delta(gotAfter, gotBefore, "inbound-rtp", "packetsReceived");
  const lost = delta(gotAfter, gotBefore, "inbound-rtp", "packetsLost");
  const expected = (received ?? 0) + Math.max(0, lost ?? 0);
  const lossPct = received === null ? null : expected > 0 ? (100 * Math.max(0, lost ?? 0)) / expected : 0;

  // RFC 3550's interarrival jitter as the receiver estimates it, in seconds: the sound's (its
  // packets come evenly, as a call's voice does), else the picture's.
  const jitterOf = (kind) => number(ofType(gotAfter, "inbound-rtp").find((e) => kindOf(e) === kind)?.jitter);
  const jitter = jitterOf("audio") ?? jitterOf("video");

  // Round trip: the connection's own checks through the relay, else the receiver's reports.
  const pair = selectedPair(sentAfter);
  let rtt = number(pair?.currentRoundTripTime);
  if (rtt === null && number(pair?.responsesReceived) > 0) {
    rtt = number(pair.totalRoundTripTime) / pair.responsesReceived;
  }
  if (rtt === null) {
    const reported = ofType(sentAfter, "remote-inbound-rtp").map((e) => number(e.roundTripTime))
      .filter((value) => value !== null);
    rtt = reported.length ? Math.max(...reported) : null;
  }

  // Bitrate reached, both ways of looking: what was sent and what came through.
  const span = (before, after, type) => {
    const end = newest(after, type);
    const start = before.length ? newest(before, type) : (end !== null && seconds > 0 ? end - seconds * 1000 : null);
    return [start, end];
  };
  const [sentFrom, sentTo] = span(sentBefore, sentAfter, "outbound-rtp");
  const [gotFrom, gotTo] = span(gotBefore, gotAfter, "inbound-rtp");
  const sentKbps = rate(sum(sentBefore, "outbound-rtp", "bytesSent"), sum(sentAfter, "outbound-rtp", "bytesSent"), sentFrom, sentTo);
  const receivedKbps = rate(sum(gotBefore, "inbound-rtp", "bytesReceived"), sum(gotAfter, "inbound-rtp", "bytesReceived"), gotFrom, gotTo);
  const videoKbps = rate(sum(gotBefore, "inbound-rtp", "bytesReceived", "video"),
    sum(gotAfter, "inbound-rtp", "bytesReceived", "video"), gotFrom, gotTo);
  const estimate = number(pair?.availableOutgoingBitrate) ?? encoderTarget(sentBefore, sentAfter, sentFrom, sentTo);

  const way = transportOf(sentAfter);
  return {
    candidateType: way?.candidateType ?? null,
    transport: way?.transport ?? null,
    lossPct,
    jitterMs: jitter === null ? null : jitter * 1000,
    rttMs: rtt === null ? null : rtt * 1000,
    sentKbps,
    receivedKbps,
    videoKbps,
    estimateKbps: estimate === null ? null : estimate / 1000,
    packetsReceived: received,
  };
}

// The verdict on a round trip's figures, with the reasons it names ("loss", "jitter", "rtt",
// "bitrate", "udp-blocked"). path: "relay" (through the operator's relay) or "loopback"
// (inside the page: no network verdict is possible).
export function judge(figures, path, limits = CALL_LIMITS) {
  if (!figures || !(figures.packetsReceived > 0)) {
    return { verdict: path === "relay" ? "unreachable" : "failed", reasons: [] };
  }
  if (path !== "relay") return { verdict: "not-tested", reasons: [] };
  const poor = [];
  const warn = [];
  const { lossPct, jitterMs, rttMs } = figures;
  // The bitrate the link carried: what came through, or the sender's estimate of what it
  // could carry (Chromium's bandwidth estimate, or the rate its congestion control let the
  // encoder aim for) when the picture was too simple to need more.
  const carried = Math.max(figures.receivedKbps ?? 0, figures.estimateKbps ?? 0) || null;
  if (lossPct !== null && lossPct >= limits.lossPoorPct) poor.push("loss");
  else if (lossPct !== null && lossPct >= limits.lossWarnPct) warn.push("loss");
  if (jitterMs !== null && jitterMs >= limits.jitterWarnMs) warn.push("jitter");
  if (rttMs !== null && rttMs >= limits.rttPoorMs) poor.push("rtt");
  else if (rttMs !== null && rttMs >= limits.rttWarnMs) warn.push("rtt");
  if (carried !== null && carried < limits.kbpsPoor) poor.push("bitrate");
  else if (carried !== null && carried < limits.kbpsWarn) warn.push("bitrate");
  const reasons = [...poor, ...warn];
  // TCP or TLS only: media gets through, but late packets wait for lost ones (Teams falls
  // back the same way, with lower quality).
  const udpBlocked = figures.candidateType === "relay" && figures.transport !== null && figures.transport !== "udp";
  if (udpBlocked) reasons.push("udp-blocked");
  const verdict = poor.length ? "poor" : udpBlocked ? "udp-blocked" : warn.length ? "may-stutter" : "good";
  return { verdict, reasons };
}

// The round trip as the report carries it (connection.media): whole numbers, and the
// figures only where media went through the relay or the page. verdict, when given, is what
// the page already knows ("unsupported": no RTCPeerConnection; "failed": it broke down).
export function mediaResult(figures, path, limits = CALL_LIMITS, verdict = null) {
  const judged = verdict ? { verdict, reasons: [] } : judge(figures, path, limits);
  const whole = (value) => (value === null || value === undefined ? null : Math.round(value));
  const flowed = figures && figures.packetsReceived > 0;
  return {
    path,
    transport: path === "relay" && flowed ? figures.transport : null,
    loss_pct: flowed ? roundTo(figures.lossPct, 1) : null,
    jitter_ms: flowed ? whole(figures.jitterMs) : null,
    rtt_ms: flowed ? whole(figures.rttMs) : null,
    kbps: flowed ? whole(figures.receivedKbps) : null,
    verdict: judged.verdict,
    reasons: judged.reasons,
  };
}

function roundTo(value, digits) {
  if (value === null || value === undefined) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

// What the round trip means for the connection check's own status: a poor round trip makes
// the connection poor, anything short of good at least a warning; the loopback says nothing
// about the network.
export function connectionStatusWith(status, verdict) {
  const rank = { ok: 0, warning: 1, poor: 2 };
  const wanted = verdict === "poor" ? "poor"
    : ["may-stutter", "udp-blocked", "unreachable", "failed"].includes(verdict) ? "warning" : "ok";
  if (!(status in rank)) return status;
  return rank[wanted] > rank[status] ? wanted : status;
}
