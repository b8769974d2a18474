// Speakers or headphones: a short chime made by the page (Web Audio, no sound file), then the
// customer says whether they heard it. Runs before the microphone check: on some phones sound
// moves to the earpiece once the microphone is open.
import CheckSection from "./check-section.mjs";
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export function playChime(context, destination = context.destination) {
  // Three rising notes, about a second and a half, soft start and end (no click).
  const start = context.currentTime + 0.05;
  [523.25, 659.25, 783.99].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const at = start + index * 0.45;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.04);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.42);
    oscillator.connect(gain).connect(destination);
    oscillator.start(at);
    oscillator.stop(at + 0.45);
  });
  return start + 3 * 0.45;
}

export default class SpeakerCheck {
  constructor(element, onResult) {
    this.section = new CheckSection(element);
    this.onResult = onResult;
    this.context = null;
  }

  start() {
    const s = this.section;
    s.part("play").addEventListener("click", () => this.play());
    s.part("heard").addEventListener("click", () => this.finish("ok"));
    s.part("not-heard").addEventListener("click", () => this.finish("not-heard"));
    s.part("skip").addEventListener("click", () => this.finish("skipped"));
    s.part("output")?.addEventListener("change", () => this.play());
    s.setState("ready");
  }

  async outputs() {
    if (!("setSinkId" in AudioContext.prototype) || !navigator.mediaDevices?.enumerateDevices) return [];
    const devices = await withDeadline(navigator.mediaDevices.enumerateDevices(),
      deadlineMs("enumerateDevices"), "enumerateDevices");
    return devices.filter((device) => device.kind === "audiooutput" && device.label);
  }

  async play() {
    const s = this.section;
    if (typeof AudioContext === "undefined") return this.finish("unsupported");
    try {
      this.context ??= new AudioContext();
      // Without a working sound output (no speakers, no sound server) resume() may never
      // settle: after its deadline the check ends, and says what to look at.
      await withDeadline(this.context.resume(), deadlineMs("resume"), "AudioContext.resume");
      const chosen = s.part("output")?.value;
      if (chosen && this.context.setSinkId) {
        await withDeadline(this.context.setSinkId(chosen), deadlineMs("setSinkId"), "setSinkId");
      }
      playChime(this.context);
      s.setState("playing");
      s.show("answer");
    } catch (error) {
      console.warn("the test sound did not play", error);
      // A context that failed once may stay stuck: the next try starts a new one.
      this.stop();
      this.finish("unsupported", "no-sound");
    }
  }

  async offerOutputs() {
    // Called once the microphone is allowed: only then do outputs have names to choose by.
    const select = this.section.part("output");
    if (!select) return;
    const outputs = await this.outputs().catch(() => []);
    if (outputs.length > 1) {
      select.replaceChildren(...outputs.map((d) => new Option(d.label, d.deviceId)));
      this.section.show("output-field");
      this.section.show("volume-hint", false);
    }
  }

  chosenOutput() {
    // The output chosen under "Sound comes from", where the browser offers a choice.
    const field = this.section.part("output-field");
    return field && !field.hidden ? this.section.part("output")?.value ?? "" : "";
  }

  playInstead() {
    // "I can't speak now" in Hear yourself: the test sound plays, and the question whether it
    // was heard takes the focus, since the pressed button is in another section.
    this.play().then(() => {
      if (!this.section.part("answer").hidden) this.section.part("heard").focus();
    });
  }

  confirmHeard() {
    // The customer heard their own voice played back: the speakers work.
    this.section.show("answer", false);
    this.section.setState("ok", "status-ok");
    this.onResult("speaker", {
      status: "ok",
      output_selectable: typeof AudioContext !== "undefined" && "setSinkId" in AudioContext.prototype,
    });
  }

  finish(status, detail = null) {
    // "I heard it" and "I did not hear it" hide themselves: the focus goes to the result.
    const answered = this.section.part("answer").contains(document.activeElement);
    this.section.show("answer", false);
    this.section.setState(status, detail ? `detail-${detail}` : `status-${status}`);
    if (answered) this.section.focusResult();
    this.onResult("speaker", {
      status,
      output_selectable: typeof AudioContext !== "undefined" && "setSinkId" in AudioContext.prototype,
    });
  }

  stop() {
    this.context?.close().catch(() => {});
    this.context = null;
  }
}
