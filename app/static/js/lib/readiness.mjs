// The readiness result: what the device checks found, summed up for the customer and for the
// staff's dashboard. Reports carry results only: never a device label, id, picture or sound.
import { TRANSPORTS, VERDICTS } from "./call-quality.mjs";

export const READINESS_VERSION = 1;

export const MEDIA_STATUSES = Object.freeze([
  "ok", "warning", "blocked", "os-blocked", "in-use", "not-found", "failed", "insecure", "skipped",
  "unsupported",
]);
export const SPEAKER_STATUSES = Object.freeze(["ok", "not-heard", "skipped", "unsupported"]);
export const CONNECTION_STATUSES = Object.freeze(["ok", "warning", "poor", "offline", "skipped"]);
export const BROWSER_STATUSES = Object.freeze(["ok", "warning", "unsupported"]);
// Why the camera warns: brightness.mjs's lighting hints, or a frozen picture.
export const CAMERA_DETAILS = Object.freeze(["black", "dark", "bright", "frozen"]);

export const PATHS = Object.freeze(["web", "app", "open-in-browser", "none"]);
// The customer's own answer on the device page (app/steps.py DEVICE_CHOICES).
export const DEVICE_CHOICES = Object.freeze(["computer", "iphone-ipad", "android", "other"]);

// The media round trip (lib/call-quality.mjs mediaResult): where it went, how, its figures.
export const MEDIA_PATHS = Object.freeze(["relay", "loopback"]);
export const MEDIA_REASONS = Object.freeze(["loss", "jitter", "rtt", "bitrate", "udp-blocked"]);

const oneOf = (allowed) => (value) => (allowed.includes(value) ? value : undefined);
const flag = (value) => (typeof value === "boolean" ? value : undefined);
// Short lowercase words ("android", "wifi", "4g"): room for a kind, none for a name or an id.
const token = (value) => (typeof value === "string" && /^[a-z0-9-]{1,20}$/.test(value)
  ? value : undefined);
// Whole numbers ≥ 0; a list (enumerateDevices' answer) counts, and its labels stay behind.
const count = (value) => {
  const number = Array.isArray(value) ? value.length : value;
  return Number.isFinite(number) ? Math.max(0, Math.round(number)) : undefined;
};
// A whole number, or null where the page measured nothing.
const countOrNull = (value) => (value === null ? null : count(value));
// A share in per cent with one decimal, 0 to 100 (0.4 % loss matters next to Teams' 1 %).
const percent = (value) => (value === null ? null : Number.isFinite(value)
  ? Math.min(100, Math.max(0, Math.round(value * 10) / 10)) : undefined);
const MEDIA_FIELDS = {
  path: oneOf(MEDIA_PATHS), transport: oneOf(TRANSPORTS), loss_pct: percent,
  jitter_ms: countOrNull, rtt_ms: countOrNull, kbps: countOrNull,
};
// connection.media: only with a verdict; reasons only of the known ones, once each.
const media = (value) => {
  const verdict = oneOf(VERDICTS)(value?.verdict);
  if (!verdict) return undefined;
  const known = Array.isArray(value.reasons) ? value.reasons.filter((r) => MEDIA_REASONS.includes(r)) : [];
  return { ...copyAllowed(value, MEDIA_FIELDS), verdict, reasons: [...new Set(known)] };
};

// Per check, in report order: its statuses, and the only other fields that may leave the page.
const CHECKS = {
  camera: [MEDIA_STATUSES, { detail: oneOf(CAMERA_DETAILS), devices: count }],
  microphone: [MEDIA_STATUSES, { devices: count }],
  speaker: [SPEAKER_STATUSES, { output_selectable: flag }],
  connection: [CONNECTION_STATUSES, {
    rtt_ms: count, jitter_ms: count, down_kbps: count, up_kbps: count,
    udp: oneOf(["ok", "blocked", "not-checked"]), save_data: flag, type: token, media,
  }],
  browser: [BROWSER_STATUSES, { secure_context: flag, get_user_media: flag, webrtc: flag }],
};
const DEVICE_FIELDS = {
  form: token, os: token, browser: token, major: count,
  choice: oneOf(DEVICE_CHOICES),
};
// Each check's statuses, in report order: what a report may say of it (the Report schema in
// app/api/openapi.json says the same; tests/js/report-contract.test.mjs holds them to it).
export const CHECK_STATUSES = Object.freeze(Object.fromEntries(
  Object.entries(CHECKS).map(([name, [statuses]]) => [name, statuses])));

