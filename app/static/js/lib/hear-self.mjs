// "Hear yourself": record a few seconds of the customer's voice, play them back, and ask whether
// they heard it. The recording lives only in this page's memory: it is never stored, sent or
// given a URL that outlives its playback, and it is dropped when the check ends. The browser's
// constructors are passed in (or read from globalThis), so node tests drive every path.
//
// States: idle → recording → playing → asking → heard | not-heard; any step may end in failed,
// and idle is where a stopped or interrupted run goes back to.
import { deadlineMs, pause, withDeadline } from "./deadline.mjs";

// Long enough to say one's name and a few words, short enough not to wait for: with playback
// the check takes about twice this.
export const RECORD_MS = 4000;

export const STATES = Object.freeze(["idle", "recording", "playing", "asking", "heard", "not-heard", "failed"]);
const NEXT = Object.freeze({
  idle: ["recording"],
  recording: ["playing", "failed", "idle"],
  playing: ["asking", "failed", "idle"],
  asking: ["heard", "not-heard", "idle"],
  heard: ["recording", "idle"],
  "not-heard": ["recording", "idle"],
  failed: ["recording", "idle"],
});

export function canMove(from, to) {
  return NEXT[from]?.includes(to) ?? false;
}

// In order of preference: Chrome, Edge and Firefox record WebM/Opus; Safari records MP4 (AAC);
// older Firefox only Ogg. The first the browser says it records is asked for; none known
// leaves the choice to the browser.
export const MIME_TYPES = Object.freeze([
  "audio/webm;codecs=opus", "audio/webm", "audio/mp4", "audio/ogg;codecs=opus", "audio/ogg",
]);

export function chooseMimeType(Recorder) {
  if (typeof Recorder?.isTypeSupported !== "function") return "";
  return MIME_TYPES.find((type) => {
    try {
      return Recorder.isTypeSupported(type);
    } catch {
      return false;
    }
  }) ?? "";
}

// How this browser can record: MediaRecorder, or Web Audio's ScriptProcessor where
// MediaRecorder is missing (older Safari, some in-app browsers), or not at all.
// context: the AudioContext at hand, if one is.
export function captureMethod(env = globalThis, context = null) {
  if (typeof env.MediaRecorder === "function") return "media-recorder";
  if (typeof context?.createScriptProcessor === "function") return "web-audio";
  const Context = env.AudioContext ?? env.webkitAudioContext;
  if (typeof Context === "function" && typeof Context.prototype?.createScriptProcessor === "function") {
    return "web-audio";
  }
  return null;
}

// Whole seconds left of the recording, for the countdown people read: 4, 3, 2, 1, 0.
export function secondsLeft(elapsedMs, totalMs = RECORD_MS) {
  return Math.max(0, Math.ceil((totalMs - Math.max(0, elapsedMs)) / 1000));
}

// Web Audio's blocks of samples, end to end.
export function joinChunks(chunks) {
  const joined = new Float32Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

// Records ms of stream with MediaRecorder; resolves with the recording as a Blob. Starting and
// stopping each have a deadline; on any failure or abort the recorder stops and what it
// recorded is let go.
export async function recordWithMediaRecorder(stream, { Recorder = globalThis.MediaRecorder, ms = RECORD_MS,
  signal = null } = {}) {
  const mimeType = chooseMimeType(Recorder);
  const recorder = new Recorder(stream, mimeType ? { mimeType } : {});
  let chunks = [];
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data?.size) chunks.push(event.data);
  });
  const failed = new Promise((_, reject) => {
    recorder.addEventListener("error", (event) => reject(event.error ?? new Error("the recorder failed")));
  });
  failed.catch(() => {});
  const started = new Promise((resolve) => recorder.addEventListener("start", resolve, { once: true }));
  const stopped = new Promise((resolve) => recorder.addEventListener("stop", resolve, { once: true }));
  try {
    recorder.start();
    await withDeadline(Promise.race([started, failed]), deadlineMs("recorderStart"), "MediaRecorder.start", { signal });
    await Promise.race([pause(ms, signal), failed]);
    recorder.stop();
    await withDeadline(Promise.race([stopped, failed]), deadlineMs("recorderStop"), "MediaRecorder.stop", { signal });
    if (!chunks.length) throw new Error("the recorder gave no sound");
    return new Blob(chunks, { type: recorder.mimeType || mimeType || chunks[0].type });
  } catch (error) {
    if (recorder.state !== "inactive") {
      try {
        recorder.stop();
      } catch {
        // Already stopping: nothing more to end.
      }
    }
    throw error;
  } finally {
    chunks = [];
  }
}

// Records ms of stream through Web Audio (no MediaRecorder here): the samples go into Float32
// blocks and come back as an AudioBuffer of the context's rate. The processor must reach the
// destination to run; it goes through a silent gain, so nothing is heard while recording.
export async function recordWithWebAudio(stream, context, { ms = RECORD_MS, signal = null } = {}) {
  const source = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(4096, 1, 1);
  const silent = context.createGain();
  silent.gain.value = 0;
  let chunks = [];
  processor.onaudioprocess = (event) => chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
  source.connect(processor);
  processor.connect(silent);
  silent.connect(context.destination);
  try {
    await pause(ms, signal);
    // A context that never ran (no sound device) captured nothing: that is a failure, not
    // a silent recording to ask about.
    if (!chunks.length) throw new Error("Web Audio captured no sound");
    const samples = joinChunks(chunks);
    const buffer = context.createBuffer(1, samples.length, context.sampleRate);
    buffer.getChannelData(0).set(samples);
    return buffer;
  } finally {
    processor.onaudioprocess = null;
    for (const node of [source, processor, silent]) node.disconnect?.();
    chunks = [];
  }
}

