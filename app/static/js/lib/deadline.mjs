// Every step of a check that waits on the browser ends within a bounded time: a browser with no
// sound server never settles AudioContext.resume(), a hung network never answers a fetch. A
// step that runs out of time rejects with a DeadlineError (name "TimeoutError", as
// AbortSignal.timeout's), and the check says what to do instead of waiting for ever.

// How long each kind of step may take, in milliseconds, and why so long.
export const DEADLINES_MS = Object.freeze({
  // Starting audio after a click takes milliseconds where there is a sound device, up to a
  // second or two on an old phone or a Bluetooth headset waking up: 5 s misjudges none of
  // them, and a person without sound waits only a moment for the advice.
  resume: 5000,
  // Choosing an output is immediate where the device exists.
  setSinkId: 5000,
  // A <video> of a live camera starts at once; a stuck one must not hold the camera check.
  play: 5000,
  // Listing devices reads the system's list: instant on every browser we know.
  enumerateDevices: 5000,
  // A person answers the camera or microphone prompt: give them time to read it, but not for ever.
  getUserMedia: 60000,
  // The Permissions API only reads a setting.
  permissionsQuery: 3000,
  // One ping to this server: far above any round trip a video call could live with.
  ping: 5000,
  // One download or upload of the connection check (at most 1 MiB): 128 KiB in 30 s is
  // 35 kbit/s, a quarter of what video needs at least, so a transfer that takes longer is poor
  // anyway.
  transfer: 30000,
  // A JSON request to this server (the passkey ceremony's posts); a staff dashboard poll tries
  // again sooner, as the next poll would.
  request: 30000,
  poll: 10000,
  // A media round trip finding its way to the TURN relay: ICE tries UDP, then TCP (and TLS),
  // each with its own retries; 15 s lets a slow TCP fallback through.
  relay: 15000,
  // Hear yourself (lib/hear-self.mjs): a MediaRecorder starts and stops at once, and
  // decoding a few seconds of sound takes milliseconds; a stuck one must not hold the check.
  recorderStart: 5000,
  recorderStop: 5000,
  decode: 5000,
  // Playing the recording back takes its own length; "ended" may never come on a device
  // without sound output, so this much more is allowed before the check says so.
  playback: 5000,
  // Writing to the clipboard may ask the person first (Firefox, Safari).
  clipboard: 5000,
});

// Tests (node, or an e2e init script before the page loads) may set
// globalThis.ValmisTestSettings = { deadlines: { resume: 100, … }, connectionLimits: { … } }
// so that they need not wait for the real deadlines, nor depend on the machine's speed.
export function testSetting(name) {
  return globalThis.ValmisTestSettings?.[name];
}

// The deadline of one kind of step (a key of DEADLINES_MS), as set for tests or the default.
export function deadlineMs(step) {
  const overridden = testSetting("deadlines")?.[step];
  return Number.isFinite(overridden) ? overridden : DEADLINES_MS[step];
}

export class DeadlineError extends Error {
  // What ran out of time ("AudioContext.resume"), for the console; never shown to a person.
  constructor(label, ms) {
    super(`${label} did not finish within ${ms} ms`);
    this.name = "TimeoutError";
    this.label = label;
  }
}

// True for a DeadlineError and for a fetch aborted by AbortSignal.timeout.
export function isTimeout(error) {
  return error?.name === "TimeoutError";
}

// Settles as work does, or rejects with a DeadlineError after ms. work is a promise, or a
// function given an AbortSignal that aborts at the deadline (and when options.signal aborts),
// for fetch. options.onLate(value) is called with what work brings after the deadline (a
// camera stream that came too late is stopped there), and options.signal, when aborted, rejects
// at once with its reason.
export function withDeadline(work, ms, label, { signal = null, onLate = null } = {}) {
  const controller = new AbortController();
  let timer = null;
  let over = false;
  const end = () => {
    over = true;
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  };
  let onAbort = () => {};
  const raced = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(label, ms);
      end();
      controller.abort(error);
      reject(error);
    }, ms);
    onAbort = () => {
      const reason = signal.reason ?? new DOMException("Aborted", "AbortError");
      end();
      controller.abort(reason);
      reject(reason);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort);
    let promise;
    try {
      promise = Promise.resolve(typeof work === "function" ? work(controller.signal) : work);
    } catch (error) {
      end();
      return reject(error);
    }
    promise.then(
      (value) => {
        if (over) {
          try {
            onLate?.(value);
          } catch {
            // Cleaning up after a late answer is best effort: the check has already ended.
          }
          return;
        }
        end();
        resolve(value);
      },
      (error) => {
        if (over) return;
        end();
        reject(error);
      },
    );
  });
  return raced;
}

// Waits ms, or rejects as soon as signal aborts (at once when it already has): the check was
// stopped or the page hidden. The one abortable wait of the checks.
export function pause(ms, signal = null) {
  return new Promise((resolve, reject) => {
    const stopped = () => reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    if (signal?.aborted) return stopped();
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      stopped();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
