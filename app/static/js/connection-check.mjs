// Connection: online state, round trip and jitter to this server, download and upload speed
// against this server's own endpoints (a few megabytes at most, cancellable), the browser's own
// hints (data saver, connection type), and — only where the operator set a STUN server —
// whether UDP gets out. Compared with Teams' figures for one-to-one video. Then a media round
// trip (media-round-trip.mjs): test video and sound through the operator's relay and back.
import CheckSection from "./check-section.mjs";
import MediaRoundTripView from "./media-round-trip-view.mjs";
import { deadlineMs, testSetting, withDeadline } from "./lib/deadline.mjs";
import { connectionStatusWith } from "./lib/call-quality.mjs";
import { formatRate } from "./lib/figures.mjs";
import { LIMITS, jitter, kbps, median, rateConnection } from "./lib/thresholds.mjs";

const PINGS = 7;
const DOWNLOAD_SIZES = [128 * 1024, 1024 * 1024];
const UPLOAD_SIZES = [128 * 1024, 512 * 1024];
const FAST_ENOUGH_TO_GO_ON_MS = 1500;
const STUN_WAIT_MS = 3000;

export default class ConnectionCheck {
  constructor(element, onResult, context) {
    this.section = new CheckSection(element);
    this.onResult = onResult;
    this.urls = context.urls;
    this.stunUrl = context.stunUrl;
    this.roundTrip = new MediaRoundTripView(this.section, context);
    this.abort = null;
  }

  start() {
    const s = this.section;
    s.part("run").addEventListener("click", () => this.run());
    s.part("retry").addEventListener("click", () => this.run());
    s.part("cancel").addEventListener("click", () => this.abort?.abort());
    s.part("skip").addEventListener("click", () => this.skip());
    s.setState("ready");
  }

  async run() {
    const s = this.section;
    if (this.abort) return; // already measuring
    s.show("results", false);
    this.roundTrip.reset();
    if (!navigator.onLine) return this.finish({ status: "offline" });
    this.abort = new AbortController();
    s.show("cancel");
    const { signal } = this.abort;
    const result = {};
    try {
      s.setState("measuring-rtt");
      const rtts = await this.pings(signal);
      result.rtt_ms = median(rtts);
      result.jitter_ms = jitter(rtts);
      s.setState("measuring-download");
      result.down_kbps = await this.measure(DOWNLOAD_SIZES, (size) => this.download(size, signal));
      s.setState("measuring-upload");
      result.up_kbps = await this.measure(UPLOAD_SIZES, (size) => this.upload(size, signal));
      result.udp = this.stunUrl ? await this.udp() : "not-checked";
    } catch (error) {
      s.show("cancel", false);
      this.abort = null;
      this.skipping = false;
      // Stopped by the customer: skipped.
      if (signal.aborted) return this.finish({ status: "skipped" });
      // 429: this link or address has run the check many times lately; not a slow connection.
      if (/ 429$/.test(error.message)) return this.finish({ status: "skipped" }, [], "status-too-many");
      // Anything else, a request that ran out of time included, means this connection does
      // not carry a call.
      return this.finish({ status: navigator.onLine ? "poor" : "offline" });
    }
    // The round trip ends early when stopped, and the figures measured so far still count.
    const media = await this.roundTrip.run(signal);
    if (media) result.media = media;
    s.show("cancel", false);
    this.abort = null;
    if (this.skipping) {
      this.skipping = false;
      return this.finish({ status: "skipped" });
    }
    const hints = navigator.connection || {};
    result.save_data = Boolean(hints.saveData);
    result.type = hints.type || hints.effectiveType || null;
    const rating = rateConnection({
      online: navigator.onLine, rttMs: result.rtt_ms, jitterMs: result.jitter_ms,
      downKbps: result.down_kbps, upKbps: result.up_kbps, saveData: result.save_data,
      effectiveType: hints.effectiveType,
    }, { ...LIMITS, ...testSetting("connectionLimits") });
    const status = media ? connectionStatusWith(rating.status, media.verdict) : rating.status;
    this.finish({ status, ...result }, rating.reasons);
  }

