// Connection figures and the rating the connection check shows. Pure: the page measures.

// Microsoft's planning figures for a 1:1 Teams call, per device, in kbps each way, and its
// targets to Microsoft's network (TEAMS-FACTS "Network", from "Prepare your network").
export const TEAMS = Object.freeze({
  audioMinKbps: 10,
  audioRecommendedKbps: 58,
  videoMinKbps: 150,
  videoRecommendedKbps: 1500,
  videoBestKbps: 4000,
  rttTargetMs: 100,
  jitterTargetMs: 30,
});

// Our own line, not Microsoft's: at five times the target a conversation turns into talking
// over each other, even before Teams' relays add their share.
const VERY_HIGH_RTT_MS = 500;
// The lines rateConnection draws; a test may pass others (so its result does not hang on the
// machine's speed).
export const LIMITS = Object.freeze({ ...TEAMS, veryHighRttMs: VERY_HIGH_RTT_MS });
const SLOW_TYPES = new Set(["slow-2g", "2g"]);

// The middle round trip: one slow ping (a radio waking up) does not spoil it as a mean would.
export function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Mean absolute change between consecutive round trips: RFC 3550's interarrival-jitter idea,
// unsmoothed, as a page only has a handful of pings.
export function jitter(rtts) {
  if (rtts.length < 2) return null;
  let sum = 0;
  for (let i = 1; i < rtts.length; i += 1) sum += Math.abs(rtts[i] - rtts[i - 1]);
  return sum / (rtts.length - 1);
}

// Bytes in milliseconds as kilobits per second (1 kbit = 1000 bits, as Microsoft counts).
export function kbps(bytes, milliseconds) {
  return milliseconds > 0 ? (bytes * 8) / milliseconds : null;
}

const measured = (value) => typeof value === "number" && Number.isFinite(value);

// Rates measurements against TEAMS; reasons are keys for the page's data-i18n-* texts. A
// missing measurement says nothing by itself; with none at all the rating is "not-measured".
export function rateConnection(measurements = {}, limits = LIMITS) {
  const { online, rttMs, jitterMs, downKbps, upKbps, saveData, effectiveType } = measurements;
  if (online === false) return { status: "offline", reasons: ["offline"] };
  const poor = [];
  const reasons = [];
  const add = (reason, isPoor = false) => {
    reasons.push(reason);
    if (isPoor) poor.push(reason);
  };
  for (const [speed, way] of [[downKbps, "download"], [upKbps, "upload"]]) {
    if (!measured(speed)) continue;
    if (speed < limits.videoMinKbps) add(`very-slow-${way}`, true);
    else if (speed < limits.videoRecommendedKbps) add(`slow-${way}`);
  }
  if (measured(rttMs) && rttMs > limits.veryHighRttMs) add("very-high-rtt", true);
  else if (measured(rttMs) && rttMs > limits.rttTargetMs) add("high-rtt");
  if (measured(jitterMs) && jitterMs > limits.jitterTargetMs) add("high-jitter");
  if (saveData === true) add("data-saver");
  if (SLOW_TYPES.has(effectiveType)) add("slow-network-type");
  if (![rttMs, jitterMs, downKbps, upKbps].some(measured)) add("not-measured");
  const status = poor.length ? "poor" : reasons.length ? "warning" : "ok";
  return { status, reasons };
}
