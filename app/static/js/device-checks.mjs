// The device-checks page: starts each check, keeps their results, shows what to do when the
// camera or microphone is blocked, and sums up. The readiness result stays in this browser
// (sessionStorage) until a personal link's report sends it through the outbox (saved on this
// device first, sent when online); no picture or sound ever leaves.
import CameraCheck from "./camera-check.mjs";
import ConnectionCheck from "./connection-check.mjs";
import HearSelfCheck from "./hear-self-check.mjs";
import MicrophoneCheck from "./microphone-check.mjs";
import SpeakerCheck from "./speaker-check.mjs";
import { isIpadInDesktopMode } from "./device-detect.mjs";
import { buildReadiness, newReportId, summarise } from "./lib/readiness.mjs";
import { detectBrowser, unblockInstructionKey } from "./lib/unblock.mjs";
import { nextState, onDelivery, queueReport, startOutbox } from "./outbox.mjs";

export const STORAGE_KEY = "valmis.readiness";
const MEDIA_BLOCKED = new Set(["blocked", "os-blocked"]);
const CHECKS = ["speaker", "camera", "microphone", "connection"];

export function browserCapabilities(win = window) {
  const secure = Boolean(win.isSecureContext);
  const getUserMedia = Boolean(win.navigator.mediaDevices?.getUserMedia);
  const webrtc = typeof win.RTCPeerConnection === "function";
  const status = !getUserMedia || !webrtc ? "unsupported" : secure ? "ok" : "warning";
  return { status, secure_context: secure, get_user_media: getUserMedia, webrtc };
}

export default class DeviceChecks {
  constructor(element) {
    this.element = element;
    const data = element.dataset;
    this.path = data.path;
    this.device = JSON.parse(data.device || "{}");
    this.results = {};
    this.id = newReportId();
    this.client = detectBrowser(navigator);
    this.context = {
      os: this.client.os,
      urls: { ping: data.pingUrl, download: data.downloadUrl, upload: data.uploadUrl },
      stunUrl: data.stunUrl || null,
      turnUrl: data.turnUrl || null,
      csrfToken: data.csrfToken || "",
      // The camera check's picture while it is still live, for the media round trip.
      cameraStream: () => this.camera?.stream ?? null,
      onMicrophoneAllowed: () => this.speaker?.offerOutputs(),
      // Hear yourself plays back where the test sound would play (the speaker check's choice),
      // "I can't speak now" plays the test sound, and "Yes" settles speakers and microphone.
      chosenOutput: () => this.speaker?.chosenOutput() ?? "",
      playTestSound: () => this.speaker?.playInstead(),
      onHeardSelf: ({ devices }) => {
        this.speaker?.confirmHeard();
        this.microphone?.confirmHeard(devices);
      },
    };
  }

