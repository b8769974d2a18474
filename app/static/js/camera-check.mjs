// Camera: ask permission, show a live mirrored preview, let the customer choose a camera,
// and look at the picture on the device itself (brightness, black or frozen picture).
// No frame leaves the page: the analysis reads pixels into a canvas that is never sent.
import MediaCheck from "./media-check.mjs";
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";
import { frameDifference, isFrozen, lightingHint, meanLuma } from "./lib/brightness.mjs";

const WATCH_MS = 3000;
const SAMPLE_EVERY_MS = 250;
const SAMPLE_WIDTH = 64;

export default class CameraCheck extends MediaCheck {
  constructor(element, onResult, context) {
    super(element, onResult, context, { kind: "camera", constraint: "video", deviceKind: "videoinput" });
    this.timer = null;
    this.endWatch = null;
  }

  prepare() {
    this.section.show("still", false);
  }

  async use(stream, ended) {
    const s = this.section;
    const preview = s.show("preview");
    preview.srcObject = stream;
    // A preview that never starts playing must not hold the check: watching then finds no
    // picture, and says so.
    await withDeadline(preview.play(), deadlineMs("play"), "play").catch(() => {});
    await this.listDevices();
    if (ended()) return;
    s.setState("watching");
    const watched = await this.watch(preview);
    if (watched && !ended()) this.finish(watched.status, watched.detail);
  }

  watch(video) {
    // Sample small frames for a few seconds: mean brightness, and whether anything moves.
    const canvas = document.createElement("canvas");
    const context2d = canvas.getContext("2d", { willReadFrequently: true });
    const lumas = [];
    const differences = [];
    let previous = null;
    return new Promise((resolve) => {
      const sample = () => {
        if (!video.videoWidth) return;
        canvas.width = SAMPLE_WIDTH;
        canvas.height = Math.max(1, Math.round((SAMPLE_WIDTH * video.videoHeight) / video.videoWidth));
        context2d.drawImage(video, 0, 0, canvas.width, canvas.height);
        const frame = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
        lumas.push(meanLuma(frame));
        if (previous && previous.length === frame.length) differences.push(frameDifference(previous, frame));
        previous = frame;
      };
      this.timer = setInterval(sample, SAMPLE_EVERY_MS);
      const timeout = setTimeout(() => {
        this.endWatch = null;
        clearInterval(this.timer);
        this.timer = null;
        resolve(verdict(lumas, differences));
      }, WATCH_MS);
      // Stopped early: no result.
      this.endWatch = () => {
        clearTimeout(timeout);
        resolve(null);
      };
    });
  }

  beforeFinish() {
    // The check has ended: the camera goes off; the last picture stays as a still.
    const preview = this.section.part("preview");
    const still = this.section.part("still");
    if (!preview || !still || !preview.videoWidth) return;
    still.width = preview.videoWidth;
    still.height = preview.videoHeight;
    still.getContext("2d").drawImage(preview, 0, 0);
    still.hidden = false;
    preview.hidden = true;
  }

  release() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.endWatch?.();
    this.endWatch = null;
    const preview = this.section.part("preview");
    if (preview) {
      // Only a live camera is shown: without one the preview would be an empty black box.
      preview.srcObject = null;
      preview.hidden = true;
    }
  }

  report(status, detail) {
    return { status, detail, devices: this.devices };
  }
}

// What the sampled frames say: black, frozen, too dark or bright, or fine.
export function verdict(lumas, differences) {
  if (!lumas.length) return { status: "failed", detail: null };
  const hint = lightingHint(lumas.reduce((a, b) => a + b, 0) / lumas.length);
  if (hint === "black") return { status: "warning", detail: "black" };
  if (isFrozen(differences)) return { status: "warning", detail: "frozen" };
  if (hint !== "ok") return { status: "warning", detail: hint };
  return { status: "ok", detail: null };
}