// A MediaRecorder recording as an AudioBuffer, decoded in memory (no URL at all). The callback
// form works in old Safari too, where decodeAudioData returns no promise.
export async function decodeRecording(context, blob) {
  const bytes = await withDeadline(blob.arrayBuffer(), deadlineMs("decode"), "Blob.arrayBuffer");
  return withDeadline(new Promise((resolve, reject) => {
    const promise = context.decodeAudioData(bytes, resolve, reject);
    promise?.catch?.(reject);
  }), deadlineMs("decode"), "decodeAudioData");
}

// Plays buffer through context (whose output, setSinkId, the caller has chosen). A device
// without sound output may never end it: the deadline is the buffer's length and a margin.
export async function playBuffer(context, buffer, { signal = null } = {}) {
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(context.destination);
  const ended = new Promise((resolve) => {
    source.onended = resolve;
  });
  try {
    source.start();
    await withDeadline(ended, buffer.duration * 1000 + deadlineMs("playback"), "playback", { signal });
  } finally {
    source.onended = null;
    try {
      source.stop();
    } catch {
      // Already ended.
    }
    source.disconnect?.();
  }
}

// Where a recording cannot be decoded in memory, an <audio> element plays it from a blob URL
// that is revoked as soon as playback ends, however it ends. play() may never settle and
// "ended" never come on a device without sound output: both have deadlines.
export async function playInElement(blob, audio, { urls = globalThis.URL, sinkId = "", ms = RECORD_MS,
  signal = null } = {}) {
  const url = urls.createObjectURL(blob);
  try {
    if (sinkId && typeof audio.setSinkId === "function") {
      await withDeadline(audio.setSinkId(sinkId), deadlineMs("setSinkId"), "HTMLMediaElement.setSinkId", { signal });
    }
    const ended = new Promise((resolve, reject) => {
      audio.onended = resolve;
      audio.onerror = () => reject(new Error("the recording could not be played"));
    });
    ended.catch(() => {});
    audio.src = url;
    await withDeadline(audio.play(), deadlineMs("play"), "HTMLMediaElement.play", { signal });
    await withDeadline(ended, ms + deadlineMs("playback"), "playback", { signal });
  } finally {
    audio.onended = null;
    audio.onerror = null;
    audio.pause?.();
    audio.removeAttribute?.("src");
    audio.load?.();
    urls.revokeObjectURL(url);
  }
}

// One run of the check, from recording to the answer. onState(state, detail) tells the page
// each move; the page shows the level meter and countdown while "recording". What was
// recorded is held here and nowhere else, and drop() lets it go.
export class HearSelf {
  constructor({ env = globalThis, onState = () => {}, ms = RECORD_MS } = {}) {
    this.env = env;
    this.onState = onState;
    this.ms = ms;
    this.state = "idle";
    this.recording = null;
    this.controller = null;
  }

  move(to, detail = null) {
    if (!canMove(this.state, to)) throw new Error(`hear-self cannot go from ${this.state} to ${to}`);
    this.state = to;
    this.onState(to, detail);
  }

  // stream: the microphone; context: a running AudioContext (made during the press, for
  // Safari); release(): turns the microphone off before playback (phones move the sound to
  // the earpiece while it is on). Ends in "asking", or in "failed" with a detail:
  // "no-recording" or "no-sound". A stop() on the way ends it in "idle", silently.
  async run({ stream, context, release = () => {}, createAudio = null, sinkId = "" }) {
    this.drop();
    const controller = new this.env.AbortController();
    this.controller = controller;
    const { signal } = controller;
    this.move("recording");
    const method = captureMethod(this.env, context);
    try {
      this.recording = method === "media-recorder"
        ? await recordWithMediaRecorder(stream, { Recorder: this.env.MediaRecorder, ms: this.ms, signal })
        : method === "web-audio" ? await recordWithWebAudio(stream, context, { ms: this.ms, signal })
          : null;
      if (!this.recording) throw new Error("this browser cannot record");
    } catch (error) {
      release();
      return this.fail(signal, error, "no-recording");
    }
    release();
    this.move("playing");
    try {
      await this.play(context, createAudio, sinkId, signal);
    } catch (error) {
      return this.fail(signal, error, "no-sound");
    }
    if (signal.aborted) return this.state;
    this.move("asking");
    return this.state;
  }

  async play(context, createAudio, sinkId, signal) {
    let buffer = this.recording;
    if (!isAudioBuffer(buffer)) {
      try {
        buffer = await decodeRecording(context, this.recording);
      } catch (error) {
        // Not decodable in memory here: an <audio> element plays the file itself.
        if (!createAudio || signal.aborted) throw error;
        return playInElement(this.recording, createAudio(), { urls: this.env.URL, sinkId, ms: this.ms, signal });
      }
    }
    if (signal.aborted) throw signal.reason;
    return playBuffer(context, buffer, { signal });
  }

  fail(signal, error, detail) {
    const stopped = signal.aborted;
    this.drop();
    if (stopped) return this.state;
    console.warn("hear yourself: the check failed", error);
    this.move("failed", detail);
    return this.state;
  }

  // The customer's answer to "Did you hear your own voice?". The recording is dropped either
  // way: a new try records anew.
  answer(heard) {
    this.move(heard ? "heard" : "not-heard");
    this.drop();
    return this.state;
  }

  // Stops a run under way and lets the recording go.
  stop() {
    const running = this.state !== "idle";
    this.drop();
    if (running && canMove(this.state, "idle")) this.move("idle");
  }

  drop() {
    this.controller?.abort(new DOMException("The check was stopped", "AbortError"));
    this.controller = null;
    this.recording = null;
  }
}

function isAudioBuffer(value) {
  return typeof value?.getChannelData === "function";
}