// A check that did not run was skipped; the page always knows its browser, so an unknown
// answer there only warns. An unknown media status is a failure the page did not name.
function statusOf(name, check) {
  const [allowed] = CHECKS[name];
  const status = check?.status;
  const missing = name === "browser" ? "warning" : "skipped";
  if (status === undefined || status === null) return missing;
  return allowed.includes(status) ? status : allowed === MEDIA_STATUSES ? "failed" : missing;
}

function requirePath(path) {
  if (!PATHS.includes(path)) throw new TypeError(`unknown path: ${path}`);
}

// Problems stop the appointment on that path: on both, not hearing and not reaching the
// meeting; on "web" also the microphone and the browser. The camera only warns, since the
// customer may decline video (seed). On "app" the Teams app asks for its own camera and
// microphone, so the browser's answer only warns, and the browser is not used at all.
const ALWAYS = ["speaker-not-heard", "connection-poor", "connection-offline"];
function isProblem(name, status, path) {
  const key = `${name}-${status}`;
  if (ALWAYS.includes(key)) return true;
  if (path !== "web") return false;
  return name === "microphone" ? !["warning", "skipped"].includes(status) : key === "browser-unsupported";
}

export const SUMMARIES = Object.freeze(["ready", "ready-with-warnings", "not-checked", "not-ready"]);

// The checks whose result can stop the appointment on this path (see isProblem): while one of
// them has not run, nobody knows whether the customer is ready.
export function checksThatMatter(path) {
  return path === "web" ? ["microphone", "speaker", "connection"] : ["speaker", "connection"];
}

// checks: { camera: { status, … }, … } as the checks report them; path as the server says.
// Warnings and problems are keys "<check>-<status>", in check order. A problem means
// "not-ready"; without one, a check that matters left unrun means "not-checked", never
// "ready" (four skips verify nothing). app/readiness.py decides the same for the server.
export function summarise(checks, path) {
  requirePath(path);
  // In an in-app browser or on a device that cannot join, the checks prove nothing.
  if (path !== "web" && path !== "app") {
    return { summary: "not-ready", warnings: [], problems: ["wrong-place"] };
  }
  const warnings = [];
  const problems = [];
  for (const name of Object.keys(CHECKS)) {
    const status = statusOf(name, checks?.[name]);
    if (status === "ok" || (name === "browser" && path === "app")) continue;
    (isProblem(name, status, path) ? problems : warnings).push(`${name}-${status}`);
  }
  const unknown = checksThatMatter(path).some((name) => statusOf(name, checks?.[name]) === "skipped");
  const summary = problems.length ? "not-ready"
    : unknown ? "not-checked"
    : warnings.length ? "ready-with-warnings" : "ready";
  return { summary, warnings, problems };
}

function copyAllowed(source, fields) {
  const copy = {};
  for (const [key, clean] of Object.entries(fields)) {
    const value = clean(source?.[key]);
    if (value !== undefined) copy[key] = value;
  }
  return copy;
}

// The report as sent (JSON, app/api/openapi.json "Readiness"): whitelisted keys and values
// only, numbers whole. createdAt: a Date, an ISO string or epoch ms; sent as ISO 8601 UTC.
export function buildReadiness({ id, createdAt, path, device, checks } = {}) {
  if (typeof id !== "string" || !id) throw new TypeError("a report needs an id");
  requirePath(path);
  const clean = {};
  for (const [name, [, fields]] of Object.entries(CHECKS)) {
    clean[name] = { status: statusOf(name, checks?.[name]), ...copyAllowed(checks?.[name], fields) };
  }
  return {
    version: READINESS_VERSION,
    // The report's kind for POST /api/v1/invites/<token>/reports: the object is sent as it is.
    kind: "readiness",
    id,
    created_at: new Date(createdAt ?? Date.now()).toISOString(),
    path,
    device: copyAllowed(device, DEVICE_FIELDS),
    checks: clean,
    ...summarise(clean, path),
  };
}

// A fresh report id; the server stores a report sent twice once (DESIGN "Flow of data").
export function newReportId() {
  return globalThis.crypto.randomUUID();
}
