// Microphone: ask permission, show a live level meter, and pass once speech-level sound has
// been heard for a moment. The meter's state is also said in words, for screen readers.
import MediaCheck from "./media-check.mjs";
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

const SPEECH_LEVEL = 0.02; // RMS of normal speech at arm's length is well above this
const NEEDED_MS = 400;
const GIVE_UP_MS = 12000;

export function rms(samples) {
  let sum = 0;
  for (const value of samples) sum += value * value;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

// Listens to stream through audio and answers a function that reads its level now (the RMS of
// the latest samples); both the microphone check and Hear yourself draw their meters from it.
export function levelReader(audio, stream) {
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return () => {
    analyser.getFloatTimeDomainData(samples);
    return rms(samples);
  };
}

// A level as the <meter> shows it: speech sits around 0.02-0.1, so ten times, at most 1.
export const meterValue = (level) => Math.min(1, level * 10);

export default class MicrophoneCheck extends MediaCheck {
  constructor(element, onResult, context) {
    super(element, onResult, context, { kind: "microphone", constraint: "audio", deviceKind: "audioinput" });
    this.audio = null;
    this.frame = null;
  }

  prepare() {
    // Safari (iPhone, iPad, Mac) starts audio only in answer to a tap or click. WebKit 2.50
    // also lets a page that is capturing start it (the e2e iPhone case passes either way),
    // but no engine promises that allowance: the context that listens is made and
    // started now, while the press that began the check is handled, not after the permission
    // prompt. listen() waits for it with a deadline.
    try {
      this.audio = new AudioContext();
      this.audio.resume().catch(() => {});
    } catch {
      this.audio = null; // no Web Audio here: listen() tries again and says what went wrong
    }
  }

  async use(stream, ended) {
    await this.listDevices();
    if (ended()) return;
    this.context.onMicrophoneAllowed?.();
    try {
      this.listen(stream);
    } catch (error) {
      // No Web Audio to listen with (no sound device at all): nothing more to wait for.
      console.warn("the microphone could not be listened to", error);
      this.finish("failed", "no-audio");
    }
  }

  listen(stream) {
    const s = this.section;
    this.audio ??= new AudioContext();
    const readLevel = levelReader(this.audio, stream);
    s.show("meter-field");
    const meter = s.part("meter");
    s.setState("listening");
    let heardMs = 0;
    let last = performance.now();
    const began = last;
    const tick = (now) => {
      const level = readLevel();
      meter.value = meterValue(level);
      if (level >= SPEECH_LEVEL) {
        heardMs += now - last;
        if (s.element.dataset.state !== "hearing") s.setState("hearing");
      }
      last = now;
      if (heardMs >= NEEDED_MS) return this.finish("ok");
      if (now - began > GIVE_UP_MS) return this.finish("warning", "silent");
      this.frame = requestAnimationFrame(tick);
    };
    const audio = this.audio;
    // Without a working sound device resume() may never settle; the give-up timer above starts
    // only once it has, so the deadline here is what ends the check then.
    withDeadline(audio.resume(), deadlineMs("resume"), "AudioContext.resume").then(
      () => {
        if (this.audio === audio) this.frame = requestAnimationFrame(tick);
      },
      (error) => {
        console.warn("the microphone could not be listened to", error);
        if (this.audio === audio) this.finish("failed", "no-audio");
      },
    );
  }

  confirmHeard(devices) {
    // The customer heard their own voice in Hear yourself: the microphone works. A run of
    // this check under way ends with that result.
    if (this.devices === null || this.devices === undefined) this.devices = devices;
    this.finish("ok");
  }

  release() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.audio?.close().catch(() => {});
    this.audio = null;
  }
}