  async pings(signal) {
    const rtts = [];
    for (let i = 0; i <= PINGS; i += 1) {
      const began = performance.now();
      await this.request("ping", (bounded) => fetch(this.urls.ping, { cache: "no-store", signal: bounded })
        .then((response) => {
          if (!response.ok) throw new Error(`ping ${response.status}`);
        }), signal);
      if (i > 0) rtts.push(performance.now() - began); // the first one opens the connection
    }
    return rtts;
  }

  async measure(sizes, transfer) {
    // Start small; go bigger only while a transfer is quick, so slow links are not flooded.
    let speed = null;
    for (const size of sizes) {
      const began = performance.now();
      await transfer(size);
      const took = performance.now() - began;
      speed = kbps(size, took);
      if (took > FAST_ENOUGH_TO_GO_ON_MS) break;
    }
    return speed;
  }

  request(step, send, signal) {
    // One request and its body, ended at its deadline (its fetch aborted) or when stopped.
    const time = step === "ping" ? deadlineMs("ping") : deadlineMs("transfer");
    return withDeadline(send, time, step, { signal });
  }

  download(size, signal) {
    return this.request("download", async (bounded) => {
      const response = await fetch(`${this.urls.download}?bytes=${size}`, { cache: "no-store", signal: bounded });
      if (!response.ok) throw new Error(`download ${response.status}`);
      await response.arrayBuffer();
    }, signal);
  }

  upload(size, signal) {
    const body = new Uint8Array(size);
    crypto.getRandomValues(body.subarray(0, Math.min(size, 65536)));
    return this.request("upload", async (bounded) => {
      const response = await fetch(this.urls.upload, {
        method: "POST", body, signal: bounded, cache: "no-store",
        headers: { "Content-Type": "application/octet-stream" },
      });
      if (!response.ok) throw new Error(`upload ${response.status}`);
      await response.json();
    }, signal);
  }

  udp() {
    // A server-reflexive candidate means a STUN answer came back over UDP.
    return new Promise((resolve) => {
      let connection;
      const done = (answer) => {
        clearTimeout(timer);
        connection?.close();
        resolve(answer);
      };
      const timer = setTimeout(() => done("blocked"), STUN_WAIT_MS);
      try {
        connection = new RTCPeerConnection({ iceServers: [{ urls: this.stunUrl }] });
        connection.createDataChannel("valmis");
        connection.addEventListener("icecandidate", (event) => {
          if (event.candidate?.type === "srflx" || / typ srflx /.test(event.candidate?.candidate || "")) done("ok");
        });
        connection.createOffer().then((offer) => connection.setLocalDescription(offer)).catch(() => done("blocked"));
      } catch {
        done("not-checked");
      }
    });
  }

  skip() {
    // A measurement under way ends as skipped once its transfer stops (run's catch says so).
    if (this.abort) {
      this.skipping = true;
      this.abort.abort();
    } else this.finish({ status: "skipped" });
  }

  finish(result, reasons = [], sentence = undefined) {
    const s = this.section;
    s.setState(result.status, sentence);
    // Refused by the server (too many checks) is "skipped" too, but the customer did try.
    const tried = sentence === "status-too-many";
    s.showAgain(result.status !== "ok" && (result.status !== "skipped" || tried));
    this.showResults(result, reasons);
    this.onResult("connection", result);
  }

  showResults(result, reasons) {
    const list = this.section.part("results");
    if (!list) return;
    const locale = document.documentElement.lang;
    const words = { kbps: this.section.text("kbps"), mbps: this.section.text("mbps") };
    const delay = (ms) => new Intl.NumberFormat(locale).format(Math.round(ms));
    const speed = (kbps) => formatRate(kbps, locale, words);
    const figures = {
      rtt: [result.rtt_ms, delay], jitter: [result.jitter_ms, delay],
      down: [result.down_kbps, speed], up: [result.up_kbps, speed],
    };
    let any = false;
    for (const [name, [value, format]] of Object.entries(figures)) {
      const slot = list.querySelector(`.js-figure-${name}`);
      if (!slot) continue;
      slot.textContent = value == null ? "–" : format(value);
      any ||= value != null;
    }
    for (const item of list.querySelectorAll("[data-reason]")) item.hidden = !reasons.includes(item.dataset.reason);
    this.roundTrip.show(result.media);
    list.hidden = !any && !result.media;
  }

  stop() {
    this.abort?.abort();
  }
}