  start() {
    const page = document;
    for (const hidden of this.element.querySelectorAll(".js-needs-script")) hidden.hidden = false;
    for (const fallback of page.querySelectorAll(".js-without-script")) fallback.hidden = true;
    if (this.path === "web" && isIpadInDesktopMode()) {
      // An iPad that said it was a Mac: Teams needs the app here, not the browser.
      this.element.querySelector(".js-ipad-notice").hidden = false;
    }
    const onResult = (name, result) => this.record(name, result);
    const find = (name) => this.element.querySelector(`[data-check="${name}"]`);
    this.speaker = new SpeakerCheck(find("speaker"), onResult);
    this.camera = new CameraCheck(find("camera"), onResult, this.context);
    this.microphone = new MicrophoneCheck(find("microphone"), onResult, this.context);
    this.checks = [
      new HearSelfCheck(find("hear-self"), onResult, this.context),
      this.speaker,
      this.camera,
      this.microphone,
      new ConnectionCheck(find("connection"), onResult, this.context),
    ];
    for (const check of this.checks) check.start();
    this.record("browser", browserCapabilities());
    if (this.element.dataset.reportUrl) {
      // Reports of an earlier visit that never got through go now; this page's own say here
      // whether they are sent or waiting.
      onDelivery((event) => this.onDelivery(event));
      startOutbox();
    }
    // Leaving the page ends every check: camera and microphone off, audio closed.
    window.addEventListener("pagehide", () => this.stopAll());
    // A phone turns the camera off while the page is hidden: a run under way stops, and
    // says so when the customer comes back.
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) for (const check of this.checks) check.interrupt?.();
    });
  }

  record(name, result) {
    this.results[name] = result;
    if (name === "camera" || name === "microphone") this.showUnblockHelp();
    const readiness = buildReadiness({
      id: this.id,
      createdAt: new Date().toISOString(),
      path: this.path,
      device: { ...this.device, browser: this.device.browser ?? this.client.browser },
      checks: this.results,
    });
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(readiness));
    } catch {
      // Private modes may refuse storage; the page still shows the result.
    }
    this.showSummary(summarise(this.results, this.path));
    this.keepInForm(readiness.checks);
    if (CHECKS.every((check) => this.results[check])) this.send(readiness);
    this.element.dispatchEvent(new CustomEvent("readiness", { detail: readiness, bubbles: true }));
  }

  keepInForm(checks) {
    // Continue carries what the checks found to the server (app/wizard/views.py), so the
    // Ready page can tell it with or without a personal link; statuses only.
    const form = document.querySelector(".js-checks-form");
    if (!form) return;
    // "reported": this round went to the outbox (send below), so the server need not tell
    // staff itself.
    const fields = { checked_by: "browser", reported: CHECKS.every((name) => this.results[name]) ? "1" : "" };
    for (const [name, check] of Object.entries(checks)) fields[name] = check.status;
    // The media round trip's verdict, for the Ready page's words (guidance.MEDIA_VERDICTS).
    fields.media = checks.connection?.media?.verdict ?? "";
    for (const [name, value] of Object.entries(fields)) {
      let input = form.querySelector(`input[type="hidden"][name="${name}"]`);
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        form.append(input);
      }
      input.value = value;
    }
  }

  send(readiness) {
    // A personal link's page names where results go; the general guide keeps them here.
    // Each finished round is a report of its own (a check run again gives a new one), and the
    // status line follows the newest.
    const url = this.element.dataset.reportUrl;
    if (!url) return;
    const report = { ...readiness, id: newReportId() };
    this.delivery = { id: report.id, state: null };
    queueReport(url, report).catch((error) => console.warn("the report was not queued", error));
  }

  onDelivery(event) {
    if (!this.delivery || event.id !== this.delivery.id) return;
    this.delivery.state = nextState(this.delivery.state, event);
    this.showDelivery(this.delivery.state);
  }

  showDelivery(state) {
    // Only two things are worth saying: it arrived, or it waits on this device. While the first
    // try is on its way the line stays empty; a refused report (an expired link) says nothing,
    // since "it will be sent" would not be true.
    const line = this.element.querySelector(".js-delivery");
    if (!line) return;
    const words = { sent: line.dataset.i18nSent, saved: line.dataset.i18nSaved };
    line.dataset.state = state;
    line.textContent = words[state] ?? "";
  }

  showUnblockHelp() {
    const statuses = [this.results.camera?.status, this.results.microphone?.status];
    const help = this.element.querySelector(".js-unblock");
    const blocked = statuses.find((status) => MEDIA_BLOCKED.has(status));
    help.hidden = !blocked;
    if (!blocked) return;
    const kind = blocked === "os-blocked" ? "os" : "browser";
    const key = unblockInstructionKey(this.client, kind);
    for (const block of help.querySelectorAll("[data-unblock]")) {
      block.hidden = block.dataset.unblock !== key;
    }
  }

  showSummary({ summary, warnings, problems }) {
    // Until every check has an answer, say only what was found: a check not yet run is not
    // "not checked" yet, so its reminder waits for the end.
    const box = this.element.querySelector(".js-summary");
    const pending = CHECKS.filter((name) => !this.results[name]);
    const notYet = new Set(pending.map((name) => `${name}-skipped`));
    const shown = [...problems, ...warnings].filter((key) => !notYet.has(key));
    box.hidden = pending.length > 0 && shown.length === 0;
    // While checks are still to come, "ready" would be a guess: only a problem is certain.
    const heading = pending.length === 0 ? summary : problems.length ? "not-ready" : "not-checked";
    box.dataset.summary = heading;
    for (const line of box.querySelectorAll("[data-summary-heading]")) {
      line.hidden = line.dataset.summaryHeading !== heading;
    }
    const items = [...box.querySelectorAll("[data-advice]")];
    const wanted = items.filter((item) => shown.includes(item.dataset.advice));
    for (const item of items) item.hidden = !wanted.includes(item) || saidElsewhere(item, wanted);
  }

  stopAll() {
    for (const check of this.checks || []) check.stop();
  }
}

// Whether another piece of advice already says everything this one says (a camera and a
// microphone both blocked share their sentence): the same words are given once.
function saidElsewhere(item, wanted) {
  const words = item.textContent.trim();
  return wanted.some((other) => other !== item && other.textContent.includes(words) &&
    (other.textContent.trim() !== words || wanted.indexOf(other) < wanted.indexOf(item)));
}
