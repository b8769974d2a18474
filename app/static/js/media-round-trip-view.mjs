// The media round trip's part of the connection check on the page: its countdown while the
// test video and sound travel, then the verdict in words, what to try, and the figures. The
// words are the page's (data-i18n-* and the template's hidden sentences), so this only
// chooses which to show.
import { mediaRoundTrip, ROUND_TRIP_SECONDS } from "./media-round-trip.mjs";
import { testSetting } from "./lib/deadline.mjs";

export default class MediaRoundTripView {
  constructor(section, context) {
    this.section = section;
    this.context = context;
    this.box = section.part("media");
  }

  reset() {
    if (this.box) this.box.hidden = true;
  }

  // The round trip's result for the report, or null when stopped (or there is no place for
  // it on this page). Never rejects.
  async run(signal) {
    if (!this.box || signal.aborted) return null;
    const s = this.section;
    const seconds = testSetting("mediaSeconds") ?? ROUND_TRIP_SECONDS;
    const progress = s.part("media-progress");
    const left = s.part("media-left");
    const field = s.part("media-progress-field");
    s.setState("measuring-media");
    this.box.hidden = false;
    this.showVerdict(null);
    if (field) field.hidden = false;
    if (progress) {
      progress.max = seconds;
      progress.value = 0;
    }
    const onProgress = (remaining) => {
      if (progress) progress.value = seconds - remaining;
      if (left) left.textContent = s.text("seconds-left").replace("{number}", String(remaining));
    };
    try {
      return await mediaRoundTrip({
        credentialsUrl: this.context.turnUrl, csrfToken: this.context.csrfToken,
        camera: this.context.cameraStream?.() ?? null, seconds, onProgress, signal,
      });
    } catch {
      return null; // stopped
    } finally {
      if (field) field.hidden = true;
    }
  }

  show(media) {
    if (!this.box) return;
    this.box.hidden = !media;
    if (!media) return;
    this.box.dataset.verdict = media.verdict;
    this.box.dataset.path = media.path ?? "";
    this.box.dataset.transport = media.transport ?? "";
    this.showVerdict(media);
    const locale = document.documentElement.lang;
    const format = (value, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
    const figures = {
      loss: media.loss_pct == null ? null : format(media.loss_pct, 1),
      jitter: media.jitter_ms == null ? null : format(media.jitter_ms),
      rtt: media.rtt_ms == null ? null : format(media.rtt_ms),
      kbps: media.kbps == null ? null : format(media.kbps),
      transport: media.transport ? media.transport.toUpperCase() : null,
    };
    const list = this.section.part("media-figures");
    let any = false;
    for (const [name, value] of Object.entries(figures)) {
      const slot = list?.querySelector(`.js-media-${name}`);
      if (!slot) continue;
      slot.textContent = value ?? "–";
      slot.closest("div").hidden = value === null;
      any ||= value !== null;
    }
    if (list) list.hidden = !any;
  }

  showVerdict(media) {
    const reasons = media?.reasons ?? [];
    for (const line of this.box.querySelectorAll("[data-media-verdict]")) {
      line.hidden = line.dataset.mediaVerdict !== media?.verdict;
    }
    for (const line of this.box.querySelectorAll("[data-media-reason]")) {
      line.hidden = !reasons.includes(line.dataset.mediaReason);
    }
    const tryThis = this.box.querySelector(".js-media-advice");
    if (tryThis) tryThis.hidden = !["may-stutter", "poor", "udp-blocked", "unreachable"].includes(media?.verdict);
  }
}
