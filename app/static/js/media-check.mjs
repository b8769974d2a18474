// What the camera and microphone checks share: asking permission, naming a refusal, listing the
// devices once their names are known, and ending cleanly. A subclass says what to do with the
// stream (use), what to clean up (release) and how to report (report).
import CheckSection, { fillDeviceSelect, permissionState, stopStream } from "./check-section.mjs";
import { deadlineMs, isTimeout, withDeadline } from "./lib/deadline.mjs";
import { classifyMediaError } from "./lib/media-errors.mjs";

// The states of a run under way: asking for the device, or using it.
const RUNNING = new Set(["checking", "watching", "listening", "hearing"]);

export default class MediaCheck {
  // kind: "camera" | "microphone"; constraint: "video" | "audio"; deviceKind: "videoinput" | …
  constructor(element, onResult, context, { kind, constraint, deviceKind }) {
    this.section = new CheckSection(element);
    this.onResult = onResult;
    this.context = context;
    this.kind = kind;
    this.constraint = constraint;
    this.deviceKind = deviceKind;
    this.stream = null;
    this.deviceId = null;
    this.devices = null;
    // Counts stops: a run that finds it changed was ended ("Check later", a new run, leaving
    // the page) while it waited, and must neither report nor keep a device it got late.
    this.stops = 0;
  }

  start() {
    const s = this.section;
    s.part("run").addEventListener("click", () => this.run());
    s.part("retry").addEventListener("click", () => this.run());
    s.part("skip").addEventListener("click", () => this.skip());
    s.part("device").addEventListener("change", (event) => {
      this.deviceId = event.target.value;
      this.run();
    });
    s.setState("ready");
    this.watchDevices();
  }

  watchDevices(media = navigator.mediaDevices, every = 3000) {
    // A headset plugged in or a camera unplugged shows in the list without a reload. Where
    // the browser has no devicechange event, look again every few seconds while visible.
    if (!media?.enumerateDevices) return;
    const refresh = () => this.devices !== null && this.listDevices(media).catch(() => {});
    if ("ondevicechange" in media) media.addEventListener("devicechange", refresh);
    else this.poll = setInterval(() => document.hidden || refresh(), every);
  }

  async run() {
    const s = this.section;
    this.stop();
    const run = this.stops;
    const ended = () => run !== this.stops;
    this.prepare();
    s.setState("checking");
    if (!navigator.mediaDevices?.getUserMedia) return this.finish("unsupported");
    let stream;
    try {
      const wanted = this.deviceId ? { deviceId: { exact: this.deviceId } } : true;
      const other = this.constraint === "video" ? "audio" : "video";
      // A person may be reading the permission prompt: a long deadline, but a deadline. A
      // stream that comes after it is stopped at once.
      stream = await withDeadline(
        navigator.mediaDevices.getUserMedia({ [this.constraint]: wanted, [other]: false }),
        deadlineMs("getUserMedia"), "getUserMedia", { onLate: stopStream },
      );
    } catch (error) {
      if (ended()) return;
      if (isTimeout(error)) return this.finish("failed", "timeout");
      const state = await permissionState(this.kind);
      if (ended()) return;
      return this.finish(classifyMediaError(error, {
        permissionState: state, secureContext: window.isSecureContext,
      }));
    }
    if (ended()) return stopStream(stream);
    this.stream = stream;
    try {
      await this.use(stream, ended);
    } catch (error) {
      // Whatever went wrong with a granted device, the check ends and says so.
      console.warn(`the ${this.kind} check failed`, error);
      if (!ended()) this.finish("failed", isTimeout(error) ? "timeout" : null);
    }
  }

  async listDevices(media = navigator.mediaDevices) {
    // Names (labels) exist only once permission is granted: list the devices again then, and
    // whenever they change. A choice is offered only when there is more than one.
    // A list that never comes leaves the choice out; the check goes on without it.
    const all = await withDeadline(media.enumerateDevices(), deadlineMs("enumerateDevices"), "enumerateDevices")
      .catch(() => null);
    if (!all) return;
    const devices = all.filter((d) => d.kind === this.deviceKind);
    this.devices = devices.length;
    const current = this.stream?.getTracks()[0]?.getSettings().deviceId ?? this.deviceId;
    fillDeviceSelect(this.section.part("device"), devices, current, this.section.text(`${this.kind}-name`));
    this.section.show("device-field", devices.length > 1);
  }

  skip() {
    this.finish("skipped");
  }

  interrupt() {
    // The page was hidden (another app, the home screen, a locked screen) while the check
    // ran: iPhones and iPads turn the camera and microphone off then, so the picture would
    // look frozen or black and the microphone silent. The run ends without a result, the
    // device goes off, and the check says why and offers "Try again".
    if (!RUNNING.has(this.section.element.dataset.state)) return;
    this.stop();
    this.section.setState("interrupted");
    this.section.showAgain(true);
  }

  finish(status, detail = null) {
    this.beforeFinish();
    this.stop();
    const s = this.section;
    s.setState(status, detail ? `detail-${detail}` : `status-${status}`);
    s.showAgain(status !== "ok" && status !== "skipped");
    this.onResult(this.kind, this.report(status, detail));
  }

  stop() {
    this.stops += 1;
    this.release();
    stopStream(this.stream);
    this.stream = null;
  }

  // Hooks for the subclasses; the defaults do nothing.
  prepare() {}
  async use() {}
  beforeFinish() {}
  release() {}
  report(status) {
    return { status, devices: this.devices };
  }
}
