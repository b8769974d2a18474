// Hear yourself: the microphone and the speakers checked together, in the way people understand
// best. Record a few seconds (level meter and countdown on show), play them back on the chosen
// output, ask "Did you hear your own voice?". Yes settles both; No gives advice and another
// try. "I can't speak now" runs the speaker check's test sound instead. The recording stays in
// lib/hear-self.mjs's memory and is dropped when the check ends or the page is hidden.
import MediaCheck from "./media-check.mjs";
import { levelReader, meterValue } from "./microphone-check.mjs";
import { HearSelf, RECORD_MS, secondsLeft } from "./lib/hear-self.mjs";
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

const RUNNING = new Set(["checking", "recording", "playing", "asking"]);

export default class HearSelfCheck extends MediaCheck {
  constructor(element, onResult, context) {
    super(element, onResult, context, { kind: "microphone", constraint: "audio", deviceKind: "audioinput" });
    this.audio = null;
    this.frame = null;
    this.session = null;
  }

  start() {
    const s = this.section;
    s.part("run").addEventListener("click", () => this.run());
    s.part("retry").addEventListener("click", () => this.run());
    s.part("yes").addEventListener("click", () => this.answer(true));
    s.part("no").addEventListener("click", () => this.answer(false));
    s.part("cannot-speak").addEventListener("click", () => {
      this.stop();
      this.section.setState("ready");
      this.showParts({ answer: false, advice: false });
      s.showAgain(false);
      this.context.playTestSound?.();
    });
    s.part("device").addEventListener("change", (event) => {
      this.deviceId = event.target.value;
      this.run();
    });
    s.setState("ready");
    this.watchDevices();
  }

  prepare() {
    // Safari starts audio only in answer to a press: the context that records, meters and
    // plays back is made now, while "Record and listen" is handled (see microphone-check.mjs).
    this.showParts({ answer: false, advice: false });
    try {
      this.audio = new AudioContext();
      this.audio.resume().catch(() => {});
    } catch {
      this.audio = null;
    }
  }

  async use(stream, ended) {
    await this.listDevices();
    if (ended()) return;
    this.context.onMicrophoneAllowed?.();
    const audio = this.audio;
    if (!audio) return this.fail("no-recording");
    try {
      await withDeadline(audio.resume(), deadlineMs("resume"), "AudioContext.resume");
      const sinkId = this.context.chosenOutput?.() ?? "";
      if (sinkId && typeof audio.setSinkId === "function") {
        await withDeadline(audio.setSinkId(sinkId), deadlineMs("setSinkId"), "setSinkId");
      }
    } catch (error) {
      console.warn("hear yourself: no sound here", error);
      return ended() ? undefined : this.fail("no-sound");
    }
    if (ended()) return;
    this.session = new HearSelf({ onState: (state, detail) => this.onState(state, detail) });
    this.meter(stream, audio);
    await this.session.run({
      stream, context: audio,
      // The microphone goes off before playback: phones move the sound to the earpiece while
      // it is on, and nothing should keep listening.
      release: () => this.quiet(),
      createAudio: () => new Audio(),
      sinkId: this.context.chosenOutput?.() ?? "",
    });
  }

  meter(stream, audio) {
    // The level meter and the countdown while recording: the count is for the eyes (a
    // <progress> and a number); screen readers hear the status line once at the start and once
    // at the end, not every second.
    const s = this.section;
    const readLevel = levelReader(audio, stream);
    const level = s.part("meter");
    const progress = s.part("progress");
    const left = s.part("left");
    const began = performance.now();
    let shown = null;
    const tick = (now) => {
      if (this.session?.state !== "recording") return;
      level.value = meterValue(readLevel());
      const elapsed = now - began;
      progress.value = Math.min(RECORD_MS, elapsed) / 1000;
      const seconds = secondsLeft(elapsed);
      if (seconds !== shown) left.textContent = s.text("seconds-left").replace("{number}", String(seconds));
      shown = seconds;
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  onState(state, detail) {
    const s = this.section;
    const recording = state === "recording";
    s.show("meter-field", recording);
    s.show("countdown-field", recording);
    if (recording) {
      s.part("progress").value = 0;
      s.part("left").textContent = s.text("seconds-left").replace("{number}", String(secondsLeft(0)));
      // The pressed button hides while recording: the focus goes to the status line, and from
      // there the next Tab reaches "Yes" once the question comes.
      const pressed = [s.part("run"), s.part("retry")].includes(document.activeElement);
      s.show("run", false);
      s.show("retry", false);
      if (pressed) s.focusResult();
    }
    if (state === "failed") return this.fail(detail);
    if (state === "asking") {
      // The status line asks the question (said once); "Yes" and "No" come right after it.
      s.setState("asking");
      this.showParts({ answer: true });
      return;
    }
    if (recording || state === "playing") s.setState(state);
  }

  answer(heard) {
    if (this.session?.state !== "asking") return;
    this.session.answer(heard);
    this.stop();
    const s = this.section;
    const answered = s.part("answer").contains(document.activeElement);
    this.showParts({ answer: false, advice: !heard });
    s.setState(heard ? "heard" : "not-heard");
    s.showAgain(!heard);
    if (answered) s.focusResult();
    if (heard) this.context.onHeardSelf?.({ devices: this.devices });
  }

  fail(detail) {
    // The recording or its playback did not work: say what to look at, offer another try and
    // the test sound. Which of microphone and speakers failed is not known, so neither is
    // reported; their own checks below can tell.
    this.stop();
    const s = this.section;
    this.showParts({ answer: false, advice: false });
    s.setState("failed", `detail-${detail}`);
    s.showAgain(true);
  }

  finish(status, detail = null) {
    // Only getUserMedia's answers come here (blocked, in use, not found, no answer…): they are
    // the microphone's, and reported as its result.
    super.finish(status, detail);
    this.showParts({ answer: false, advice: false });
  }

  interrupt() {
    // The page was hidden while recording, playing or asking: the recording is dropped, the
    // microphone goes off, and the check says why.
    if (!RUNNING.has(this.section.element.dataset.state)) return;
    this.stop();
    this.showParts({ answer: false, advice: false });
    this.section.setState("interrupted");
    this.section.showAgain(true);
  }

  showParts(parts) {
    for (const [hook, visible] of Object.entries(parts)) this.section.show(hook, visible);
  }

  quiet() {
    // The microphone off, the meter stopped; the context stays for playback.
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
  }

  release() {
    this.quiet();
    this.session?.stop();
    this.session = null;
    this.section.show("meter-field", false);
    this.section.show("countdown-field", false);
    this.audio?.close().catch(() => {});
    this.audio = null;
  }
}
